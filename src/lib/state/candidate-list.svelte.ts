// The Candidates list: a search box and pages of the candidates the user may see.
import { CANDIDATE_PAGE, listCandidates, type CandidateListItem } from '$lib/api/candidates';

export class CandidateListState {
  search = $state('');
  #page = $state(0);
  #rows = $state.raw<CandidateListItem[]>([]);
  #total = $state(0);
  #loaded = $state(false);
  #error = $state<string | null>(null);
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

  async load(page = this.#page): Promise<void> {
    const seq = ++this.#seq;
    const r = await listCandidates(this.search, page);
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
  }

  searchSoon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(0), 200);
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
