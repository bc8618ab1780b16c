// The mail catcher's "act as the candidate" buttons against the real sending engine: a stage
// is sent by send-due-stages, caught by the catcher, and each button reaches the app the way
// production traffic does (signed webhooks, tracking links, one-click unsubscribe).
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createJob,
  createMember,
  createOrg,
  createSequence,
  docOf,
  enroll,
  makeDue,
  stackEnv,
} from './helpers/factories.ts';
import { invokeSender, messagesTo, waitFor, type CaughtMessage } from './helpers/sending.ts';
import { db, enrollment, one, q } from './helpers/inbound.ts';

afterAll(async () => {
  await closeDb();
  await db.end();
});

async function sentWorld() {
  const org = await createOrg({ timeZone: 'Europe/Berlin' });
  const owner = await createMember(org);
  const job = await createJob(org, 'Platform Engineer');
  const cand = await createCandidate(org, { firstName: 'Ada' });
  const seq = await createSequence(org, owner, {
    jobId: job.id,
    stages: [
      {
        subject: 'Hello {{candidate.first_name}}',
        body: docOf('Hi {{candidate.first_name}}, see [the role](https://jobs.example.com/platform).'),
      },
      { subject: 'Following up', body: docOf('Any thoughts?'), delayDays: 3 },
    ],
  });
  const [row] = await enroll(owner, seq.id, [cand.id], true);
  expect(row).toMatchObject({ ok: true });
  const enrollmentId = row!.enrollment_id!;
  await makeDue([enrollmentId], [0]);
  const sent = await invokeSender();
  expect(sent.status).toBe(200);
  const message = await waitFor(
    async () => (await messagesTo(cand.email!))[0] ?? null,
    10_000,
    'the first stage in the catcher',
  );
  return { org, owner, job, cand, seq, enrollmentId, message };
}

const enrollmentToken = (id: string) =>
  one<{ reply_token: string }>(`select reply_token::text from public.enrollments where id = $1`, [id]);

async function act(m: CaughtMessage, name: string, fields: Record<string, string> = {}) {
  const res = await fetch(`${stackEnv.mailUrl}/messages/${encodeURIComponent(m.id)}/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, html: await res.text() };
}

describe('inbox candidate actions', () => {
  it('the message page offers every action, with labelled controls and the email’s links', async () => {
    const { message } = await sentWorld();
    const html = await (await fetch(`${stackEnv.mailUrl}/messages/${encodeURIComponent(message.id)}`)).text();
    for (const label of [
      'Send reply',
      'Send out-of-office reply',
      'Bounce',
      'Mark as spam (complain)',
      'Open (load images)',
      'One-click unsubscribe',
    ]) {
      expect(html).toContain(`>${label}</button>`);
    }
    expect(html).toContain('<label for="reply-text">Reply text</label>');
    expect(html).toContain('<label for="ooo-date">Return date</label>');
    expect(html).toMatch(/>Unsubscribe<\/a>/);
    expect(html).toMatch(/aria-label="Click link 1: [^"]*\/functions\/v1\/track\/c\//);
  });

  it('Open loads the tracking pixel and Click follows the tracked link to the original URL', async () => {
    const { message, enrollmentId } = await sentWorld();
    const opened = await act(message, 'open');
    expect(opened.status).toBe(200);
    expect(opened.html).toContain('Opened: the tracking pixel loaded');
    const clicked = await act(message, 'click', { index: '0' });
    expect(clicked.html).toContain('Clicked: redirected to https://jobs.example.com/platform');
    const events = await q(`select kind::text, url from public.email_events where enrollment_id = $1 order by id`, [
      enrollmentId,
    ]);
    expect(events).toEqual([
      { kind: 'opened', url: null },
      { kind: 'clicked', url: 'https://jobs.example.com/platform' },
    ]);
  });

  it('Reply stops the sequence and moves the lead to the linked job’s Replied stage', async () => {
    const { message, enrollmentId, cand, job } = await sentWorld();
    const r = await act(message, 'reply', { text: 'Yes, I would like to hear more.' });
    expect(r.status).toBe(200);
    expect(r.html).toContain('Reply delivered');
    // As with Resend, the reply is kept as a received email and the webhook only announced it:
    // the app read the text below from GET /emails/receiving/:id.
    const received = (await (await fetch(`${stackEnv.mailUrl}/_catcher/received`)).json()) as Array<{
      from: string;
      to: string[];
      text: string;
    }>;
    expect(received.find((e) => e.from === message.to[0])).toMatchObject({
      to: [`reply+${(await enrollmentToken(enrollmentId)).reply_token}@inbound.local`],
      text: expect.stringMatching(/^Yes, I would like to hear more\.\n\nOn /),
    });
    expect(await enrollment(enrollmentId)).toMatchObject({
      status: 'completed',
      end_reason: 'replied',
      response_status: 'replied',
    });
    expect(
      await one(`select body_display, matched_by::text from public.replies where enrollment_id = $1`, [enrollmentId]),
    ).toEqual({ body_display: 'Yes, I would like to hear more.', matched_by: 'reply_to_token' });
    expect(
      await one(
        `select js.kind::text from public.considerations c join public.job_stages js on js.id = c.stage_id
                      where c.candidate_id = $1 and c.job_id = $2`,
        [cand.id, job.id],
      ),
    ).toEqual({ kind: 'replied' });
  });

  it('Out-of-office pauses the sequence until the chosen date', async () => {
    const { message, enrollmentId } = await sentWorld();
    // Within the year ahead (dates further out are read as mistakes and get the default delay).
    const back = new Date(Date.now() + 20 * 86400_000).toISOString().slice(0, 10);
    const r = await act(message, 'out-of-office', { return_date: back });
    expect(r.html).toContain('Out-of-office reply delivered');
    const e = await enrollment(enrollmentId);
    expect(e).toMatchObject({ status: 'paused', pause_reason: 'out_of_office' });
    const nineInBerlin = await one<{ t: Date }>(
      `select (($1::date)::timestamp + interval '9 hours') at time zone 'Europe/Berlin' as t`,
      [back],
    );
    expect(e.resume_at?.toISOString()).toBe(nineInBerlin.t.toISOString());
  });

  it('Bounce and Complain suppress the address and stop the sequence', async () => {
    const a = await sentWorld();
    expect((await act(a.message, 'bounce')).html).toContain('Bounce delivered');
    expect(await enrollment(a.enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'bounced' });
    const b = await sentWorld();
    expect((await act(b.message, 'complain')).html).toContain('Complaint delivered');
    expect(await enrollment(b.enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'complained' });
    expect(
      await q(
        `select suppressed_reason::text from public.subscriptions where candidate_id = any ($1::uuid[]) order by suppressed_reason`,
        [[a.cand.id, b.cand.id]],
      ),
    ).toEqual([{ suppressed_reason: 'bounced' }, { suppressed_reason: 'complained' }]);
  });

  it('One-click unsubscribe uses the List-Unsubscribe URL', async () => {
    const { message, enrollmentId, cand } = await sentWorld();
    expect(message.headers['List-Unsubscribe-Post'] ?? message.headers['list-unsubscribe-post']).toBe(
      'List-Unsubscribe=One-Click',
    );
    const r = await act(message, 'one-click-unsubscribe');
    expect(r.html).toContain('Unsubscribed (one-click)');
    expect(await enrollment(enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'unsubscribed' });
    expect(
      await q(`select current_outreach, new_roles from public.subscriptions where candidate_id = $1`, [cand.id]),
    ).toEqual([{ current_outreach: false, new_roles: false }]);
  });

  it('an unknown action is a 404 and an empty reply a 400, with nothing sent', async () => {
    const { message, enrollmentId } = await sentWorld();
    expect((await act(message, 'teleport')).status).toBe(404);
    expect((await act(message, 'reply', { text: '  ' })).status).toBe(400);
    expect((await enrollment(enrollmentId)).status).toBe('running');
  });
});
