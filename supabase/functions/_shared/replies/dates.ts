/**
 * Calendar helpers for out-of-office return dates: plain year/month/day
 * values in UTC and "the next such day after the reply arrived". Kept apart
 * from ooo.ts so the phrase rules there read without the arithmetic. Month
 * and weekday names are chrono-node's (ooo.ts).
 */

export interface Ymd {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

/** The UTC calendar date of an instant; replies carry no reliable sender zone. */
export function toYmd(instant: Date): Ymd {
  return { year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() };
}

export function isValidYmd({ year, month, day }: Ymd): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function formatYmd({ year, month, day }: Ymd): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Parses `YYYY-MM-DD` strictly (a real calendar date), else null. */
export function parseYmd(value: string): Ymd | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return null;
  const ymd = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isValidYmd(ymd) ? ymd : null;
}

export function addDays(date: Ymd, days: number): Ymd {
  return toYmd(new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS));
}

export function compareYmd(a: Ymd, b: Ymd): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function daysBetween(from: Ymd, to: Ymd): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS);
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
export function weekdayOf(date: Ymd): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The first date strictly after `from` that falls on `weekday`. */
export function nextWeekday(from: Ymd, weekday: number): Ymd {
  const ahead = (weekday - weekdayOf(from) + 7) % 7;
  return addDays(from, ahead === 0 ? 7 : ahead);
}
