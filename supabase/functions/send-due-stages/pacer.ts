// Proactive pacing of provider requests from Resend's rate-limit headers, so the engine uses
// the whole limit without provoking 429s. Before this, the engine sent until the provider said
// `ratelimit-remaining: 0` or answered 429, then slept `ratelimit-reset` / `retry-after`, which
// Resend gives in whole seconds: a window that reset 100 ms later still cost a full second,
// and two overlapping invocations took turns losing most of each second (67 % of the limit).
//
// The pacer keeps the start times of its own recent requests and lets a new one start only
// while fewer than `ratelimit-limit` started within the last window plus a margin. Any
// fixed or sliding one-second window on the provider's side then holds at most `limit` of our
// requests, as long as the margin covers the jitter between our start and the provider's
// arrival time. The limit is learned from the first answer (until then one request at a time
// probes it); an answer without rate-limit headers means the provider does not limit.
// The server stays authoritative: a 429, or `remaining: 0` that our own count cannot explain
// (another process using the same key), blocks every request until the provider's reset.
//
// One pacer per isolate (`sharedPacer`) serves every invocation it runs, so overlapping cron
// runs share the limit instead of competing for it. Pure TypeScript: no Deno or Node APIs.

export interface PacerOptions {
  /** The provider's window. Default 1000 ms (Resend documents per-second limits). */
  windowMs?: number;
  /** Added to the window to absorb start→arrival jitter. Default 40 ms. */
  marginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PacerStats {
  /** Time callers spent waiting for a slot, summed over callers (ms). */
  waitedMs: number;
  /** 429s the provider answered despite the pacing. */
  throttled: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function headerNumber(headers: Record<string, string> | null | undefined, name: string): number | null {
  const raw = headers?.[name];
  if (raw === undefined || raw === null || raw === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

export class RatePacer {
  readonly stats: PacerStats = { waitedMs: 0, throttled: 0 };
  /** Requests per window; null = not learned yet; Infinity = the provider sends no limit. */
  #limit: number | null = null;
  #starts: number[] = [];
  #blockedUntil = 0;
  #probing = false;
  #waiters: (() => void)[] = [];
  readonly #windowMs: number;
  readonly #marginMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: PacerOptions = {}) {
    this.#windowMs = options.windowMs ?? 1000;
    this.#marginMs = options.marginMs ?? 40;
    this.#now = options.now ?? (() => Date.now());
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** The learned limit (requests per window), null before the first answer. */
  get limit(): number | null {
    return this.#limit;
  }

  #span(): number {
    return this.#windowMs + this.#marginMs;
  }

  #prune(now: number): void {
    const horizon = now - this.#span();
    let drop = 0;
    while (drop < this.#starts.length && this.#starts[drop]! <= horizon) drop++;
    if (drop > 0) this.#starts.splice(0, drop);
  }

  /** Waits until a request may start, and counts it as started. */
  async acquire(): Promise<void> {
    const t0 = this.#now();
    for (;;) {
      const now = this.#now();
      if (now < this.#blockedUntil) {
        await this.#sleep(this.#blockedUntil - now);
        continue;
      }
      if (this.#limit === null) {
        // Nothing known yet: one request finds out the limit; the others wait for its answer.
        if (this.#probing) {
          await new Promise<void>((r) => this.#waiters.push(r));
          continue;
        }
        this.#probing = true;
        break;
      }
      this.#prune(now);
      if (this.#starts.length < this.#limit) break;
      // The oldest start that still counts against the limit leaves the window at this time.
      const oldest = this.#starts[this.#starts.length - this.#limit]!;
      await this.#sleep(Math.max(1, oldest + this.#span() - now));
    }
    this.#starts.push(this.#now());
    this.stats.waitedMs += this.#now() - t0;
  }

  /**
   * Feeds the answer of a request back: its rate-limit headers, and whether it was a 429 (with
   * the seconds the provider asked to wait). Call it for every answered request; call
   * `abandon()` for a request that got no answer.
   */
  observe(headers: Record<string, string> | null | undefined, rateLimited = false, retryAfterSeconds = 1): void {
    const now = this.#now();
    const limit = headerNumber(headers, 'ratelimit-limit');
    if (limit !== null && limit >= 1) this.#limit = Math.floor(limit);
    // Resend answers every request with its limit; an answer without one means no limit now.
    else if (!rateLimited) this.#limit = Infinity;
    if (rateLimited) {
      this.stats.throttled++;
      this.#blockedUntil = Math.max(this.#blockedUntil, now + Math.max(retryAfterSeconds, 0) * 1000);
    } else if (headerNumber(headers, 'ratelimit-remaining') === 0 && this.#limit !== null) {
      // Our own starts explain an exhausted window; fewer than the limit means someone else
      // shares the key, so wait for the provider's reset rather than trusting our count.
      this.#prune(now);
      if (this.#starts.length < this.#limit) {
        const reset = headerNumber(headers, 'ratelimit-reset') ?? 1;
        this.#blockedUntil = Math.max(this.#blockedUntil, now + Math.min(reset, 60) * 1000);
      }
    }
    this.#endProbe();
  }

  /** A request that got no answer (timeout, connection lost) teaches nothing. */
  abandon(): void {
    this.#endProbe();
  }

  #endProbe(): void {
    if (!this.#probing) return;
    this.#probing = false;
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** The pacer of this isolate: every invocation it serves sends through the same API key. */
export const sharedPacer = new RatePacer();
