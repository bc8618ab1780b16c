import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docToRows, newStageRow, rowsToDoc } from '$shared/collab/doc';
import { plainDoc } from '$shared/email/test-factories.ts';
import { applyTemplateEdits } from './template-edits';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function template(): Y.Doc {
  const doc = new Y.Doc();
  rowsToDoc(doc, {
    title: 'Outreach',
    stages: [
      { ...newStageRow(A), subject: 'Hello', body: plainDoc('Hi {{candidate.first_name}}') },
      { ...newStageRow(B), subject: 'Again', body: plainDoc('Still there?'), delay_days: 3 },
    ],
  });
  return doc;
}

describe('template edits made while enrolling', () => {
  it('change only the edited fields of the edited stages, as one update a fresh copy can apply', () => {
    const doc = template();
    const stored = Y.encodeStateAsUpdate(doc);
    const sv = Y.encodeStateVector(doc);
    expect(
      applyTemplateEdits(doc, [
        {
          stageId: B,
          subject: 'One more thing',
          body: plainDoc('Hi {{candidate.first_name}}, any news?'),
          delayDays: 5,
        },
      ]),
    ).toBeNull();
    // The stored document (the log) plus the delta alone is the edited template.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, stored);
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc, sv));
    for (const d of [doc, copy]) {
      const rows = docToRows(d).stages;
      expect(rows.map((r) => [r.subject, r.delay_days])).toEqual([
        ['Hello', 0],
        ['One more thing', 5],
      ]);
      expect(rows[1]!.body).toEqual(plainDoc('Hi {{candidate.first_name}}, any news?'));
      expect(rows[0]!.body).toEqual(plainDoc('Hi {{candidate.first_name}}'));
    }
  });

  it('refuses all edits when a stage is gone, changing nothing', () => {
    const doc = template();
    const before = Y.encodeStateAsUpdate(doc);
    expect(
      applyTemplateEdits(doc, [
        { stageId: A, subject: 'Changed' },
        { stageId: '33333333-3333-4333-8333-333333333333', subject: 'Nope' },
      ]),
    ).toMatch(/template changed meanwhile/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });
});
