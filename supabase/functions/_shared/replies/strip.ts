/**
 * Extracts what the candidate actually wrote from an inbound reply: the
 * inbound-email function stores `visible` on the activity log, the UI shows
 * it with the quoted history folded away, and the classifiers read only
 * `visible` so the outreach text we sent ("would you be interested…?") never
 * votes on the candidate's answer.
 *
 * The rules are deliberately conservative. A quote header or signature is cut
 * only when it looks like one a mail client writes; anything doubtful stays in
 * `visible`. And a reply is never reduced to nothing: if stripping would leave
 * no text, the unstripped text is returned as `visible` (a reply consisting of
 * only a quote is rare, and showing too much beats showing a blank reply).
 *
 * Hand-written on purpose (issue 13): the established strippers on npm were
 * tried against strip.test.ts. `email-reply-parser` (GitHub's EmailReplyParser)
 * keeps German Outlook blocks (Von/Gesendet/An/Betreff) and Thunderbird's German
 * attribution ("… schrieb am 08.12.2026 um 10:02:") in the reply; `planer`
 * (Mailgun talon's rules) misses the latter too, keeps the quoted lines of an
 * interleaved answer, and returns nothing for a message that merely starts with
 * "From: my side, …" — a reply lost. Neither returns the quoted history and the
 * signature apart from the reply, which the activity log shows folded.
 */

export interface StrippedReply {
  /** What the candidate wrote, trimmed. Empty only when the input was blank. */
  visible: string;
  /** Quoted history: attribution lines, `>` lines, forwarded/original blocks. */
  quoted: string;
  /** Signature, mobile footer, or sign-off with the name block under it. */
  signature: string;
}

export interface ReplyBody {
  text?: string | null;
  html?: string | null;
}

/**
 * Splits a reply into what the candidate wrote, the quoted history and the
 * signature. Takes the plain-text part when there is one (mail clients build
 * it with quote markers), else converts the HTML part.
 */
export function stripReply(body: string | ReplyBody): StrippedReply {
  const source = typeof body === 'string' ? body : pickText(body);
  const text = normalise(source);
  if (text.trim() === '') return { visible: '', quoted: '', signature: '' };

  const lines = text.split('\n');
  const { own, quoted } = splitQuoted(lines);
  const signatureStart = findSignatureStart(own);
  const kept = signatureStart === -1 ? own : own.slice(0, signatureStart);
  const signature = signatureStart === -1 ? [] : own.slice(signatureStart);

  let visible = joinTrimmed(kept);
  let signatureText = joinTrimmed(signature);
  let quotedText = joinTrimmed(quoted);
  if (visible === '' && signatureText !== '') {
    // "Thanks,\nAnna" alone is the whole message, not a signature under one.
    visible = joinTrimmed(own);
    signatureText = '';
  }
  if (visible === '') {
    visible = text.trim();
    quotedText = '';
    signatureText = '';
  }
  return { visible, quoted: quotedText, signature: signatureText };
}

function pickText(body: ReplyBody): string {
  if (body.text != null && body.text.trim() !== '') return body.text;
  if (body.html != null && body.html.trim() !== '') return htmlToText(body.html);
  return '';
}

function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/\u200b|\u200c|\u200d|\ufeff/g, '');
}

function joinTrimmed(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/^\s*\n/, '')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

// ---------------------------------------------------------------------------
// Quoted history

const QUOTED_LINE = /^\s*>/;

// Attribution lines ("On Mon, 14 Dec 2026 at 10:00, Jane <jane@x.com> wrote:"):
// a leading word and a "wrote" verb in one of the languages our candidates
// write in. German and Dutch clients put the verb before the name ("Am … schrieb
// Jane <…>:"), so only the lead word and the trailing colon are anchored.
const ATTRIBUTION_LEAD = /^\s*(?:on|am|le|el|il|op|den|em|w dniu|dne)\s/i;
const ATTRIBUTION_VERB =
  /\b(?:wrote|writes|schrieb|a [ée]crit|escribi[óo]|ha scritto|schreef|skrev|napisał|escreveu|kirjoitti)\b/i;
// "Jane Doe <jane@x.com> schrieb am 14.12.2026 um 10:00:" (Thunderbird, Outlook for Mac
// in some locales) and "2026-12-14 10:00 GMT+01:00 Jane <jane@x.com>:" (older Gmail).
const ADDRESS_ATTRIBUTION =
  /^\s*(?:[^<>\n]{0,80}<[^<>\s]+@[^<>\s]+>\s*(?:schrieb|wrote|a [ée]crit|escribi[óo])\b.*:|\d{4}-\d{2}-\d{2}\b.*<[^<>\s]+@[^<>\s]+>\s*:)\s*$/i;
// "Jane Doe wrote:" is only trusted right above a `>` block.
const BARE_ATTRIBUTION = /^\s*\S.{0,80}\b(?:wrote|schrieb|a [ée]crit|escribi[óo])\s*:\s*$/i;

const SEPARATOR =
  /^\s*[-_=*]{2,}\s*(?:original message|original-nachricht|urspr[üu]ngliche nachricht|message d['’]origine|mensaje original|messaggio originale|oorspronkelijk bericht|forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|mensaje reenviado)\s*[-_=*]{2,}\s*$/i;
const FORWARD_BEGIN =
  /^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht|d[ée]but du message r[ée]exp[ée]di[ée]|inicio del mensaje reenviado)\s*:\s*$/i;
const RULE_LINE = /^\s*_{10,}\s*$/;

// Outlook's header block ("From: … / Sent: … / To: … / Subject: …"), in the
// client's language, optionally bold in the plain-text rendering ("*From:*").
const HEADER_FROM = /^\s*\*?(?:from|von|de|da|van|fr[åa]n|od)\s*\*?\s*:\s*\*?\s*\S/i;
const HEADER_FIELD =
  /^\s*\*?(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|envoy[ée]|[àa]|objet|enviado(?: el)?|fecha|para|asunto|inviato|oggetto|verzonden|aan|onderwerp)\s*\*?\s*:/i;

/**
 * How many lines the quote header starting at `index` spans (0 when there is
 * none). Gmail wraps long attributions over two or three lines.
 */
function quoteHeaderLength(lines: readonly string[], index: number): number {
  const line = lines[index] ?? '';
  if (QUOTED_LINE.test(line) || line.trim() === '') return 0;
  if (SEPARATOR.test(line) || FORWARD_BEGIN.test(line)) return 1;
  if (RULE_LINE.test(line)) {
    const next = nextNonBlank(lines, index + 1);
    return next !== -1 && isOutlookHeaderAt(lines, next) ? next - index : 0;
  }
  if (isOutlookHeaderAt(lines, index)) return 1;
  // Only a line that already starts like an attribution is joined with the
  // next ones, and never across a blank line: "Dana" above "On … wrote:" is
  // the candidate's name, not part of the header.
  const maxSpan = ATTRIBUTION_LEAD.test(line) || /[<@]/.test(line) ? 3 : 1;
  for (let span = 1; span <= maxSpan && index + span <= lines.length; span++) {
    const spanned = lines.slice(index, index + span);
    if (spanned.some((l) => l.trim() === '' || QUOTED_LINE.test(l))) break;
    const joined = spanned.map((l) => l.trim()).join(' ');
    if (joined.length > 400) break;
    if (/:\s*$/.test(joined)) {
      if (ATTRIBUTION_LEAD.test(joined) && ATTRIBUTION_VERB.test(joined)) return span;
      if (ADDRESS_ATTRIBUTION.test(joined)) return span;
    }
  }
  if (BARE_ATTRIBUTION.test(line)) {
    const next = nextNonBlank(lines, index + 1);
    if (next !== -1 && QUOTED_LINE.test(lines[next] ?? '')) return 1;
  }
  return 0;
}

function isOutlookHeaderAt(lines: readonly string[], index: number): boolean {
  if (!HEADER_FROM.test(lines[index] ?? '')) return false;
  let fields = 0;
  for (let i = index + 1; i < lines.length && i <= index + 6; i++) {
    if (HEADER_FIELD.test(lines[i] ?? '')) fields++;
  }
  return fields >= 2;
}

function nextNonBlank(lines: readonly string[], from: number): number {
  for (let i = from; i < lines.length; i++) if ((lines[i] ?? '').trim() !== '') return i;
  return -1;
}

function splitQuoted(lines: readonly string[]): { own: string[]; quoted: string[] } {
  const own: string[] = [];
  const quoted: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const header = quoteHeaderLength(lines, i);
    if (header > 0) {
      const next = nextNonBlank(lines, i + header);
      if (next !== -1 && QUOTED_LINE.test(lines[next] ?? '')) {
        // A `>` block follows: the candidate may answer below it (bottom
        // posting) or between its lines, so only the header goes here and
        // the quoted lines are taken one by one below.
        quoted.push(...lines.slice(i, next));
        i = next;
        continue;
      }
      // Outlook and most forwards do not mark quoted lines: everything from
      // the header down is history.
      quoted.push(...lines.slice(i));
      break;
    }
    if (QUOTED_LINE.test(line)) quoted.push(line);
    else own.push(line);
    i++;
  }
  return { own, quoted };
}

// ---------------------------------------------------------------------------
// Signatures

const SIGNATURE_DELIMITER = /^--\s?$/;
const MOBILE_FOOTER =
  /^\s*(?:sent from (?:my )?(?:iphone|ipad|android|samsung|galaxy|pixel|mobile|phone|blackberry|outlook|yahoo mail|mail for windows|gmail|huawei)\b|sent (?:via|with|using) \S|get outlook for (?:ios|android)|von meinem (?:iphone|ipad|android|smartphone|samsung).*gesendet|gesendet von (?:meinem )?(?:iphone|ipad|android|smartphone)|envoy[ée] (?:de|depuis) mon (?:iphone|ipad|android|smartphone|mobile)|enviado desde mi (?:iphone|ipad|android|m[óo]vil|smartphone)|inviato da (?:iphone|ipad|android))/i;
const SIGN_OFF =
  /^\s*(?:best|best regards|best wishes|kind regards|kindest regards|warm regards|warmest regards|regards|many thanks|thanks|thanks again|thank you|thx|cheers|all the best|sincerely|yours|yours sincerely|yours truly|respectfully|take care|talk soon|speak soon|br|viele gr[üu](?:ß|ss)e|beste gr[üu](?:ß|ss)e|liebe gr[üu](?:ß|ss)e|freundliche gr[üu](?:ß|ss)e|mit freundlichen gr[üu](?:ß|ss)en|gr[üu](?:ß|ss)e|lg|vg|mfg|danke|cordialement|bien cordialement|bien [àa] vous|bonne journ[ée]e|merci|[àa] bient[ôo]t|salutations|saludos|un saludo|saludos cordiales|atentamente|gracias|un abrazo)\s*[,.!]?\s*$/i;
const MAX_NAME_BLOCK_LINES = 6;

/** Index in `lines` where the signature starts, or -1. */
function findSignatureStart(lines: readonly string[]): number {
  const candidates: number[] = [];
  const delimiter = lines.findIndex((l) => SIGNATURE_DELIMITER.test(l));
  if (delimiter !== -1) candidates.push(delimiter);

  const footer = lines.findIndex((l) => MOBILE_FOOTER.test(l));
  if (footer !== -1 && nonBlankAfter(lines, footer) <= 3) candidates.push(footer);

  // Scan upward so the sign-off nearest the end wins ("Thanks, … Best, Jane").
  for (let i = lines.length - 1; i > 0; i--) {
    if (!SIGN_OFF.test(lines[i] ?? '')) continue;
    if (isNameBlock(lines.slice(i + 1)) && hasContent(lines.slice(0, i))) candidates.push(i);
    break;
  }
  return candidates.length === 0 ? -1 : Math.min(...candidates);
}

function nonBlankAfter(lines: readonly string[], index: number): number {
  return lines.slice(index + 1).filter((l) => l.trim() !== '').length;
}

function hasContent(lines: readonly string[]): boolean {
  return lines.some((l) => l.trim() !== '');
}

// A name block is a few short lines — name, title, company, phone, link — and
// never a sentence someone wrote; a question or a long line keeps the sign-off
// in the message.
function isNameBlock(lines: readonly string[]): boolean {
  const filled = lines.filter((l) => l.trim() !== '');
  if (filled.length > MAX_NAME_BLOCK_LINES) return false;
  return filled.every((l) => {
    const line = l.trim();
    return line.length <= 70 && !line.endsWith('?') && line.split(/\s+/).length <= 8;
  });
}

// ---------------------------------------------------------------------------
// HTML

const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'dd',
  'div',
  'dl',
  'dt',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'td',
  'tr',
  'ul',
]);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  szlig: 'ß',
  ntilde: 'ñ',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Converts an HTML email body to plain text, writing `<blockquote>` content as
 * `>`-quoted lines so the text rules above see Gmail's and Apple Mail's HTML
 * quotes the same way as their plain-text ones.
 */
export function htmlToText(html: string): string {
  const source = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '');
  const out: { text: string; depth: number }[] = [];
  let current = '';
  let currentDepth = 0;
  let depth = 0;
  const flush = (): void => {
    out.push({ text: current.trim(), depth: currentDepth });
    current = '';
    currentDepth = depth;
  };
  const append = (chunk: string): void => {
    const text = decodeEntities(chunk.replace(/\s+/g, ' '));
    if (text.trim() === '' && current === '') return;
    if (current === '') currentDepth = depth;
    current += text;
  };

  const tag = /<(\/?)([a-z][a-z0-9]*)\b[^>]*>/gi;
  let last = 0;
  for (let match = tag.exec(source); match !== null; match = tag.exec(source)) {
    append(source.slice(last, match.index));
    last = match.index + match[0].length;
    const closing = match[1] === '/';
    const name = (match[2] ?? '').toLowerCase();
    if (name === 'br') {
      flush();
    } else if (name === 'blockquote') {
      if (current.trim() !== '') flush();
      depth = Math.max(0, depth + (closing ? -1 : 1));
      currentDepth = depth;
    } else if (BLOCK_TAGS.has(name)) {
      if (current.trim() !== '') flush();
      if (closing && name === 'p') out.push({ text: '', depth });
    }
  }
  append(source.slice(last));
  if (current.trim() !== '') flush();

  return out
    .map(({ text, depth: d }) => (d > 0 ? `${'> '.repeat(d)}${text}`.trimEnd() : text))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
