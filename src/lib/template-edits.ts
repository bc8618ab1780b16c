// Template edits made while enrolling (SPEC S3, issue 14: "save these template edits for future
// enrolments"): the changed fields of the template's stages, written into the sequence's Yjs
// document as one update, the way the template editor writes it. The stage rows follow the
// document only through the materialiser (edge function `sequence-doc`), so nothing here
// writes sequence_stages. Pure (a Y.Doc in, an error or null out), so a unit test pins it.
import * as Y from 'yjs';
import { orderedStageEntries, writeBody } from '$shared/collab/doc';
import type { DocNode } from '$shared/email/index.ts';

/** One template stage's changed fields, by the stage's id (the document's key for it). */
export interface TemplateStageEdit {
  stageId: string;
  subject?: string;
  body?: DocNode;
  delayDays?: number;
  delayHours?: number;
}

/**
 * Applies the edits in one transaction; an edit of a stage the document no longer has (removed
 * by a co-editor meanwhile) refuses them all, in words, and changes nothing.
 */
export function applyTemplateEdits(doc: Y.Doc, edits: readonly TemplateStageEdit[]): string | null {
  const stages = new Map(orderedStageEntries(doc));
  const gone = edits.filter((e) => !stages.has(e.stageId));
  if (gone.length) return 'The template changed meanwhile (a stage was removed): open it in the editor instead.';
  doc.transact(() => {
    for (const e of edits) {
      const stage = stages.get(e.stageId)!;
      if (e.subject !== undefined) {
        let subject = stage.get('subject');
        if (!(subject instanceof Y.Text)) {
          subject = new Y.Text();
          stage.set('subject', subject);
        }
        const text = subject as Y.Text;
        if (text.length) text.delete(0, text.length);
        text.insert(0, e.subject);
      }
      if (e.body !== undefined) {
        let body = stage.get('body');
        if (!(body instanceof Y.XmlFragment)) {
          body = new Y.XmlFragment();
          stage.set('body', body);
        }
        writeBody(body as Y.XmlFragment, e.body);
      }
      if (e.delayDays !== undefined) stage.set('delayDays', e.delayDays);
      if (e.delayHours !== undefined) stage.set('delayHours', e.delayHours);
    }
  });
  return null;
}
