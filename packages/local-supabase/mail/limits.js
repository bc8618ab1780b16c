// Runtime knobs of the mail catcher that let tests reproduce what Resend does under pressure:
// a per-second rate limit with Resend's `ratelimit-*` headers and 429s, a number of injected
// failures for the next sends (failNext) or the next reads of received emails
// (failReceivingNext), and an artificial delay. Set from MAIL_RATE_LIMIT_PER_SECOND at
// start and changed at runtime with POST /_catcher/config.
import { ResendError } from './errors.js';

/** Longest artificial delay accepted, so a mistaken config cannot hang a test run. */
export const MAX_DELAY_MS = 60_000;

/**
 * Counts requests in fixed one-second windows, the granularity Resend documents its limit in.
 */
export class RateLimiter {
  /** @type {number | null} requests per second; null = unlimited */
  limit = null;
  #windowStart = 0;
  #used = 0;

  /** @param {number | null} limit */
  setLimit(limit) {
    this.limit = limit;
    this.#used = 0;
  }

  /**
   * Takes one request from the current window.
   * @returns {null | { allowed: boolean, headers: Record<string, string>, retryAfter: number }}
   *   null when no limit is set (then no rate-limit headers are sent)
   */
  take(now = Date.now()) {
    if (this.limit === null) return null;
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#used = 0;
    }
    const allowed = this.#used < this.limit;
    if (allowed) this.#used++;
    const resetSeconds = Math.max(1, Math.ceil((this.#windowStart + 1000 - now) / 1000));
    return {
      allowed,
      retryAfter: resetSeconds,
      headers: {
        'ratelimit-limit': String(this.limit),
        'ratelimit-remaining': String(Math.max(0, this.limit - this.#used)),
        'ratelimit-reset': String(resetSeconds),
      },
    };
  }
}

/**
 * Reads MAIL_RATE_LIMIT_PER_SECOND: unset, empty, 0 or "off" mean unlimited.
 * @param {string | undefined} v
 */
export function parseRateLimitEnv(v) {
  if (v === undefined || v === '' || v === '0' || v.toLowerCase() === 'off') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`MAIL_RATE_LIMIT_PER_SECOND must be a whole number, got ${v}`);
  return n;
}

const configError = (/** @type {string} */ m) => new ResendError(400, 'validation_error', m);

/** @typedef {{ status: number, remaining: number }} Failure */

/** Consumes one failure of `f`: the status to answer with and what is left (null when none). */
function take(/** @type {Failure | null} */ f) {
  if (!f || f.remaining <= 0) return { status: null, left: null };
  f.remaining--;
  return { status: f.status, left: f.remaining === 0 ? null : f };
}

export class Faults {
  /** @type {Failure | null} sends (POST /emails, /emails/batch) */
  failNext = null;
  /** @type {Failure | null} reads of received emails (GET /emails/receiving…) */
  failReceivingNext = null;
  /** Milliseconds before a send is accepted (and answered). */
  delayMs = 0;
  /**
   * Milliseconds between accepting a send (it is stored and delivered) and answering it: the
   * window in which a test kills the caller, as if it died after the provider accepted.
   */
  answerDelayMs = 0;

  /** Consumes one injected send failure, if any is left: the status to answer with. */
  takeFailure() {
    const { status, left } = take(this.failNext);
    this.failNext = left;
    return status;
  }

  /** Consumes one injected failure of the Received-emails API. */
  takeReceivingFailure() {
    const { status, left } = take(this.failReceivingNext);
    this.failReceivingNext = left;
    return status;
  }
}

/**
 * Applies a POST /_catcher/config body. Only the fields present change; everything is checked
 * before anything is applied, so a bad request changes nothing.
 * @param {unknown} body
 * @param {RateLimiter} limiter
 * @param {Faults} faults
 */
export function applyConfig(body, limiter, faults) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw configError('Expected a JSON object.');
  const b = /** @type {Record<string, any>} */ (body);
  const known = new Set(['rateLimitPerSecond', 'failNext', 'failReceivingNext', 'delayMs', 'answerDelayMs']);
  for (const k of Object.keys(b)) if (!known.has(k)) throw configError(`Unknown setting \`${k}\`.`);

  /** @type {Array<() => void>} */
  const changes = [];
  if ('rateLimitPerSecond' in b) {
    const v = b.rateLimitPerSecond;
    if (v !== null && (!Number.isInteger(v) || v < 0)) {
      throw configError('`rateLimitPerSecond` must be a whole number ≥ 0, or null for unlimited.');
    }
    changes.push(() => limiter.setLimit(v === 0 ? null : v));
  }
  for (const field of /** @type {const} */ (['failNext', 'failReceivingNext'])) {
    if (!(field in b)) continue;
    const v = b[field];
    if (v === null) {
      changes.push(() => (faults[field] = null));
      continue;
    }
    if (typeof v !== 'object' || !Number.isInteger(v.status) || v.status < 400 || v.status > 599) {
      throw configError(`\`${field}.status\` must be an HTTP error status (400–599).`);
    }
    const count = v.count ?? 1;
    if (!Number.isInteger(count) || count < 0) throw configError(`\`${field}.count\` must be a whole number ≥ 0.`);
    changes.push(() => (faults[field] = count === 0 ? null : { status: v.status, remaining: count }));
  }
  for (const field of /** @type {const} */ (['delayMs', 'answerDelayMs'])) {
    if (!(field in b)) continue;
    const v = b[field] ?? 0;
    if (!Number.isInteger(v) || v < 0 || v > MAX_DELAY_MS) {
      throw configError(`\`${field}\` must be a whole number of milliseconds between 0 and ${MAX_DELAY_MS}.`);
    }
    changes.push(() => (faults[field] = v));
  }
  for (const c of changes) c();
}

/** @param {RateLimiter} limiter @param {Faults} faults */
export function describeConfig(limiter, faults) {
  return {
    rateLimitPerSecond: limiter.limit,
    failNext: faults.failNext ? { status: faults.failNext.status, count: faults.failNext.remaining } : null,
    failReceivingNext: faults.failReceivingNext
      ? { status: faults.failReceivingNext.status, count: faults.failReceivingNext.remaining }
      : null,
    delayMs: faults.delayMs,
    answerDelayMs: faults.answerDelayMs,
  };
}
