// The committed src/lib/database.types.ts must match the schema the migrations build: the SPA's
// typed client is only as right as these types. `npm test` runs `gen:types --check` right after
// the test stack starts, before any suite adds fixture tables to public (scripts/test-runner.js);
// this suite checks that the check itself notices a schema change.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from 'local-supabase';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const dbUrl = process.env['DB_URL'];

describe('generated database types', () => {
  it('the check fails with a diff summary when the schema changes', async () => {
    // A scratch database cloned from the stack's, with one extra column, must be reported stale.
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: dbUrl });
    await admin.connect();
    const scratch = `types_check_${process.pid}`;
    try {
      await admin.query(`drop database if exists ${scratch}`);
      await admin.query(`create database ${scratch}`);
      const url = new URL(dbUrl!);
      url.pathname = `/${scratch}`;
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      await db.query('create table public.only_here (id int primary key)');
      await db.end();
      const result = await run(process.execPath, [path.join(PACKAGE_DIR, 'gen-types.js'), '--check'], {
        cwd: root,
        env: { ...process.env, DB_URL: url.toString() },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 0, stderr: e.stderr ?? '' }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/is stale .*first difference at line \d+/s);
    } finally {
      await admin.query(`drop database if exists ${scratch} with (force)`);
      await admin.end();
    }
  });
});
