// The Candidates list: a search box and pages of the candidates the user may see.
import {
  CANDIDATE_PAGE,
  hasFilters,
  listCandidates,
  NO_FILTERS,
  searchKey,
  type CandidateFilters,
  type CandidateListItem,
} from '$lib/api/candidates';
import { listJobs, type JobOption } from '$lib/api/sequences';

/** What the shown rows answer: the search words and the filters. */
const keyOf = (search: string, f: CandidateFilters) => JSON.stringify([searchKey(search), f]);

export class CandidateListState {
  search = $state('');
  filters = $state<CandidateFilters>({ ...NO_FILTERS });
  #jobs = $state.raw<JobOption[]>([]);
  #page = $state(0);
  #rows = $state.raw<CandidateListItem[]>([]);
  #total = $state(0);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  /** The search (its words) the shown rows answer; null before the first answer. */
  #rowsFor = $state<string | null>(null);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  get jobs(): readonly JobOption[] {
    return this.#jobs;
  }
  get rows(): readonly CandidateListItem[] {
    return this.#rows;
  }
  get total(): number {
    return this.#total;
  }
  get page(): number {
    return this.#page;
  }
  get pages(): number {
    return Math.max(1, Math.ceil(this.#total / CANDIDATE_PAGE));
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  /** What the list answers, for its status line: "Searching…" until the current words are answered. */
  get summary(): string {
    if (!this.#loaded || this.stale) return 'Searching…';
    const n = this.#total;
    const words = this.search.trim();
    const filtered = hasFilters(this.filters) ? ' (filtered)' : '';
    if (!words) return `${n} ${n === 1 ? 'candidate' : 'candidates'}${filtered}`;
    return `${n} ${n === 1 ? 'candidate matches' : 'candidates match'} “${words}”${filtered}`;
  }
  /** True while the shown rows answer other words than the ones in the search box. */
  get stale(): boolean {
    return this.#rowsFor !== keyOf(this.search, this.filters);
  }

  async load(page = this.#page): Promise<void> {
    const seq = ++this.#seq;
    const filters = $state.snapshot(this.filters);
    const key = keyOf(this.search, filters);
    const r = await listCandidates(searchKey(this.search), page, filters);
    if (seq !== this.#seq) return;
    this.#loaded = true;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    this.#error = null;
    this.#page = page;
    this.#rows = r.data.rows;
    this.#total = r.data.total;
    this.#rowsFor = key;
  }

  async loadJobs(): Promise<void> {
    const r = await listJobs();
    if (r.ok) this.#jobs = r.data;
  }

  searchSoon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(0), 200);
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
