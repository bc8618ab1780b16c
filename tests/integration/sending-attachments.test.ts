// A stage's attachments go out with its emails (SPEC S2; issue 12 item 1): files in the private
// Storage bucket `sequence-attachments`, copied into each enrolment's stages when it is made,
// downloaded by send-due-stages and sent as the email's attachments, one email per request
// (Resend's batch endpoint takes no attachments). A file that is gone or files too large for one
// email end that enrolment with a readable reason; nothing is sent without its files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  enroll,
  enrollmentOf,
  stackEnv,
  stagesOf,
  type Member,
} from './helpers/factories.ts';
import { LOCAL_CRON_SECRET, invokeSender, messagesTo, setCronActive } from './helpers/sending.ts';

beforeAll(async () => {
  await setCronActive(false);
});
afterAll(async () => {
  await setCronActive(true);
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

  it('ends the enrolment with a clear reason when a file was removed, and sends nothing', async () => {
    const org = await createOrg();
    const sender = await createMember(org);
    const cand = await createCandidate(org);
    const seq = await sequenceWithFiles(sender, org, [
      { name: 'offer.pdf', bytes: Buffer.from('%PDF offer'), type: 'application/pdf' },
    ]);
    const [row] = await enroll(sender, seq.id, [cand.id], true);
    // The editor removes the file from Storage after the enrolment was made.
    const { error } = await sender.client.storage.from('sequence-attachments').remove(seq.paths);
    expect(error).toBeNull();

    const run = await invokeSender({ bearer: LOCAL_CRON_SECRET });
    expect(run.status).toBe(200);
    expect(await messagesTo(cand.email!)).toEqual([]);
    const [stage] = await stagesOf([row!.enrollment_id!]);
    expect(stage!.status).toBe('failed');
    expect(stage!.end_reason).toBe(
      'attachment_missing: "offer.pdf" is no longer stored (it was removed from the sequence after this enrolment was made)',
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
