// "Enrol candidates" on a sequence: choose up to 500 candidates, create their drafts (the
// database says per candidate what blocks them), then start the ones that can go. Drafts that
// are not started stay on the candidates' profiles and can be started later.
import { listCandidates, searchKey, type CandidateListItem } from '$lib/api/candidates';
import { enrollCandidates, MAX_ENROLMENT, reasonText, startEnrollments, type EnrolOutcome } from '$lib/api/enrollments';
import { SvelteMap } from 'svelte/reactivity';
import { generateAiTokens, reviewAiToken, type AiTokenValue } from '$lib/api/ai-tokens';

export type EnrolStep = 'choose' | 'review' | 'done';

export class EnrolDialogState {
  step = $state<EnrolStep>('choose');
  search = $state('');
  includeUnsubscribeLink = $state(true);
  /** Chosen candidates by id (kept across searches). */
  readonly chosen = new SvelteMap<string, CandidateListItem>();
  #results = $state.raw<CandidateListItem[]>([]);
  #total = $state(0);
  /** The search (its words) the shown results answer; null before the first answer. */
  #resultsFor = $state<string | null>(null);
  #outcomes = $state.raw<EnrolOutcome[]>([]);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #started = $state(0);
  #startFailures = $state.raw<Array<{ name: string; message: string }>>([]);
  /** AI token values of the ready drafts, by `<enrollment id> <key>` (S13). */
  readonly ai = new SvelteMap<string, AiTokenValue>();
  #aiUnavailable = $state<string | null>(null);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly sequenceId: string,
    defaultUnsubscribe: boolean,
  ) {
    this.includeUnsubscribeLink = defaultUnsubscribe;
  }

  get results(): readonly CandidateListItem[] {
    return this.#results;
  }
  /** How many candidates match the search the results answer (the list shows the first page). */
  get total(): number {
    return this.#total;
  }
  /** What the list answers, for its status line: "Searching…" until the current words are answered. */
  get summary(): string {
    if (this.stale) return 'Searching…';
    const n = this.#total;
    const words = this.search.trim();
    if (!words) return `${n} ${n === 1 ? 'candidate' : 'candidates'}`;
    return `${n} ${n === 1 ? 'candidate matches' : 'candidates match'} “${words}”`;
  }
  /**
   * True while the shown results answer other words than the ones in the search box (typed,
   * waiting for the debounce or the answer): they are shown as stale and cannot be ticked, so
   * what is ticked is always what the user saw for the current words.
   */
  get stale(): boolean {
    return this.#resultsFor !== searchKey(this.search);
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get started(): number {
    return this.#started;
  }
  get startFailures() {
    return this.#startFailures;
  }
  get tooMany(): boolean {
    return this.chosen.size > MAX_ENROLMENT;
  }

  ready = $derived(this.#outcomes.filter((o) => o.ok && o.enrollmentId));
  /** Why AI tokens could not be written (no provider, turned off), or null. */
  get aiUnavailable(): string | null {
    return this.#aiUnavailable;
  }
  /** Drafts whose AI tokens still need a person's approval (or a value at all). */
  aiPending = $derived([...this.ai.values()].filter((v) => v.reviewedAt === null).map((v) => v.enrollmentId));
  /** The ready drafts Start will start: those without AI tokens waiting for review. */
  startable = $derived(this.ready.filter((o) => !this.aiPending.includes(o.enrollmentId ?? '')));
  blocked = $derived(
    this.#outcomes
      .filter((o) => !o.ok)
      .map((o) => ({
        candidateId: o.candidateId,
        name: this.chosen.get(o.candidateId)?.name ?? 'Candidate',
        reason: o.reason,
        message: reasonText(o.reason, o.detail),
      })),
  );

  nameOfEnrollment(enrollmentId: string): string {
    const o = this.#outcomes.find((x) => x.enrollmentId === enrollmentId);
    return o ? this.nameOf(o.candidateId) : 'Candidate';
  }

  nameOf(candidateId: string): string {
    return this.chosen.get(candidateId)?.name ?? 'Candidate';
  }

  async find(): Promise<void> {
    const seq = ++this.#seq;
    const key = searchKey(this.search);
    const r = await listCandidates(key, 0);
    if (seq !== this.#seq) return;
    if (r.ok) {
      this.#error = null;
      this.#results = r.data.rows;
      this.#total = r.data.total;
      this.#resultsFor = key;
    } else this.#error = r.error;
  }

  findSoon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.find(), 200);
  }

  toggle(c: CandidateListItem): void {
    if (this.stale) return;
    if (this.chosen.has(c.id)) this.chosen.delete(c.id);
    else this.chosen.set(c.id, c);
  }

  /** Step 1 → 2: creates the drafts and learns what blocks whom. */
  async createDrafts(): Promise<void> {
    this.#error = null;
    this.#busy = true;
    const r = await enrollCandidates(this.sequenceId, [...this.chosen.keys()], {
      start: false,
      includeUnsubscribeLink: this.includeUnsubscribeLink,
    });
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    this.#outcomes = r.data;
    this.step = 'review';
    await this.#writeAiTokens();
  }

  /** Right after the drafts exist: the AI tokens their stages use are written for review. */
  async #writeAiTokens(): Promise<void> {
    const ids = this.ready.map((o) => o.enrollmentId).filter((v): v is string => v !== null);
    this.ai.clear();
    this.#aiUnavailable = null;
    if (ids.length === 0) return;
    this.#busy = true;
    const r = await generateAiTokens(ids);
    this.#busy = false;
    if (!r.ok) {
      this.#aiUnavailable = r.error;
      return;
    }
    for (const v of r.data.values) this.ai.set(`${v.enrollmentId} ${v.key}`, v);
    // Without a provider the drafts that use AI tokens come back without values: held back.
    if (!r.data.available) this.#aiUnavailable = r.data.reason;
  }

  /** Approves (possibly edited) text of one AI token; returns the refusal's reason if any. */
  async approveAi(enrollmentId: string, key: string, value: string): Promise<string | null> {
    const r = await reviewAiToken(enrollmentId, key, value);
    if (!r.ok) return r.error;
    this.ai.set(`${enrollmentId} ${key}`, r.data);
    return null;
  }

  /** Step 2 → 3: starts every draft that can go. */
  async start(): Promise<void> {
    const ids = this.startable.map((o) => o.enrollmentId).filter((v): v is string => v !== null);
    this.#error = null;
    this.#busy = true;
    const r = await startEnrollments(ids);
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    const names: Record<string, string> = Object.fromEntries(
      this.ready.map((o) => [o.enrollmentId ?? '', this.nameOf(o.candidateId)]),
    );
    this.#started = r.data.filter((o) => o.ok).length;
    this.#startFailures = r.data
      .filter((o) => !o.ok)
      .map((o) => ({
        name: names[o.enrollmentId] ?? 'Candidate',
        message: reasonText(o.reason, o.detail),
      }));
    this.step = 'done';
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
