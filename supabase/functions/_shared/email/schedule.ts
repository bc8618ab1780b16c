/**
 * Schedule arithmetic for sequence stages: when a stage is due, given when the
 * candidate was enrolled, the stage's delay and its optional send window.
 *
 * Time zones are handled with `Intl.DateTimeFormat` alone so the same code runs
 * in the browser (the editor's "would send at" preview) and in Deno (the
 * sending function) without a time zone library. Every instant is a `Date`
 * (UTC); wall-clock times only exist inside a named IANA zone.
 *
 * The database stores and claims by the same rules: private.resolve_time_zone,
 * private.stage_due_at and private.next_in_send_window (migration
 * 20261129135000_one_schedule_rule.sql) are the SQL twins of resolveTimeZone,
 * nominalDueAt and nextInstantInWindow, and
 * tests/integration/schedule-parity.test.ts runs both on the same cases.
 */

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * A stage's delay, measured from the moment of enrolment — not from the
 * previous stage — as the market leader does: a sequence of "day 0, day 3,
 * day 7" stages has delays 0, 3 and 7 days.
 */
export interface StageDelay {
  days: number;
  hours: number;
}

/**
 * Business hours during which a stage may be sent: on the given weekdays,
 * from `start` (inclusive) to `end` (exclusive), both `HH:MM` wall-clock times
 * in the recipient's zone. `end` may be `24:00`. Windows crossing midnight are
 * not supported; validation reports them.
 */
export interface SendWindow {
  days: readonly number[];
  start: string;
  end: string;
}

/** A wall-clock time in some zone. `month` is 1-12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The editor refuses longer delays; schedule functions refuse them too. */
export const MAX_DELAY_DAYS = 365;

const formatters = new Map<string, Intl.DateTimeFormat>();

// Building a formatter costs far more than using one, and the window search
// formats hundreds of instants, so one formatter per zone is kept.
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export function isValidTimeZone(timeZone: string | null | undefined): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone a send window is evaluated in: the recipient's, else the
 * sender's, else the organisation's; invalid names are skipped so a typo in
 * one profile does not block sending. Falls back to `'UTC'`.
 */
export function resolveTimeZone(...candidates: ReadonlyArray<string | null | undefined>): string {
  for (const zone of candidates) {
    if (isValidTimeZone(zone)) return zone;
  }
  return 'UTC';
}

/** The wall-clock time of `instant` in `timeZone`. */
export function toWallClock(instant: Date | number, timeZone: string): WallClock {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid instant');
  // Intl formats whole seconds; the milliseconds are carried over unchanged
  // because no zone has ever had a sub-second offset.
  const millisecond = ((ms % 1000) + 1000) % 1000;
  const parts = formatter(timeZone).formatToParts(ms - millisecond);
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    return part === undefined ? 0 : Number(part.value);
  };
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - get('year') : get('year');
  // Some engines still print midnight as 24 despite hourCycle h23.
  return {
    year,
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
    millisecond,
  };
}

function wallAsUtc(wall: WallClock): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

/** UTC offset of `timeZone` at `instant`, in milliseconds (east positive). */
export function offsetAt(instant: Date | number, timeZone: string): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return wallAsUtc(toWallClock(ms, timeZone)) - ms;
}

/** The ISO weekday of a calendar date (independent of any zone). */
export function isoWeekday(wall: Pick<WallClock, 'year' | 'month' | 'day'>): IsoWeekday {
  const day = new Date(wallAsUtc({ ...wall, hour: 12, minute: 0, second: 0, millisecond: 0 })).getUTCDay();
  return (day === 0 ? 7 : day) as IsoWeekday;
}

function sameWall(a: WallClock, b: WallClock): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second &&
    a.millisecond === b.millisecond
  );
}

/**
 * Every instant whose wall clock in `timeZone` reads `wall`, earliest first:
 * none in a spring-forward gap, two in a fall-back overlap, else one.
 */
export function instantsAtWallClock(wall: WallClock, timeZone: string): number[] {
  const guess = wallAsUtc(wall);
  // Real offsets stay within ±14h, so the offsets in force around `guess`
  // are among those sampled a day either side (transitions are months apart).
  const offsets = new Set([
    offsetAt(guess - DAY, timeZone),
    offsetAt(guess, timeZone),
    offsetAt(guess + DAY, timeZone),
  ]);
  const instants = new Set<number>();
  for (const offset of offsets) {
    const instant = guess - offset;
    if (sameWall(toWallClock(instant, timeZone), wall)) instants.add(instant);
  }
  return [...instants].sort((a, b) => a - b);
}

/** The first instant at or after `hi` … found between `lo` (old offset) and `hi` (new offset). */
function transitionBetween(lo: number, hi: number, timeZone: string): number {
  const before = offsetAt(lo, timeZone);
  let low = lo;
  let high = hi;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid, timeZone) === before) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * The instant `timeZone`'s clocks read `wall`. A wall time skipped by a
 * spring-forward change resolves to the first valid instant after it (the
 * moment of the change); a wall time repeated by a fall-back change resolves
 * to the earlier of its two instants.
 */
export function fromWallClock(wall: WallClock, timeZone: string): Date {
  const instants = instantsAtWallClock(wall, timeZone);
  const first = instants[0];
  if (first !== undefined) return new Date(first);
  const guess = wallAsUtc(wall);
  // In a gap, `guess - offsetBefore` lies after the change and
  // `guess - offsetAfter` before it, whichever way the offsets move.
  const candidates = [offsetAt(guess - DAY, timeZone), offsetAt(guess + DAY, timeZone)].map((o) => guess - o);
  const lo = Math.min(...candidates) - HOUR;
  const hi = Math.max(...candidates) + HOUR;
  return new Date(transitionBetween(lo, hi, timeZone));
}

/** Offset changes in `(from, to]`, as the first instant of each new offset. */
function transitionsIn(from: number, to: number, timeZone: string): number[] {
  const step = 12 * HOUR;
  const found: number[] = [];
  let previous = from;
  let previousOffset = offsetAt(from, timeZone);
  while (previous < to) {
    const next = Math.min(previous + step, to);
    const nextOffset = offsetAt(next, timeZone);
    if (nextOffset !== previousOffset) found.push(transitionBetween(previous, next, timeZone));
    previous = next;
    previousOffset = nextOffset;
  }
  return found;
}

/** Minutes since midnight for `HH:MM` (00:00–24:00), or `null` when malformed. */
export function parseClockTime(value: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (match === null) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes > 24 * 60 ? null : minutes;
}

interface ParsedWindow {
  days: ReadonlySet<number>;
  startMs: number;
  endMs: number;
  start: number;
}

/** Why a send window cannot be used, or `null` when it is valid. */
export function sendWindowProblem(window: SendWindow): string | null {
  if (!Array.isArray(window.days) || window.days.length === 0) return 'Pick at least one day.';
  if (!window.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
    return 'Days must be weekdays 1 (Monday) to 7 (Sunday).';
  }
  const start = parseClockTime(window.start);
  const end = parseClockTime(window.end);
  if (start === null || start === 24 * 60) return 'Start time must be HH:MM between 00:00 and 23:59.';
  if (end === null) return 'End time must be HH:MM between 00:01 and 24:00.';
  if (end <= start) return 'End time must be after start time on the same day.';
  return null;
}

function parseWindow(window: SendWindow): ParsedWindow {
  const problem = sendWindowProblem(window);
  if (problem !== null) throw new RangeError(`Invalid send window: ${problem}`);
  const start = parseClockTime(window.start) ?? 0;
  const end = parseClockTime(window.end) ?? 0;
  return { days: new Set(window.days), startMs: start * MINUTE, endMs: end * MINUTE, start };
}

function insideParsed(instant: number, window: ParsedWindow, timeZone: string): boolean {
  const wall = toWallClock(instant, timeZone);
  if (!window.days.has(isoWeekday(wall))) return false;
  const ms = ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000 + wall.millisecond;
  return ms >= window.startMs && ms < window.endMs;
}

/** Whether `instant` falls inside `window` as seen on clocks in `timeZone`. */
export function isInsideSendWindow(instant: Date, window: SendWindow, timeZone: string): boolean {
  return insideParsed(instant.getTime(), parseWindow(window), timeZone);
}

/**
 * The earliest instant at or after `instant` that is inside `window` in
 * `timeZone` (`instant` itself when it already is).
 *
 * Being inside can only begin when the clock reaches the window's start on
 * an allowed day, or when the clock jumps (a DST change) into the window, so
 * those are the only candidates examined. This is what makes a 02:30 start on
 * a spring-forward day land on 03:00, and a start in a fall-back overlap land
 * on its earlier occurrence.
 */
export function nextInstantInWindow(instant: Date, window: SendWindow, timeZone: string): Date {
  const parsed = parseWindow(window);
  const t = instant.getTime();
  if (insideParsed(t, parsed, timeZone)) return new Date(t);

  // A week always contains an allowed day; the second week covers a window
  // that lies wholly in a spring-forward gap on its only allowed day.
  const chunk = 8 * DAY;
  for (let from = t; from < t + 60 * DAY; from += chunk) {
    const to = from + chunk;
    const candidates = transitionsIn(from, to, timeZone);
    const first = toWallClock(from - DAY, timeZone);
    const startDay = wallAsUtc({ ...first, hour: 0, minute: 0, second: 0, millisecond: 0 });
    for (let day = startDay; day <= to + DAY; day += DAY) {
      const date = new Date(day);
      const wall: WallClock = {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(parsed.start / 60),
        minute: parsed.start % 60,
        second: 0,
        millisecond: 0,
      };
      if (!parsed.days.has(isoWeekday(wall))) continue;
      candidates.push(...instantsAtWallClock(wall, timeZone));
    }
    const found = candidates
      .filter((c) => c > t)
      .sort((a, b) => a - b)
      .find((c) => insideParsed(c, parsed, timeZone));
    if (found !== undefined) return new Date(found);
  }
  throw new RangeError('The send window never opens');
}

function assertDelay(delay: StageDelay): void {
  const { days, hours } = delay;
  if (!Number.isFinite(days) || !Number.isFinite(hours) || days < 0 || hours < 0) {
    throw new RangeError(`Invalid stage delay ${JSON.stringify(delay)}`);
  }
  if (days * 24 + hours > MAX_DELAY_DAYS * 24) {
    throw new RangeError(`Stage delay exceeds ${MAX_DELAY_DAYS} days`);
  }
}

/**
 * When a stage would send ignoring its window: `days` are calendar days in
 * `timeZone` (same wall-clock time, so "3 days" stays 9:00 → 9:00 across a
 * DST change, like Postgres' `timestamptz + interval '3 days'`), then `hours`
 * are elapsed hours. The wall time is resolved like a window start: a gap
 * moves it to the first valid instant after, an overlap takes the earlier.
 */
export function nominalDueAt(enrolledAt: Date, delay: StageDelay, timeZone: string): Date {
  assertDelay(delay);
  const start = enrolledAt.getTime();
  if (!Number.isFinite(start)) throw new RangeError('Invalid enrolment instant');
  let base = start;
  const wholeDays = Math.trunc(delay.days);
  if (wholeDays !== 0) {
    const wall = toWallClock(start, timeZone);
    const shifted = new Date(wallAsUtc({ ...wall, hour: 12, minute: 0, second: 0, millisecond: 0 }) + wholeDays * DAY);
    const target: WallClock = {
      ...wall,
      year: shifted.getUTCFullYear(),
      month: shifted.getUTCMonth() + 1,
      day: shifted.getUTCDate(),
    };
    base = fromWallClock(target, timeZone).getTime();
  }
  return new Date(base + (delay.days - wholeDays) * DAY + delay.hours * HOUR);
}

export interface DueAtInput {
  enrolledAt: Date;
  delay: StageDelay;
  sendWindow?: SendWindow | null;
  /** Use `resolveTimeZone(recipient, sender, organisation)`. */
  timeZone: string;
}

/** When a stage is due: its nominal time, moved to the next send window opening if needed. */
export function computeDueAt(input: DueAtInput): Date {
  const nominal = nominalDueAt(input.enrolledAt, input.delay, input.timeZone);
  return input.sendWindow == null ? nominal : nextInstantInWindow(nominal, input.sendWindow, input.timeZone);
}

export interface ScheduleStage {
  delay: StageDelay;
  sendWindow?: SendWindow | null;
}

/**
 * The editor's "would send at" column: when each stage would be due if a
 * candidate were enrolled at `now`. The recipient is unknown in the editor,
 * so pass the sender's zone, else the organisation's.
 */
export function previewSchedule(stages: readonly ScheduleStage[], timeZone: string, now: Date = new Date()): Date[] {
  return stages.map((stage) =>
    computeDueAt({ enrolledAt: now, delay: stage.delay, sendWindow: stage.sendWindow, timeZone }),
  );
}

/**
 * When a scheduled stage will actually go out, by the sending engine's rule: it is claimed
 * once `scheduledAt` has passed (or at once when it already has), and if that moment is outside
 * the stage's send window it is deferred to the window's next opening in `timeZone` (use
 * `resolveTimeZone(recipient, sender, organisation)`). The recipient detail shows this as
 * "next stage triggers at". Daily caps and provider rate limits can delay it further.
 */
export function nextTriggerAt(
  scheduledAt: Date,
  sendWindow: SendWindow | null | undefined,
  timeZone: string,
  now: Date = new Date(),
): Date {
  const due = new Date(Math.max(scheduledAt.getTime(), now.getTime()));
  return sendWindow == null ? due : nextInstantInWindow(due, sendWindow, timeZone);
}
