// Unit tests of the mail catcher's pure parts: address rules, payload validation, the rate-limit
// window and runtime config checks. The HTTP behaviour is covered by
// tests/integration/mail-catcher.test.ts through the real resend SDK.
import { describe, expect, it } from 'vitest';
import { RateLimiter, Faults, applyConfig, parseRateLimitEnv } from './limits.js';
import { bareAddress, isEmailAddress, validateEmail } from './validate.js';
import { escapeHtml } from './inbox.js';

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

  it('refuses unknown settings', () => {
    expect(() => applyConfig({ rateLimit: 1 }, new RateLimiter(), new Faults())).toThrow(/Unknown setting/);
  });
});

describe('escapeHtml', () => {
  it('escapes every character that could open markup or close an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});
