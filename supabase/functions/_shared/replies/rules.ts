/**
 * The built-in, dependency-free reply classifier: weighted phrases from
 * rule-patterns.ts over the part of the reply the candidate wrote, with
 * negation handling, plus the out-of-office rules of ooo.ts. It is what runs
 * when no LLM is configured and what the LLM classifier falls back to.
 */
import { detectOutOfOffice } from './ooo.ts';
import { CONTRAST, NEGATION, RULE_PATTERNS, type Side } from './rule-patterns.ts';
import { stripReply } from './strip.ts';
import type { Classification, ClassifyInput, ReplyClassifier } from './types.ts';

export const RULES_PROVIDER = 'rules';

/** A body-only out-of-office reply yields to a clear intent at least this strong. */
const INTENT_OVER_OOO = 3;
const CONTRAST_BEFORE = 0.8;
const CONTRAST_AFTER = 1.3;
/** A negated phrase counts for the other side, a little less sure. */
const NEGATED_WEIGHT = 0.75;

export interface RuleMatch {
  side: Side;
  weight: number;
  cue: string;
  negated: boolean;
}

// "Hi Sam," / "Hallo Frau Weber," / "Hey —": carries no signal, and removing it
// lets "yes"/"no" at the start of the answer be read as such. Names must be
// capitalised so "Hey sounds good," keeps its words.
const GREETING =
  /^\s*(?:hi|hello|hey|dear|hallo|guten tag|moin|servus|bonjour|salut|hola|buenos d[ií]as|ciao)(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}\s*[,!.:—–-]+\s*/iu;

/**
 * Lower case, straight quotes, single spaces, greeting removed and diacritics
 * folded ("intéressé" → "interesse"): JavaScript's `\b` does not treat accented
 * letters as word characters, so patterns are written against folded text.
 */
export function normaliseForRules(text: string): string {
  return text
    .replace(GREETING, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

function clauseStart(text: string, index: number): number {
  let start = 0;
  const boundary = /[.!?;,:\n]|\b(?:but|however|aber|mais|pero)\b/g;
  for (let m = boundary.exec(text); m !== null && m.index < index; m = boundary.exec(text)) {
    start = m.index + m[0].length;
  }
  return start;
}

/** Every weighted phrase in `text` (already normalised), specific before generic. */
export function matchRules(text: string): RuleMatch[] {
  const claimed: [number, number][] = [];
  const scopes = contrastScopes(text);
  const matches: RuleMatch[] = [];
  for (const rule of RULE_PATTERNS) {
    const global = new RegExp(
      rule.pattern.source,
      rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`,
    );
    for (let m = global.exec(text); m !== null; m = global.exec(text)) {
      if (m[0].length === 0) {
        global.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      if (claimed.some(([a, b]) => start < b && end > a)) continue;
      claimed.push([start, end]);
      const prefix = text.slice(Math.max(clauseStart(text, start), start - 30), start);
      const negated = rule.negatable === true && NEGATION.test(prefix);
      let side = rule.side;
      let weight = rule.weight;
      if (negated) {
        side = side === 'interested' ? 'not_interested' : side === 'not_interested' ? 'interested' : side;
        weight *= NEGATED_WEIGHT;
      }
      const scope = scopes.filter((s) => start >= s.start && start < s.end).pop();
      if (scope !== undefined) weight *= start >= scope.at ? CONTRAST_AFTER : CONTRAST_BEFORE;
      matches.push({ side, weight, cue: negated ? `not ${rule.cue}` : rule.cue, negated });
    }
  }
  return matches;
}

interface ContrastScope {
  start: number;
  end: number;
  /** Where the contrast word is: matches after it weigh more, before it less. */
  at: number;
}

/**
 * A contrast ("but", "aber", "mais", "pero") reweighs its own sentence, and
 * the sentence before when it opens a sentence ("Thanks for thinking of me.
 * But I'm happy where I am.") — not the whole reply.
 */
function contrastScopes(text: string): ContrastScope[] {
  const sentences: { start: number; end: number }[] = [];
  let start = 0;
  const stop = /[.!?\n]+/g;
  for (let m = stop.exec(text); m !== null; m = stop.exec(text)) {
    sentences.push({ start, end: m.index + m[0].length });
    start = m.index + m[0].length;
  }
  if (start < text.length) sentences.push({ start, end: text.length });
  const scopes: ContrastScope[] = [];
  const contrast = new RegExp(CONTRAST.source, 'g');
  for (let m = contrast.exec(text); m !== null; m = contrast.exec(text)) {
    const k = sentences.findIndex((s) => m.index >= s.start && m.index < s.end);
    const sentence = sentences[k];
    if (sentence === undefined) continue;
    const opens = text.slice(sentence.start, m.index).trim() === '';
    const previous = opens ? sentences[k - 1] : undefined;
    scopes.push({ start: previous?.start ?? sentence.start, end: sentence.end, at: m.index });
  }
  return scopes;
}

function scoreOf(matches: readonly RuleMatch[], side: Side): number {
  return matches.filter((m) => m.side === side).reduce((sum, m) => sum + m.weight, 0);
}

function reasonOf(matches: readonly RuleMatch[], side: Side): string {
  const cues = [...new Set(matches.filter((m) => m.side === side).map((m) => m.cue))];
  return cues.slice(0, 3).join(', ');
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** Classifies a reply with the rules alone; synchronous core of the rule-based classifier. */
export function classifyWithRules(input: ClassifyInput): Classification {
  const visible = stripReply({ text: input.text, html: input.html }).visible;
  const text = normaliseForRules(visible);
  const matches = matchRules(text);
  const interested = scoreOf(matches, 'interested');
  const declined = scoreOf(matches, 'not_interested');
  const other = scoreOf(matches, 'other');
  const ooo = detectOutOfOffice({
    subject: input.subject,
    text: visible,
    receivedAt: input.receivedAt,
    headers: input.headers,
    locale: input.locale,
  });

  // "No longer with the company" and bounces are often sent as auto-replies;
  // they must not pause a sequence that will never be read.
  const leftOrBounced = matches.some((m) => m.side === 'other' && m.weight >= 5);
  if (ooo.isOutOfOffice && !leftOrBounced) {
    const margin = Math.abs(interested - declined);
    if (ooo.evidence !== 'body' || margin < INTENT_OVER_OOO) {
      return {
        label: 'out_of_office',
        confidence: ooo.evidence === 'body' ? 0.8 : 0.95,
        reason: `auto-reply (${ooo.evidence})${ooo.returnDate === null ? ', no return date' : `, back ${ooo.returnDate}`}`,
        returnDate: ooo.returnDate,
        provider: RULES_PROVIDER,
      };
    }
  }

  if (other > interested && other > declined) {
    return {
      label: 'other',
      confidence: round(Math.min(0.9, 0.5 + other / 12)),
      reason: reasonOf(matches, 'other'),
      provider: RULES_PROVIDER,
    };
  }
  const total = interested + declined;
  const margin = Math.abs(interested - declined);
  if (total === 0 || margin < 0.5) {
    return {
      label: 'other',
      confidence: total === 0 ? 0.5 : 0.4,
      reason: total === 0 ? 'no clear signal' : 'mixed signals',
      provider: RULES_PROVIDER,
    };
  }
  const label = interested > declined ? 'interested' : 'not_interested';
  return {
    label,
    confidence: round(0.5 + 0.45 * (margin / total) * Math.min(1, margin / 4)),
    reason: reasonOf(matches, label),
    provider: RULES_PROVIDER,
  };
}

export function createRuleClassifier(): ReplyClassifier {
  return {
    name: 'Rule-based classifier',
    kind: 'rules',
    classify: (input) => Promise.resolve(classifyWithRules(input)),
  };
}
