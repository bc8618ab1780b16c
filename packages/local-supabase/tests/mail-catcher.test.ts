// The local mail catcher seen through the official `resend` SDK, the way the app's edge functions
// use it. Each suite starts its own catcher on port 0 with its data in a temporary folder, so this
// file needs no running stack and none of the stack's env vars.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Resend, type CreateEmailOptions } from 'resend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMail } from '../mail/server.js';

type Catcher = Awaited<ReturnType<typeof startMail>>;
type StoredMessage = {
  id: string;
  message_id: string;
  from: string;
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  idempotency_key: string | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const API_KEY = 're_local_test_key';

let seq = 0;
/** A valid send payload; every call gets its own recipient and subject. */
function email(overrides: Partial<CreateEmailOptions> = {}): CreateEmailOptions {
  seq++;
  return {
    from: 'Riley Recruiter <riley@acme.test>',
    to: `candidate-${seq}@example.com`,
    subject: `Your next role #${seq}`,
    html: `<p>Hello candidate ${seq}</p>`,
    text: `Hello candidate ${seq}`,
    ...overrides,
  } as CreateEmailOptions;
}

async function startCatcher(dataDir: string): Promise<Catcher> {
  return startMail({ host: '127.0.0.1', mailPort: 0, dataDir }, { rateLimitPerSecond: null });
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mail-catcher-'));
}

describe('mail catcher (Resend API through the resend SDK)', () => {
  let dir: string;
  let catcher: Catcher;
  let base: string;
  let resend: Resend;

  const messages = async (query = ''): Promise<StoredMessage[]> =>
    (await fetch(`${base}/_catcher/messages${query}`)).json() as Promise<StoredMessage[]>;
  const configure = async (body: unknown) => {
    const r = await fetch(`${base}/_catcher/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
  };
  const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = tmpDir();
    catcher = await startCatcher(dir);
    base = `http://127.0.0.1:${catcher.port}`;
    resend = new Resend(API_KEY, { baseUrl: base });
  });
  afterAll(async () => {
    await catcher.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    expect((await fetch(`${base}/_catcher/messages`, { method: 'DELETE' })).status).toBe(200);
  });
  afterEach(async () => {
    await configure({ rateLimitPerSecond: null, failNext: null, delayMs: 0, answerDelayMs: 0 });
  });

  it('accepts a send and stores it with the caller headers, tags and a generated Message-ID', async () => {
    const payload = email({
      cc: 'hm@acme.test',
      replyTo: ['reply+abc@acme.test'],
      headers: { 'List-Unsubscribe': '<https://app.test/u/abc>', 'In-Reply-To': '<prev@mail.local>' },
      tags: [{ name: 'enrollment_stage', value: 'abc-123' }],
    });
    const { data, error } = await resend.emails.send(payload);
    expect(error).toBeNull();
    expect(data?.id).toMatch(UUID);

    const [stored, ...rest] = await messages();
    expect(rest).toHaveLength(0);
    expect(stored).toMatchObject({
      id: data?.id,
      from: payload.from,
      to: [payload.to],
      cc: ['hm@acme.test'],
      reply_to: ['reply+abc@acme.test'],
      subject: payload.subject,
      html: payload.html,
      text: payload.text,
      headers: { 'List-Unsubscribe': '<https://app.test/u/abc>', 'In-Reply-To': '<prev@mail.local>' },
      tags: [{ name: 'enrollment_stage', value: 'abc-123' }],
      message_id: `<${data?.id}@mail.local>`,
      idempotency_key: null,
    });
  });

  it('answers GET /emails/:id with Resend’s email object, Message-ID among the headers', async () => {
    const sent = await resend.emails.send(email({ headers: { References: '<a@mail.local>' } }));
    const id = sent.data!.id;
    const { data, error } = await resend.emails.get(id);
    expect(error).toBeNull();
    expect(data).toMatchObject({
      object: 'email',
      id,
      to: [expect.stringMatching(/@example\.com$/)],
      from: 'Riley Recruiter <riley@acme.test>',
      bcc: null,
      cc: null,
      reply_to: null,
      last_event: 'sent',
      message_id: `<${id}@mail.local>`,
    });
    expect(new Date(data!.created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((data as unknown as { headers: Record<string, string> }).headers).toEqual({
      References: '<a@mail.local>',
      'Message-ID': `<${id}@mail.local>`,
    });

    const missing = await resend.emails.get('00000000-0000-4000-8000-000000000000');
    expect(missing.error).toMatchObject({ statusCode: 404, name: 'not_found' });
    const malformed = await resend.emails.get('not-a-uuid');
    expect(malformed.error).toMatchObject({ statusCode: 422, name: 'invalid_parameter' });
  });

  it('sends a batch and stores every email of it', async () => {
    const batch = [email(), email(), email()];
    const { data, error } = await resend.batch.send(batch);
    expect(error).toBeNull();
    const ids = data!.data.map((d) => d.id);
    expect(ids).toHaveLength(3);
    const stored = await messages();
    expect(stored.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(stored.map((m) => m.subject).sort()).toEqual(batch.map((b) => b.subject).sort());
  });

  it('rejects a whole strict batch when one email is invalid, storing nothing', async () => {
    const { data, error } = await resend.batch.send([email(), email({ to: 'not an address' }), email()]);
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(error!.message).toMatch(/^emails\[1\]: Invalid `to` field/);
    expect(await messages()).toHaveLength(0);
  });

  it('stores the valid emails of a permissive batch and lists the invalid ones', async () => {
    const good = email();
    const { data, error } = await resend.batch.send([email({ subject: '' }), good], { batchValidation: 'permissive' });
    expect(error).toBeNull();
    expect(data!.data).toHaveLength(1);
    expect(data!.errors).toEqual([{ index: 0, message: 'Missing `subject` field.' }]);
    expect((await messages()).map((m) => m.subject)).toEqual([good.subject]);
  });

  it('refuses a batch of more than 100 emails', async () => {
    const { error } = await resend.batch.send(Array.from({ length: 101 }, () => email()));
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(await messages()).toHaveLength(0);
  });

  it('answers a retry with the same idempotency key with the same id and sends nothing new', async () => {
    const payload = email();
    const first = await resend.emails.send(payload, { idempotencyKey: 'stage-1/attempt' });
    const second = await resend.emails.send(payload, { idempotencyKey: 'stage-1/attempt' });
    expect(first.error).toBeNull();
    expect(second.data).toEqual(first.data);

    const stored = await messages();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.idempotency_key).toBe('stage-1/attempt');
    const stats = await (await fetch(`${base}/_catcher/stats`)).json();
    expect(stats).toMatchObject({ accepted_requests: 1, idempotent_replays: 1, messages: 1 });
  });

  it('refuses the same idempotency key with a different body with 409 invalid_idempotent_request', async () => {
    await resend.emails.send(email(), { idempotencyKey: 'stage-2' });
    const { error } = await resend.emails.send(email(), { idempotencyKey: 'stage-2' });
    expect(error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
    expect(await messages()).toHaveLength(1);
  });

  it('answers a concurrent duplicate of an in-flight request with 409 concurrent_idempotent_requests', async () => {
    await configure({ delayMs: 300 });
    const payload = email();
    const [a, b] = await Promise.all([
      resend.emails.send(payload, { idempotencyKey: 'stage-3' }),
      resend.emails.send(payload, { idempotencyKey: 'stage-3' }),
    ]);
    const outcomes = [a, b].map((r) => r.error?.name ?? 'ok').sort();
    expect(outcomes).toEqual(['concurrent_idempotent_requests', 'ok']);
    expect(await messages()).toHaveLength(1);
  });

  it('with answerDelayMs, stores an accepted email before it answers (a caller killed meanwhile has still sent it)', async () => {
    await configure({ answerDelayMs: 1500 });
    const sending = resend.emails.send(email());
    let stored = 0;
    for (const until = Date.now() + 1000; Date.now() < until && stored === 0;) {
      stored = (await messages()).length;
      if (stored === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(stored).toBe(1);
    let answered = false;
    void sending.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    const { data, error } = await sending;
    expect(error).toBeNull();
    expect((await messages())[0]!.id).toBe(data!.id);
  });

  it('deduplicates a batch retried with the same idempotency key', async () => {
    const batch = [email(), email()];
    const first = await resend.batch.send(batch, { idempotencyKey: 'batch-1' });
    const again = await resend.batch.send(batch, { idempotencyKey: 'batch-1' });
    expect(again.data).toEqual(first.data);
    expect(await messages()).toHaveLength(2);
  });

  it('rejects an idempotency key longer than 256 characters', async () => {
    const { error } = await resend.emails.send(email(), { idempotencyKey: 'k'.repeat(257) });
    expect(error).toMatchObject({ statusCode: 400, name: 'invalid_idempotency_key' });
    expect(await messages()).toHaveLength(0);
  });

  it('sends rate-limit headers and answers 429 with retry-after once the per-second limit is used', async () => {
    await configure({ rateLimitPerSecond: 2 });
    const r1 = await post('/emails', email());
    const r2 = await post('/emails', email());
    const r3 = await post('/emails', email());
    expect([r1.status, r2.status, r3.status]).toEqual([200, 200, 429]);
    expect(r1.headers.get('ratelimit-limit')).toBe('2');
    expect(r1.headers.get('ratelimit-remaining')).toBe('1');
    expect(r2.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(r1.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(Number(r3.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await r3.json()).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(await messages()).toHaveLength(2);

    // The SDK surfaces the same error to the caller.
    const viaSdk = await resend.emails.send(email());
    expect(viaSdk.error).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(viaSdk.headers?.['retry-after']).toBeDefined();
  });

  it('sends no rate-limit headers when no limit is set', async () => {
    const r = await post('/emails', email());
    expect(r.status).toBe(200);
    expect(r.headers.get('ratelimit-limit')).toBeNull();
  });

  it('fails the next sends as configured, and a retry with the same key then sends once', async () => {
    await configure({ failNext: { status: 500, count: 1 } });
    const payload = email();
    const failed = await resend.emails.send(payload, { idempotencyKey: 'stage-4' });
    expect(failed.error).toMatchObject({ statusCode: 500, name: 'internal_server_error' });
    expect(await messages()).toHaveLength(0);

    const retried = await resend.emails.send(payload, { idempotencyKey: 'stage-4' });
    expect(retried.error).toBeNull();
    const again = await resend.emails.send(payload, { idempotencyKey: 'stage-4' });
    expect(again.data).toEqual(retried.data);
    expect(await messages()).toHaveLength(1);
  });

  it('injects 429s with retry-after through failNext', async () => {
    await configure({ failNext: { status: 429, count: 2 } });
    const a = await post('/emails', email());
    const b = await post('/emails', email());
    const c = await post('/emails', email());
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers.get('retry-after')).toBe('1');
    expect(await messages()).toHaveLength(1);
  });

  it('refuses a bad runtime config with 400 and keeps the previous one', async () => {
    const r = await fetch(`${base}/_catcher/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitPerSecond: 3, delayMs: -5 }),
    });
    expect(r.status).toBe(400);
    expect(await (await fetch(`${base}/_catcher/config`)).json()).toEqual({
      rateLimitPerSecond: null,
      failNext: null,
      failReceivingNext: null,
      delayMs: 0,
      answerDelayMs: 0,
    });
  });

  it.each([
    ['a missing `to`', { to: undefined }, 'missing_required_field', 'Missing `to` field.'],
    ['a missing `from`', { from: undefined }, 'missing_required_field', 'Missing `from` field.'],
    ['a missing subject', { subject: undefined }, 'missing_required_field', 'Missing `subject` field.'],
    [
      'no body at all',
      { html: undefined, text: undefined },
      'missing_required_field',
      'Missing `html` or `text` field.',
    ],
    ['a malformed recipient', { to: 'candidate-at-example.com' }, 'validation_error', /^Invalid `to` field/],
    ['a malformed sender', { from: 'Riley <riley@>' }, 'validation_error', /^Invalid `from` field/],
    [
      'more than 50 recipients',
      { to: Array.from({ length: 51 }, (_, i) => `c${i}@example.com`) },
      'validation_error',
      /maximum is 50/,
    ],
    ['a tag with a space', { tags: [{ name: 'stage id', value: 'x' }] }, 'validation_error', /^Invalid `tags` field/],
    [
      'a header value with a line break',
      { headers: { 'X-A': 'a\r\nBcc: evil@example.com' } },
      'validation_error',
      /line break/,
    ],
  ] as const)('rejects %s with 422 %s and stores nothing', async (_what, override, name, message) => {
    const { data, error } = await resend.emails.send(email(override as Partial<CreateEmailOptions>));
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name });
    expect(error!.message).toMatch(message);
    expect(await messages()).toHaveLength(0);
  });

  it('answers 401 missing_api_key without a bearer token and 403 invalid_api_key for a malformed key', async () => {
    const noKey = await fetch(`${base}/emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(email()),
    });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ statusCode: 401, name: 'missing_api_key' });

    const badKey = await new Resend('sk_not_a_resend_key', { baseUrl: base }).emails.send(email());
    expect(badKey.error).toMatchObject({ statusCode: 403, name: 'invalid_api_key' });
    expect(await messages()).toHaveLength(0);
  });

  it('answers a body that is not JSON with 400 validation_error', async () => {
    const r = await fetch(`${base}/emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: '{"from": ',
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ statusCode: 400, name: 'validation_error' });
  });

  it('filters the stored messages by recipient, newest first', async () => {
    const first = await resend.emails.send(email({ to: 'Sam <sam@example.com>' }));
    await resend.emails.send(email({ to: 'other@example.com' }));
    const second = await resend.emails.send(email({ to: ['sam@example.com'] }));
    const forSam = await messages('?to=SAM@example.com');
    expect(forSam.map((m) => m.id)).toEqual([second.data!.id, first.data!.id]);
    expect(await messages()).toHaveLength(3);
  });

  it('renders the inbox with the message list and the message view, escaping what the sender wrote', async () => {
    const hostile = '<script>alert("subject")</script> Offer';
    const { data } = await resend.emails.send(
      email({
        subject: hostile,
        html: '<p>Hi</p><script>alert("body")</script>',
        text: 'Plain <b>text</b> part',
        headers: {
          'List-Unsubscribe': '<https://app.test/unsubscribe/tok>',
          'In-Reply-To': '<first@mail.local>',
          References: '<first@mail.local>',
        },
        replyTo: 'reply+tok@acme.test',
        tags: [{ name: 'stage', value: 'two' }],
      }),
    );
    const escapedSubject = '&#60;script&#62;alert(&#34;subject&#34;)&#60;/script&#62; Offer';

    const list = await fetch(`${base}/`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    const listHtml = await list.text();
    expect(listHtml).toContain(escapedSubject);
    expect(listHtml).toContain(`href="/messages/${data!.id}"`);
    expect(listHtml).toContain('stage: two');
    expect(listHtml).not.toContain('<script>alert');

    const page = await fetch(`${base}/messages/${data!.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<h2 id="subject-h">${escapedSubject}</h2>`);
    expect(html).not.toContain('<script>alert');
    for (const h of ['List-Unsubscribe', 'In-Reply-To', 'References', 'Reply-To', 'Message-ID']) {
      expect(html).toContain(`<th scope="row">${h}</th>`);
    }
    expect(html).toContain('&#60;https://app.test/unsubscribe/tok&#62;');
    expect(html).toContain(`&#60;${data!.id}@mail.local&#62;`);
    // The HTML part sits escaped in srcdoc, in an iframe that may not run scripts.
    const iframe = /<iframe[^>]*>/.exec(html)?.[0] ?? '';
    expect(iframe).toMatch(/sandbox="[^"]*"/);
    expect(iframe).not.toContain('allow-scripts');
    expect(iframe).toContain(
      'srcdoc="&#60;p&#62;Hi&#60;/p&#62;&#60;script&#62;alert(&#34;body&#34;)&#60;/script&#62;"',
    );
    expect(html).toContain('<pre class="text-body">Plain &#60;b&#62;text&#60;/b&#62; part</pre>');
    expect(html).toContain('<section id="candidate-actions"');
  });

  it('answers 404 with a notice for a message page that does not exist', async () => {
    const r = await fetch(`${base}/messages/00000000-0000-4000-8000-000000000000`);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('was not found');
  });

  it('keeps attachments: listed without content, downloadable from the message page', async () => {
    const cv = Buffer.from('%PDF-1.4 pretend cv');
    const { data } = await resend.emails.send(
      email({ attachments: [{ filename: 'cv.pdf', content: cv, contentType: 'application/pdf' }] }),
    );
    const [listed] = await messages();
    expect(listed).toMatchObject({
      attachments: [{ filename: 'cv.pdf', content_type: 'application/pdf', size: cv.length }],
    });
    expect(JSON.stringify(listed)).not.toContain(cv.toString('base64'));
    const one = await (await fetch(`${base}/_catcher/messages/${data!.id}`)).json();
    expect(one.attachments[0].content).toBe(cv.toString('base64'));

    const file = await fetch(`${base}/messages/${data!.id}/attachments/0`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(cv);
  });

  it.each([
    ['GET', '/emails/%E0%A4%A'],
    ['GET', '/messages/%E0%A4%A'],
    ['GET', '/_catcher/messages/%E0%A4%A'],
    ['GET', '/messages/00000000-0000-4000-8000-000000000000/attachments/7'],
    ['PUT', '/emails'],
    ['PATCH', '/_catcher/config'],
    ['GET', '/audiences'],
    ['GET', '/domains/00000000-0000-4000-8000-000000000000'],
    ['POST', '/inbox/domains/00000000-0000-4000-8000-000000000000/status'],
  ])('answers %s %s with a 4xx, never a 500', async (method, p) => {
    const r = await fetch(`${base}${p}`, { method, headers: { authorization: `Bearer ${API_KEY}` } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });

  it("answers Resend's Domains API, and its inbox page decides a domain's verification", async () => {
    const name = `d${Date.now()}.example.test`;
    const created = await resend.domains.create({ name });
    expect(created.error).toBeNull();
    expect(created.data).toMatchObject({ name, status: 'not_started' });
    expect(created.data!.records.length).toBeGreaterThan(0);
    const again = await resend.domains.create({ name });
    expect(again.error?.message).toContain('registered already');

    expect((await resend.domains.verify(created.data!.id)).error).toBeNull();
    expect((await resend.domains.get(created.data!.id)).data?.status).toBe('pending');

    const page = await fetch(`${base}/inbox/domains`);
    expect(await page.text()).toContain(`Mark ${name} verified`);
    const marked = await fetch(`${base}/inbox/domains/${created.data!.id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=verified',
      redirect: 'manual',
    });
    expect(marked.status).toBe(303);
    expect((await resend.domains.get(created.data!.id)).data?.status).toBe('verified');
    const list = await resend.domains.list();
    expect(list.data?.data.map((d) => d.name)).toContain(name);
  });

  it('serves the list fragment the page refreshes itself with', async () => {
    await resend.emails.send(email({ subject: 'Arrives later' }));
    const r = await fetch(`${base}/inbox/list`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Arrives later');
  });
});

describe('mail catcher persistence', () => {
  it('keeps messages and idempotency records across a restart', async () => {
    const dir = tmpDir();
    try {
      const payload = email({ subject: 'Survives a restart' });
      let catcher = await startCatcher(dir);
      let resend = new Resend(API_KEY, { baseUrl: `http://127.0.0.1:${catcher.port}` });
      const first = await resend.emails.send(payload, { idempotencyKey: 'restart-key' });
      expect(first.error).toBeNull();
      await catcher.close();

      catcher = await startCatcher(dir);
      try {
        resend = new Resend(API_KEY, { baseUrl: `http://127.0.0.1:${catcher.port}` });
        const got = await resend.emails.get(first.data!.id);
        expect(got.data).toMatchObject({ id: first.data!.id, subject: 'Survives a restart' });
        const retried = await resend.emails.send(payload, { idempotencyKey: 'restart-key' });
        expect(retried.data).toEqual(first.data);
        const stored = await (await fetch(`http://127.0.0.1:${catcher.port}/_catcher/messages`)).json();
        expect(stored).toHaveLength(1);
      } finally {
        await catcher.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
