// Unit tests of the mail catcher's pure parts: address rules, payload validation, the rate-limit
// window and runtime config checks. The HTTP behaviour is covered by
// tests/integration/mail-catcher.test.ts through the real resend SDK.
import { describe, expect, it } from 'vitest';
import { RateLimiter, Faults, applyConfig, parseRateLimitEnv } from './limits.js';
import { bareAddress, isEmailAddress, validateEmail } from './validate.js';
import { escapeHtml } from './html.js';
import { newReceivedEmail, receivedEvent, receivingObject } from './received.js';
import { replyEmail } from './candidate-events.js';

describe('email addresses', () => {
  it.each(['a@example.com', 'Ann Lee <ann.lee+x@mail.example.co.uk>', '"Lee, Ann" <ann@example.com>', ' <a@b.io> '])(
    'accepts %s',
    (a) => expect(isEmailAddress(a)).toBe(true),
  );
  it.each(['', 'ann', 'ann@', '@example.com', 'Ann <ann@example>', 'a@b.com\r\nBcc: x@y.com', 'Ann <a@b.com', 42])(
    'refuses %s',
    (a) => expect(isEmailAddress(a)).toBe(false),
  );
  it('reduces a named address to its lower-cased address', () => {
    expect(bareAddress('Ann <Ann@Example.com>')).toBe('ann@example.com');
  });
});

describe('validateEmail', () => {
  const ok = { from: 'r@acme.test', to: 'c@example.com', subject: 's', text: 't' };

  it('normalises recipients to arrays and absent lists to null', () => {
    expect(validateEmail({ ...ok, cc: 'h@acme.test' })).toMatchObject({
      to: ['c@example.com'],
      cc: ['h@acme.test'],
      bcc: null,
      reply_to: null,
      html: null,
      headers: {},
      tags: [],
      attachments: [],
    });
  });

  it('records attachment sizes from their base64 content', () => {
    const v = validateEmail({
      ...ok,
      attachments: [{ filename: 'cv.txt', content: Buffer.from('hello').toString('base64') }],
    });
    expect(v.attachments[0]).toMatchObject({ filename: 'cv.txt', size: 5, path: null });
  });

  it.each([
    [{ ...ok, template: { id: 't' } }, /Templates are not supported/],
    [{ ...ok, scheduled_at: '2030-01-01T00:00:00Z' }, /scheduled_at/],
    [{ ...ok, headers: ['X-A'] }, /Invalid `headers` field/],
    [{ ...ok, headers: { 'Bad Name': 'x' } }, /not a valid header name/],
    [{ ...ok, attachments: [{ filename: 'a.txt' }] }, /either `content` or `path`/],
    [{ ...ok, to: 'c@example.com', cc: Array.from({ length: 51 }, (_, i) => `c${i}@example.com`) }, /maximum is 50/],
  ])('refuses %j', (body, message) => {
    expect(() => validateEmail(body)).toThrow(message);
  });

  it('refuses attachments in a batch item', () => {
    expect(() => validateEmail({ ...ok, attachments: [{ filename: 'a', content: 'YQ==' }] }, { batch: true })).toThrow(
      /not supported in batch/,
    );
  });
});

describe('RateLimiter', () => {
  it('allows `limit` requests per one-second window and reports what is left', () => {
    const l = new RateLimiter();
    expect(l.take(0)).toBeNull();
    l.setLimit(2);
    expect(l.take(1000)).toMatchObject({ allowed: true, headers: { 'ratelimit-remaining': '1' } });
    expect(l.take(1500)).toMatchObject({ allowed: true, headers: { 'ratelimit-remaining': '0' } });
    expect(l.take(1999)).toMatchObject({ allowed: false, retryAfter: 1 });
    expect(l.take(2000)).toMatchObject({ allowed: true, headers: { 'ratelimit-remaining': '1' } });
  });

  it('reads MAIL_RATE_LIMIT_PER_SECOND with unset, 0 and off meaning unlimited', () => {
    expect(parseRateLimitEnv(undefined)).toBeNull();
    expect(parseRateLimitEnv('0')).toBeNull();
    expect(parseRateLimitEnv('off')).toBeNull();
    expect(parseRateLimitEnv('5')).toBe(5);
    expect(() => parseRateLimitEnv('fast')).toThrow(/whole number/);
  });
});

describe('applyConfig', () => {
  it('applies every field or none', () => {
    const l = new RateLimiter();
    const f = new Faults();
    expect(() => applyConfig({ rateLimitPerSecond: 4, failNext: { status: 200 } }, l, f)).toThrow(/failNext.status/);
    expect(l.limit).toBeNull();
    applyConfig({ rateLimitPerSecond: 4, failNext: { status: 503, count: 2 }, delayMs: 10 }, l, f);
    expect([l.limit, f.delayMs]).toEqual([4, 10]);
    expect([f.takeFailure(), f.takeFailure(), f.takeFailure()]).toEqual([503, 503, null]);
  });

  it('keeps injected failures of sends and of received-email reads apart', () => {
    const f = new Faults();
    applyConfig({ failReceivingNext: { status: 500, count: 1 } }, new RateLimiter(), f);
    expect(f.takeFailure()).toBeNull();
    expect([f.takeReceivingFailure(), f.takeReceivingFailure()]).toEqual([500, null]);
    expect(() => applyConfig({ failReceivingNext: { status: 302 } }, new RateLimiter(), f)).toThrow(
      /failReceivingNext.status/,
    );
  });

  it('refuses unknown settings', () => {
    expect(() => applyConfig({ rateLimit: 1 }, new RateLimiter(), new Faults())).toThrow(/Unknown setting/);
  });
});

describe('received emails', () => {
  const sent = /** @type {import('./store.js').StoredMessage} */ ({
    ...validateEmail({
      from: 'Ina <ina@acme.test>',
      to: 'Ada <ada@example.com>',
      reply_to: 'reply+tok123456@inbound.local',
      subject: 'Hello Ada',
      text: 'Hi Ada,\nare you open to a chat?',
    }),
    id: '6f1c2a9e-8b7d-4c3e-9a1f-2b3c4d5e6f70',
    message_id: '<sent-1@mail.local>',
    created_at: '2026-01-05T10:00:00.000Z',
    last_event: 'sent',
    idempotency_key: null,
    batch_id: null,
  });

  it('a candidate reply answers the Reply-To address, threads on the sent message and quotes it', () => {
    const e = replyEmail(sent, { text: 'Yes, happy to.' });
    expect(e).toMatchObject({
      from: 'Ada <ada@example.com>',
      to: ['reply+tok123456@inbound.local'],
      received_for: ['reply+tok123456@inbound.local'],
      subject: 'Re: Hello Ada',
      html: null,
      headers: { 'In-Reply-To': '<sent-1@mail.local>', References: '<sent-1@mail.local>', 'Message-ID': e.message_id },
    });
    expect(e.text).toMatch(
      /^Yes, happy to\.\n\nOn .*, Ina <ina@acme\.test> wrote:\n> Hi Ada,\n> are you open to a chat\?\n$/,
    );
  });

  it('the webhook announcing it carries metadata only: no body and no headers', () => {
    const e = replyEmail(sent, { text: 'Yes.' });
    const event = receivedEvent(e);
    expect(event.type).toBe('email.received');
    expect(Object.keys(event.data).sort()).toEqual(
      ['attachments', 'bcc', 'cc', 'created_at', 'email_id', 'from', 'message_id', 'subject', 'to'].sort(),
    );
    expect(event.data.email_id).toBe(e.id);
    expect(receivingObject(e)).toMatchObject({ object: 'email', id: e.id, text: e.text, raw: null });
  });

  it('refuses a received email without a valid sender or any recipient', () => {
    expect(() => newReceivedEmail({ to: ['a@b.test'] })).toThrow(/from/);
    expect(() => newReceivedEmail({ from: 'a@b.test', to: [] })).toThrow(/to/);
    expect(() => newReceivedEmail({ from: 'a@b.test', to: ['x'] })).toThrow(/to/);
    expect(() =>
      newReceivedEmail({ from: 'a@b.test', to: ['c@d.test'], headers: { 'X-A': 'a\r\nBcc: e@f.test' } }),
    ).toThrow(/headers/);
  });
});

describe('escapeHtml', () => {
  it('escapes every character that could open markup or close an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});
