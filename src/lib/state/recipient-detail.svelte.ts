// One recipient's sequence (S8 "recipient detail"): each stage with its sent time, opens, clicks
// (which links) and replies, the classification and who or what set it, and when the next stage
// will trigger by the sending engine's rule (send windows in the recipient's zone, else the
// sender's, else the organisation's). Reloads when the board reloads, so it is live too.
import { getEnrollmentDetail, type DetailStage, type EnrollmentDetail } from '$lib/api/enrollments';
import { nextTriggerAt, resolveTimeZone } from '$shared/email/index.ts';

export interface NextTrigger {
  position: number;
  at: Date;
  timeZone: string;
  /** Why it is later than its nominal time, when it is. */
  note: string | null;
}

/** The next stage to send and when, or null when nothing more will send. */
// Instants handed to pure code; nothing mutates them, so no SvelteDate.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
export function nextTrigger(d: EnrollmentDetail, now: Date = new Date()): NextTrigger | null {
  if (d.status !== 'running') return null;
  const next: DetailStage | undefined = d.stages.find((s) => s.status === 'scheduled' || s.status === 'claimed');
  if (!next?.scheduledAt) return null;
  const tz = resolveTimeZone(d.candidate.timeZone, next.senderTimeZone, d.organizationTimeZone);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const scheduled = new Date(next.scheduledAt);
  const at = nextTriggerAt(scheduled, next.sendWindow, tz, now);
  let note: string | null = null;
  if (next.deferredReason) note = `Deferred: ${next.deferredReason.replaceAll('_', ' ')}`;
  else if (at.getTime() > Math.max(scheduled.getTime(), now.getTime())) note = 'Waits for the send window to open';
  return { position: next.position, at, timeZone: tz, note };
}

export class RecipientDetailState {
  #detail = $state.raw<EnrollmentDetail | null>(null);
  #status = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  #error = $state<string | null>(null);
  #seq = 0;

  constructor(readonly enrollmentId: string) {}

  get detail(): EnrollmentDetail | null {
    return this.#detail;
  }
  get status() {
    return this.#status;
  }
  get error(): string | null {
    return this.#error;
  }

  next = $derived(this.#detail ? nextTrigger(this.#detail) : null);

  async load(): Promise<void> {
    const seq = ++this.#seq;
    const r = await getEnrollmentDetail(this.enrollmentId);
    if (seq !== this.#seq) return;
    if (!r.ok) {
      this.#status = this.#detail ? 'ready' : 'error';
      this.#error = r.error;
      return;
    }
    this.#error = null;
    this.#detail = r.data;
    this.#status = r.data ? 'ready' : 'not_found';
  }
}
