// A sequence's enrolments as a live board: grouped by where each candidate is, selectable for
// bulk actions, and reloaded whenever Realtime reports a change (stages sending, replies
// arriving, someone else cancelling) so everyone watching sees the same thing without reload.
import {
  cancelEnrollments,
  listEnrollments,
  pauseEnrollments,
  reasonText,
  resumeEnrollments,
  setResponseStatus,
  startEnrollments,
  watchEnrollments,
  type ActionOutcome,
  type EnrollmentRow,
  type SettableResponse,
} from '$lib/api/enrollments';
import type { Result } from '$lib/result';
import { SvelteSet } from 'svelte/reactivity';

export type BoardColumn = 'drafts' | 'in_progress' | 'replied' | 'completed' | 'ended';

/** Where an enrolment shows on the board. */
export function columnOf(e: EnrollmentRow): BoardColumn {
  if (e.status === 'draft') return 'drafts';
  if (e.responseStatus !== 'none' && e.responseStatus !== 'out_of_office') return 'replied';
  if (e.status === 'running' || e.status === 'paused') return 'in_progress';
  if (e.status === 'completed') return 'completed';
  return 'ended';
}

export type BulkAction = 'start' | 'pause' | 'resume' | 'cancel';

const ACTIONS: Record<BulkAction, (ids: string[]) => Promise<Result<ActionOutcome[]>>> = {
  start: startEnrollments,
  pause: pauseEnrollments,
  resume: resumeEnrollments,
  cancel: cancelEnrollments,
};

/** Changes arrive in bursts (a batch of stages sending); one reload per burst is enough. */
const RELOAD_DEBOUNCE_MS = 150;

export interface ActionReport {
  action: BulkAction;
  succeeded: number;
  failures: Array<{ name: string; message: string }>;
}

export class EnrollmentBoardState {
  #rows = $state.raw<EnrollmentRow[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #busy = $state(false);
  #report = $state.raw<ActionReport | null>(null);
  column = $state<BoardColumn>('in_progress');
  readonly selected = new SvelteSet<string>();
  #stopWatching: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #seq = 0;
  #revealed = false;

  constructor(readonly sequenceId: string) {}

  get rows(): readonly EnrollmentRow[] {
    return this.#rows;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get report(): ActionReport | null {
    return this.#report;
  }

  counts = $derived.by(() => {
    const c: Record<BoardColumn, number> = { drafts: 0, in_progress: 0, replied: 0, completed: 0, ended: 0 };
    for (const r of this.#rows) c[columnOf(r)]++;
    return c;
  });

  visible = $derived(this.#rows.filter((r) => columnOf(r) === this.column));

  selectedRows = $derived(this.#rows.filter((r) => this.selected.has(r.id)));

  /** Which bulk actions make sense for the current selection. */
  can = $derived.by(() => {
    const s = this.selectedRows;
    return {
      start: s.some((r) => r.status === 'draft'),
      pause: s.some((r) => r.status === 'running'),
      resume: s.some((r) => r.status === 'paused'),
      cancel: s.some((r) => r.status === 'running' || r.status === 'paused' || r.status === 'draft'),
    };
  });

  async load(): Promise<void> {
    const seq = ++this.#seq;
    const r = await listEnrollments(this.sequenceId);
    if (seq !== this.#seq) return;
    this.#loaded = true;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    this.#error = null;
    this.#rows = r.data;
    if (this.focus && !this.#revealed) {
      const row = r.data.find((e) => e.id === this.focus);
      if (row) {
        this.column = columnOf(row);
        this.#revealed = true;
      }
    }
    for (const id of [...this.selected]) if (!r.data.some((e) => e.id === id)) this.selected.delete(id);
  }

  /** Starts following changes; call stop() when the page goes away. */
  watch(): void {
    if (this.#stopWatching) return;
    this.#stopWatching = watchEnrollments(this.sequenceId, () => {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.load(), RELOAD_DEBOUNCE_MS);
    });
  }

  stop(): void {
    this.#stopWatching?.();
    this.#stopWatching = null;
    if (this.#timer) clearTimeout(this.#timer);
  }

  toggle(id: string): void {
    if (this.selected.has(id)) this.selected.delete(id);
    else this.selected.add(id);
  }

  toggleAllVisible(): void {
    const all = this.visible.every((r) => this.selected.has(r.id));
    for (const r of this.visible) {
      if (all) this.selected.delete(r.id);
      else this.selected.add(r.id);
    }
  }

  /** The enrolment a notification link points at (`?enrollment=`), shown and highlighted. */
  focus = $state<string | null>(null);

  async setResponse(id: string, status: SettableResponse): Promise<Result<null>> {
    const r = await setResponseStatus(id, status);
    if (r.ok) await this.load();
    return r;
  }

  dismissReport(): void {
    this.#report = null;
  }

  /** Runs a bulk action on the selection and keeps a report of what failed and why. */
  async run(action: BulkAction): Promise<Result<ActionReport>> {
    const ids = [...this.selected];
    this.#busy = true;
    const r = await ACTIONS[action](ids);
    this.#busy = false;
    if (!r.ok) return r;
    const names: Record<string, string> = Object.fromEntries(this.#rows.map((e) => [e.id, e.candidate.name]));
    const report: ActionReport = {
      action,
      succeeded: r.data.filter((o) => o.ok).length,
      failures: r.data
        .filter((o) => !o.ok)
        .map((o) => ({
          name: names[o.enrollmentId] ?? o.enrollmentId,
          message: reasonText(o.reason, o.detail),
        })),
    };
    this.#report = report;
    this.selected.clear();
    await this.load();
    return { ok: true, data: report };
  }
}
