/**
 * Calendar helpers for out-of-office return dates: plain year/month/day
 * values in UTC, month and weekday names in the languages our candidates
 * write in, and "the next such day after the reply arrived". Kept apart from
 * ooo.ts so the phrase rules there read without the arithmetic.
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

/** Month names and abbreviations, English, German, French and Spanish, lower case. */
export const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  jan: 1,
  januar: 1,
  jänner: 1,
  janvier: 1,
  janv: 1,
  enero: 1,
  ene: 1,
  february: 2,
  feb: 2,
  februar: 2,
  février: 2,
  fevrier: 2,
  févr: 2,
  fevr: 2,
  fév: 2,
  fev: 2,
  febrero: 2,
  march: 3,
  mar: 3,
  märz: 3,
  maerz: 3,
  mär: 3,
  mars: 3,
  marzo: 3,
  april: 4,
  apr: 4,
  avril: 4,
  avr: 4,
  abril: 4,
  abr: 4,
  may: 5,
  mai: 5,
  mayo: 5,
  june: 6,
  jun: 6,
  juni: 6,
  juin: 6,
  junio: 6,
  july: 7,
  jul: 7,
  juli: 7,
  juillet: 7,
  juil: 7,
  julio: 7,
  august: 8,
  aug: 8,
  août: 8,
  aout: 8,
  agosto: 8,
  ago: 8,
  september: 9,
  sept: 9,
  sep: 9,
  septembre: 9,
  septiembre: 9,
  setiembre: 9,
  october: 10,
  oct: 10,
  oktober: 10,
  okt: 10,
  octobre: 10,
  octubre: 10,
  november: 11,
  nov: 11,
  novembre: 11,
  noviembre: 11,
  december: 12,
  dec: 12,
  dezember: 12,
  dez: 12,
  décembre: 12,
  decembre: 12,
  déc: 12,
  diciembre: 12,
  dic: 12,
};

/**
 * Weekday names (ISO numbering), English, German, French and Spanish, lower
 * case. "mon", "wed", "sat" and "sun" are left out: they are words ("à mon
 * retour" is "on my return"), and an OOO text naming a bare weekday spells it.
 */
export const WEEKDAYS: Readonly<Record<string, number>> = {
  monday: 1,
  montag: 1,
  lundi: 1,
  lunes: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  dienstag: 2,
  mardi: 2,
  martes: 2,
  wednesday: 3,
  mittwoch: 3,
  mercredi: 3,
  miércoles: 3,
  miercoles: 3,
  thursday: 4,
  thu: 4,
  thurs: 4,
  donnerstag: 4,
  jeudi: 4,
  jueves: 4,
  friday: 5,
  fri: 5,
  freitag: 5,
  vendredi: 5,
  viernes: 5,
  saturday: 6,
  samstag: 6,
  samedi: 6,
  sábado: 6,
  sabado: 6,
  sunday: 7,
  sonntag: 7,
  dimanche: 7,
  domingo: 7,
};

/** A regex alternation of the keys, longest first so "sept" wins over "sep". */
export function alternation(names: Readonly<Record<string, number>>): string {
  return Object.keys(names)
    .sort((a, b) => b.length - a.length)
    .join('|');
}
