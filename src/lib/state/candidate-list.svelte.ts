// The Candidates list: a search box, filters, and every matching candidate in one scrolling
// list. The count comes first (with the first page); further pages of CANDIDATE_PAGE are
// loaded as the virtual list's window reaches them (`ensure`), so 10,000 rows cost the pages
// the user actually scrolls past. A new search or filter starts over; answers to older ones
// are dropped (the `#seq` guard), and the older rows stay dimmed until the new count arrives.
import {
  CANDIDATE_PAGE,
  countCandidates,
  hasFilters,
  listCandidatePage,
  NO_FILTERS,
  searchKey,
  type CandidateFilters,
  type CandidateListItem,
} from '$lib/api/candidates';
import { listJobs, type JobOption } from '$lib/api/sequences';
import { SvelteMap } from 'svelte/reactivity';

/** What the shown rows answer: the search words and the filters. */
const keyOf = (search: string, f: CandidateFilters) => JSON.stringify([searchKey(search), f]);

export class CandidateListState {
  search = $state('');
  filters = $state<CandidateFilters>({ ...NO_FILTERS });
  #jobs = $state.raw<JobOption[]>([]);
  /** Loaded pages by page number. */
  #pages = new SvelteMap<number, readonly CandidateListItem[]>();
  #total = $state(0);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  /** The search (its words and filters) the shown rows answer; null before the first answer. */
  #rowsFor = $state<string | null>(null);
  /** Bumped by every answered `load`: a new list, which the view shows from its top. */
  #generation = $state(0);
  /** What the current pages are fetched for: the words and filters of the last `load`. */
  #query: { search: string; filters: CandidateFilters } = { search: '', filters: { ...NO_FILTERS } };
  // Bookkeeping of requests, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #inFlight = new Set<number>();
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  get generation(): number {
    return this.#generation;
  }
  get jobs(): readonly JobOption[] {
    return this.#jobs;
  }
  /** How many candidates the list holds (the virtual list's length). */
  get total(): number {
    return this.#total;
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

  /** Row `index`, or undefined while its page is not loaded. */
  row(index: number): CandidateListItem | undefined {
    return this.#pages.get(Math.floor(index / CANDIDATE_PAGE))?.[index % CANDIDATE_PAGE];
  }

  /** Starts over for the current words and filters: the count and the first page. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    const search = searchKey(this.search);
    const filters = $state.snapshot(this.filters);
    const key = keyOf(this.search, filters);
    this.#inFlight.clear();
    const [count, first] = await Promise.all([
      countCandidates(search, filters),
      listCandidatePage(search, 0, CANDIDATE_PAGE, filters),
    ]);
    if (seq !== this.#seq) return;
    this.#loaded = true;
    if (!count.ok || !first.ok) {
      this.#error = !count.ok ? count.error : !first.ok ? first.error : null;
      return;
    }
    this.#error = null;
    this.#query = { search, filters };
    this.#pages.clear();
    this.#pages.set(0, first.data);
    this.#total = count.data;
    this.#rowsFor = key;
    this.#generation++;
  }

  /** Loads the pages holding rows `first` … `last - 1` that are not loaded or loading yet. */
  ensure(first: number, last: number): void {
    if (!this.#loaded || this.#error || last <= first) return;
    const from = Math.floor(first / CANDIDATE_PAGE);
    const to = Math.floor((Math.min(last, this.#total) - 1) / CANDIDATE_PAGE);
    for (let p = from; p <= to; p++) {
      if (!this.#pages.has(p) && !this.#inFlight.has(p)) void this.#loadPage(p);
    }
  }

  async #loadPage(page: number): Promise<void> {
    const seq = this.#seq;
    const { search, filters } = this.#query;
    this.#inFlight.add(page);
    const r = await listCandidatePage(search, page * CANDIDATE_PAGE, CANDIDATE_PAGE, filters);
    if (seq !== this.#seq) return;
    this.#inFlight.delete(page);
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    this.#pages.set(page, r.data);
    // Candidates removed since the count: the list ends where the answers end.
    const end = page * CANDIDATE_PAGE + r.data.length;
    if (r.data.length < CANDIDATE_PAGE && end < this.#total) this.#total = end;
  }

  /** After a failed page: clears the error so the window loads what it is missing again. */
  retry(): void {
    if (this.#pages.size === 0 || this.stale) void this.load();
    else this.#error = null;
  }

  async loadJobs(): Promise<void> {
    const r = await listJobs();
    if (r.ok) this.#jobs = r.data;
  }

  searchSoon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(), 200);
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
