// The Candidates list: a search box and pages of the candidates the user may see.
import { CANDIDATE_PAGE, listCandidates, searchKey, type CandidateListItem } from '$lib/api/candidates';

export class CandidateListState {
  search = $state('');
  #page = $state(0);
  #rows = $state.raw<CandidateListItem[]>([]);
  #total = $state(0);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  /** The search (its words) the shown rows answer; null before the first answer. */
  #rowsFor = $state<string | null>(null);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

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
    if (!words) return `${n} ${n === 1 ? 'candidate' : 'candidates'}`;
    return `${n} ${n === 1 ? 'candidate matches' : 'candidates match'} “${words}”`;
  }
  /** True while the shown rows answer other words than the ones in the search box. */
  get stale(): boolean {
    return this.#rowsFor !== searchKey(this.search);
  }

  async load(page = this.#page): Promise<void> {
    const seq = ++this.#seq;
    const key = searchKey(this.search);
    const r = await listCandidates(key, page);
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

  searchSoon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(0), 200);
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
