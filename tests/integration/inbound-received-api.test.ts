// Production-shaped inbound mail: Resend's `email.received` webhook carries metadata only, and
// resend-webhook reads the body and headers from the Received-emails API
// (GET /emails/receiving/{id}, `resend.emails.receiving.get`). Here the mail catcher plays
// Resend: a test stores the candidate's email there (POST /_catcher/received), then delivers
// the signed metadata-only webhook. Also: a failing API answers 502 with nothing written, so
// Resend's retry (same svix-id) is applied later; and the catcher's API matches the SDK.
import { randomUUID } from 'node:crypto';
import { Resend } from 'resend';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_URL, db, deliver, enrollment, makeWorld, one, q, replyAddress, type World } from './helpers/inbound.ts';

if (!MAIL_URL) throw new Error('MAIL_URL must be set: these tests store received emails in the mail catcher');

afterAll(() => db.end());

async function catcherConfig(body: Record<string, unknown>) {
  const res = await fetch(`${MAIL_URL}/_catcher/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}
beforeAll(() => catcherConfig({ failReceivingNext: null, rateLimitPerSecond: null }));
afterEach(() => catcherConfig({ failReceivingNext: null }));

interface Received {
  id: string;
  from: string;
  to: string[];
  subject: string;
  message_id: string;
  created_at: string;
  cc: string[] | null;
  bcc: string[] | null;
}

/** What Resend keeps when the candidate's email arrives. */
async function receive(email: Record<string, unknown>): Promise<Received> {
  const res = await fetch(`${MAIL_URL}/_catcher/received`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(email),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Received;
}

/** The webhook Resend posts for it: metadata only, as documented for `email.received`. */
function metadataEvent(e: Received) {
  return {
    type: 'email.received',
    created_at: new Date().toISOString(),
    data: {
      email_id: e.id,
      created_at: e.created_at,
      from: e.from,
      to: e.to,
      bcc: e.bcc ?? [],
      cc: e.cc ?? [],
      message_id: e.message_id,
      subject: e.subject,
      attachments: [],
    },
  };
}

const QUOTED = `Sounds interesting, let's talk next week.

On Mon, 3 Nov 2025 at 10:00, Ina Initiator <initiator@example.test> wrote:
> Hi Ada, would you be interested in a backend role?`;

const replyFrom = (w: World, extra: Record<string, unknown> = {}) => ({
  from: `Ada Lovelace <${w.candidateEmail}>`,
  to: [replyAddress(w.replyToken)],
  subject: 'Re: Hello Ada',
  text: QUOTED,
  ...extra,
});

const receiptOf = (id: string) => q(`select delivery_id from public.webhook_receipts where delivery_id = $1`, [id]);

describe('a metadata-only email.received delivery', () => {
  it('is read from the Received-emails API, matched by the reply token, and stops the sequence', async () => {
    const w = await makeWorld();
    const stored = await receive(replyFrom(w));
    const r = await deliver(metadataEvent(stored));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'applied', outcome: 'stopped', matched_by: 'reply_to_token' });
    expect(await enrollment(w.enrollmentId)).toMatchObject({
      status: 'completed',
      end_reason: 'replied',
      response_status: 'replied',
    });
    expect(
      await one(`select body_text, body_display, subject from public.replies where enrollment_id = $1`, [
        w.enrollmentId,
      ]),
    ).toEqual({
      body_text: QUOTED,
      body_display: "Sounds interesting, let's talk next week.",
      subject: 'Re: Hello Ada',
    });
  });

  it('takes the threading headers from the API: In-Reply-To matches when no reply address does', async () => {
    const w = await makeWorld({ twoSent: true });
    const stored = await receive(
      replyFrom(w, { to: ['ina@example.test'], headers: { 'In-Reply-To': w.stage0.messageId } }),
    );
    const r = await deliver(metadataEvent(stored));
    expect(r.body).toMatchObject({ outcome: 'stopped', matched_by: 'in_reply_to' });
    expect(
      await one(`select enrollment_stage_id from public.replies where enrollment_id = $1`, [w.enrollmentId]),
    ).toEqual({ enrollment_stage_id: w.stage0.id });
  });

  it('reads an out-of-office answer from the API’s headers and text and pauses the sequence', async () => {
    const w = await makeWorld();
    const stored = await receive(
      replyFrom(w, {
        subject: 'Automatic reply: Hello Ada',
        text: 'I am out of the office with limited access to email and will reply when I return.',
        headers: { 'Auto-Submitted': 'auto-replied' },
      }),
    );
    const r = await deliver(metadataEvent(stored));
    expect(r.body).toMatchObject({ status: 'applied', outcome: 'paused' });
    expect(await enrollment(w.enrollmentId)).toMatchObject({ status: 'paused', pause_reason: 'out_of_office' });
  });
});

describe('when the Received-emails API fails', () => {
  it('a 500 from Resend answers 502 with nothing written, and Resend’s retry is applied', async () => {
    const w = await makeWorld();
    const stored = await receive(replyFrom(w));
    await catcherConfig({ failReceivingNext: { status: 500, count: 1 } });
    const id = `msg_${randomUUID()}`;
    const first = await deliver(metadataEvent(stored), { id });
    expect(first.status).toBe(502);
    expect(first.body).toMatchObject({ error: 'inbound_fetch_failed' });
    // Nothing half-written: no receipt (so the retry is not taken for a duplicate), no reply.
    expect(await receiptOf(id)).toEqual([]);
    expect(await q(`select id from public.replies where candidate_id = $1`, [w.candidateId])).toEqual([]);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');

    const retry = await deliver(metadataEvent(stored), { id });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'applied', outcome: 'stopped' });
    expect(await receiptOf(id)).toHaveLength(1);
  });

  it('an email the API does not know (404) answers 502 and writes nothing', async () => {
    const w = await makeWorld();
    const event = metadataEvent({
      id: randomUUID(),
      from: w.candidateEmail,
      to: [replyAddress(w.replyToken)],
      subject: 'Re: Hello Ada',
      message_id: '<lost@candidate.test>',
      created_at: new Date().toISOString(),
      cc: null,
      bcc: null,
    });
    const r = await deliver(event);
    expect(r.status).toBe(502);
    expect(await receiptOf(r.id)).toEqual([]);
    expect(
      await q(`select id from public.unmatched_replies where provider_email_id = $1`, [event.data.email_id]),
    ).toEqual([]);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });
});

describe('a metadata-only delivery without an email id', () => {
  it('is refused with 400 and changes nothing', async () => {
    const w = await makeWorld();
    const stored = await receive(replyFrom(w));
    const event = metadataEvent(stored) as { data: Record<string, unknown> };
    delete event.data.email_id;
    const r = await deliver(event);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'malformed_event' });
    expect(await receiptOf(r.id)).toEqual([]);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });
});

describe('the mail catcher’s Received-emails API', () => {
  const resend = new Resend('re_local_test_key', { baseUrl: MAIL_URL });

  it('answers the SDK’s receiving.get and receiving.list in Resend’s shapes', async () => {
    const stored = await receive({
      from: 'Ada <ada@candidate.test>',
      to: ['reply+abcdefgh@inbound.local'],
      subject: 'Re: Hello',
      text: 'Hi!',
      headers: { 'In-Reply-To': '<x@outreach.test>' },
    });
    const got = await resend.emails.receiving.get(stored.id);
    expect(got.error).toBeNull();
    expect(got.data).toMatchObject({
      object: 'email',
      id: stored.id,
      from: 'Ada <ada@candidate.test>',
      to: ['reply+abcdefgh@inbound.local'],
      received_for: ['reply+abcdefgh@inbound.local'],
      subject: 'Re: Hello',
      text: 'Hi!',
      html: null,
      message_id: stored.message_id,
      headers: { 'In-Reply-To': '<x@outreach.test>', 'Message-ID': stored.message_id },
      attachments: [],
      raw: null,
    });
    const list = await resend.emails.receiving.list({ limit: 1 });
    expect(list.error).toBeNull();
    expect(list.data?.object).toBe('list');
    expect(list.data?.data[0]).toMatchObject({ id: stored.id, subject: 'Re: Hello' });
    expect(list.data?.data[0]).not.toHaveProperty('text');
  });

  it('refuses a missing or malformed key, a malformed id and an unknown one, as Resend does', async () => {
    const stored = await receive({ from: 'ada@candidate.test', to: ['jobs@inbound.local'], text: 'x' });
    const get = (path: string, auth?: string) =>
      fetch(`${MAIL_URL}${path}`, auth ? { headers: { authorization: auth } } : {});
    expect((await get(`/emails/receiving/${stored.id}`)).status).toBe(401);
    expect((await get(`/emails/receiving/${stored.id}`, 'Bearer not-a-key')).status).toBe(403);
    expect((await get('/emails/receiving/not-a-uuid', 'Bearer re_test')).status).toBe(422);
    expect((await get(`/emails/receiving/${randomUUID()}`, 'Bearer re_test')).status).toBe(404);
    expect((await get(`/emails/receiving/${stored.id}`, 'Bearer re_test')).status).toBe(200);
  });

  it('refuses to store a received email without a valid sender or recipient', async () => {
    for (const body of [{ to: ['a@b.test'] }, { from: 'nobody', to: ['a@b.test'] }, { from: 'a@b.test' }]) {
      const res = await fetch(`${MAIL_URL}/_catcher/received`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(422);
    }
  });
});
