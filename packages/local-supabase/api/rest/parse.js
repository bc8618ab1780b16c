// The PostgREST query-string grammar: `select=`, filter values (`op.value`), logic trees
// (`or=(…)`), `order=` and the field names they share (quoted identifiers, JSON arrows,
// casts). Pure functions returning plain trees; any input they cannot read exactly is a
// PGRST100, never a guess. Resolving names against the schema happens in plan.js.
import { parseError } from './errors.js';

/**
 * @typedef {{ op: '->' | '->>', key: string, index: boolean }} PathStep
 * @typedef {{ name: string, path: PathStep[] }} Field
 * @typedef {{ type: 'star' }
 *   | { type: 'col', field: Field, alias: string | null, cast: string | null }
 *   | { type: 'count', alias: string | null }
 *   | { type: 'agg', fn: string, field: Field | null, alias: string | null, castBefore: string | null, cast: string | null }
 *   | { type: 'embed', name: string, alias: string | null, hint: string | null, join: 'inner' | 'left' | null, spread: boolean, children: SelectItem[] }} SelectItem
 */

export const FILTER_OPS = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
  is: 'is',
  isdistinct: 'is distinct from',
  in: 'in',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxl: '&>',
  nxr: '&<',
  adj: '-|-',
  fts: 'fts',
  plfts: 'plfts',
  phfts: 'phfts',
  wfts: 'wfts',
};
const QUANTIFIABLE = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch']);
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

/** A small cursor over the text being parsed. */
class Cursor {
  /** @param {string} s @param {string} what */
  constructor(s, what) {
    this.s = s;
    this.i = 0;
    this.what = what;
  }
  get done() {
    return this.i >= this.s.length;
  }
  peek(n = 1) {
    return this.s.slice(this.i, this.i + n);
  }
  /** @param {string} t */
  eat(t) {
    if (this.s.startsWith(t, this.i)) {
      this.i += t.length;
      return true;
    }
    return false;
  }
  /** @param {string} expected @returns {never} */
  fail(expected) {
    const near = this.s.slice(this.i, this.i + 20);
    throw parseError(
      `"failed to parse ${this.what} (${this.s})" (line 1, column ${this.i + 1})`,
      `unexpected ${near ? `"${near[0]}"` : 'end of input'} expecting ${expected}`,
    );
  }
}

// Unquoted identifiers: PostgREST accepts letters, digits, `_`, `$`, spaces and dashes that
// do not start an arrow.
/** @param {Cursor} c */
function readIdent(c) {
  if (c.peek() === '"') return readQuoted(c);
  const start = c.i;
  while (!c.done) {
    const ch = c.peek();
    if (ch === '-' && c.s[c.i + 1] === '>') break;
    if (/[\p{L}\p{N}_$ -]/u.test(ch)) c.i++;
    else break;
  }
  const name = c.s.slice(start, c.i);
  if (!name.trim()) c.fail('field name');
  return name;
}

/** @param {Cursor} c */
function readQuoted(c) {
  c.eat('"');
  let out = '';
  while (!c.done) {
    const ch = c.peek();
    if (ch === '\\' && (c.s[c.i + 1] === '"' || c.s[c.i + 1] === '\\')) {
      out += c.s[c.i + 1];
      c.i += 2;
    } else if (ch === '"') {
      c.i++;
      if (!out) c.fail('a non-empty quoted identifier');
      return out;
    } else {
      out += ch;
      c.i++;
    }
  }
  return c.fail('closing quote');
}

/** @param {Cursor} c @returns {Field} */
function readField(c) {
  const name = readIdent(c);
  /** @type {PathStep[]} */
  const path = [];
  while (c.peek(2) === '->') {
    const op = c.eat('->>') ? '->>' : (c.eat('->'), '->');
    let keyName;
    let index = false;
    const m = /^-?\d+(?=$|[^\p{L}\p{N}_$])/u.exec(c.s.slice(c.i));
    if (m) {
      keyName = m[0];
      index = true;
      c.i += m[0].length;
    } else keyName = readIdent(c);
    path.push({ op, key: keyName, index });
  }
  return { name, path };
}

/** @param {Cursor} c */
function readCast(c) {
  if (!c.eat('::')) return null;
  const m = /^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?/.exec(c.s.slice(c.i));
  if (!m) c.fail('a type name');
  c.i += m[0].length;
  return m[0].trim();
}

/**
 * Parses `select=`.
 * @param {string} text @returns {SelectItem[]}
 */
export function parseSelect(text) {
  const c = new Cursor(text, 'select');
  const items = readSelectList(c, 0);
  if (!c.done) c.fail('"," or end of input');
  return items;
}

/** @param {Cursor} c @param {number} depth @returns {SelectItem[]} */
function readSelectList(c, depth) {
  if (depth > 16) throw parseError('Too many nested embeds in select');
  /** @type {SelectItem[]} */
  const items = [];
  do {
    items.push(readSelectItem(c, depth));
  } while (c.eat(','));
  return items;
}

/** @param {Cursor} c @param {number} depth @returns {SelectItem} */
function readSelectItem(c, depth) {
  if (c.eat('*')) return { type: 'star' };
  const spread = c.eat('...');
  /** @type {string | null} */
  let alias = null;
  let field = readField(c);
  // `alias:field` — a single colon, where `::` would be a cast.
  if (!spread && field.path.length === 0 && c.peek() === ':' && c.peek(2) !== '::') {
    c.i++;
    alias = field.name;
    field = readField(c);
  }
  if (c.peek() === '!' || c.peek() === '(') {
    if (field.path.length) c.fail('"," or end of input');
    /** @type {string | null} */ let hint = null;
    /** @type {'inner' | 'left' | null} */ let join = null;
    while (c.eat('!')) {
      const h = readIdent(c);
      if (h === 'inner' || h === 'left') join = h;
      else if (hint === null) hint = h;
      else c.fail('"(" after the hint');
    }
    if (field.name === 'count' && c.peek(2) === '()' && hint === null && join === null && !spread) {
      // `count()`: the number of rows (of the group).
      c.i += 2;
      return { type: 'agg', fn: 'count', field: null, alias, castBefore: null, cast: readCast(c) };
    }
    if (!c.eat('(')) c.fail('"("');
    /** @type {SelectItem[]} */
    const children = c.peek() === ')' ? [] : readSelectList(c, depth + 1);
    if (!c.eat(')')) c.fail('")"');
    return { type: 'embed', name: field.name, alias, hint, join, spread, children };
  }
  if (spread) c.fail('"(" after a spread relationship');
  let cast = readCast(c);
  if (c.peek() === '.') {
    // `col.sum()`, `col::int.avg()`, then an optional cast of the result: `col.sum()::text`.
    const m = /^\.(\w+)\(\)/.exec(c.s.slice(c.i));
    if (!m || !AGGREGATES.has(m[1] ?? '')) c.fail('"," or end of input');
    c.i += /** @type {RegExpExecArray} */ (m)[0].length;
    const castBefore = cast;
    cast = readCast(c);
    return {
      type: 'agg',
      fn: /** @type {string} */ (/** @type {RegExpExecArray} */ (m)[1]),
      field,
      alias,
      castBefore,
      cast,
    };
  }
  if (field.name === 'count' && field.path.length === 0 && !cast && depth > 0) return { type: 'count', alias };
  return { type: 'col', field, alias, cast };
}

/**
 * Splits a filter key `rel.rel2.col->a` into the embed path and the field.
 * @param {string} text @returns {{ rels: string[], field: Field }}
 */
export function parseFilterKey(text) {
  const c = new Cursor(text, 'filter');
  const parts = [readField(c)];
  while (c.eat('.')) {
    if (parts[parts.length - 1]?.path.length) c.fail('end of input');
    parts.push(readField(c));
  }
  if (!c.done) c.fail('end of input');
  const field = /** @type {Field} */ (parts.pop());
  return { rels: parts.map((p) => p.name), field };
}

/**
 * Splits a dotted key like `rel.order` or `rel.sub.limit`: the embed path and the last word.
 * @param {string} text
 */
export function splitEmbedPath(text) {
  const c = new Cursor(text, 'parameter');
  const parts = [readIdent(c)];
  while (c.eat('.')) parts.push(readIdent(c));
  if (!c.done) c.fail('end of input');
  return parts;
}

/**
 * @typedef {{ op: string, negate: boolean, quant: 'any' | 'all' | null, config: string | null, value: string | string[] }} OpValue
 * @typedef {{ kind: 'filter', rels: string[], field: Field, opv: OpValue }
 *   | { kind: 'logic', op: 'and' | 'or', negate: boolean, children: Condition[] }} Condition
 */

/**
 * Parses `[not.]op[(mod)].value` (the right side of `col=`).
 * @param {string} text @param {boolean} inTree values inside or=() lose their surrounding quotes
 * @returns {OpValue}
 */
export function parseOpValue(text, inTree = false) {
  let rest = text;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const m = /^([a-z]+)(?:\(([A-Za-z_][A-Za-z0-9_]*)\))?\./.exec(rest);
  if (!m || !Object.hasOwn(FILTER_OPS, m[1] ?? '')) {
    throw parseError(
      `"failed to parse filter (${text})" (line 1, column 1)`,
      'unknown operator or missing "." after it',
    );
  }
  const op = /** @type {string} */ (m[1]);
  const mod = m[2] ?? null;
  let value = rest.slice(m[0].length);
  /** @type {'any'|'all'|null} */ let quant = null;
  /** @type {string|null} */ let config = null;
  if (mod) {
    if ((mod === 'any' || mod === 'all') && QUANTIFIABLE.has(op)) quant = mod;
    else if (['fts', 'plfts', 'phfts', 'wfts'].includes(op)) config = mod;
    else
      throw parseError(
        `"failed to parse filter (${text})" (line 1, column ${op.length + 2})`,
        `unexpected modifier "${mod}"`,
      );
  }
  if (inTree && value.length >= 2 && value.startsWith('"') && value.endsWith('"') && op !== 'in')
    value = unquote(value);
  if (op === 'in' || quant) {
    return { op, negate, quant, config, value: parseList(value, text, op === 'in' ? '(' : '{') };
  }
  if (op === 'is') {
    const v = value.toLowerCase();
    if (!['null', 'not_null', 'true', 'false', 'unknown'].includes(v)) {
      throw parseError(
        `"failed to parse filter (${text})" (line 1, column 4)`,
        'expecting null, not_null, true, false or unknown',
      );
    }
    return { op, negate, quant, config, value: v };
  }
  return { op, negate, quant, config, value };
}

/** @param {string} v */
function unquote(v) {
  return v.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

/** `(a,"b,c")` or `{a,b}` → list; quoted items may hold `,` `(` `)` and escaped `\"` `\\`. */
/** @param {string} v @param {string} original @param {'(' | '{'} open */
function parseList(v, original, open) {
  const close = open === '(' ? ')' : '}';
  if (!v.startsWith(open) || !v.endsWith(close)) {
    throw parseError(
      `"failed to parse filter (${original})" (line 1, column 1)`,
      `expecting "${open}" list "${close}"`,
    );
  }
  const inner = v.slice(1, -1);
  if (inner === '') return [];
  /** @type {string[]} */
  const out = [];
  let i = 0;
  while (i <= inner.length) {
    if (inner[i] === '"') {
      let j = i + 1;
      let item = '';
      while (j < inner.length && inner[j] !== '"') {
        if (inner[j] === '\\' && j + 1 < inner.length) j++;
        item += inner[j];
        j++;
      }
      if (j >= inner.length) throw parseError(`"failed to parse filter (${original})"`, 'unterminated quoted value');
      out.push(item);
      i = j + 1;
      if (i < inner.length && inner[i] !== ',')
        throw parseError(`"failed to parse filter (${original})"`, 'expecting "," after a quoted value');
      i++;
    } else {
      let j = inner.indexOf(',', i);
      if (j < 0) j = inner.length;
      out.push(inner.slice(i, j));
      i = j + 1;
    }
  }
  return out;
}

/** Splits `a,b(c,d),"e,f"` at top-level commas, keeping parens and quotes together. */
/** @param {string} s @param {string} what */
export function splitTopLevel(s, what) {
  /** @type {string[]} */
  const out = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '(' || ch === '{' || ch === '[') depth++;
    else if (ch === ')' || ch === '}' || ch === ']') {
      depth--;
      if (depth < 0)
        throw parseError(`"failed to parse ${what} (${s})" (line 1, column ${i + 1})`, 'unbalanced parentheses');
    } else if (ch === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted || depth !== 0)
    throw parseError(`"failed to parse ${what} (${s})"`, quoted ? 'unterminated quote' : 'unbalanced parentheses');
  out.push(s.slice(start));
  return out;
}

/**
 * Parses a logic tree value `(a.eq.1,and(b.gt.2,not.c.is.null))`.
 * @param {'and'|'or'} op @param {boolean} negate @param {string} text @returns {Condition}
 */
export function parseLogic(op, negate, text, depth = 0) {
  if (depth > 32) throw parseError('Logic tree nested too deeply');
  if (!text.startsWith('(') || !text.endsWith(')') || text.length < 3) {
    throw parseError(`"failed to parse logic tree (${text})" (line 1, column 1)`, 'expecting "(" conditions ")"');
  }
  const parts = splitTopLevel(text.slice(1, -1), 'logic tree');
  /** @type {Condition[]} */
  const children = parts.map((part) => {
    const lm = /^(not\.)?(and|or)(\(.*\))$/s.exec(part);
    if (lm) return parseLogic(/** @type {'and'|'or'} */ (lm[2]), !!lm[1], /** @type {string} */ (lm[3]), depth + 1);
    // Both `c.not.is.null` (PostgREST's form) and `not.c.is.null` are read as a negation.
    const outerNot = part.startsWith('not.');
    const c = new Cursor(outerNot ? part.slice(4) : part, 'logic tree');
    const fields = [readField(c)];
    // `rel.col.op.value` inside a tree is not supported by this gateway; a dotted name is read
    // as field + operator, so anything else fails below with PGRST100.
    if (!c.eat('.')) c.fail('"." after the field');
    const opv = parseOpValue(c.s.slice(c.i), true);
    if (outerNot) opv.negate = !opv.negate;
    return { kind: 'filter', rels: [], field: /** @type {Field} */ (fields[0]), opv };
  });
  return { kind: 'logic', op, negate, children };
}

/**
 * @typedef {{ rel: string | null, field: Field, dir: 'asc' | 'desc' | null, nulls: 'first' | 'last' | null }} OrderTerm
 * @param {string} text @returns {OrderTerm[]}
 */
export function parseOrder(text) {
  return splitTopLevel(text, 'order').map((term) => {
    const c = new Cursor(term, 'order');
    /** @type {string | null} */ let rel = null;
    let field = readField(c);
    if (c.eat('(')) {
      if (field.path.length) c.fail('"."');
      rel = field.name;
      field = readField(c);
      if (!c.eat(')')) c.fail('")"');
    }
    /** @type {'asc'|'desc'|null} */ let dir = null;
    /** @type {'first'|'last'|null} */ let nulls = null;
    while (c.eat('.')) {
      if (c.eat('asc')) dir = 'asc';
      else if (c.eat('desc')) dir = 'desc';
      else if (c.eat('nullsfirst')) nulls = 'first';
      else if (c.eat('nullslast')) nulls = 'last';
      else c.fail('"asc", "desc", "nullsfirst" or "nullslast"');
    }
    if (!c.done) c.fail('"," or end of input');
    return { rel, field, dir, nulls };
  });
}

/** @param {string} name @param {string} v */
export function parseNonNegInt(name, v) {
  if (!/^\d{1,15}$/.test(v))
    throw parseError(`"failed to parse ${name} (${v})" (line 1, column 1)`, 'expecting a non-negative integer');
  return Number(v);
}
