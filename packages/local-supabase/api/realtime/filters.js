// postgres_changes subscription filters as current Supabase Realtime parses them
// (Extensions.PostgresCdcRls.Subscriptions.parse_subscription_params): `col=op.value`, several
// joined with commas and applied together (AND), an optional `not.` before the operator, the
// operators eq neq lt lte gt gte in like ilike is match imatch isdistinct, double-quoted values
// unquoted (backslash escapes), `in` lists in parentheses. Errors carry Realtime's texts.
// Each filter is matched against the change's row the way SQL would compare the column's
// type: numbers numerically, everything else by its text form (wal2json sends numbers and
// booleans as JSON, other types as text); NULL never satisfies a comparison, negated or not.

export const OPS = new Set([
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'like',
  'ilike',
  'is',
  'match',
  'imatch',
  'isdistinct',
]);

/**
 * @typedef {{ column: string, op: string, value: string, values?: string[], negate: boolean }} Filter
 */

/** Elixir's `inspect` of a list of strings, as Realtime puts parse failures in its messages. @param {string[]} parts */
const inspect = (parts) => `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;

/** Splits at commas outside parentheses and double quotes (Realtime's split_top_level). @param {string} s */
function splitTopLevel(s) {
  /** @type {string[]} */
  const out = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  let prev = '';
  for (let i = 0; i < s.length; i++) {
    const ch = /** @type {string} */ (s[i]);
    if (quoted) {
      if (ch === '\\' && i + 1 < s.length) {
        cur += ch + s[++i];
        prev = s[i] ?? '';
        continue;
      }
      if (ch === '"') quoted = false;
      cur += ch;
    } else if (ch === '"' && ['.', '(', ','].includes(prev)) {
      quoted = true;
      cur += ch;
    } else if (ch === '(') {
      depth++;
      cur += ch;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
      cur += ch;
    } else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      prev = '';
      continue;
    } else cur += ch;
    prev = ch;
  }
  out.push(cur);
  return out;
}

/** `"a \"b\""` → `a "b"`; anything not a well-formed quoted string is kept as given. @param {string} v */
function unquote(v) {
  if (!v.startsWith('"')) return v;
  let out = '';
  for (let i = 1; i < v.length; i++) {
    const ch = v[i];
    if (ch === '\\' && i + 1 < v.length) out += v[++i];
    else if (ch === '"') return i === v.length - 1 ? out : v;
    else out += ch;
  }
  return v;
}

/**
 * Parses a subscription's `filter`; throws Error with Realtime's message
 * ("Error parsing `filter` params: …"). No filter or a blank one is no filter.
 * @param {unknown} filter @returns {Filter[]}
 */
export function parseFilters(filter) {
  if (filter === undefined || filter === null) return [];
  if (typeof filter !== 'string') throw new Error(`Error parsing \`filter\` params: ${JSON.stringify(filter)}`);
  const trimmed = filter.trim();
  if (trimmed === '') return [];
  return splitTopLevel(trimmed).map((segment) => {
    try {
      return parseSegment(segment);
    } catch (e) {
      throw new Error(`Error parsing \`filter\` params: ${/** @type {Error} */ (e).message}`);
    }
  });
}

/** @param {string} segment @returns {Filter} */
function parseSegment(segment) {
  const s = segment.trim();
  if (s === '') throw new Error('filter must not contain empty segments (check for extra commas)');
  const eq = s.indexOf('=');
  if (eq < 0) throw new Error(inspect([s]));
  const column = s.slice(0, eq);
  let rest = s.slice(eq + 1);
  const negate = rest.startsWith('not.');
  if (negate) rest = rest.slice(4);
  const dot = rest.indexOf('.');
  if (dot < 0) throw new Error(inspect([rest]));
  const op = rest.slice(0, dot);
  const raw = rest.slice(dot + 1);
  if (!OPS.has(op)) throw new Error(inspect([op, raw]));
  if (op === 'in') {
    if (!(raw.length >= 2 && raw.startsWith('(') && raw.endsWith(')')))
      throw new Error('`in` filter value must be wrapped by parentheses');
    const values = splitList(raw.slice(1, -1));
    if (values.length > 100) throw new Error('Too many values for "in" filter (max 100)');
    return { column, op, value: `{${raw.slice(1, -1)}}`, values, negate };
  }
  return { column, op, value: unquote(raw), negate };
}

/** The elements of an `in` list (a Postgres array literal's body): `a, "b,c", d`. @param {string} s */
function splitList(s) {
  /** @type {string[]} */
  const out = [];
  let cur = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted && ch === '\\' && i + 1 < s.length) cur += s[++i];
    else if (ch === '"') {
      quoted = !quoted;
      wasQuoted = true;
    } else if (ch === ',' && !quoted) {
      out.push(wasQuoted ? cur : cur.trim());
      cur = '';
      wasQuoted = false;
    } else cur += ch;
  }
  out.push(wasQuoted ? cur : cur.trim());
  return out.filter((v) => v !== '');
}

const NUMERIC = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);

/** @param {unknown} v */
function asText(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** SQL LIKE → RegExp (`%` any run, `_` one character, backslash escapes). @param {string} pattern @param {boolean} ci */
function likeRegex(pattern, ci) {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = /** @type {string} */ (pattern[i]);
    if (ch === '\\' && i + 1 < pattern.length) re += escapeRe(/** @type {string} */ (pattern[++i]));
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`, ci ? 'i' : '');
}
const escapeRe = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One filter's SQL truth value for a row: true, false, or null (unknown, e.g. NULL compared).
 * @param {Filter} f @param {Record<string, unknown>} row @param {string|undefined} typname
 * @returns {boolean | null}
 */
function evaluate(f, row, typname) {
  const raw = row[f.column];
  const isNull = raw === null || raw === undefined;
  const numeric = typname !== undefined && NUMERIC.has(typname);
  if (f.op === 'is') {
    const v = f.value.toLowerCase();
    if (v === 'null') return isNull;
    if (v === 'not_null' || v === 'not null') return !isNull;
    if (v === 'unknown') return isNull;
    if (v === 'true' || v === 'false') return isNull ? false : String(raw) === v;
    return false;
  }
  if (f.op === 'isdistinct') {
    if (isNull) return f.value.toLowerCase() !== 'null';
    return cmp(raw, f.value, numeric) !== 0;
  }
  if (isNull) return null;
  switch (f.op) {
    case 'eq':
      return cmp(raw, f.value, numeric) === 0;
    case 'neq': {
      const c = cmp(raw, f.value, numeric);
      return Number.isNaN(c) ? null : c !== 0;
    }
    case 'lt':
      return cmp(raw, f.value, numeric) < 0;
    case 'lte':
      return cmp(raw, f.value, numeric) <= 0;
    case 'gt':
      return cmp(raw, f.value, numeric) > 0;
    case 'gte':
      return cmp(raw, f.value, numeric) >= 0;
    case 'in':
      return (f.values ?? []).some((v) => cmp(raw, v, numeric) === 0);
    case 'like':
    case 'ilike':
      return likeRegex(f.value, f.op === 'ilike').test(/** @type {string} */ (asText(raw)));
    case 'match':
    case 'imatch':
      try {
        return new RegExp(f.value, f.op === 'imatch' ? 'i' : '').test(/** @type {string} */ (asText(raw)));
      } catch {
        return false;
      }
    default:
      return false;
  }
}

/** @param {unknown} raw @param {string} want @param {boolean} numeric */
function cmp(raw, want, numeric) {
  if (numeric) {
    const a = Number(raw);
    const b = Number(want);
    if (Number.isNaN(b)) return NaN;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  const a = /** @type {string} */ (asText(raw));
  return a === want ? 0 : a < want ? -1 : 1;
}

/**
 * Whether a row passes every filter. A column absent from the row (e.g. a DELETE without
 * REPLICA IDENTITY FULL) never matches.
 * @param {Filter[]} filters @param {Record<string, unknown>|undefined} row @param {Record<string, string>} types column → type name
 */
export function matchFilters(filters, row, types) {
  for (const f of filters) {
    if (!row || !(f.column in row)) return false;
    const v = evaluate(f, row, types[f.column]);
    if (v === null) return false;
    if (f.negate ? v : !v) return false;
  }
  return true;
}
