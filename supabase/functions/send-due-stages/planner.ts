// Which claimed stages go into the next provider request, and when (S4: "More than 10
// recipients queued together are sent in batches of 10 with an incremental delay between
// batches").
//
// How S4 meets Resend's 100-email batch endpoint: "queued together" is one enrolment batch
// (the recipients of one enrolment action, ≤ 500). Its recipients leave in batches of 10; the
// k-th batch of 10 of an enrolment batch leaves at least min(k × SEND_BATCH_DELAY_MS,
// SEND_BATCH_DELAY_MAX_MS) after the (k−1)-th, so a bulk enrolment trickles out as the SPEC
// describes. A provider request is a different thing: it carries up to SEND_BATCH_SIZE
// emails (Resend allows 100), filled with at most one batch of 10 per enrolment batch plus
// individual enrolments (extension, profile), which are not queued together with anything.
// So the SPEC's pacing shapes what one bulk enrolment looks like to its recipients and their
// mail servers, while the provider's rate limit (pacer.ts), not the SPEC's delay, bounds the
// total throughput of many enrolments due together.
//
// A request that was already made with an unknown outcome (a stage claimed with a send_key) is
// re-sent exactly as it was, before anything new and outside this pacing: it may already be in
// the inboxes, and only the identical request is answered from the provider's idempotency
// record.
//
// Fairness (issue 11, tenant isolation): individual enrolments wait in one queue per
// organisation and sender, and a request takes an equal share from each queue with something
// waiting (enrolment batches already give at most 10 each). So another organisation's due
// emails, claimed fairly by claim_due_stages, ride in the very next request instead of waiting
// behind everything one busy tenant has claimed before them. Pure logic; the clock is passed in.
import type { ClaimedStage } from './compose.ts';

/** Recipients of one enrolment batch per SPEC batch (S4). */
export const SPEC_BATCH = 10;

interface BatchState {
  /** Stages of this enrolment batch not yet placed in a request, in claim order. */
  pending: ClaimedStage[];
  /** SPEC batches started so far in this invocation. */
  started: number;
  /** Stages of the current SPEC batch not yet placed (a request smaller than 10 splits it). */
  left: number;
  /** When the current SPEC batch started. */
  startedAt: number;
}

export class RequestPlanner {
  #redrives: ClaimedStage[][] = [];
  #batches = new Map<string, BatchState>();
  /** Individual enrolments, one queue per organisation and sender, served round-robin. */
  #singles = new Map<string, ClaimedStage[]>();

  constructor(
    private batchSize: number,
    private delayMs: number,
    private delayMaxMs: number,
  ) {}

  /** Adds claimed, sendable stages. */
  add(rows: ClaimedStage[]): void {
    const byKey = new Map<string, ClaimedStage[]>();
    for (const row of rows) {
      if (row.send_key) byKey.set(row.send_key, [...(byKey.get(row.send_key) ?? []), row]);
      else if (row.batch_id) {
        let b = this.#batches.get(row.batch_id);
        if (!b) this.#batches.set(row.batch_id, (b = { pending: [], started: 0, left: 0, startedAt: 0 }));
        b.pending.push(row);
      } else {
        const key = `${row.organization_id}/${row.sender.user_id}`;
        const queue = this.#singles.get(key);
        if (queue) queue.push(row);
        else this.#singles.set(key, [row]);
      }
    }
    this.#redrives.push(...byKey.values());
  }

  /** Stages waiting for a request. */
  get size(): number {
    let n = this.#redrives.reduce((a, g) => a + g.length, 0);
    for (const q of this.#singles.values()) n += q.length;
    for (const b of this.#batches.values()) n += b.pending.length;
    return n;
  }

  /** The delay before the k-th SPEC batch (k ≥ 1) of an enrolment batch. */
  gapBefore(k: number): number {
    return Math.min(k * this.delayMs, this.delayMaxMs);
  }

  #eligible(b: BatchState, now: number): boolean {
    return b.pending.length > 0 && (b.left > 0 || b.started === 0 || now >= b.startedAt + this.gapBefore(b.started));
  }

  /** The stages of the next request that may leave at `now`, or null when none may. */
  next(now: number): ClaimedStage[] | null {
    const redrive = this.#redrives.shift();
    if (redrive) return redrive;
    const request: ClaimedStage[] = [];
    for (const b of this.#batches.values()) {
      const room = this.batchSize - request.length;
      if (room <= 0) break;
      if (!this.#eligible(b, now)) continue;
      if (b.left === 0) {
        // A new SPEC batch; it goes whole into one request when the request has room for it.
        const size = Math.min(SPEC_BATCH, b.pending.length);
        if (size > room && request.length > 0) continue;
        b.started++;
        b.startedAt = now;
        b.left = size;
      }
      const n = Math.min(b.left, room);
      request.push(...b.pending.splice(0, n));
      b.left -= n;
    }
    this.#takeSingles(request);
    return request.length > 0 ? request : null;
  }

  /** Fills the request's room with an equal share of each single queue, rotating who goes first. */
  #takeSingles(request: ClaimedStage[]): void {
    while (request.length < this.batchSize && this.#singles.size > 0) {
      const share = Math.max(1, Math.floor((this.batchSize - request.length) / this.#singles.size));
      for (const [key, queue] of [...this.#singles]) {
        const room = this.batchSize - request.length;
        if (room <= 0) break;
        request.push(...queue.splice(0, Math.min(share, room)));
        // Served: to the back of the rotation (or gone when empty).
        this.#singles.delete(key);
        if (queue.length > 0) this.#singles.set(key, queue);
      }
    }
  }

  /** When the next paced SPEC batch may leave (≤ now when one may leave now), or null if nothing waits. */
  nextAt(now: number): number | null {
    if (this.#redrives.length > 0 || this.#singles.size > 0) return now;
    let at: number | null = null;
    for (const b of this.#batches.values()) {
      if (b.pending.length === 0) continue;
      const t = this.#eligible(b, now) ? now : b.startedAt + this.gapBefore(b.started);
      at = at === null ? t : Math.min(at, t);
    }
    return at;
  }

  /** Takes every waiting stage out (the invocation is out of time): re-driven groups kept whole. */
  drain(): ClaimedStage[][] {
    const out = this.#redrives.splice(0);
    const rest = [...this.#singles.values()].flat();
    this.#singles.clear();
    for (const b of this.#batches.values()) rest.push(...b.pending.splice(0));
    if (rest.length > 0) out.push(rest);
    return out;
  }
}
