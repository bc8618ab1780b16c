import type { DocNode } from './render.ts';

/**
 * The personalisation token catalogue shared by the editor (token picker,
 * validation banners), the enrolment editor (missing values per candidate) and
 * the send-due-stages edge function (rendering). Keeping one catalogue means a
 * token the editor offers is always one the sender can resolve.
 *
 * Token keys are stable strings stored inside stage bodies (`token` nodes) and
 * subjects (`{{key}}`), so renaming a key is a data migration, not a refactor.
 */

/** What the candidate row provides. `null`/`undefined`/blank all mean "no value". */
export interface CandidateContext {
  firstName?: string | null;
  lastName?: string | null;
  /** When absent, derived from first and last name. */
  fullName?: string | null;
  company?: string | null;
  title?: string | null;
  location?: string | null;
  reasonForOutreach?: string | null;
  /** Organisation-defined custom fields keyed by the field's stable key. */
  customFields?: Readonly<Record<string, CustomFieldValue>> | null;
}

export type CustomFieldValue = string | number | boolean | null | undefined;

export interface SenderContext {
  name?: string | null;
  title?: string | null;
  /** Plain text; line breaks are kept (rendered as `<br>` in HTML). */
  signature?: string | null;
  /**
   * The rich-text signature (the editor's document), rendered in its place by render.ts with
   * its formatting and links; `signature` is its plain text (for validation and previews).
   */
  signatureDoc?: DocNode | null;
  email?: string | null;
}

export interface JobContext {
  title?: string | null;
}

export interface RenderContext {
  candidate?: CandidateContext | null;
  sender?: SenderContext | null;
  job?: JobContext | null;
  /**
   * AI token values of one enrolment (`ai.<key>` → text), generated per candidate and
   * reviewed by a person before start; absent until then, so such a token is "missing".
   */
  ai?: Readonly<Record<string, string | null>> | null;
}

export type TokenGroup = 'candidate' | 'sender' | 'job' | 'custom' | 'ai';

export type StaticTokenKey =
  | 'candidate.first_name'
  | 'candidate.last_name'
  | 'candidate.full_name'
  | 'candidate.company'
  | 'candidate.title'
  | 'candidate.location'
  | 'candidate.reason_for_outreach'
  | 'sender.name'
  | 'sender.title'
  | 'sender.signature'
  | 'job.title'
  | 'ai.opening_line';

export type CustomTokenKey = `custom.${string}`;
export type TokenKey = StaticTokenKey | CustomTokenKey;

export interface TokenDefinition {
  key: TokenKey;
  label: string;
  group: TokenGroup;
  /** Returns the raw (unescaped) value, or `null` when the context has none. */
  resolve: (context: RenderContext) => string | null;
}

/** Options shared by every function that decides whether a token is known. */
export interface TokenOptions {
  /**
   * Custom field keys defined by the organisation. When given, `custom.<key>`
   * tokens outside this list are unknown; when omitted (default), any
   * syntactically valid custom key is accepted because the caller cannot tell.
   */
  customFieldKeys?: readonly string[];
}

const CUSTOM_PREFIX = 'custom.';
const CUSTOM_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

function present(value: string | null | undefined): string | null {
  if (value == null) return null;
  return value.trim() === '' ? null : value;
}

function fullName(candidate: CandidateContext | null | undefined): string | null {
  const explicit = present(candidate?.fullName);
  if (explicit !== null) return explicit;
  const parts = [present(candidate?.firstName), present(candidate?.lastName)].filter(
    (part): part is string => part !== null,
  );
  return parts.length === 0 ? null : parts.map((part) => part.trim()).join(' ');
}

export const TOKENS: readonly TokenDefinition[] = [
  {
    key: 'candidate.first_name',
    label: 'Candidate first name',
    group: 'candidate',
    resolve: (c) => present(c.candidate?.firstName),
  },
  {
    key: 'candidate.last_name',
    label: 'Candidate last name',
    group: 'candidate',
    resolve: (c) => present(c.candidate?.lastName),
  },
  {
    key: 'candidate.full_name',
    label: 'Candidate full name',
    group: 'candidate',
    resolve: (c) => fullName(c.candidate),
  },
  {
    key: 'candidate.company',
    label: 'Candidate company',
    group: 'candidate',
    resolve: (c) => present(c.candidate?.company),
  },
  {
    key: 'candidate.title',
    label: 'Candidate title',
    group: 'candidate',
    resolve: (c) => present(c.candidate?.title),
  },
  {
    key: 'candidate.location',
    label: 'Candidate location',
    group: 'candidate',
    resolve: (c) => present(c.candidate?.location),
  },
  {
    key: 'candidate.reason_for_outreach',
    label: 'Reason for outreach',
    group: 'candidate',
    resolve: (c) => present(c.candidate?.reasonForOutreach),
  },
  {
    key: 'sender.name',
    label: 'Sender name',
    group: 'sender',
    resolve: (c) => present(c.sender?.name),
  },
  {
    key: 'sender.title',
    label: 'Sender title',
    group: 'sender',
    resolve: (c) => present(c.sender?.title),
  },
  {
    key: 'sender.signature',
    label: 'Sender signature',
    group: 'sender',
    resolve: (c) => present(c.sender?.signature),
  },
  {
    key: 'job.title',
    label: 'Job title',
    group: 'job',
    resolve: (c) => present(c.job?.title),
  },
  {
    key: 'ai.opening_line',
    label: 'AI opening line',
    group: 'ai',
    resolve: (c) => present(c.ai?.opening_line),
  },
];

/** The AI token keys (`ai.<key>` without the prefix) a piece of stage text or body JSON uses. */
export function aiTokenKeysIn(text: string): string[] {
  const keys = new Set<string>();
  for (const m of text.matchAll(/(?:\{\{\s*|"key":\s*")ai\.([a-z_]+)/g)) if (m[1]) keys.add(m[1]);
  return [...keys];
}

const STATIC_TOKENS: ReadonlyMap<string, TokenDefinition> = new Map(TOKENS.map((token) => [token.key, token]));

export function isCustomTokenKey(key: string): key is CustomTokenKey {
  return key.startsWith(CUSTOM_PREFIX) && CUSTOM_KEY_PATTERN.test(key.slice(CUSTOM_PREFIX.length));
}

export function customTokenKey(fieldKey: string): CustomTokenKey {
  return `${CUSTOM_PREFIX}${fieldKey}`;
}

function customFieldValue(context: RenderContext, fieldKey: string): string | null {
  const fields = context.candidate?.customFields;
  if (fields == null || !Object.hasOwn(fields, fieldKey)) return null;
  const value: unknown = fields[fieldKey];
  // Only scalars are values (the database refuses anything else since issue 11); an object or
  // array left from before renders as missing rather than through its own toString.
  if (typeof value === 'string') return present(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return null;
}

/**
 * Builds the definition of a custom field token, e.g. for the token picker,
 * which lists the organisation's custom fields next to the static tokens.
 */
export function customFieldToken(fieldKey: string, label?: string): TokenDefinition {
  const key = customTokenKey(fieldKey);
  return {
    key,
    label: label ?? `Custom field: ${fieldKey}`,
    group: 'custom',
    resolve: (context) => customFieldValue(context, fieldKey),
  };
}

/** The definition for `key`, or `undefined` when the key is unknown. */
export function getToken(key: string, options: TokenOptions = {}): TokenDefinition | undefined {
  const known = STATIC_TOKENS.get(key);
  if (known !== undefined) return known;
  if (!isCustomTokenKey(key)) return undefined;
  const fieldKey = key.slice(CUSTOM_PREFIX.length);
  if (options.customFieldKeys !== undefined && !options.customFieldKeys.includes(fieldKey)) {
    return undefined;
  }
  return customFieldToken(fieldKey);
}

export function isKnownToken(key: string, options: TokenOptions = {}): boolean {
  return getToken(key, options) !== undefined;
}

/** The raw value of `key` for `context`; `null` when unknown or missing. */
export function resolveToken(key: string, context: RenderContext, options: TokenOptions = {}): string | null {
  return getToken(key, options)?.resolve(context) ?? null;
}

export type TemplateSegment =
  | { kind: 'text'; text: string }
  | {
      kind: 'token';
      /** The trimmed content between the braces; may be an unknown key. */
      key: string;
      /** The exact source text, braces included. */
      raw: string;
      start: number;
      end: number;
    };

// Anything between double braces counts as an attempted token, so a typo such
// as `{{candidate.firstname}}` is reported as unknown rather than sent as-is.
const TOKEN_PATTERN = /\{\{([^{}]*)\}\}/g;

/**
 * Splits plain text (a subject, or text typed into a body) into literal text
 * and `{{token}}` segments. Whitespace inside the braces is ignored.
 */
export function parseTemplate(text: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const start = match.index;
    const raw = match[0];
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({
      kind: 'token',
      key: (match[1] ?? '').trim(),
      raw,
      start,
      end: start + raw.length,
    });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** Token keys written in plain text, in order of appearance, duplicates kept. */
export function extractTemplateTokens(text: string): string[] {
  return parseTemplate(text).flatMap((segment) => (segment.kind === 'token' ? [segment.key] : []));
}

/**
 * Replaces `{{token}}` in plain text with raw values. Unknown and missing
 * tokens become empty strings: validation is what stops such a stage from
 * being enrolled, and leaking `{{...}}` to a candidate would be worse.
 */
export function interpolateText(text: string, context: RenderContext, options: TokenOptions = {}): string {
  return parseTemplate(text)
    .map((segment) => (segment.kind === 'text' ? segment.text : (resolveToken(segment.key, context, options) ?? '')))
    .join('');
}

export interface TokenCheck {
  /** Keys that are not in the catalogue (deduplicated, in first-seen order). */
  unknown: string[];
  /** Known keys whose value is missing for the context (deduplicated). */
  missing: TokenKey[];
}

/**
 * Sorts token keys into unknown ones and known ones without a value. Without
 * a context only unknown tokens are reported (template-level validation).
 */
export function checkTokens(keys: Iterable<string>, context?: RenderContext, options: TokenOptions = {}): TokenCheck {
  const unknown: string[] = [];
  const missing: TokenKey[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const token = getToken(key, options);
    if (token === undefined) unknown.push(key);
    else if (context !== undefined && token.resolve(context) === null) missing.push(token.key);
  }
  return { unknown, missing };
}

/** A label for messages, falling back to the key for unknown/custom tokens. */
/** A candidate's columns as the database names them: what `candidateContext` reads. */
export interface CandidateColumns {
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  title: string | null;
  location: string | null;
  reason_for_outreach: string | null;
  /** The jsonb column: only scalar values are token values; anything else reads as missing. */
  custom_fields: unknown;
}

/** A `custom_fields` jsonb value as token values: scalars kept, anything else null (missing). */
export function customFieldValues(f: unknown): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  if (f && typeof f === 'object' && !Array.isArray(f)) {
    for (const [k, v] of Object.entries(f)) {
      out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
    }
  }
  return out;
}

/** The token context of a candidate row: one mapping for sending, previews and enrol checks. */
export function candidateContext(c: CandidateColumns): CandidateContext {
  return {
    firstName: c.first_name,
    lastName: c.last_name,
    company: c.company,
    title: c.title,
    location: c.location,
    reasonForOutreach: c.reason_for_outreach,
    customFields: customFieldValues(c.custom_fields),
  };
}

export function tokenLabel(key: string): string {
  return (
    STATIC_TOKENS.get(key)?.label ?? (isCustomTokenKey(key) ? `Custom field: ${key.slice(CUSTOM_PREFIX.length)}` : key)
  );
}
