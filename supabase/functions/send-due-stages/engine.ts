// The drain loop of send-due-stages: claim due stages in rounds (claim_due_stages: skip
// locked + lease, so parallel invocations never share a stage), defer those outside their send
// window, group the rest into provider requests (batches of SEND_BATCH_SIZE, an incremental
// delay between batches), store each request's Idempotency-Key on its stages BEFORE the call
// (mark_stages_sending), send, and record the outcome. Rate limits are waited out in the
// invocation while the time budget allows, otherwise the unsent claims go back with a retry
// time. A request whose outcome is unknown keeps its key, so its re-drive is harmless.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Resend } from 'resend';
import { isInsideSendWindow, nextInstantInWindow, sendWindowProblem } from '../../../src/lib/email/index.ts';
import { composeEmail, messageIdFor, recipientTimeZone, type ClaimedStage, type EmailPayload } from './compose.ts';
import type { SendConfig } from './config.ts';
import { sendGroup, type SendOutcome } from './provider.ts';

export interface Summary {
  claimed: number;
  sent: number;
  failed: number;
  rescheduled: number;
  skipped: number;
  rounds: number;
  /** Stages whose request outcome is unknown, left for a re-drive with the same key. */
  pending: number;
  /** Milliseconds spent rendering (non-I/O work), for the benchmark's CPU-per-email figure. */
  render_ms: number;
}

export interface DrainOptions {
  /** Test-only: `crash_after_provider` exits the worker after the first accepted request. */
  fault?: string | null;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The request key of a group: a stage's own key alone, else derived from the sorted stage ids. */
async function groupKey(stages: ClaimedStage[]): Promise<string> {
  if (stages.length === 1) return stages[0]!.idempotency_key;
  return `batch-${await sha256Hex(
    stages
      .map((s) => s.stage_id)
      .sort()
      .join(','),
  )}`;
}

/** Exponential back-off for unknown outcomes: 30 s, 1 min, 2 min … at most 30 min. */
function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

export class Drainer {
  readonly summary: Summary = {
    claimed: 0,
    sent: 0,
    failed: 0,
    rescheduled: 0,
    skipped: 0,
    rounds: 0,
    pending: 0,
    render_ms: 0,
  };
  #deadline: number;
  #stopped = false;

  constructor(
    private db: SupabaseClient,
    private resend: Resend,
    private config: SendConfig,
    private options: DrainOptions = {},
  ) {
    this.#deadline = this.#now() + config.timeBudgetMs;
  }

  #now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /**
   * Calls an RPC, retrying briefly on errors that are not the caller's fault (the database or
   * gateway restarting), within the time budget plus a grace period for outcome records.
   */
  async #rpc<T>(name: string, args: Record<string, unknown>, grace = 0): Promise<T> {
    let wait = 200;
    for (;;) {
      const { data, error } = await this.db.rpc(name, args);
      if (!error) return data as T;
      const retriable =
        !error.code || /^(08|53|57|XX|PGRST00)/.test(error.code) || error.code === '40001' || error.code === '40P01';
      if (!retriable || this.#now() + wait > this.#deadline + grace) {
        throw new Error(`${name}: ${error.code ?? ''} ${error.message}`);
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 2000);
    }
  }

  async run(): Promise<Summary> {
    await this.#rpc('sweep_sending', {}).catch((e) => console.error(`sweep: ${e.message}`));
    while (!this.#stopped && this.#now() < this.#deadline) {
      const rows = await this.#rpc<ClaimedStage[]>('claim_due_stages', {
        p_limit: this.config.claimLimit,
        p_lease_seconds: this.config.leaseSeconds,
      });
      if (!rows || rows.length === 0) break;
      this.summary.rounds++;
      this.summary.claimed += rows.length;
      await this.#round(rows);
    }
    return this.summary;
  }

  async #round(rows: ClaimedStage[]): Promise<void> {
    const now = new Date(this.#now());
    const ready: ClaimedStage[] = [];
    const deferrals = new Map<string, string[]>();
    const invalid: string[] = [];
    for (const row of rows) {
      // A stage in a request of unknown outcome is re-sent as it was, window or not.
      if (row.send_key === null && row.send_window) {
        if (sendWindowProblem(row.send_window) !== null) {
          invalid.push(row.stage_id);
          continue;
        }
        const tz = recipientTimeZone(row);
        if (!isInsideSendWindow(now, row.send_window, tz)) {
          const at = nextInstantInWindow(now, row.send_window, tz).toISOString();
          deferrals.set(at, [...(deferrals.get(at) ?? []), row.stage_id]);
          continue;
        }
      }
      ready.push(row);
    }
    if (invalid.length > 0) {
      this.summary.failed += await this.#rpc<number>(
        'record_stages_failed',
        {
          stage_ids: invalid,
          reason: 'invalid_send_window',
        },
        10_000,
      );
    }
    for (const [at, ids] of deferrals) {
      this.summary.rescheduled += await this.#rpc<number>(
        'reschedule_stages',
        {
          stage_ids: ids,
          at,
          reason: 'outside_send_window',
        },
        10_000,
      );
    }

    // Re-driven requests keep their composition; fresh stages are chunked in claim order.
    const groups: ClaimedStage[][] = [];
    const byKey = new Map<string, ClaimedStage[]>();
    const fresh: ClaimedStage[] = [];
    for (const row of ready) {
      if (row.send_key) byKey.set(row.send_key, [...(byKey.get(row.send_key) ?? []), row]);
      else fresh.push(row);
    }
    groups.push(...byKey.values());
    for (let i = 0; i < fresh.length; i += this.config.batchSize)
      groups.push(fresh.slice(i, i + this.config.batchSize));

    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!.slice().sort((a, b) => (a.stage_id < b.stage_id ? -1 : 1));
      if (this.#stopped || this.#now() >= this.#deadline) {
        await this.#release(group, 'time_budget', new Date(this.#now()));
        continue;
      }
      if (i > 0 && this.config.batchDelayMs > 0) {
        await sleep(Math.min(i * this.config.batchDelayMs, this.config.batchDelayMaxMs));
      }
      await this.#sendGroup(group);
    }
  }

  /** Puts claims back for a later attempt; a request of unknown outcome keeps its key. */
  async #release(group: ClaimedStage[], reason: string, at: Date, outcomeUnknown = false): Promise<void> {
    const keep = outcomeUnknown || group.some((s) => s.send_key !== null);
    const n = await this.#rpc<number>(
      'record_stages_failed',
      {
        stage_ids: group.map((s) => s.stage_id),
        reason,
        retry_at: at.toISOString(),
        outcome_unknown: keep,
      },
      10_000,
    );
    this.summary.rescheduled += n;
    if (keep) this.summary.pending += n;
  }

  async #sendGroup(group: ClaimedStage[], replaceKey: string | null = null): Promise<void> {
    const t0 = performance.now();
    const emails: EmailPayload[] = [];
    for (const stage of group) emails.push(await composeEmail(stage, this.config));
    this.summary.render_ms += performance.now() - t0;

    const key = group[0]!.send_key && replaceKey === null ? group[0]!.send_key : await groupKey(group);
    const marked = await this.#rpc<string[]>('mark_stages_sending', {
      stage_ids: group.map((s) => s.stage_id),
      send_key: key,
      replace_key: replaceKey,
    });
    if ((marked ?? []).length !== group.length) {
      // Some lease lapsed and another invocation took the stage: send nothing of this group
      // now; what is still ours goes back unchanged for a later round.
      const ours = group.filter((s) => (marked ?? []).includes(s.stage_id));
      if (ours.length > 0) await this.#release(ours, 'lease_lost', new Date(this.#now()), true);
      return;
    }
    for (const s of group) s.send_key = key;

    let outcome: SendOutcome;
    for (let attempt = 0; ; attempt++) {
      outcome = await sendGroup(this.resend, key, emails, this.config.providerTimeoutMs);
      if (outcome.kind !== 'rate_limited') break;
      const waitMs = outcome.retryAfterSeconds * 1000;
      if (attempt >= 5 || this.#now() + waitMs >= this.#deadline) break;
      await sleep(waitMs);
    }
    await this.#respectRateHeaders(outcome);

    switch (outcome.kind) {
      case 'accepted':
      case 'accepted_before': {
        if (this.options.fault === 'crash_after_provider') {
          console.error('send-due-stages: SEND_FAULT crash_after_provider: exiting before recording');
          Deno.exit(1);
        }
        const ids = outcome.kind === 'accepted' ? outcome.ids : [];
        const results = group.map((s, i) => ({
          stage_id: s.stage_id,
          provider_message_id: ids[i] ?? null,
          message_id: messageIdFor(s, this.config),
        }));
        // Recording matters more than the budget: the email is out. If this still fails, the
        // lease expires and the re-drive gets the provider's idempotent answer.
        try {
          this.summary.sent += await this.#rpc<number>('record_stages_sent', { results }, 30_000);
        } catch (e) {
          console.error(`send-due-stages: could not record ${group.length} sent stage(s): ${(e as Error).message}`);
          this.summary.pending += group.length;
        }
        return;
      }
      case 'rate_limited':
        // Nothing was sent: the claims go back without the key (a fresh request later is fine).
        await this.#rpc(
          'record_stages_failed',
          {
            stage_ids: group.map((s) => s.stage_id),
            reason: 'rate_limited',
            retry_at: new Date(this.#now() + outcome.retryAfterSeconds * 1000).toISOString(),
            outcome_unknown: false,
          },
          10_000,
        );
        this.summary.rescheduled += group.length;
        return;
      case 'in_flight_elsewhere':
        await this.#release(group, 'in_flight_elsewhere', new Date(this.#now() + 30_000), true);
        return;
      case 'unknown':
        await this.#release(group, outcome.reason, new Date(this.#now() + backoffMs(group[0]!.attempts)), true);
        return;
      case 'unauthorised':
        console.error(`send-due-stages: the provider refused the API key: ${outcome.message}`);
        await this.#rpc(
          'record_stages_failed',
          {
            stage_ids: group.map((s) => s.stage_id),
            reason: 'provider_unauthorised',
            retry_at: new Date(this.#now() + 5 * 60_000).toISOString(),
            outcome_unknown: false,
          },
          10_000,
        );
        this.summary.rescheduled += group.length;
        this.#stopped = true;
        return;
      case 'rejected':
        if (group.length > 1) {
          // A strict batch fails whole for one bad email: send each alone so only it fails.
          for (const stage of group) await this.#sendGroup([{ ...stage, send_key: null }], key);
          return;
        }
        this.summary.failed += await this.#rpc<number>(
          'record_stages_failed',
          {
            stage_ids: [group[0]!.stage_id],
            reason: `provider_rejected: ${outcome.name}: ${outcome.message}`.slice(0, 500),
          },
          10_000,
        );
        return;
    }
  }

  /** Waits out an exhausted rate-limit window before the next request, within the budget. */
  async #respectRateHeaders(outcome: SendOutcome): Promise<void> {
    const headers = 'headers' in outcome ? outcome.headers : null;
    if (!headers || headers['ratelimit-remaining'] !== '0') return;
    const resetMs = Math.min(Number(headers['ratelimit-reset'] ?? '1') * 1000, 5000);
    if (Number.isFinite(resetMs) && this.#now() + resetMs < this.#deadline) await sleep(resetMs);
  }
}
