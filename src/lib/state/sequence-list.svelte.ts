// The Sourcing → Sequences list: filters, the rows the database lets the user see, and the
// jobs to filter by. Loading is debounced on typing so a search does not fire per keystroke.
import {
  listJobs,
  listSequences,
  type JobOption,
  type SequenceFilter,
  type SequenceListItem,
} from '$lib/api/sequences';

const SEARCH_DEBOUNCE_MS = 200;

export class SequenceListState {
  filter = $state<SequenceFilter>({ search: '', scope: 'everyone', access: 'all', jobId: 'all' });
  #rows = $state.raw<SequenceListItem[]>([]);
  #jobs = $state.raw<JobOption[]>([]);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #loaded = $state(false);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly userId: () => string | null) {}

  get rows(): readonly SequenceListItem[] {
    return this.#rows;
  }
  get jobs(): readonly JobOption[] {
    return this.#jobs;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  get filtered(): boolean {
    const f = this.filter;
    return f.search.trim() !== '' || f.scope !== 'everyone' || f.access !== 'all' || f.jobId !== 'all';
  }

  async loadJobs(): Promise<void> {
    const r = await listJobs();
    if (r.ok) this.#jobs = r.data;
  }

  /** Reloads now; a slower earlier answer never overwrites a newer one. */
  async load(): Promise<void> {
    const uid = this.userId();
    if (!uid) return;
    const seq = ++this.#seq;
    this.#loading = true;
    const r = await listSequences($state.snapshot(this.filter) as SequenceFilter, uid);
    if (seq !== this.#seq) return;
    this.#loading = false;
    this.#loaded = true;
    if (r.ok) {
      this.#rows = r.data;
      this.#error = null;
    } else {
      this.#error = r.error;
    }
  }

  /** For typing in the search box. */
  loadSoon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load();
    }, SEARCH_DEBOUNCE_MS);
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
