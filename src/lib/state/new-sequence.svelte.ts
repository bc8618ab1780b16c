// "+ New" on Sourcing → Sequences (SPEC S2): title, access (confidential only on the plans that
// include it, with the reason otherwise), optional job among the jobs the user can see.
import {
  CONFIDENTIAL_PLANS,
  createSequence,
  getMe,
  listJobs,
  myOrganizationId,
  type JobOption,
  type Me,
  type SequenceAccess,
} from '$lib/api/sequences';

export class NewSequenceState {
  title = $state('');
  access = $state<SequenceAccess>('shared');
  jobId = $state<string>('');
  #me = $state.raw<Me | null>(null);
  #orgId = $state<string | null>(null);
  #jobs = $state.raw<JobOption[]>([]);
  #busy = $state(false);
  #error = $state<string | null>(null);

  get me(): Me | null {
    return this.#me;
  }
  get jobs(): readonly JobOption[] {
    return this.#jobs;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Elevated or higher create sequences (the insert policy); limited and agency users do not. */
  canCreate = $derived(this.#me !== null && this.#me.accessLevel !== 'limited');
  confidentialAllowed = $derived(this.#me !== null && CONFIDENTIAL_PLANS.includes(this.#me.plan));
  confidentialReason = $derived(
    this.#me && !CONFIDENTIAL_PLANS.includes(this.#me.plan)
      ? `Confidential sequences are available on the Legacy Plus, Plus and Enterprise plans; your organisation is on ${this.#me.plan.replace('_', ' ')}.`
      : null,
  );
  titleProblem = $derived(
    this.title.trim() === ''
      ? 'Give the sequence a title.'
      : this.title.trim().length > 200
        ? 'Keep the title under 200 characters.'
        : null,
  );

  async load(userId: string): Promise<void> {
    const [me, org, jobs] = await Promise.all([getMe(userId), myOrganizationId(userId), listJobs()]);
    if (me.ok) this.#me = me.data;
    if (org.ok) this.#orgId = org.data;
    if (jobs.ok) this.#jobs = jobs.data;
  }

  reset(): void {
    this.title = '';
    this.access = 'shared';
    this.jobId = '';
    this.#error = null;
  }

  /** Creates the sequence; resolves to its id, or null with `error` set. */
  async create(): Promise<string | null> {
    if (this.titleProblem) {
      this.#error = this.titleProblem;
      return null;
    }
    if (this.access === 'confidential' && !this.confidentialAllowed) {
      this.#error = this.confidentialReason;
      return null;
    }
    if (!this.#orgId) {
      this.#error = 'Your account is not part of an organisation.';
      return null;
    }
    this.#busy = true;
    const r = await createSequence({ title: this.title, access: this.access, jobId: this.jobId || null }, this.#orgId);
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return null;
    }
    this.#error = null;
    return r.data;
  }
}
