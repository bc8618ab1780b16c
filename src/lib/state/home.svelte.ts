// Sourcing → Home (S8): the weekly activity chart (sequences sent, reply rate, conversion
// rate; Mine / Everyone), the drill-down of a bar, and what a recruiter needs today (replies
// waiting for a response status, LinkedIn tasks due, sequences with errors). Stale answers are
// dropped (the #seq guards), so switching Mine/Everyone never shows the previous scope's data.
import {
  homeActivity,
  homeDrilldown,
  repliesAwaitingStatus,
  sequencesWithErrors,
  type AwaitingReply,
  type ChartMetric,
  type DrillRow,
  type Scope,
  type SequenceWithErrors,
  type WeekPoint,
} from '$lib/api/reporting';
import { listMyOpenTasks, type OpenTask } from '$lib/api/tasks';

export const METRIC_LABEL: Record<ChartMetric, string> = {
  sent: 'Sequences sent',
  reply_rate: 'Reply rate',
  conversion_rate: 'Conversion rate',
};

/** The value a bar shows for a week: a count, or a percentage of that week's sequences. */
export function pointValue(p: WeekPoint, metric: ChartMetric): number {
  if (metric === 'sent') return p.sent;
  if (p.sent === 0) return 0;
  return Math.round(((metric === 'reply_rate' ? p.replied : p.converted) / p.sent) * 1000) / 10;
}

export class HomeState {
  scope = $state<Scope>('mine');
  metric = $state<ChartMetric>('sent');
  #points = $state.raw<WeekPoint[]>([]);
  #chartStatus = $state<'loading' | 'ready' | 'error'>('loading');
  #chartError = $state<string | null>(null);
  #week = $state<string | null>(null);
  #drill = $state.raw<DrillRow[] | null>(null);
  #drillError = $state<string | null>(null);
  #replies = $state.raw<AwaitingReply[] | null>(null);
  #tasks = $state.raw<OpenTask[] | null>(null);
  #errors = $state.raw<SequenceWithErrors[] | null>(null);
  #todayError = $state<string | null>(null);
  #seq = 0;
  #drillSeq = 0;

  get points(): readonly WeekPoint[] {
    return this.#points;
  }
  get chartStatus() {
    return this.#chartStatus;
  }
  get chartError(): string | null {
    return this.#chartError;
  }
  get week(): string | null {
    return this.#week;
  }
  get drill(): readonly DrillRow[] | null {
    return this.#drill;
  }
  get drillError(): string | null {
    return this.#drillError;
  }
  get replies(): readonly AwaitingReply[] | null {
    return this.#replies;
  }
  get tasks(): readonly OpenTask[] | null {
    return this.#tasks;
  }
  get errors(): readonly SequenceWithErrors[] | null {
    return this.#errors;
  }
  get todayError(): string | null {
    return this.#todayError;
  }

  values = $derived(this.#points.map((p) => pointValue(p, this.metric)));

  async loadChart(): Promise<void> {
    const seq = ++this.#seq;
    this.#chartStatus = 'loading';
    this.#week = null;
    this.#drill = null;
    const r = await homeActivity(this.scope);
    if (seq !== this.#seq) return;
    if (!r.ok) {
      this.#chartStatus = 'error';
      this.#chartError = r.error;
      return;
    }
    this.#points = r.data;
    this.#chartStatus = 'ready';
  }

  setScope(scope: Scope): Promise<void> {
    this.scope = scope;
    return this.loadChart();
  }

  setMetric(metric: ChartMetric): Promise<void> {
    this.metric = metric;
    return this.#week ? this.openWeek(this.#week) : Promise.resolve();
  }

  /** Drills down into one bar: the candidates behind it. */
  async openWeek(weekStart: string): Promise<void> {
    const seq = ++this.#drillSeq;
    this.#week = weekStart;
    this.#drill = null;
    this.#drillError = null;
    const r = await homeDrilldown(weekStart, this.scope, this.metric);
    if (seq !== this.#drillSeq) return;
    if (r.ok) this.#drill = r.data;
    else this.#drillError = r.error;
  }

  closeWeek(): void {
    this.#drillSeq++;
    this.#week = null;
    this.#drill = null;
  }

  async loadToday(userId: string): Promise<void> {
    this.#todayError = null;
    const [replies, tasks, errors] = await Promise.all([
      repliesAwaitingStatus(userId),
      listMyOpenTasks(userId),
      sequencesWithErrors(),
    ]);
    if (replies.ok) this.#replies = replies.data;
    if (tasks.ok) this.#tasks = tasks.data.filter((t) => Date.parse(t.dueAt) <= Date.now());
    if (errors.ok) this.#errors = errors.data;
    const failed = [replies, tasks, errors].find((r) => !r.ok);
    if (failed && !failed.ok) this.#todayError = failed.error;
  }
}
