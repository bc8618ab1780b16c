// The stage rows follow the document without a browser (issue 12; DESIGN "Live collaboration";
// 20261130120100_template_freshness.sql). An editor stores an update and its tab dies before it
// asks the materialiser to fold it: enrolments are refused while the rows lag, and the
// materialiser's cron job (its own statement, run here instead of waiting for the schedule)
// folds the update through pg_net and `sequence-doc`, after which the rows and new enrolments
// carry the edit.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, stagesMap } from '../../supabase/functions/_shared/collab/doc.ts';
import { closeDb, createCandidate, createMember, createOrg, createSequence, db } from './helpers/factories.ts';
import { expectSchedulerOnly, waitFor } from './helpers/sending.ts';

/** The real job stays off while a test decides when the scheduled fold runs. */
async function setJobActive(active: boolean): Promise<void> {
  await db().query(
    `select cron.alter_job(jobid, active := $1) from cron.job where jobname = 'materialise-sequence-docs'`,
    [active],
  );
}

beforeAll(async () => {
  await setJobActive(false);
});
afterAll(async () => {
  await setJobActive(true);
  await closeDb();
});

function hex(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes).toString('hex')}`;
}

async function subjectsOf(sequenceId: string): Promise<string[]> {
  const r = await db().query(`select subject from public.sequence_stages where sequence_id = $1 order by position`, [
    sequenceId,
  ]);
  return r.rows.map((x) => x.subject as string);
}

describe('materialisation without a browser', () => {
  it('folds an update no client materialised, and refuses enrolments from the stale rows meanwhile', async () => {
    const org = await createOrg();
    const editor = await createMember(org);
    const seq = await createSequence(org, editor, { stages: [{ subject: 'Before', delayDays: 0 }] });

    // The editor opens the sequence: the materialiser makes the first snapshot from the rows.
    const opened = await editor.client.functions.invoke('sequence-doc', { body: { sequence_id: seq.id } });
    expect(opened.error).toBeNull();
    const { data: stored, error: loadError } = await editor.client.rpc('load_sequence_doc', { sequence_id: seq.id });
    expect(loadError).toBeNull();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, fromBase64((stored as { snapshot: string }).snapshot));

    // It edits the subject and stores the update; then its tab dies (nobody asks for the fold).
    const before = Y.encodeStateVector(doc);
    const subject = [...stagesMap(doc).values()][0]!.get('subject') as Y.Text;
    doc.transact(() => {
      subject.delete(0, subject.length);
      subject.insert(0, 'After the tab died');
    });
    const { error: appendError } = await editor.client
      .from('sequence_doc_updates')
      .insert({ sequence_id: seq.id, update: hex(Y.encodeStateAsUpdate(doc, before)) });
    expect(appendError).toBeNull();
    expect(await subjectsOf(seq.id)).toEqual(['Before']);

    // Once the update is older than the editor's own fold would ever take, enrolling is refused.
    await waitFor(
      async () =>
        (
          await db().query(
            `select bool_and(created_at < now() - interval '5 seconds') as old from public.sequence_doc_updates where sequence_id = $1`,
            [seq.id],
          )
        ).rows[0].old,
      15_000,
      'the update to be older than 5 seconds',
    );
    const cand = await createCandidate(org);
    const refused = await editor.client.rpc('enroll_candidates', { sequence_id: seq.id, candidate_ids: [cand.id] });
    expect(refused.error?.message).toBe('sequence_saving');
    expect(refused.error?.details).toBe(
      'The latest edits of this sequence are still being saved. Try again in a few seconds.',
    );

    // The cron job's statement: pg_net posts to sequence-doc with the scheduler's secret.
    const job = await db().query(`select command from cron.job where jobname = 'materialise-sequence-docs'`);
    await db().query(job.rows[0].command);
    await waitFor(
      async () => (await subjectsOf(seq.id))[0] === 'After the tab died',
      30_000,
      'the stage rows to follow the document',
    );
    const left = await db().query(`select count(*)::int as n from public.sequence_doc_updates where sequence_id = $1`, [
      seq.id,
    ]);
    expect(left.rows[0].n).toBe(0);

    const { data: enrolled, error } = await editor.client.rpc('enroll_candidates', {
      sequence_id: seq.id,
      candidate_ids: [cand.id],
    });
    expect(error).toBeNull();
    const enrolmentId = (enrolled as { enrollment_id: string }[])[0]!.enrollment_id;
    const copied = await db().query(`select subject from public.enrollment_stages where enrollment_id = $1`, [
      enrolmentId,
    ]);
    expect(copied.rows.map((r) => r.subject)).toEqual(['After the tab died']);
  }, 60_000);

  it('runs the scheduled fold only for the scheduler', () => expectSchedulerOnly('sequence-doc'));
});
