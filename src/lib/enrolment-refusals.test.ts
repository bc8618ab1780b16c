import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REASON_TEXT, reasonText } from './enrolment-refusals';

const MIGRATIONS = fileURLToPath(new URL('../../supabase/migrations', import.meta.url));

/** Every refusal code the enrolment functions answer with (`reason := '…'`). */
function reasonCodes(): Set<string> {
  const codes = new Set<string>();
  for (const file of fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'))) {
    const sql = fs.readFileSync(path.join(MIGRATIONS, file), 'utf8');
    for (const m of sql.matchAll(/\breason := '([a-z_]+)'/g)) codes.add(m[1]!);
  }
  return codes;
}

describe('enrolment refusals', () => {
  it('have a recruiter-readable text for every reason code the database answers with', () => {
    const codes = [...reasonCodes()];
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((c) => !(c in REASON_TEXT))).toEqual([]);
  });

  it("show the database's own detail first, the code's text without one", () => {
    expect(reasonText('not_draft', 'Only drafts can be started; this enrolment is running.')).toBe(
      'Only drafts can be started; this enrolment is running.',
    );
    expect(reasonText('not_draft', null)).toBe('The enrolment has already started.');
    expect(reasonText(null, null)).toBe('Refused.');
  });
});
