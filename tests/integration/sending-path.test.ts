// S4 end to end: enrol → start → send-due-stages (called as the cron job calls it) → the email
// in the mail catcher, as the candidate would receive it: From, Reply-To with the enrolment's
// reply token, rendered tokens, tracked links and pixel, the unsubscribe link and RFC 8058
// headers, threading of the follow-up, and the enrolment's state afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createJob,
  createMember,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
  enrollmentOf,
  makeDue,
  stagesOf,
} from './helpers/factories.ts';
import { LOCAL_CRON_SECRET, invokeSender, messagesTo, setCronActive } from './helpers/sending.ts';

beforeAll(async () => {
  await setCronActive(false);
});
afterAll(async () => {
  await setCronActive(true);
  await closeDb();
});

describe('send-due-stages sends a started enrolment', () => {
  it('delivers the first stage with rendered tokens, tracking, unsubscribe and reply routing, then threads the follow-up', async () => {
    const org = await createOrg();
    const sender = await createMember(org, { senderName: 'Riley "RJ" Jones', trackingEnabled: true });
    const job = await createJob(org, 'Platform Engineer');
    const cand = await createCandidate(org, { firstName: 'Ada', company: 'Analytical <Engines>' });
    const seq = await createSequence(org, sender, {
      jobId: job.id,
      stages: [
        {
          subject: 'Hello {{candidate.first_name}} about {{job.title}}',
          body: docOf(
            'Hi {{candidate.first_name}} at {{candidate.company}},',
            '[see the role](https://jobs.example.com/role?id=7)',
            '{{sender.signature}}',
          ),
          delayDays: 0,
        },
        { subject: 'ignored in thread', body: docOf('Following up, {{candidate.first_name}}.'), delayDays: 3 },
      ],
    });
    const [row] = await enroll(sender, seq.id, [cand.id]);
    expect(row?.ok).toBe(true);
    const enrollmentId = row!.enrollment_id!;

    const { data: started, error } = await sender.client.rpc('start_enrollments', { enrollment_ids: [enrollmentId] });
    expect(error).toBeNull();
    expect(started).toEqual([{ enrollment_id: enrollmentId, ok: true, reason: null, detail: null }]);

    const first = await invokeSender({ bearer: LOCAL_CRON_SECRET });
    expect(first.status).toBe(200);
    expect(first.body.sent).toBeGreaterThanOrEqual(1);

    const [mail] = await messagesTo(cand.email!);
    expect(mail).toBeDefined();
    const enrollment = await enrollmentOf(enrollmentId);
    const [stage0, stage1] = await stagesOf([enrollmentId]);

    expect(mail!.from).toBe(`"Riley \\"RJ\\" Jones" <${sender.senderEmail}>`);
    expect(mail!.reply_to).toEqual([`reply+${enrollment.reply_token}@inbound.local`]);
    expect(enrollment.reply_token).toMatch(/^[0-9a-f]{30}$/);
    expect(mail!.subject).toBe('Hello Ada about Platform Engineer');
    // Candidate data is escaped in HTML; the signature keeps its line break.
    expect(mail!.html).toContain('Hi Ada at Analytical &lt;Engines&gt;,');
    expect(mail!.text).toContain('Hi Ada at Analytical <Engines>,');
    expect(mail!.html).toMatch(/Riley<br\s*\/?>Acme Talent/);
    // Tracked link and pixel instead of the raw URL.
    expect(mail!.html).not.toContain('https://jobs.example.com/role');
    expect(mail!.html).toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/track\/c\/[\w-]+\.[\w-]+"/);
    expect(mail!.html).toMatch(/<img src="http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/track\/o\/[\w-]+\.[\w-]+"/);
    // Unsubscribe footer and one-click headers (RFC 8058).
    const unsubscribe = /\/functions\/v1\/unsubscribe\?token=[\w.-]+/.exec(mail!.html)?.[0];
    expect(unsubscribe).toBeDefined();
    expect(mail!.headers['List-Unsubscribe']).toMatch(
      new RegExp(`^<http://127\\.0\\.0\\.1:\\d+${unsubscribe!.replace(/[.?]/g, '\\$&')}>$`),
    );
    expect(mail!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(mail!.message_id).toBe(`<${stage0!.id}@inbound.local>`);
    expect(mail!.headers['In-Reply-To']).toBeUndefined();
    expect(mail!.tags).toEqual(
      expect.arrayContaining([
        { name: 'stage_id', value: stage0!.id },
        { name: 'enrollment_id', value: enrollmentId },
        { name: 'sequence_id', value: seq.id },
      ]),
    );
    expect(mail!.idempotency_key).toBe(stage0!.idempotency_key);

    expect(stage0).toMatchObject({
      status: 'sent',
      message_id: mail!.message_id,
      provider_message_id: mail!.id,
      send_key: null,
    });
    expect(stage1).toMatchObject({ status: 'scheduled' });
    // The lead moved to the linked job's Reached Out stage with the first email.
    const consideration = await db().query(
      `select js.kind::text from public.considerations c join public.job_stages js on js.id = c.stage_id
       where c.candidate_id = $1 and c.job_id = $2`,
      [cand.id, job.id],
    );
    expect(consideration.rows).toEqual([{ kind: 'reached_out' }]);

    await makeDue([enrollmentId], [1]);
    const second = await invokeSender();
    expect(second.status).toBe(200);
    const mails = await messagesTo(cand.email!);
    expect(mails).toHaveLength(2);
    const followUp = mails[1]!;
    expect(followUp.subject).toBe('Re: Hello Ada about Platform Engineer');
    expect(followUp.headers['In-Reply-To']).toBe(mail!.message_id);
    expect(followUp.headers['References']).toBe(mail!.message_id);
    expect(followUp.text).toContain('Following up, Ada.');

    // Nothing left to send: completed without reply.
    expect(await enrollmentOf(enrollmentId)).toMatchObject({ status: 'completed', end_reason: 'no_reply' });
  });

  it('sends a new-thread stage with its own subject and no tracking when the sender turned tracking off', async () => {
    const org = await createOrg();
    const sender = await createMember(org, { trackingEnabled: false });
    const cand = await createCandidate(org, { firstName: 'Grace' });
    const seq = await createSequence(org, sender, {
      includeUnsubscribeLink: false,
      stages: [
        { subject: 'First', body: docOf('One [link](https://example.com/a)'), delayDays: 0 },
        { subject: 'Fresh start {{candidate.first_name}}', body: docOf('Two'), delayDays: 1, threadMode: 'new_thread' },
      ],
    });
    const [row] = await enroll(sender, seq.id, [cand.id], true);
    const id = row!.enrollment_id!;
    await invokeSender();
    await makeDue([id]);
    await invokeSender();
    const mails = await messagesTo(cand.email!);
    expect(mails.map((m) => m.subject)).toEqual(['First', 'Fresh start Grace']);
    expect(mails[1]!.headers['In-Reply-To']).toBeUndefined();
    expect(mails[1]!.headers['References']).toBeUndefined();
    for (const m of mails) {
      expect(m.html).not.toContain('<img');
      expect(m.html).not.toContain('/track/');
      expect(m.html).not.toContain('unsubscribe');
      expect(m.headers['List-Unsubscribe']).toBeUndefined();
    }
    expect(mails[0]!.html).toContain('href="https://example.com/a"');
  });

  it('refuses callers without the cron secret or the service role key, and sends nothing for them', async () => {
    const anon = await invokeSender({ bearer: process.env.ANON_KEY! });
    expect(anon.status).toBe(401);
    const wrong = await invokeSender({ bearer: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    const get = await fetch(`${process.env.API_URL}/functions/v1/send-due-stages`, {
      headers: { Authorization: `Bearer ${LOCAL_CRON_SECRET}` },
    });
    expect(get.status).toBe(405);
    await get.body?.cancel();
  });
});
