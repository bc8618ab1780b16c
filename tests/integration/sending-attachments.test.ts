// A stage's attachments go out with its emails (SPEC S2; issue 12 item 1): files in the private
// Storage bucket `sequence-attachments`, copied into each enrolment's stages when it is made,
// downloaded by send-due-stages and sent as the email's attachments, one email per request
// (Resend's batch endpoint takes no attachments). A file that is gone or files too large for one
// email end that enrolment with a readable reason; nothing is sent without its files.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, stagesMap, type Attachment } from '../../supabase/functions/_shared/collab/doc.ts';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  enroll,
  enrollmentOf,
  serviceClient,
  stackEnv,
  stagesOf,
  type Member,
} from './helpers/factories.ts';
import {
  LOCAL_CRON_SECRET,
  expectSchedulerOnly,
  invokeSender,
  messagesTo,
  setCronActive,
  waitFor,
} from './helpers/sending.ts';

const BUCKET = 'sequence-attachments';

/** The real purge job stays off while a test decides when it runs (its statement, run below). */
async function setPurgeJobActive(active: boolean): Promise<void> {
  await db().query(
    `select cron.alter_job(jobid, active := $1) from cron.job where jobname = 'purge-unreferenced-attachments'`,
    [active],
  );
}

beforeAll(async () => {
  await setCronActive(false);
  await setPurgeJobActive(false);
});
afterAll(async () => {
  await setCronActive(true);
  await setPurgeJobActive(true);
  await closeDb();
});

interface StoredAttachment {
  filename: string;
  content: string;
  content_type: string | null;
  size: number;
}

/** A sequence of one due email stage whose template lists `files` (uploaded by the editor unless `upload` is false). */
async function sequenceWithFiles(
  editor: Member,
  org: { id: string; name: string },
  files: { name: string; bytes: Buffer; type: string; listedSize?: number }[],
  upload = true,
): Promise<{ id: string; paths: string[] }> {
  const seq = await createSequence(org, editor, { stages: [{ subject: 'Our brochure', delayDays: 0 }] });
  const stage = await db().query(`select id from public.sequence_stages where sequence_id = $1`, [seq.id]);
  const stageId = stage.rows[0].id as string;
  const list = files.map((f) => ({
    path: `${seq.id}/${stageId}/${f.name}`,
    name: f.name,
    size: f.listedSize ?? f.bytes.length,
    type: f.type,
  }));
  if (upload) {
    for (const [i, f] of files.entries()) {
      const { error } = await editor.client.storage
        .from('sequence-attachments')
        .upload(list[i]!.path, new Blob([new Uint8Array(f.bytes)], { type: f.type }), { contentType: f.type });
      expect(error).toBeNull();
    }
  }
  // What the materialiser writes from the document (the editor's attachment list).
  await db().query(`update public.sequence_stages set attachments = $2 where id = $1`, [stageId, JSON.stringify(list)]);
  return { id: seq.id, paths: list.map((l) => l.path) };
}

describe('send-due-stages sends a stage with attachments', () => {
  it('delivers the files with every email of an enrolment batch', async () => {
    const org = await createOrg();
    const sender = await createMember(org);
    const a = await createCandidate(org, { firstName: 'Ada' });
    const b = await createCandidate(org, { firstName: 'Grace' });
    const pdf = Buffer.from('%PDF-1.4 the role, in detail\n');
    const csv = Buffer.from('salary,equity\n120000,0.1\n');
    const seq = await sequenceWithFiles(sender, org, [
      { name: 'Role brochure.pdf', bytes: pdf, type: 'application/pdf' },
      { name: 'pay.csv', bytes: csv, type: 'text/csv' },
    ]);
    const rows = await enroll(sender, seq.id, [a.id, b.id], true);
    expect(rows.map((r) => r.ok)).toEqual([true, true]);

    const run = await invokeSender({ bearer: LOCAL_CRON_SECRET });
    expect(run.status).toBe(200);

    for (const cand of [a, b]) {
      const [mail] = await messagesTo(cand.email!);
      expect(mail?.subject).toBe('Our brochure');
      const stored = (mail as unknown as { attachments: StoredAttachment[] }).attachments;
      expect(stored.map((f) => [f.filename, f.content_type, f.size])).toEqual([
        ['Role brochure.pdf', 'application/pdf', pdf.length],
        ['pay.csv', 'text/csv', csv.length],
      ]);
      expect(Buffer.from(stored[0]!.content, 'base64').equals(pdf)).toBe(true);
      // The candidate downloads the file from the inbox page, byte for byte.
      const page = await (await fetch(`${stackEnv.mailUrl}/messages/${mail!.id}`)).text();
      expect(page).toContain(`Role brochure.pdf (${pdf.length} bytes)`);
      const download = await fetch(`${stackEnv.mailUrl}/messages/${mail!.id}/attachments/1`);
      expect(Buffer.from(await download.arrayBuffer()).equals(csv)).toBe(true);
    }
    const stages = await stagesOf(rows.map((r) => r.enrollment_id!));
    expect(stages.map((s) => s.status)).toEqual(['sent', 'sent']);
  });

  it('ends the enrolment with a clear reason when a file is gone from Storage, and sends nothing', async () => {
    const org = await createOrg();
    const sender = await createMember(org);
    const cand = await createCandidate(org);
    const seq = await sequenceWithFiles(sender, org, [
      { name: 'offer.pdf', bytes: Buffer.from('%PDF offer'), type: 'application/pdf' },
    ]);
    const [row] = await enroll(sender, seq.id, [cand.id], true);
    // The file is deleted behind the app's back after the enrolment was made (editors cannot
    // while a stage lists it: see "removing a file from the template" below).
    const { data: removed, error } = await serviceClient().storage.from('sequence-attachments').remove(seq.paths);
    expect(error).toBeNull();
    expect(removed?.map((o) => o.name)).toEqual(seq.paths);

    const run = await invokeSender({ bearer: LOCAL_CRON_SECRET });
    expect(run.status).toBe(200);
    expect(await messagesTo(cand.email!)).toEqual([]);
    const [stage] = await stagesOf([row!.enrollment_id!]);
    expect(stage!.status).toBe('failed');
    expect(stage!.end_reason).toBe(
      'attachment_missing: "offer.pdf" is no longer stored (its file was deleted from storage outside the sequence editor)',
    );
    const enrolment = await enrollmentOf(row!.enrollment_id!);
    expect(enrolment.status).not.toBe('running');
    expect(enrolment.end_reason).toBe('send_failed');
  });

  it('refuses files too large for one email before downloading them', async () => {
    const org = await createOrg();
    const sender = await createMember(org);
    const cand = await createCandidate(org);
    // The editor's list says 31 MB (41.3 MB once encoded): more than Resend takes in one email.
    const seq = await sequenceWithFiles(
      sender,
      org,
      [{ name: 'video.mp4', bytes: Buffer.from('x'), type: 'video/mp4', listedSize: 31 * 1024 * 1024 }],
      false,
    );
    const [row] = await enroll(sender, seq.id, [cand.id], true);

    await invokeSender({ bearer: LOCAL_CRON_SECRET });
    expect(await messagesTo(cand.email!)).toEqual([]);
    const [stage] = await stagesOf([row!.enrollment_id!]);
    expect(stage!.status).toBe('failed');
    expect(stage!.end_reason).toMatch(
      /^attachments_too_large: the files add up to 41\.3 MB encoded; one email carries at most 40\.0 MB of attachments$/,
    );
  });
});

/** Whether Storage still holds the object (its row; the bytes go with it). */
async function stored(path: string): Promise<boolean> {
  const r = await db().query(`select 1 from storage.objects where bucket_id = $1 and name = $2`, [BUCKET, path]);
  return r.rowCount === 1;
}

/** The purge job's own statement, as pg_cron runs it (pg_net then posts to purge-attachments). */
async function runPurgeJob(): Promise<void> {
  const job = await db().query(`select command from cron.job where jobname = 'purge-unreferenced-attachments'`);
  await db().query(job.rows[0].command);
}

/**
 * Removes a file from the sequence's first stage as the editor does (SequenceEditor
 * .removeAttachment): the document stops listing it, the update is appended to the log, and the
 * materialiser folds it into the template's stage rows.
 */
async function removeInEditor(editor: Member, sequenceId: string, path: string): Promise<void> {
  const opened = await editor.client.functions.invoke('sequence-doc', { body: { sequence_id: sequenceId } });
  expect(opened.error).toBeNull();
  const { data, error } = await editor.client.rpc('load_sequence_doc', { sequence_id: sequenceId });
  expect(error).toBeNull();
  const stored = data as { snapshot: string; updates: [number, string][] };
  const doc = new Y.Doc();
  Y.applyUpdate(doc, fromBase64(stored.snapshot));
  for (const [, u] of stored.updates) Y.applyUpdate(doc, fromBase64(u));
  const before = Y.encodeStateVector(doc);
  const list = [...stagesMap(doc).values()][0]!.get('attachments') as Y.Array<Attachment>;
  const i = list.toArray().findIndex((a) => a.path === path);
  expect(i).toBeGreaterThanOrEqual(0);
  doc.transact(() => list.delete(i, 1));
  const { error: appendError } = await editor.client.from('sequence_doc_updates').insert({
    sequence_id: sequenceId,
    update: `\\x${Buffer.from(Y.encodeStateAsUpdate(doc, before)).toString('hex')}`,
  });
  expect(appendError).toBeNull();
  const folded = await editor.client.functions.invoke('sequence-doc', { body: { sequence_id: sequenceId } });
  expect(folded.error).toBeNull();
}

describe('removing a file from the template', () => {
  it('still sends it with the enrolments made before, and deletes it once nothing lists it', async () => {
    const org = await createOrg();
    const editor = await createMember(org);
    const cand = await createCandidate(org, { firstName: 'Ada' });
    const pdf = Buffer.from('%PDF-1.4 the offer this enrolment was promised\n');
    const seq = await sequenceWithFiles(editor, org, [{ name: 'offer.pdf', bytes: pdf, type: 'application/pdf' }]);
    const path = seq.paths[0]!;
    const [row] = await enroll(editor, seq.id, [cand.id], true);
    expect(row!.ok).toBe(true);

    await removeInEditor(editor, seq.id, path);
    const template = await db().query(`select attachments from public.sequence_stages where sequence_id = $1`, [
      seq.id,
    ]);
    expect(template.rows[0].attachments).toEqual([]);
    // What the app did before (and an older build still open in a tab does): ask Storage to delete
    // the file. Storage keeps it, without an error, because the enrolment still sends it.
    const { data: removed, error } = await editor.client.storage.from(BUCKET).remove([path]);
    expect(error).toBeNull();
    expect(removed).toEqual([]);
    expect(await stored(path)).toBe(true);

    const run = await invokeSender({ bearer: LOCAL_CRON_SECRET });
    expect(run.status).toBe(200);
    const [mail] = await messagesTo(cand.email!);
    expect(mail?.subject).toBe('Our brochure');
    const files = (mail as unknown as { attachments: StoredAttachment[] }).attachments;
    expect(files.map((f) => [f.filename, f.content_type])).toEqual([['offer.pdf', 'application/pdf']]);
    expect(Buffer.from(files[0]!.content, 'base64').equals(pdf)).toBe(true);
    const [stage] = await stagesOf([row!.enrollment_id!]);
    expect(stage!.status).toBe('sent');

    // Nothing lists the file any more: the purge job notes it and keeps it for the grace period.
    await runPurgeJob();
    const noted = await db().query(`select since from private.unreferenced_attachments where name = $1`, [path]);
    expect(noted.rowCount).toBe(1);
    expect(await stored(path)).toBe(true);
    // A day later (the job's note is moved back a day instead of waiting one), the job's run
    // deletes it through purge-attachments and Storage: the row and the bytes.
    await db().query(
      `update private.unreferenced_attachments set since = now() - interval '24 hours 1 minute' where name = $1`,
      [path],
    );
    await runPurgeJob();
    await waitFor(async () => !(await stored(path)), 30_000, 'the unreferenced file to be purged');
    const { data: bytes, error: gone } = await serviceClient().storage.from(BUCKET).download(path);
    expect(bytes).toBeNull();
    expect(gone).not.toBeNull();
  }, 60_000);

  it('keeps a file an unsent stage still lists, however long ago the template dropped it', async () => {
    const org = await createOrg();
    const editor = await createMember(org);
    const cand = await createCandidate(org);
    const seq = await sequenceWithFiles(editor, org, [
      { name: 'later.pdf', bytes: Buffer.from('%PDF for a stage not due yet'), type: 'application/pdf' },
    ]);
    const path = seq.paths[0]!;
    const [row] = await enroll(editor, seq.id, [cand.id], true);
    await db().query(
      `update public.enrollment_stages set scheduled_at = now() + interval '3 days' where enrollment_id = $1`,
      [row!.enrollment_id],
    );
    await removeInEditor(editor, seq.id, path);

    await runPurgeJob();
    const noted = await db().query(`select 1 from private.unreferenced_attachments where name = $1`, [path]);
    expect(noted.rowCount).toBe(0);
    expect(await stored(path)).toBe(true);
    // Even a note that says otherwise (made before the enrolment listed it, say) deletes nothing
    // still listed: the purge re-checks each file right before asking Storage. Operators may run
    // it at any time with the service role key.
    await db().query(
      `insert into private.unreferenced_attachments (object_id, name, since)
       select id, name, now() - interval '2 days' from storage.objects where bucket_id = $1 and name = $2`,
      [BUCKET, path],
    );
    const purge = await fetch(`${stackEnv.api}/functions/v1/purge-attachments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stackEnv.serviceRoleKey}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(purge.status).toBe(200);
    expect(await purge.json()).toEqual({ status: 'ok', removed: 0, kept: 0 });
    expect(await stored(path)).toBe(true);
    // And the job's next run forgets that note.
    await runPurgeJob();
    expect((await db().query(`select 1 from private.unreferenced_attachments where name = $1`, [path])).rowCount).toBe(
      0,
    );

    // The candidate's enrolment is cancelled: its stage will never send, and the file is released.
    const { data: cancelled, error } = await editor.client.rpc('cancel_enrollments', {
      enrollment_ids: [row!.enrollment_id],
    });
    expect(error).toBeNull();
    expect((cancelled as { ok: boolean }[]).map((r) => r.ok)).toEqual([true]);
    await runPurgeJob();
    const released = await db().query(
      `select since > now() - interval '1 minute' as fresh from private.unreferenced_attachments where name = $1`,
      [path],
    );
    // Noted afresh: the grace period starts when the last reference ended.
    expect(released.rows).toEqual([{ fresh: true }]);
  }, 60_000);

  it('runs the purge only for the scheduler and operators', () => expectSchedulerOnly('purge-attachments'));
});
