// A sequence's enrolments as a live board: the pipeline tabs the article defines (Enrolled,
// In progress, Completed – no reply, Replied, Interested, Converted, plus Drafts and Stopped),
// search inside the sequence, the metrics, selection for bulk actions (cancel, pause, resume,
// start, edit) with per-enrolment results, and live updates whenever the database broadcasts a
// change (stages sending, opens, clicks, replies, someone else acting), so everyone watching sees
// the same thing without reload.
//
// Loading: a small first slice of rows and the metrics (which carry every tab's count) arrive
// together, so the board paints at once; the other rows follow. A live change names the
// enrolments it touched and, for a few, carries their new rows (20261201100000): those are
// applied at once, with no request; rows it does not carry, or that are not on the board yet,
// are fetched again (through RLS). Other rows keep their objects (and so their DOM and scroll
// position). The rates refresh at most once a second (METRICS_EVERY), whatever the pace of
// changes, so many people watching a busy board do not each read the metrics 50 times a second.
import {
  BOARD_PAGE,
  cancelEnrollments,
  editBatch,
  listEnrollmentPage,
  listEnrollmentsById,
  listEnrollmentsFrom,
  pauseEnrollments,
  reasonText,
  resumeEnrollments,
  setResponseStatus,
  startEnrollments,
  watchEnrollments,
  type ActionOutcome,
  type BoardChange,
  type EnrollmentState,
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

/** Board order: newest first, then by id (as sequence_board_rows answers). */
function before(a: EnrollmentRow, b: EnrollmentRow): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
}

/**
 * Applies a live change to the board's rows: each of `asked` is replaced by its fresh row from
 * `fetched`, or removed when the answer left it out (it is no longer visible); fresh rows not on
 * the board yet are inserted in board order. Every other row is kept as the same object, so
 * nothing about it re-renders. Returns `rows` itself when nothing changed.
 */
export function mergeRows(
  rows: readonly EnrollmentRow[],
  asked: Iterable<string>,
  fetched: readonly EnrollmentRow[],
): readonly EnrollmentRow[] {
  // Throwaway lookups of a pure function, never reactive state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const fresh = new Map(fetched.map((r) => [r.id, r]));
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const gone = new Set([...asked].filter((id) => !fresh.has(id)));
  let changed = false;
  const out: EnrollmentRow[] = [];
  for (const r of rows) {
    if (gone.has(r.id)) {
      changed = true;
      continue;
    }
    const f = fresh.get(r.id);
    if (f) {
      fresh.delete(r.id);
      changed = true;
      out.push(f);
    } else out.push(r);
  }
  for (const f of fresh.values()) {
    changed = true;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(out[mid]!, f)) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, f);
  }
  return changed ? out : rows;
}

/**
 * Applies rows' new state from a live message: each row of `rows` named in `states` gets that
 * state and keeps its candidate (and every other row its object). Returns the rows (`rows` itself
 * when none changed) and the ids of `states` that are not on the board.
 */
export function applyStates(
  rows: readonly EnrollmentRow[],
  states: ReadonlyMap<string, EnrollmentState>,
): { rows: readonly EnrollmentRow[]; missing: string[] } {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway lookup
  const missing = new Set(states.keys());
  let changed = false;
  const out = rows.map((r) => {
    const st = states.get(r.id);
    if (!st) return r;
    missing.delete(r.id);
    changed = true;
    return { ...st, candidate: r.candidate };
  });
  return { rows: changed ? out : rows, missing: [...missing] };
}

/** The least time between two reads of the metrics while changes keep coming (ms). */
export const METRICS_EVERY = 1000;

/** Rows in the board's first request: enough to fill the screen, small enough to be quick. */
export const FIRST_ROWS = 50;
/** A reload (retry, reconnect) reads full pages: the rows on screen stay until it is done. */
const BOARD_FIRST_RELOAD = BOARD_PAGE;

export class EnrollmentBoardState {
  #rows = $state.raw<readonly EnrollmentRow[]>([]);
  #metrics = $state.raw<SequenceMetrics | null>(null);
  #stages = $state.raw<StageMetrics[]>([]);
  #loaded = $state(false);
  /** Whether every row is loaded (until then the tab counts come from the metrics). */
  #complete = $state(false);
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
  /** Bumped when a full load starts: a patch begun before it is superseded by it. */
  #generation = 0;
  #inFlight: Promise<void> | null = null;
  #again = false;
  #revealed = false;
  /** Enrolments named by live changes, waiting to be fetched again (bookkeeping, not shown). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #pending = new Set<string>();
  #patching: Promise<void> | null = null;
  #metricsInFlight: Promise<void> | null = null;
  #metricsAgain = false;
  #metricsAt = 0;
  #metricsTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The newest state each enrolment had in a live message, numbered in arrival order: a fetch
   * that began before a message (it may have read the database before that commit) must not
   * undo what the message showed. One entry per enrolment (bookkeeping, not shown).
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #heard = new Map<string, { n: number; state: EnrollmentState }>();
  #tick = 0;

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
  /** Whether the first rows and the counts are in. */
  get loaded(): boolean {
    return this.#loaded;
  }
  /** Whether the tab counts are known (a 0 while loading would be a wrong number). */
  get countsKnown(): boolean {
    return this.#loaded && (this.#complete || this.#metrics !== null);
  }
  /** Whether every row is in (the list may still be growing until then). */
  get complete(): boolean {
    return this.#complete;
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

  /** Every tab's count: from the rows once all are in, from the metrics (same rules, in SQL) before. */
  counts = $derived.by(() => {
    const m = this.#metrics;
    if (!this.#complete && m) {
      return {
        enrolled: m.enrolled,
        in_progress: m.inProgress,
        completed: m.completed,
        replied: m.replied,
        interested: m.interested,
        converted: m.converted,
        drafts: m.drafts,
        stopped: m.stopped,
      } satisfies Record<BoardColumn, number>;
    }
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
   * Loads every row and the metrics. A load asked for while one runs is coalesced into one more
   * after it, so a burst costs two loads and the last state is always shown.
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
      } else if (this.#pending.size) void this.#patch();
    });
    return this.#inFlight;
  }

  async #load(): Promise<void> {
    const generation = ++this.#generation;
    const since = this.#tick;
    // The first time, a small slice paints at once; a reload keeps the rows on screen meanwhile.
    const first = this.#loaded ? BOARD_FIRST_RELOAD : FIRST_ROWS;
    const [r, m, st] = await Promise.all([
      listEnrollmentPage(this.sequenceId, 0, first),
      sequenceMetrics(this.sequenceId),
      stageMetrics(this.sequenceId),
    ]);
    if (generation !== this.#generation) return;
    this.#error = r.ok ? (m.ok ? (st.ok ? null : st.error) : m.error) : r.error;
    if (m.ok) this.#metrics = m.data;
    if (st.ok) this.#stages = st.data;
    if (!r.ok) {
      this.#loaded = true;
      return;
    }
    let rows = r.data;
    if (r.data.length === first) {
      if (!this.#loaded) {
        this.#rows = this.#newer(rows, since);
        this.#complete = false;
        this.#loaded = true;
      }
      const total = m.ok ? m.data.enrolled + m.data.drafts : null;
      const rest = await listEnrollmentsFrom(this.sequenceId, first, total);
      if (generation !== this.#generation) return;
      if (!rest.ok) {
        this.#error = rest.error;
        return;
      }
      // A row that moved up a page while the pages were read would be listed twice.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway lookup
      const seen = new Set(rows.map((x) => x.id));
      rows = [...rows, ...rest.data.filter((x) => !seen.has(x.id))];
    }
    this.#rows = this.#newer(rows, since);
    this.#complete = true;
    this.#loaded = true;
    this.#afterChange();
  }

  /** Fetches again just the enrolments live changes named, and refreshes the metrics. */
  #patch(): Promise<void> {
    if (this.#patching) return this.#patching;
    this.#patching = (async () => {
      while (this.#pending.size && !this.#inFlight) {
        const ids = [...this.#pending];
        this.#pending.clear();
        const generation = this.#generation;
        const since = this.#tick;
        // The rows first (what moved, on screen at once), then the rates: asked together, the
        // metrics' two reads would queue beside the rows' one.
        const r = await listEnrollmentsById(this.sequenceId, ids);
        this.#refreshMetricsSoon();
        // A full load began meanwhile: it reads these rows too (or again, after it, via #pending).
        if (generation !== this.#generation) {
          for (const id of ids) this.#pending.add(id);
          continue;
        }
        if (!r.ok) {
          this.#error = r.error;
          continue;
        }
        this.#rows = mergeRows(this.#rows, ids, this.#newer(r.data, since));
        this.#afterChange();
      }
    })().finally(() => {
      this.#patching = null;
    });
    return this.#patching;
  }

  /** `rows` as fetched after live message number `since`, with what later messages said. */
  #newer(rows: readonly EnrollmentRow[], since: number): readonly EnrollmentRow[] {
    if (this.#tick === since) return rows;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway lookup
    const later = new Map<string, EnrollmentState>();
    for (const [id, h] of this.#heard) if (h.n > since) later.set(id, h.state);
    return applyStates(rows, later).rows;
  }

  /** Re-reads the metrics now, or once METRICS_EVERY has passed since the last read. */
  #refreshMetricsSoon(): void {
    if (this.#metricsTimer) return;
    const wait = Math.max(0, this.#metricsAt + METRICS_EVERY - Date.now());
    this.#metricsTimer = setTimeout(() => {
      this.#metricsTimer = null;
      this.#metricsAt = Date.now();
      void this.#refreshMetrics();
    }, wait);
  }

  /** Re-reads the metrics and the stage breakdown; coalesced like load(). */
  #refreshMetrics(): Promise<void> {
    if (this.#metricsInFlight) {
      this.#metricsAgain = true;
      return this.#metricsInFlight;
    }
    this.#metricsInFlight = (async () => {
      const [m, st] = await Promise.all([sequenceMetrics(this.sequenceId), stageMetrics(this.sequenceId)]);
      if (m.ok) this.#metrics = m.data;
      if (st.ok) this.#stages = st.data;
    })().finally(() => {
      this.#metricsInFlight = null;
      if (this.#metricsAgain) {
        this.#metricsAgain = false;
        void this.#refreshMetrics();
      }
    });
    return this.#metricsInFlight;
  }

  /**
   * Applies a change to the enrolments `ids` (null: anything may have changed): those rows are
   * fetched again and replaced, everything else stays as it is.
   */
  changed(ids: readonly string[] | null): Promise<void> {
    if (ids === null || !this.#loaded) return this.load();
    for (const id of ids) this.#pending.add(id);
    // While a full load runs the ids wait for it (its finally() patches them).
    if (this.#inFlight) return this.#inFlight;
    return this.#patch();
  }

  /**
   * A live message: the rows it carries take their new state at once; enrolments it names
   * without a row, or that are not on the board yet (a new enrolment: its candidate is read with
   * it), are fetched. Null (the channel reconnected, or too many to name): everything is read.
   */
  heard(change: BoardChange | null): Promise<void> {
    if (change === null || !change.rows || !this.#loaded) return this.changed(change?.ids ?? null);
    const n = ++this.#tick;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway lookup
    const states = new Map(change.rows.map((st) => [st.id, st]));
    for (const st of change.rows) this.#heard.set(st.id, { n, state: st });
    const { rows, missing } = applyStates(this.#rows, states);
    if (rows !== this.#rows) {
      this.#rows = rows;
      this.#afterChange();
    }
    this.#refreshMetricsSoon();
    const fetch = [...missing, ...change.ids.filter((id) => !states.has(id))];
    return fetch.length ? this.changed(fetch) : Promise.resolve();
  }

  /** After rows changed: open the board on the focused enrolment, re-validate the selection. */
  #afterChange(): void {
    const rows = this.#rows;
    if (this.focus && !this.#revealed) {
      const row = rows.find((e) => e.id === this.focus);
      if (row) {
        this.#column =
          (['replied', 'in_progress', 'completed', 'stopped', 'drafts'] as const).find((c) => inColumn(row, c)) ??
          'enrolled';
        this.#revealed = true;
      }
    }
    // Re-validate the selection: rows that left this tab (a reply arrived, someone cancelled)
    // are deselected, so no action is offered on rows that are no longer shown.
    if (this.selected.size === 0) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway lookup
    const byId = new Map(rows.map((e) => [e.id, e]));
    let dropped = 0;
    for (const id of [...this.selected]) {
      const row = byId.get(id);
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
      (change) => void this.heard(change),
      (live) => (this.#live = live),
    );
  }

  stop(): void {
    this.#stopWatching?.();
    this.#stopWatching = null;
    if (this.#metricsTimer) clearTimeout(this.#metricsTimer);
    this.#metricsTimer = null;
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
    if (r.ok) await this.changed([id]);
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

  /**
   * Runs an action on the selection (or on `ids`, one row's Actions menu) and keeps a report of
   * what happened to each enrolment. Acting on the selection uses it up.
   */
  async run(action: BulkAction, only?: readonly string[]): Promise<Result<ActionReport>> {
    const ids = only ? [...only] : [...this.selected];
    this.#busy = true;
    const r = await ACTIONS[action](ids);
    this.#busy = false;
    if (!r.ok) return r;
    const report = this.showReport(action, r.data);
    if (!only) {
      this.selected.clear();
      this.#deselected = 0;
    }
    await this.changed(ids);
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
    await this.changed(ids);
    return { ok: true, data: report };
  }
}
