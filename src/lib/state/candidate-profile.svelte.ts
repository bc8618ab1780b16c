// One candidate's profile page: the candidate, what the user may see of their job
// considerations and sequences, their subscription state and a live activity timeline.
// Loads are guarded by #seq so a slower older answer never overwrites a newer one.
import {
  archiveConsideration,
  getCandidate,
  getSubscription,
  listCandidateEnrollments,
  listConsiderations,
  loadTimeline,
  setSubscription,
  updateCandidateNotes,
  watchCandidate,
  type CandidateEnrollment,
  type CandidateProfile,
  type Consideration,
  type Subscription,
  type TimelineEntry,
} from '$lib/api/candidate-profile';
import { toasts } from '$lib/state/toasts.svelte';

export type ProfileStatus = 'loading' | 'ready' | 'missing' | 'error';

export class CandidateProfileState {
  #status = $state<ProfileStatus>('loading');
  #error = $state<string | null>(null);
  #candidate = $state.raw<CandidateProfile | null>(null);
  #considerations = $state.raw<Consideration[]>([]);
  #enrollments = $state.raw<CandidateEnrollment[]>([]);
  #subscription = $state.raw<Subscription | null>(null);
  #timeline = $state.raw<TimelineEntry[]>([]);
  #saving = $state(false);
  #seq = 0;
  #unwatch: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** The editable notes, a draft until saved. */
  reasonForOutreach = $state('');
  customFields = $state<Record<string, string>>({});

  constructor(readonly candidateId: string) {}

  get status(): ProfileStatus {
    return this.#status;
  }
  get error(): string | null {
    return this.#error;
  }
  get candidate(): CandidateProfile | null {
    return this.#candidate;
  }
  get considerations(): readonly Consideration[] {
    return this.#considerations;
  }
  get enrollments(): readonly CandidateEnrollment[] {
    return this.#enrollments;
  }
  get drafts(): readonly CandidateEnrollment[] {
    return this.#enrollments.filter((e) => e.status === 'draft');
  }
  get subscription(): Subscription | null {
    return this.#subscription;
  }
  get timeline(): readonly TimelineEntry[] {
    return this.#timeline;
  }
  get saving(): boolean {
    return this.#saving;
  }
  get name(): string {
    const c = this.#candidate;
    return c ? `${c.first_name} ${c.last_name}`.trim() || c.email || 'Unnamed candidate' : '';
  }
  /** Whether the notes differ from what is saved. */
  get notesChanged(): boolean {
    const c = this.#candidate;
    if (!c) return false;
    if ((c.reason_for_outreach ?? '') !== this.reasonForOutreach) return true;
    const keys = [...Object.keys(c.custom_fields), ...Object.keys(this.customFields)];
    return keys.some((k) => (c.custom_fields[k] ?? '') !== (this.customFields[k] ?? ''));
  }
  /** Sequences the user sees that archiving on any job would cancel (S5). */
  get liveSequences(): readonly CandidateEnrollment[] {
    return this.#enrollments.filter((e) => e.status === 'running' || e.status === 'paused');
  }
  get unsubscribed(): boolean {
    const s = this.#subscription;
    return !!s && (!s.currentOutreach || s.suppressedReason !== null);
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    const c = await getCandidate(this.candidateId);
    if (seq !== this.#seq) return;
    if (!c.ok) {
      this.#status = 'error';
      this.#error = c.error;
      return;
    }
    if (!c.data) {
      this.#status = 'missing';
      return;
    }
    this.#candidate = c.data;
    this.reasonForOutreach = c.data.reason_for_outreach ?? '';
    this.customFields = { ...c.data.custom_fields };
    this.#status = 'ready';
    await this.refresh();
  }

  /** Reloads everything but the candidate's editable fields (for live changes). */
  async refresh(): Promise<void> {
    const seq = ++this.#seq;
    const [cons, enr, sub, tl] = await Promise.all([
      listConsiderations(this.candidateId),
      listCandidateEnrollments(this.candidateId),
      getSubscription(this.candidateId),
      loadTimeline(this.candidateId),
    ]);
    if (seq !== this.#seq) return;
    const failed = [cons, enr, sub, tl].find((r) => !r.ok);
    this.#error = failed && !failed.ok ? failed.error : null;
    if (cons.ok) this.#considerations = cons.data;
    if (enr.ok) this.#enrollments = enr.data;
    if (sub.ok) this.#subscription = sub.data;
    if (tl.ok) this.#timeline = tl.data;
  }

  /** Follows Realtime: new activities, sends, subscription and enrolment changes. */
  watch(): void {
    this.#unwatch?.();
    this.#unwatch = watchCandidate(this.candidateId, () => {
      // A burst of changes (a send writes stage + activity) reloads once.
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.refresh(), 150);
    });
  }

  async saveNotes(): Promise<void> {
    const c = this.#candidate;
    if (!c) return;
    this.#saving = true;
    const r = await updateCandidateNotes(c.id, {
      reasonForOutreach: this.reasonForOutreach,
      customFields: $state.snapshot(this.customFields),
    });
    this.#saving = false;
    if (!r.ok) {
      toasts.error(r.error);
      return;
    }
    const fresh = await getCandidate(c.id);
    if (fresh.ok && fresh.data) {
      this.#candidate = fresh.data;
      this.reasonForOutreach = fresh.data.reason_for_outreach ?? '';
      this.customFields = { ...fresh.data.custom_fields };
    }
    toasts.success('Saved.');
  }

  addCustomField(key: string): string | null {
    const k = key.trim().toLowerCase().replace(/\s+/g, '_');
    if (!/^[a-z][a-z0-9_]*$/.test(k)) return 'A field name starts with a letter and has only letters, digits and _.';
    if (k in this.customFields) return 'The candidate already has this field.';
    this.customFields[k] = '';
    return null;
  }

  /** More → Manage subscriptions: returns whether it was saved. */
  async saveSubscription(currentOutreach: boolean, newRoles: boolean): Promise<boolean> {
    this.#saving = true;
    const r = await setSubscription(this.candidateId, currentOutreach, newRoles);
    this.#saving = false;
    if (!r.ok) {
      toasts.error(r.error);
      return false;
    }
    toasts.success('Subscriptions saved.');
    await this.refresh();
    return true;
  }

  /** Archives the candidate on a job; their running sequences are cancelled by the database. */
  async archive(considerationId: string, reason: string): Promise<boolean> {
    this.#saving = true;
    const r = await archiveConsideration(considerationId, reason);
    this.#saving = false;
    if (!r.ok) {
      toasts.error(r.error);
      return false;
    }
    toasts.success('Archived.');
    await this.refresh();
    return true;
  }

  stop(): void {
    this.#unwatch?.();
    this.#unwatch = null;
    if (this.#timer) clearTimeout(this.#timer);
  }
}
