// The form that edits the unsent stages of live enrolments (S5): one enrolment (Actions → Edit
// sequence), the largest same-batch group of a selection (bulk edit), or the failed ones of a
// previous edit ("Edit failed sequences"). The form starts from one enrolment's own stages; only
// stages still scheduled can change (sent stages never change — the database refuses too), and
// only the fields the user actually changed are sent, so each enrolment keeps its other
// personalisations. The body is edited in the template editor's BodyEditor (formatting, links and
// token chips kept); an unchanged body is never sent (sameDoc).
import type { DetailStage, StageEdit } from '$lib/api/enrollments';
import { isDocEmpty, sameDoc, type DocNode } from '$shared/email/index.ts';

export interface StageField {
  position: number;
  type: DetailStage['type'];
  /** Only stages still scheduled may change. */
  editable: boolean;
  status: DetailStage['status'];
  subject: string;
  body: DocNode;
  delayDays: number;
  delayHours: number;
  readonly original: { subject: string; body: DocNode; delayDays: number; delayHours: number };
}

export class EditStagesForm {
  stages = $state<StageField[]>([]);

  constructor(
    stages: ReadonlyArray<
      Pick<DetailStage, 'position' | 'type' | 'status' | 'subject' | 'body' | 'delayDays' | 'delayHours'>
    >,
  ) {
    this.stages = stages.map((s) => {
      const body = s.body as DocNode;
      return {
        position: s.position,
        type: s.type,
        editable: s.status === 'scheduled',
        status: s.status,
        subject: s.subject,
        body,
        delayDays: s.delayDays,
        delayHours: s.delayHours,
        original: { subject: s.subject, body, delayDays: s.delayDays, delayHours: s.delayHours },
      };
    });
  }

  /** What blocks saving, in words; empty when the form can be saved. */
  problems = $derived.by(() => {
    const out: string[] = [];
    for (const s of this.stages) {
      if (!s.editable) continue;
      const n = s.position + 1;
      if (s.type !== 'linkedin_connection' && s.subject.trim() === '') out.push(`Stage ${n} needs a subject.`);
      if (isDocEmpty(s.body)) out.push(`Stage ${n} needs a body.`);
      if (!Number.isInteger(s.delayDays) || s.delayDays < 0 || s.delayDays > 365) {
        out.push(`Stage ${n}: days must be a whole number from 0 to 365.`);
      }
      if (!Number.isInteger(s.delayHours) || s.delayHours < 0 || s.delayHours > 23) {
        out.push(`Stage ${n}: hours must be a whole number from 0 to 23.`);
      }
    }
    return out;
  });

  /** Only what changed, per stage, as the edit RPCs take it. */
  edits = $derived.by((): StageEdit[] => {
    const out: StageEdit[] = [];
    for (const s of this.stages) {
      if (!s.editable) continue;
      const e: StageEdit = { position: s.position };
      if (s.subject !== s.original.subject) e.subject = s.subject;
      if (!sameDoc(s.body, s.original.body)) e.body = s.body;
      if (s.delayDays !== s.original.delayDays) e.delay_days = s.delayDays;
      if (s.delayHours !== s.original.delayHours) e.delay_hours = s.delayHours;
      if (Object.keys(e).length > 1) out.push(e);
    }
    return out;
  });

  get editableCount(): number {
    return this.stages.filter((s) => s.editable).length;
  }
}
