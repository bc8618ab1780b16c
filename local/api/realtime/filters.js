// postgres_changes subscription filters: `col=op.value` with the operators Supabase Realtime
// accepts (eq neq lt lte gt gte in), parsed at join and matched against each change's row.
// Values are compared as the column's type would: numbers numerically, everything else by
// its text form (wal2json sends numbers and booleans as JSON, other types as text).

const OPS = new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in']);

/**
 * @typedef {{ column: string, op: string, value: string, values?: string[] }} Filter
 */

/**
 * Parses a filter string; throws Error with a message fit for a system message.
 * @param {unknown} filter @returns {Filter|null}
 */
export function parseFilter(filter) {
  if (filter === undefined || filter === null || filter === '') return null;
  if (typeof filter !== 'string') throw new Error('filter must be a string');
  const m = /^([^=]+)=([a-z]+)\.([\s\S]*)$/.exec(filter);
  if (!m) throw new Error(`Invalid filter: ${filter}`);
  const [, column, op, value] = /** @type {[string, string, string, string]} */ (m);
  if (!OPS.has(op)) throw new Error(`Invalid filter operator "${op}" in ${filter}`);
  if (op === 'in') {
    const inner = /^\((.*)\)$/s.exec(value);
    if (!inner) throw new Error(`Invalid "in" filter value: ${value}`);
    const values = splitList(/** @type {string} */ (inner[1]));
    if (values.length > 100) throw new Error('Too many values for "in" filter (max 100)');
    return { column, op, value, values };
  }
  return { column, op, value };
}

/** Splits `a,b,"c,d"` honouring double quotes. @param {string} s */
function splitList(s) {
  /** @type {string[]} */
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter((v) => v !== '');
}

const NUMERIC = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);

/** @param {unknown} v */
function asText(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Whether a row passes the filter. A column absent from the row (e.g. a DELETE without
 * REPLICA IDENTITY FULL) or NULL never matches, as in SQL.
 * @param {Filter|null} f @param {Record<string, unknown>|undefined} row @param {string|undefined} typname
 */
export function matchFilter(f, row, typname) {
  if (!f) return true;
  if (!row || !(f.column in row)) return false;
  const raw = row[f.column];
  if (raw === null || raw === undefined) return false;
  const numeric = typname !== undefined && NUMERIC.has(typname);
  /** @param {string} want */
  const cmp = (want) => {
    if (numeric) {
      const a = Number(raw);
      const b = Number(want);
      if (Number.isNaN(b)) return NaN;
      return a === b ? 0 : a < b ? -1 : 1;
    }
    const a = /** @type {string} */ (asText(raw));
    return a === want ? 0 : a < want ? -1 : 1;
  };
  switch (f.op) {
    case 'eq':
      return cmp(f.value) === 0;
    case 'neq':
      return cmp(f.value) !== 0 && !Number.isNaN(cmp(f.value));
    case 'lt':
      return cmp(f.value) < 0;
    case 'lte':
      return cmp(f.value) <= 0;
    case 'gt':
      return cmp(f.value) > 0;
    case 'gte':
      return cmp(f.value) >= 0;
    case 'in':
      return (f.values ?? []).some((v) => cmp(v) === 0);
    default:
      return false;
  }
}
