// A sequence's enrolments as a live board: the pipeline tabs the article defines (Enrolled,
// In progress, Completed – no reply, Replied, Interested, Converted, plus Drafts and Stopped),
// search inside the sequence, the metrics, selection for bulk actions (cancel, pause, resume,
// start, edit) with per-enrolment results, and live reloads whenever the database broadcasts a
// change (stages sending, opens, clicks, replies, someone else acting), so everyone watching sees
// the same thing without reload.
import {
  cancelEnrollments,
  editBatch,
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
  type StageEdit,
} from '$lib/api/enrollments';
import { sequenceMetrics, stageMetrics, type SequenceMetrics, type StageMetrics } from '$lib/api/reporting';
import type { Result } from '$lib/result';
import { SvelteSet } from 'svelte/reactivity';

export type BoardColumn =
  'enrolled' | 'in_progress' | 'completed' | 'replied' | 'interested' | 'converted' | 'drafts' | 'stopped';

export const COLUMNS: ReadonlyArray<{ id: BoardColumn; label: string }> = [
  { id: 'enrolled', label: 'Enrolled' },
  { id: 'in_progress', label: 'In progress' },
  { id: 'completed', label: 'Completed – no reply' },
  { id: 'replied', label: 'Replied' },
  { id: 'interested', label: 'Interested' },
  { id: 'converted', label: 'Converted' },
  { id: 'drafts', label: 'Drafts' },
  { id: 'stopped', label: 'Stopped' },
];

/** Whether an enrolment is listed under a tab; a candidate appears under their current state. */
export function inColumn(e: EnrollmentRow, column: BoardColumn): boolean {
  switch (column) {
    case 'enrolled':
      return e.pipeline !== 'draft';
    case 'interested':
      return e.interested;
    case 'converted':
      return e.converted && e.pipeline !== 'draft';
    case 'drafts':
      return e.pipeline === 'draft';
    default:
      return e.pipeline === column;
  }
}

export type BulkAction = 'start' | 'pause' | 'resume' | 'cancel';

const ACTIONS: Record<BulkAction, (ids: string[]) => Promise<Result<ActionOutcome[]>>> = {
  start: startEnrollments,
  pause: pauseEnrollments,
  resume: resumeEnrollments,
  cancel: cancelEnrollments,
};

const VERB: Record<BulkAction | 'edit', string> = {
  start: 'Started',
  pause: 'Paused',
  resume: 'Resumed',
  cancel: 'Cancelled',
  edit: 'Edited',
};

export interface ReportLine {
  id: string;
  name: string;
  message: string;
}

/** What a bulk action did, per enrolment. */
export interface ActionReport {
  action: BulkAction | 'edit';
  title: string;
  succeeded: ReportLine[];
  failed: ReportLine[];
  /** Not attempted on purpose (bulk edit: made in another batch). */
  leftOut: ReportLine[];
}

/** Builds the report of an action from the database's per-enrolment answers. */
export function buildReport(
  action: BulkAction | 'edit',
  outcomes: readonly ActionOutcome[],
  names: Readonly<Record<string, string>>,
): ActionReport {
  const line = (o: ActionOutcome): ReportLine => ({
    id: o.enrollmentId,
    name: names[o.enrollmentId] ?? 'Unknown candidate',
    message: o.ok ? (o.detail ?? '') : reasonText(o.reason, o.detail),
  });
  const succeeded = outcomes.filter((o) => o.ok).map(line);
  const leftOut = outcomes.filter((o) => !o.ok && o.reason === 'not_in_batch').map(line);
  const failed = outcomes.filter((o) => !o.ok && o.reason !== 'not_in_batch').map(line);
  const n = succeeded.length;
  let title = `${VERB[action]} ${n} ${n === 1 ? 'sequence' : 'sequences'}`;
  if (failed.length) title += `; ${failed.length} could not be changed`;
  if (leftOut.length) {
    title += `; ${leftOut.length} left out because ${leftOut.length === 1 ? 'it was' : 'they were'} enrolled in another batch`;
  }
  return { action, title: title + '.', succeeded, failed, leftOut };
}

/** The largest group of the selection enrolled together (same batch); ties: the first batch seen. */
export function largestBatchGroup(rows: readonly EnrollmentRow[]): { batchId: string | null; ids: string[] } {
  // Local to this pure function, never reactive state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const key = r.batchId ?? `single:${r.id}`;
    groups.set(key, [...(groups.get(key) ?? []), r.id]);
  }
  let best: [string, string[]] | null = null;
  for (const g of groups) if (!best || g[1].length > best[1].length) best = g;
  if (!best) return { batchId: null, ids: [] };
  return { batchId: best[0].startsWith('single:') ? null : best[0], ids: best[1] };
}

export class EnrollmentBoardState {
  #rows = $state.raw<EnrollmentRow[]>([]);
  #metrics = $state.raw<SequenceMetrics | null>(null);
  #stages = $state.raw<StageMetrics[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #busy = $state(false);
  #live = $state(false);
  #report = $state.raw<ActionReport | null>(null);
  #deselected = $state(0);
  #column = $state<BoardColumn>('in_progress');
  /** Search inside the sequence: candidate name or email. */
  query = $state('');
  readonly selected = new SvelteSet<string>();
  #stopWatching: (() => void) | null = null;
  #seq = 0;
  #inFlight: Promise<void> | null = null;
  #again = false;
  #revealed = false;

  constructor(readonly sequenceId: string) {}

  get rows(): readonly EnrollmentRow[] {
    return this.#rows;
  }
  get metrics(): SequenceMetrics | null {
    return this.#metrics;
  }
  get stageMetrics(): readonly StageMetrics[] {
    return this.#stages;
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
  /** Whether the board is connected to the live channel. */
  get live(): boolean {
    return this.#live;
  }
  get report(): ActionReport | null {
    return this.#report;
  }
  /** How many selected rows were deselected at the last reload because they moved to another tab. */
  get deselected(): number {
    return this.#deselected;
  }

  get column(): BoardColumn {
    return this.#column;
  }
  /** Switching tabs clears the selection: actions apply to what is on screen. */
  set column(c: BoardColumn) {
    if (c !== this.#column) this.selected.clear();
    this.#column = c;
    this.#deselected = 0;
  }

  counts = $derived.by(() => {
    const c = Object.fromEntries(COLUMNS.map((x) => [x.id, 0])) as Record<BoardColumn, number>;
    for (const r of this.#rows) for (const col of COLUMNS) if (inColumn(r, col.id)) c[col.id]++;
    return c;
  });

  #needle = $derived(this.query.trim().toLowerCase());

  visible = $derived(
    this.#rows.filter(
      (r) =>
        inColumn(r, this.#column) &&
        (!this.#needle ||
          r.candidate.name.toLowerCase().includes(this.#needle) ||
          (r.candidate.email ?? '').toLowerCase().includes(this.#needle)),
    ),
  );

  selectedRows = $derived(this.#rows.filter((r) => this.selected.has(r.id)));

  /** Which bulk actions make sense for the current selection. */
  can = $derived.by(() => {
    const s = this.selectedRows;
    return {
      start: s.some((r) => r.status === 'draft'),
      pause: s.some((r) => r.status === 'running'),
      resume: s.some((r) => r.status === 'paused'),
      cancel: s.some((r) => r.status === 'running' || r.status === 'paused' || r.status === 'draft'),
      edit: s.some((r) => r.status === 'running' || r.status === 'paused' || r.status === 'draft'),
    };
  });

  /** The group a bulk edit of the selection applies to, and who is left out. */
  editGroup = $derived.by(() => {
    const group = largestBatchGroup(this.selectedRows);
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway lookup
    const inGroup = new Set(group.ids);
    return { ...group, leftOut: this.selectedRows.filter((r) => !inGroup.has(r.id)) };
  });

  /**
   * Reloads rows and metrics. A reload asked for while one runs is coalesced into one more
   * after it, so a burst of changes costs two reloads and the last change is always shown.
   */
  load(): Promise<void> {
    if (this.#inFlight) {
      this.#again = true;
      return this.#inFlight;
    }
    this.#inFlight = this.#load().finally(() => {
      this.#inFlight = null;
      if (this.#again) {
        this.#again = false;
        void this.load();
      }
    });
    return this.#inFlight;
  }

  async #load(): Promise<void> {
    const seq = ++this.#seq;
    const [r, m, st] = await Promise.all([
      listEnrollments(this.sequenceId),
      sequenceMetrics(this.sequenceId),
      stageMetrics(this.sequenceId),
    ]);
    if (seq !== this.#seq) return;
    this.#loaded = true;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    this.#error = m.ok ? (st.ok ? null : st.error) : m.error;
    if (m.ok) this.#metrics = m.data;
    if (st.ok) this.#stages = st.data;
    this.#rows = r.data;
    if (this.focus && !this.#revealed) {
      const row = r.data.find((e) => e.id === this.focus);
      if (row) {
        this.#column =
          (['replied', 'in_progress', 'completed', 'stopped', 'drafts'] as const).find((c) => inColumn(row, c)) ??
          'enrolled';
        this.#revealed = true;
      }
    }
    // Re-validate the selection: rows that left this tab (a reply arrived, someone cancelled)
    // are deselected, so no action is offered on rows that are no longer shown.
    let dropped = 0;
    for (const id of [...this.selected]) {
      const row = r.data.find((e) => e.id === id);
      if (!row || !inColumn(row, this.#column)) {
        this.selected.delete(id);
        dropped++;
      }
    }
    if (dropped) this.#deselected = dropped;
  }

  /** Starts following changes; call stop() when the page goes away. */
  watch(): void {
    if (this.#stopWatching) return;
    this.#stopWatching = watchEnrollments(
      this.sequenceId,
      () => void this.load(),
      (live) => (this.#live = live),
    );
  }

  stop(): void {
    this.#stopWatching?.();
    this.#stopWatching = null;
    this.#live = false;
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

  async setResponse(id: string, status: SettableResponse, reason?: string): Promise<Result<null>> {
    const r = await setResponseStatus(id, status, reason);
    if (r.ok) await this.load();
    return r;
  }

  dismissReport(): void {
    this.#report = null;
  }

  dismissDeselected(): void {
    this.#deselected = 0;
  }

  #names(): Record<string, string> {
    return Object.fromEntries(this.#rows.map((e) => [e.id, e.candidate.name]));
  }

  /** Shows the report of an action done elsewhere (the single-enrolment editor). */
  showReport(action: BulkAction | 'edit', outcomes: readonly ActionOutcome[]): ActionReport {
    const report = buildReport(action, outcomes, this.#names());
    this.#report = report;
    return report;
  }

  /** Runs a bulk action on the selection and keeps a report of what happened to each enrolment. */
  async run(action: BulkAction): Promise<Result<ActionReport>> {
    const ids = [...this.selected];
    this.#busy = true;
    const r = await ACTIONS[action](ids);
    this.#busy = false;
    if (!r.ok) return r;
    const report = this.showReport(action, r.data);
    this.selected.clear();
    this.#deselected = 0;
    await this.load();
    return { ok: true, data: report };
  }

  /** Bulk edit (S5): the database edits the largest same-batch group of `ids` and reports the rest. */
  async edit(ids: string[], edits: StageEdit[]): Promise<Result<ActionReport>> {
    this.#busy = true;
    const r = await editBatch(ids, edits);
    this.#busy = false;
    if (!r.ok) return r;
    const report = this.showReport('edit', r.data);
    this.selected.clear();
    this.#deselected = 0;
    await this.load();
    return { ok: true, data: report };
  }
}
