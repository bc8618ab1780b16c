// The drain loop of send-due-stages: claim due stages in rounds (claim_due_stages: skip
// locked + lease, so parallel invocations never share a stage), defer those outside their send
// window, plan provider requests (planner.ts: up to SEND_BATCH_SIZE emails each; S4's batches
// of 10 with an incremental delay per enrolment batch), store each request's Idempotency-Key
// on its stages BEFORE the call (mark_stages_sending), wait for a slot of the provider's rate
// limit (pacer.ts), send, and record the outcome. A stage with attachments leaves in a request of
// its own (Resend's batch endpoint takes none), its files downloaded just before that call and
// at most one such email in memory at a time (attachments.ts). Claiming and rendering run ahead
// of sending, and several requests are in flight at once, so the rate limit is the bottleneck rather than
// the database round trips. Rate limits are waited out while the time budget allows; unsent
// claims go back. A request whose outcome is unknown keeps its key, so its re-drive is harmless.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Resend } from 'resend';
import { isInsideSendWindow, nextInstantInWindow, sendWindowProblem, type DocNode } from '../_shared/email/index.ts';
import { AttachmentRefused, AttachmentUnavailable, loadAttachments, parseAttachments } from './attachments.ts';
import {
  aiKeysOf,
  composeEmail,
  messageIdFor,
  recipientTimeZone,
  type ClaimedStage,
  type EmailPayload,
} from './compose.ts';
import type { SendConfig } from './config.ts';
import { sharedPacer, type RatePacer } from './pacer.ts';
import { RequestPlanner } from './planner.ts';
import type { Summary } from './summary.ts';
import { sendGroup, type SendOutcome } from './provider.ts';

export interface DrainOptions {
  now?: () => number;
  /** Default: the isolate's shared pacer, so overlapping invocations share the rate limit. */
  pacer?: RatePacer;
}

interface Prepared {
  group: ClaimedStage[];
  emails: EmailPayload[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Storage outage while loading a stage's files: try that stage again after this long. */
const ATTACHMENT_RETRY_MS = 60_000;

const hasAttachments = (s: ClaimedStage) => (s.attachments?.length ?? 0) > 0;

/**
 * A planned request as the provider can take it: stages with attachments each alone (POST
 * /emails; the batch endpoint refuses attachments), the rest together. They leave at the same
 * moment, so the SPEC's pacing of the enrolment batch is unchanged. A re-driven request (claimed
 * with its key) is sent exactly as it was.
 */
export function splitForAttachments(group: ClaimedStage[]): ClaimedStage[][] {
  if (group.some((s) => s.send_key !== null) || !group.some(hasAttachments)) return [group];
  const rest = group.filter((s) => !hasAttachments(s));
  return [...(rest.length > 0 ? [rest] : []), ...group.filter(hasAttachments).map((s) => [s])];
}

/** A one-permit lock: one email's attachments in memory at a time. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  async run<T>(work: () => Promise<T>): Promise<T> {
    const prev = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((r) => (release = r));
    await prev;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

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

/** A wake-up signal between the producer and the lanes. */
class Signal {
  #waiters: (() => void)[] = [];
  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiters;
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, Math.max(1, timeoutMs));
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      this.#waiters.push(done);
    });
  }
  notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
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
    requests: 0,
    throttled: 0,
    timings: { claim_ms: 0, mark_ms: 0, provider_ms: 0, record_ms: 0, pacer_wait_ms: 0 },
  };
  #deadline: number;
  #stopped = false;
  #pacer: RatePacer;
  #planner: RequestPlanner;
  /** Rendered requests waiting for a free lane, in order. */
  #ready: Prepared[] = [];
  #producerDone = false;
  #readySignal = new Signal();
  #spaceSignal = new Signal();
  #attachmentLock = new Mutex();

  constructor(
    private db: SupabaseClient,
    private resend: Resend,
    private config: SendConfig,
    private options: DrainOptions = {},
  ) {
    this.#deadline = this.#now() + config.timeBudgetMs;
    this.#pacer = options.pacer ?? sharedPacer;
    this.#planner = new RequestPlanner(config.batchSize, config.batchDelayMs, config.batchDelayMaxMs);
  }

  #now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  #outOfTime(): boolean {
    return this.#stopped || this.#now() >= this.#deadline;
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

  async #timed<T>(key: keyof Summary['timings'], work: Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work;
    } finally {
      this.summary.timings[key] += performance.now() - t0;
    }
  }

  /**
   * The pipeline: one producer claims, plans and renders requests ahead while up to
   * SEND_CONCURRENCY lanes each mark a request's key, wait for a pacer slot, send and record.
   * So the provider's slots never wait for the database or rendering, and the database round
   * trips of one request overlap the provider calls of others. The lookahead is small (two
   * requests per lane): what is claimed is sent within seconds, far inside the lease.
   */
  async run(): Promise<Summary> {
    await this.#rpc('sweep_sending', {}).catch((e) => console.error(`sweep: ${e.message}`));
    let failure: unknown = null;
    // A lane that fails (the database gone for longer than the retries) stops the whole run.
    const lanes = Array.from({ length: this.config.concurrency }, () =>
      this.#lane().catch((e) => {
        failure ??= e;
        this.#stopped = true;
        this.#spaceSignal.notify();
        this.#readySignal.notify();
      }),
    );
    try {
      await this.#produce();
    } catch (e) {
      failure = e;
    } finally {
      this.#producerDone = true;
      this.#readySignal.notify();
    }
    await Promise.all(lanes);
    // Whatever is still planned or rendered goes back (out of time, or something failed). If
    // the database is what failed, this fails too and the leases expire instead.
    const left = [...this.#planner.drain(), ...this.#ready.splice(0).map((p) => p.group)];
    try {
      for (const group of left) await this.#releaseUnsent(group, failure ? 'send_error' : 'time_budget');
    } catch (e) {
      failure ??= e;
    }
    if (failure) throw failure;
    return this.summary;
  }

  async #produce(): Promise<void> {
    const lookahead = this.config.concurrency * 2;
    let exhausted = false;
    while (!this.#outOfTime()) {
      // Claim more while what is planned would not fill the lookahead.
      if (!exhausted && this.#planner.size < this.config.batchSize * lookahead) {
        const rows = await this.#timed(
          'claim_ms',
          this.#rpc<ClaimedStage[]>('claim_due_stages', {
            p_limit: this.config.claimLimit,
            p_lease_seconds: this.config.leaseSeconds,
          }),
        );
        if (!rows || rows.length === 0) exhausted = true;
        else {
          this.summary.rounds++;
          this.summary.claimed += rows.length;
          this.#planner.add(await this.#screen(rows));
        }
        continue;
      }
      if (this.#ready.length >= lookahead) {
        await this.#spaceSignal.wait(250);
        continue;
      }
      const now = this.#now();
      const group = this.#planner.next(now);
      if (group) {
        for (const part of splitForAttachments(group)) {
          const prepared = await this.#prepare(part);
          if (prepared) {
            this.#ready.push(prepared);
            this.#readySignal.notify();
          }
        }
        continue;
      }
      const at = this.#planner.nextAt(now);
      if (at === null) {
        if (exhausted) return;
        continue;
      }
      // Only paced SPEC batches are waiting: sleep until the next may leave (or a lane frees up).
      await this.#spaceSignal.wait(Math.min(at - now, this.#deadline - now));
    }
  }

  async #lane(): Promise<void> {
    for (;;) {
      const item = this.#ready.shift();
      if (!item) {
        if (this.#producerDone) return;
        await this.#readySignal.wait();
        continue;
      }
      this.#spaceSignal.notify();
      if (this.#outOfTime()) {
        this.#ready.unshift(item);
        return;
      }
      if (item.group.length === 1 && hasAttachments(item.group[0]!)) await this.#sendWithAttachments(item);
      else await this.#sendGroup(item.group, item.emails);
    }
  }

  /**
   * Ends or defers what must not be sent now (invalid or closed send window) and returns the
   * rest. A stage in a request of unknown outcome is re-sent as it was, window or not.
   */
  async #screen(rows: ClaimedStage[]): Promise<ClaimedStage[]> {
    const now = new Date(this.#now());
    const ready: ClaimedStage[] = [];
    const deferrals = new Map<string, string[]>();
    const invalid: string[] = [];
    const unverified: string[] = [];
    const unreviewed: string[] = [];
    const verified = await this.#verifiedDomains(rows);
    const ai = await this.#aiValues(rows);
    const files = await this.#attachmentLists(rows);
    const signatures = await this.#signatureDocs(rows);
    for (const row of rows) {
      // One stage whose data cannot be read (a time zone the runtime does not know …) fails
      // alone with its reason; it never stops the run for every other organisation's stages.
      try {
        const listed = files.get(row.stage_id);
        if (listed) {
          try {
            row.attachments = parseAttachments(row.sequence_id, listed);
          } catch (e) {
            if (!(e instanceof AttachmentRefused)) throw e;
            await this.#failStage(row, e.reason);
            continue;
          }
        }
        // AI-written values are sent only as a person reviewed them (S13): never unseen.
        const aiKeys = aiKeysOf(row);
        if (aiKeys.length > 0) {
          const values = ai.get(row.enrollment_id) ?? {};
          if (!aiKeys.every((k) => typeof values[k] === 'string')) {
            unreviewed.push(row.stage_id);
            continue;
          }
          row.ai = values;
        }
        row.signature_doc = signatures.get(row.sender.user_id) ?? null;
        // The sender address is re-checked at send time (issue 11 item 5): its domain must still
        // be a verified sending domain of the sender's own organisation. A request of unknown
        // outcome is re-sent as it was.
        if (row.send_key === null && !verified.has(`${row.organization_id} ${senderDomain(row.sender.email)}`)) {
          unverified.push(row.stage_id);
          continue;
        }
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
      } catch (e) {
        await this.#failUnrenderable(row, e);
        continue;
      }
      ready.push(row);
    }
    if (invalid.length > 0) {
      const recorded = await this.#rpc<number>(
        'record_stages_failed',
        { stage_ids: invalid, reason: 'invalid_send_window' },
        10_000,
      );
      this.summary.failed += recorded;
    }
    if (unreviewed.length > 0) {
      const recorded = await this.#rpc<number>(
        'record_stages_failed',
        { stage_ids: unreviewed, reason: 'ai_token_unreviewed' },
        10_000,
      );
      this.summary.failed += recorded;
    }
    if (unverified.length > 0) {
      const recorded = await this.#rpc<number>(
        'record_stages_failed',
        { stage_ids: unverified, reason: 'sender_domain_unverified' },
        10_000,
      );
      this.summary.failed += recorded;
    }
    for (const [at, ids] of deferrals) {
      const recorded = await this.#rpc<number>(
        'reschedule_stages',
        { stage_ids: ids, at, reason: 'outside_send_window' },
        10_000,
      );
      this.summary.rescheduled += recorded;
    }
    return ready;
  }

  /** Reviewed AI token values by enrolment, for the claimed stages that use AI tokens. */
  async #aiValues(rows: ClaimedStage[]): Promise<Map<string, Record<string, string>>> {
    // A body that cannot be read is left to #screen, which fails that stage alone.
    const usesAi = (r: ClaimedStage) => {
      try {
        return aiKeysOf(r).length > 0;
      } catch {
        return false;
      }
    };
    const ids = [...new Set(rows.filter(usesAi).map((r) => r.enrollment_id))];
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const found = await this.#rpc<{ enrollment_id: string; key: string; value: string }[]>('ai_token_values', {
      p_enrollment_ids: ids,
    });
    for (const v of found ?? []) out.set(v.enrollment_id, { ...out.get(v.enrollment_id), [v.key]: v.value });
    return out;
  }

  /** The stored attachment lists of the claimed stages that have any, by stage id. */
  async #attachmentLists(rows: ClaimedStage[]): Promise<Map<string, unknown>> {
    const found = await this.#rpc<{ stage_id: string; attachments: unknown }[]>('stage_attachments', {
      p_stage_ids: rows.map((r) => r.stage_id),
    });
    return new Map((found ?? []).map((f) => [f.stage_id, f.attachments]));
  }

  /**
   * Sends a stage with files: downloads them (one such email in memory at a time), then sends as
   * any other request. A file that is gone or too large ends the stage with its reason (the email
   * is never sent without it); a Storage outage puts the claim back for a later attempt.
   */
  async #sendWithAttachments(item: Prepared): Promise<void> {
    const stage = item.group[0]!;
    const email = item.emails[0]!;
    await this.#attachmentLock.run(async () => {
      try {
        const bodyBytes = new TextEncoder().encode(email.html + email.text).length;
        email.attachments = await loadAttachments(this.db, stage.attachments ?? [], bodyBytes);
      } catch (e) {
        if (e instanceof AttachmentRefused) return this.#failStage(stage, e.reason);
        if (e instanceof AttachmentUnavailable) {
          console.error(`send-due-stages: stage ${stage.stage_id}: ${e.message}`);
          return this.#release(item.group, 'attachment_unavailable', new Date(this.#now() + ATTACHMENT_RETRY_MS));
        }
        throw e;
      }
      try {
        await this.#sendGroup(item.group, item.emails);
      } finally {
        delete email.attachments;
      }
    });
  }

  /** Ends one claimed stage (and so its enrolment) with a reason the recipient detail shows. */
  async #failStage(stage: ClaimedStage, reason: string): Promise<void> {
    console.error(`send-due-stages: stage ${stage.stage_id} not sent: ${reason}`);
    const recorded = await this.#rpc<number>(
      'record_stages_failed',
      { stage_ids: [stage.stage_id], reason: reason.slice(0, 300) },
      10_000,
    );
    this.summary.failed += recorded;
  }

  /** The rich-text signatures of the claimed stages' senders (members without one are absent). */
  async #signatureDocs(rows: ClaimedStage[]): Promise<Map<string, DocNode>> {
    const ids = [...new Set(rows.map((r) => r.sender.user_id).filter((id): id is string => !!id))];
    if (ids.length === 0) return new Map();
    const found = await this.#rpc<{ user_id: string; signature_doc: DocNode }[]>('sender_signature_docs', {
      p_user_ids: ids,
    });
    return new Map((found ?? []).map((f) => [f.user_id, f.signature_doc]));
  }

  /** `<organisation id> <domain>` for every verified sending domain of the claimed stages' organisations. */
  async #verifiedDomains(rows: ClaimedStage[]): Promise<Set<string>> {
    const orgs = [...new Set(rows.map((r) => r.organization_id))];
    const found = await this.#rpc<{ organization_id: string; domain: string }[]>('verified_sender_domains', {
      p_org_ids: orgs,
    });
    return new Set((found ?? []).map((d) => `${d.organization_id} ${d.domain}`));
  }

  /** Renders a planned request; a stage that cannot be rendered fails alone and leaves it. */
  async #prepare(stages: ClaimedStage[]): Promise<Prepared | null> {
    const sorted = stages.slice().sort((a, b) => (a.stage_id < b.stage_id ? -1 : 1));
    const t0 = performance.now();
    const group: ClaimedStage[] = [];
    const emails: EmailPayload[] = [];
    const broken: [ClaimedStage, unknown][] = [];
    for (const stage of sorted) {
      try {
        emails.push(await composeEmail(stage, this.config));
        group.push(stage);
      } catch (e) {
        broken.push([stage, e]);
      }
    }
    this.summary.render_ms += performance.now() - t0;
    for (const [stage, e] of broken) await this.#failUnrenderable(stage, e);
    return group.length > 0 ? { group, emails } : null;
  }

  /**
   * Ends a stage that cannot be rendered with a recorded reason (`render_failed: …`). Its
   * enrolment ends with send_failed, as for any permanent failure; the rest of the run goes on.
   */
  async #failUnrenderable(stage: ClaimedStage, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`send-due-stages: stage ${stage.stage_id} cannot be rendered: ${message}`);
    const recorded = await this.#rpc<number>(
      'record_stages_failed',
      { stage_ids: [stage.stage_id], reason: `render_failed: ${message}`.slice(0, 300) },
      10_000,
    );
    this.summary.failed += recorded;
  }

  /**
   * Puts back claims that were never sent in this invocation: fresh ones without counting the
   * claim as an attempt; a re-driven request keeps its key (its outcome is still unknown).
   */
  async #releaseUnsent(group: ClaimedStage[], reason: string): Promise<void> {
    if (group.length === 0) return;
    const keyed = group.filter((s) => s.send_key !== null);
    const fresh = group.filter((s) => s.send_key === null);
    if (keyed.length > 0) await this.#release(keyed, reason, new Date(this.#now()), true);
    if (fresh.length > 0) {
      const recorded = await this.#rpc<number>(
        'reschedule_stages',
        { stage_ids: fresh.map((s) => s.stage_id), at: new Date(this.#now()).toISOString(), reason },
        10_000,
      );
      this.summary.rescheduled += recorded;
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

  async #sendGroup(group: ClaimedStage[], emails: EmailPayload[], replaceKey: string | null = null): Promise<void> {
    // A re-driven request (claimed with its key) may already have been accepted under that key.
    const redrive = replaceKey === null && group.some((s) => s.send_key !== null);
    const key = group[0]!.send_key && replaceKey === null ? group[0]!.send_key : await groupKey(group);
    const marked = await this.#timed(
      'mark_ms',
      this.#rpc<string[]>('mark_stages_sending', {
        stage_ids: group.map((s) => s.stage_id),
        send_key: key,
        replace_key: replaceKey,
      }),
    );
    if ((marked ?? []).length !== group.length) {
      // Some lease lapsed and another invocation took the stage: send nothing of this group
      // now; what is still ours goes back unchanged for a later round.
      const ours = group.filter((s) => (marked ?? []).includes(s.stage_id));
      if (ours.length > 0) await this.#release(ours, 'lease_lost', new Date(this.#now()), true);
      return;
    }
    for (const s of group) s.send_key = key;

    // The key is stored: from here on a crash or timeout is re-driven with the same key.
    let outcome: SendOutcome;
    for (let attempt = 0; ; attempt++) {
      await this.#timed('pacer_wait_ms', this.#pacer.acquire());
      this.summary.requests++;
      outcome = await this.#timed('provider_ms', sendGroup(this.resend, key, emails, this.config.providerTimeoutMs));
      if (outcome.kind === 'rate_limited') {
        this.summary.throttled++;
        this.#pacer.observe(outcome.headers, true, outcome.retryAfterSeconds);
      } else if ('headers' in outcome) this.#pacer.observe(outcome.headers);
      else this.#pacer.abandon();
      // The pacer now holds every request until the provider's reset; retry within the budget.
      if (outcome.kind !== 'rate_limited') break;
      if (attempt >= 5 || this.#now() + outcome.retryAfterSeconds * 1000 >= this.#deadline) break;
    }

    switch (outcome.kind) {
      case 'accepted':
      case 'accepted_before': {
        const ids = outcome.kind === 'accepted' ? outcome.ids : [];
        const results = group.map((s, i) => ({
          stage_id: s.stage_id,
          provider_message_id: ids[i] ?? null,
          message_id: messageIdFor(s, this.config),
        }));
        // Recording matters more than the budget: the email is out. If this still fails, the
        // lease expires and the re-drive gets the provider's idempotent answer.
        try {
          // Read the shared counter after the await: lanes run concurrently.
          const recorded = await this.#timed('record_ms', this.#rpc<number>('record_stages_sent', { results }, 30_000));
          this.summary.sent += recorded;
        } catch (e) {
          console.error(`send-due-stages: could not record ${group.length} sent stage(s): ${(e as Error).message}`);
          this.summary.pending += group.length;
        }
        return;
      }
      case 'rate_limited':
        // Nothing was sent by this request: the claims go back without the key (a fresh request
        // later is fine), unless an earlier attempt under the same key may have been accepted.
        await this.#rpc(
          'record_stages_failed',
          {
            stage_ids: group.map((s) => s.stage_id),
            reason: 'rate_limited',
            retry_at: new Date(this.#now() + outcome.retryAfterSeconds * 1000).toISOString(),
            outcome_unknown: redrive,
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
            outcome_unknown: redrive,
          },
          10_000,
        );
        this.summary.rescheduled += group.length;
        this.#stopped = true;
        return;
      case 'rejected': {
        if (group.length > 1) {
          // A strict batch fails whole for one bad email: send each alone so only it fails.
          for (const [i, stage] of group.entries()) {
            await this.#sendGroup([{ ...stage, send_key: null }], [emails[i]!], key);
          }
          return;
        }
        const recorded = await this.#rpc<number>(
          'record_stages_failed',
          {
            stage_ids: [group[0]!.stage_id],
            reason: `provider_rejected: ${outcome.name}: ${outcome.message}`.slice(0, 500),
          },
          10_000,
        );
        this.summary.failed += recorded;
        return;
      }
    }
  }
}

/** The lower-cased domain of an address ('' when there is none). */
function senderDomain(address: string | null | undefined): string {
  const at = (address ?? '').trim().lastIndexOf('@');
  return at < 0
    ? ''
    : (address ?? '')
        .trim()
        .slice(at + 1)
        .toLowerCase();
}
