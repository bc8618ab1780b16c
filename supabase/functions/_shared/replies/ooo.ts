/**
 * Out-of-office and other auto-replies (SPEC S6): such a reply must not stop
 * the sequence; the inbound-email function pauses it and schedules the resume
 * for the stated return date, or `DEFAULT_OOO_RESUME_DAYS` after the reply
 * arrived when the message names none we can read.
 *
 * Evidence, strongest first: RFC 3834 / vendor headers, a subject in a mail
 * server's auto-reply format, then the body's wording. Body wording alone is
 * weaker — a person can write "I'm out of office until Monday, happy to chat
 * then" — so classifiers let a clear intent in such a reply win (see rules.ts).
 *
 * Return dates: the cues ("back on", "bis", "jusqu'au", "hasta" …) and what each
 * means are ours; the date expressions after them are read by chrono-node, except
 * the few forms listed at OWN_PATTERNS that it reads otherwise than an auto-reply
 * means them.
 */
import * as chrono from 'chrono-node';
import {
  addDays,
  compareYmd,
  daysBetween,
  formatYmd,
  isValidYmd,
  nextWeekday,
  parseYmd,
  toYmd,
  type Ymd,
} from './dates.ts';
import { stripReply } from './strip.ts';

/**
 * Days after the reply's arrival at which a paused sequence resumes when the
 * auto-reply states no return date we can read: a week covers the typical
 * "away this week" message without sending into a long absence more than once.
 */
export const DEFAULT_OOO_RESUME_DAYS = 7;

/** Return dates further ahead than this are treated as misreadings (null). */
export const MAX_RETURN_DAYS_AHEAD = 366;

/**
 * Inbound headers, either as a plain object (any key case; the webhook payload
 * shape) or anything with a case-insensitive `get` (the Fetch `Headers`).
 */
export type HeaderBag =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | null | undefined>>;

export type OutOfOfficeEvidence = 'header' | 'subject' | 'body';

export interface OutOfOfficeInput {
  subject?: string | null;
  /** The reply's text; quoted history is stripped before reading it. */
  text: string;
  receivedAt: Date | string;
  headers?: HeaderBag | null;
  /**
   * BCP 47 locale of the sender when known (e.g. the candidate's), used to
   * read `05/01` as 5 January (`en-GB`, `de-DE`, …) or May 1 (`en-US`).
   * Default: the language of the phrase around the date (English → US order).
   */
  locale?: string | null;
}

export interface OutOfOfficeResult {
  isOutOfOffice: boolean;
  /** `YYYY-MM-DD`, or null when none is stated or it cannot be read. */
  returnDate: string | null;
  /** What gave it away; null when not an auto-reply. */
  evidence: OutOfOfficeEvidence | null;
}

export function detectOutOfOffice(input: OutOfOfficeInput): OutOfOfficeResult {
  const received = toReceivedDate(input.receivedAt);
  const text = stripReply(input.text).visible;
  const evidence: OutOfOfficeEvidence | null =
    input.headers != null && isAutoReplyByHeaders(input.headers)
      ? 'header'
      : isAutoReplySubject(input.subject ?? '')
        ? 'subject'
        : hasOutOfOfficeWording(text)
          ? 'body'
          : null;
  if (evidence === null) return { isOutOfOffice: false, returnDate: null, evidence: null };
  return { isOutOfOffice: true, returnDate: parseReturnDate(text, received, { locale: input.locale }), evidence };
}

/** When a paused sequence should resume: the return date, else the default delay. */
export function resumeDate(
  returnDate: string | null | undefined,
  receivedAt: Date | string,
  defaultDays: number = DEFAULT_OOO_RESUME_DAYS,
): string {
  const stated = returnDate == null ? null : parseYmd(returnDate);
  return formatYmd(stated ?? addDays(toYmd(toReceivedDate(receivedAt)), defaultDays));
}

function toReceivedDate(value: Date | string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`receivedAt is not a valid date: ${String(value)}`);
  return date;
}

// ---------------------------------------------------------------------------
// Detection

function header(headers: HeaderBag, name: string): string | null {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name);
  const record = headers as Readonly<Record<string, string | readonly string[] | null | undefined>>;
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== name || value == null) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return null;
}

/**
 * `Auto-Submitted: auto-replied` (RFC 3834, what Exchange, Gmail and most
 * vacation responders send), `X-Autoreply` / `X-Autorespond` (older
 * responders), `Precedence: auto_reply`. `Auto-Submitted: auto-generated`
 * alone is not taken: it marks notifications and bounces, not absences.
 */
export function isAutoReplyByHeaders(headers: HeaderBag): boolean {
  const autoSubmitted = header(headers, 'auto-submitted')?.trim().toLowerCase() ?? '';
  if (autoSubmitted.startsWith('auto-replied')) return true;
  const xAutoreply = header(headers, 'x-autoreply') ?? header(headers, 'x-autorespond');
  if (xAutoreply != null && !/^\s*(?:no|false|0)\s*$/i.test(xAutoreply)) return true;
  return /^\s*auto[_-]reply\s*$/i.test(header(headers, 'precedence') ?? '');
}

const AUTO_REPLY_SUBJECT =
  /(?:^|[\s:[(])(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|out of (?:the )?office|ooo\b|abwesenheitsnotiz|abwesenheit|automatische antwort|abwesend|r[ée]ponse automatique|absence|absent\b|respuesta autom[áa]tica|fuera de la oficina|ausente|risposta automatica|fuori sede|automatisch antwoord|afwezig|on vacation|on leave|on holiday)/i;

export function isAutoReplySubject(subject: string): boolean {
  return AUTO_REPLY_SUBJECT.test(foldDiacritics(subject));
}

const OOO_WORDING: readonly RegExp[] = [
  /\bout of (?:the )?office\b/i,
  /\bauto(?:matic|mated)(?:ally generated)? (?:reply|response|message)\b/i,
  /\blimited (?:access to (?:my )?e-?mails?|e-?mail access|connectivity|availability)\b/i,
  /\b(?:reply|respond|get back to you|answer|attend to your (?:e-?mail|message)|read your (?:e-?mail|message))\b[^.]{0,40}\b(?:upon|on|when|after) (?:my )?return\b/i,
  /\b(?:for urgent|in urgent cases|urgent (?:matters|issues|requests|enquiries|inquiries)|if (?:this|your (?:matter|request)) is urgent)\b/i,
  /\b(?:i am|i'm|i’m|i will be|i'll be|i’ll be)\b[^.]{0,25}\b(?:away|on (?:annual |parental |maternity |paternity |sick |medical )?(?:leave|vacation|holidays?|pto|sabbatical)|travell?ing|off)\b[^.]{0,60}\b(?:until|till|through|back|return)/i,
  /\bon (?:annual|parental|maternity|paternity|sick|medical) leave\b/i,
  /\bnicht im b[üu]ro\b|\babwesend\b|\bau(?:ß|ss)er haus\b|\bim urlaub\b|\bin dringenden f[äa]llen\b|\belternzeit\b/i,
  /\b(?:keinen|eingeschr[äa]nkten) zugriff auf (?:meine )?e-?mails?\b/i,
  /\babsente? du bureau\b|\bje suis (?:actuellement )?absente?\b|\ben cong[ée]s?\b|\ben vacances\b|\ben cas d['’]urgence\b|\bpour toute (?:demande )?urgen/i,
  /\bfuera de la oficina\b|\bestoy (?:de vacaciones|ausente|fuera)\b|\bausente\b|\bpara (?:asuntos|temas|cualquier asunto) urgentes?\b|\ben caso de urgencia\b/i,
];

export function hasOutOfOfficeWording(text: string): boolean {
  const folded = foldDiacritics(text).replace(/[\u2018\u2019]/g, "'");
  return OOO_WORDING.some((pattern) => pattern.test(folded));
}

// `\b` does not see accented letters as word characters, so "en congé." would
// never match `\ben cong[ée]s?\b`; the patterns keep both spellings and are
// tested against folded text. "ß" has no decomposition and stays.
function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

// ---------------------------------------------------------------------------
// Return dates

type Language = 'en' | 'de' | 'fr' | 'es';

// What the date after a cue means: `return` is the first day back; `until` is
// read as the first day back too ("out until Monday" — people name the day they
// are back more often than the last day away, and resuming a day early costs
// one unread email); `through` is the last day away; `mention` is a German
// "am 5. Januar" that says nothing by itself, used only when nothing else is.
type CueKind = 'return' | 'until' | 'through' | 'mention';

interface Cue {
  pattern: RegExp;
  kind: CueKind;
  language: Language;
  /** How far after the cue the date may start; short for common little words. */
  reach: number;
  /**
   * For "from" words that open an absence as often as they end one ("ab dem
   * 11.12. im Urlaub"): the cue counts only when this follows the date.
   */
  confirmedBy?: RegExp;
}

const CUES: readonly Cue[] = [
  {
    pattern:
      /\b(?:back|return(?:ing|s)?|in the office|available (?:again )?from|available again|reachable again|resum(?:e|ing))\b/gi,
    kind: 'return',
    language: 'en',
    reach: 30,
  },
  { pattern: /\b(?:until|till|til|up to)\b(?! and including)/gi, kind: 'until', language: 'en', reach: 30 },
  { pattern: /\b(?:through|thru|up to and including)\b/gi, kind: 'through', language: 'en', reach: 12 },
  { pattern: /\bto\b/gi, kind: 'until', language: 'en', reach: 6 },
  {
    pattern: /\b(?:zur[üu]ck|wieder (?:im b[üu]ro|erreichbar|da|verf[üu]gbar))(?![\p{L}])/giu,
    kind: 'return',
    language: 'de',
    reach: 30,
  },
  {
    pattern: /\bab\b/gi,
    kind: 'return',
    language: 'de',
    reach: 30,
    confirmedBy: /^\D{0,30}?(?:wieder|zur[üu]ck|erreichbar|im b[üu]ro)/su,
  },
  { pattern: /\bbis\b(?! einschl)/gi, kind: 'until', language: 'de', reach: 30 },
  { pattern: /\bbis einschl(?:ie(?:ß|ss)lich|\.)/gi, kind: 'through', language: 'de', reach: 30 },
  { pattern: /\bam\b/gi, kind: 'mention', language: 'de', reach: 6 },
  {
    pattern: /\b(?:de retour|retour|reviendrai|reprendrai)(?![\p{L}])/giu,
    kind: 'return',
    language: 'fr',
    reach: 30,
  },
  {
    pattern: /(?:[àa] partir du|\bd[èe]s le)(?![\p{L}])/giu,
    kind: 'return',
    language: 'fr',
    reach: 30,
    confirmedBy: /^\D{0,30}?(?:retour|disponible|joignable|au bureau|reviens)/su,
  },
  { pattern: /\bjusqu['’]\s?(?:au|[àa])(?![\p{L}])/giu, kind: 'until', language: 'fr', reach: 30 },
  { pattern: /\bau\b/gi, kind: 'until', language: 'fr', reach: 10 },
  {
    pattern: /\b(?:de vuelta|regreso|regresar[ée]|vuelvo|volver[ée]|me reincorporo|reincorporar[ée])(?![\p{L}])/giu,
    kind: 'return',
    language: 'es',
    reach: 30,
  },
  {
    pattern: /\ba partir del?(?![\p{L}])/giu,
    kind: 'return',
    language: 'es',
    reach: 30,
    confirmedBy: /^\D{0,30}?(?:disponible|de vuelta|en la oficina|regreso|localizable)/su,
  },
  { pattern: /\bhasta\b/gi, kind: 'until', language: 'es', reach: 30 },
  { pattern: /\bal\b/gi, kind: 'until', language: 'es', reach: 6 },
];

const INCLUSIVE =
  /^[\s,(]*(?:inclus(?:ive|e|ivement)?|included|einschlie(?:ß|ss)lich|einschl\.|incluido|inclusive)(?![\p{L}])/u;

const CUE_PRIORITY: readonly CueKind[] = ['return', 'until', 'through', 'mention'];

type DateOrder = 'mdy' | 'dmy';

interface Found {
  index: number;
  end: number;
  /** A full date beats a bare weekday written just before it ("Monday 14 December"). */
  weekdayOnly: boolean;
  resolve(received: Ymd, order: DateOrder): Ymd | null;
}

/**
 * chrono-node reads the date expressions (formats, month and weekday names in the four
 * languages, "tomorrow", "in two weeks"); `dmy` slashes are read by its little-endian parsers.
 */
const CHRONO: Readonly<Record<Language, Readonly<Record<DateOrder, chrono.Chrono>>>> = {
  en: { mdy: chrono.en.casual, dmy: chrono.en.GB },
  de: { mdy: chrono.de.casual, dmy: chrono.de.casual },
  fr: { mdy: chrono.fr.casual, dmy: chrono.fr.casual },
  es: { mdy: chrono.es.casual, dmy: chrono.es.casual },
};

/**
 * What chrono does not read the way an out-of-office text means it, kept as rules:
 * day-first dots without a year ("bis 14.12."), "next week" as its Monday (chrono: a week from
 * today), and a bare ordinal day ("back on the 15th": this month, or the next once it passed).
 */
interface OwnPattern {
  pattern: RegExp;
  build(match: RegExpExecArray, received: Ymd): Ymd | null;
}

const OWN_PATTERNS: readonly OwnPattern[] = [
  {
    pattern: /\b(\d{1,2})\.(\d{1,2})\.?(?:(\d{4}|\d{2})\b)?/gu,
    build: (m, received) => {
      const year = m[3] === undefined ? null : Number(m[3]) < 100 ? 2000 + Number(m[3]) : Number(m[3]);
      return dated(year, Number(m[2]), Number(m[1]), received);
    },
  },
  {
    pattern:
      /(?<![\p{L}])(?:next week|nächste(?:n)? woche|la semaine prochaine|la pr[óo]xima semana|la semana que viene)(?![\p{L}])/giu,
    build: (_m, received) => nextWeekday(received, 1),
  },
  {
    pattern: /\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b/giu,
    build: (m, received) => {
      const day = Number(m[1]);
      const sameMonth = { year: received.year, month: received.month, day };
      if (isValidYmd(sameMonth) && compareYmd(sameMonth, received) >= 0) return sameMonth;
      const next = addDays({ year: received.year, month: received.month, day: 1 }, 32);
      const nextMonth = { year: next.year, month: next.month, day };
      return isValidYmd(nextMonth) ? nextMonth : null;
    },
  },
];

/** A chrono result as a Found: a weekday alone is the next such day, a date goes through `dated`. */
function fromChrono(result: chrono.ParsedResult): Found | null {
  const start = result.start;
  const weekday = start.get('weekday');
  const weekdayOnly = start.isCertain('weekday') && !start.isCertain('day') && weekday !== null;
  // A month alone ("January" of "January the 5th") says no day.
  if (!weekdayOnly && !start.isCertain('day')) return null;
  const year = start.isCertain('year') ? start.get('year') : null;
  const month = start.get('month') ?? 0;
  const day = start.get('day') ?? 0;
  return {
    index: result.index,
    end: result.index + result.text.length,
    weekdayOnly,
    resolve: (received) =>
      weekdayOnly ? nextWeekday(received, weekday === 0 ? 7 : (weekday ?? 1)) : dated(year, month, day, received),
  };
}

/**
 * A date written without a year is the coming one: this year's, or next year's
 * when its month is already behind us ("until 5 January" written in December).
 * A past date in the current month, or one with a past year, is not a return
 * date (null): most likely the responder was never switched off.
 */
function dated(year: number | null, month: number, day: number, received: Ymd): Ymd | null {
  if (year !== null) {
    const date = { year, month, day };
    return isValidYmd(date) && compareYmd(date, received) >= 0 ? date : null;
  }
  const thisYear = { year: received.year, month, day };
  if (isValidYmd(thisYear) && compareYmd(thisYear, received) >= 0) return thisYear;
  const nextYear = { year: received.year + 1, month, day };
  return month < received.month && isValidYmd(nextYear) ? nextYear : null;
}

function dateOrder(locale: string | null | undefined, language: Language): DateOrder {
  if (locale != null && locale.trim() !== '') {
    return /^(?:en|es)[-_](?:us|ph)\b|^en$/i.test(locale.trim()) ? 'mdy' : 'dmy';
  }
  return language === 'en' ? 'mdy' : 'dmy';
}

/** The earliest date expression starting within `reach` characters of `from`. */
function dateAt(
  text: string,
  from: number,
  reach: number,
  received: Ymd,
  language: Language,
  order: DateOrder,
): Found | null {
  const window = text.slice(from, from + reach + 40);
  const reference = { instant: new Date(Date.UTC(received.year, received.month - 1, received.day, 12)), timezone: 0 };
  const found: Found[] = [];
  // Own patterns first: on a tie (same start and end) they win, which is why they exist.
  for (const { pattern, build } of OWN_PATTERNS) {
    pattern.lastIndex = 0;
    const match = pattern.exec(window);
    if (match === null || match.index > reach) continue;
    found.push({
      index: match.index,
      end: match.index + match[0].length,
      weekdayOnly: false,
      resolve: (r) => build(match, r),
    });
  }
  for (const result of CHRONO[language][order].parse(window, reference, { forwardDate: true })) {
    if (result.index > reach) continue;
    const f = fromChrono(result);
    if (f !== null) found.push(f);
  }
  found.sort((a, b) => a.index - b.index || b.end - a.end);
  const first = found[0];
  if (first === undefined) return null;
  if (first.weekdayOnly) {
    const full = found.find((f) => !f.weekdayOnly && f.index >= first.end && f.index <= first.end + 6);
    if (full !== undefined) return full;
  }
  return first;
}

/**
 * Reads the return date from an out-of-office text ("back on Monday 14
 * December", "until 12/14", "bis zum 5. Januar", "jusqu'au 5 janvier", "hasta
 * el 5 de enero", "away until next Monday"), relative to when the reply was
 * received. A "back on"/"returning" date wins over an "until" date; "through
 * Friday" means back the day after. Returns `YYYY-MM-DD` or null.
 */
export function parseReturnDate(
  text: string,
  receivedAt: Date | string,
  options: { locale?: string | null } = {},
): string | null {
  const received = toYmd(toReceivedDate(receivedAt));
  const lower = text.toLowerCase();
  const hits: { kind: CueKind; position: number; date: Ymd }[] = [];
  for (const cue of CUES) {
    cue.pattern.lastIndex = 0;
    for (let match = cue.pattern.exec(lower); match !== null; match = cue.pattern.exec(lower)) {
      const after = match.index + match[0].length;
      const order = dateOrder(options.locale, cue.language);
      const found = dateAt(lower, after, cue.reach, received, cue.language, order);
      if (found === null) continue;
      const date = found.resolve(received, order);
      if (date === null) continue;
      if (cue.confirmedBy !== undefined && !cue.confirmedBy.test(lower.slice(after + found.end))) continue;
      // "until 5 January inclusive" is the last day away, like "through".
      const inclusive =
        cue.kind === 'through' || INCLUSIVE.test(lower.slice(after + found.end, after + found.end + 24));
      hits.push({ kind: cue.kind, position: match.index, date: inclusive ? addDays(date, 1) : date });
    }
  }
  for (const kind of CUE_PRIORITY) {
    const hit = hits.filter((h) => h.kind === kind).sort((a, b) => a.position - b.position)[0];
    if (hit === undefined) continue;
    if (daysBetween(received, hit.date) > MAX_RETURN_DAYS_AHEAD) return null;
    return formatYmd(hit.date);
  }
  return null;
}
