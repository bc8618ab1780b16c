// SQL rendering helpers shared by reads, writes and RPC: identifier quoting, bound
// parameters and the expressions for fields (JSON arrows, casts) and filter operators.
// Nothing from the request is ever spliced into SQL text: identifiers come from the
// schema cache, values and JSON keys are bound parameters.
import { PgrstError } from './errors.js';
import { FILTER_OPS } from './parse.js';

/** Quotes an identifier (names come from the schema cache or are aliases chosen by the client). */
export const q = (/** @type {string} */ s) => {
  if (s.includes('\0')) throw new PgrstError(400, 'PGRST100', 'Identifiers may not contain NUL characters');
  return '"' + s.replace(/"/g, '""') + '"';
};

export class Params {
  constructor() {
    /** @type {unknown[]} */
    this.values = [];
  }
  /** Binds a value and returns its placeholder. @param {unknown} v */
  add(v) {
    if (typeof v === 'string' && v.includes('\0'))
      throw new PgrstError(400, '22021', 'invalid byte sequence for encoding "UTF8": 0x00');
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * The row of `alias` as a value of the table's row type, built from the table's own columns so
 * that rows of a write's CTE (which carry extra columns) qualify too.
 * @param {string} alias @param {import('./schema-cache.js').Table} table
 */
export function rowOf(alias, table) {
  return `row(${table.columnList.map((c) => `${q(alias)}.${q(c)}`).join(', ')})::${q(table.schema)}.${q(table.name)}`;
}

/**
 * `"alias"."col"->'k'->>'k2'` with the keys bound; array indexes stay integers.
 * @param {Params} params @param {string} tableAlias @param {import('./parse.js').Field} field
 * @param {import('./schema-cache.js').Table | null} [table] the alias's table, for computed fields
 */
export function fieldSql(params, tableAlias, field, table = null) {
  const computed = table?.columns.get(field.name)?.computed;
  // A computed field is its function applied to the row.
  let sql =
    computed && table
      ? `${q(computed.schema)}.${q(computed.name)}(${rowOf(tableAlias, table)})`
      : `${q(tableAlias)}.${q(field.name)}`;
  for (const step of field.path) {
    sql += step.op + (step.index ? `${params.add(Number(step.key))}::int` : `${params.add(step.key)}::text`);
  }
  return field.path.length ? `(${sql})` : sql;
}

/**
 * One filter as SQL. @param {Params} params @param {string} lhs
 * @param {import('./parse.js').OpValue} opv @param {string} colType type of the column (for `ov` on arrays)
 */
export function opSql(params, lhs, opv, colType) {
  const likeValue = (/** @type {string} */ v) => (opv.op === 'like' || opv.op === 'ilike' ? v.replace(/\*/g, '%') : v);
  const ops = /** @type {Record<string,string>} */ (FILTER_OPS);
  let sql;
  if (opv.quant) {
    const list = /** @type {string[]} */ (opv.value).map(likeValue);
    sql = `${lhs} ${ops[opv.op]} ${opv.quant}(${params.add(list)})`;
  } else if (opv.op === 'in') {
    sql = `${lhs} = any(${params.add(opv.value)})`;
  } else if (opv.op === 'is') {
    const kw = { null: 'null', not_null: 'not null', true: 'true', false: 'false', unknown: 'unknown' }[
      /** @type {string} */ (opv.value)
    ];
    sql = `${lhs} is ${kw}`;
  } else if (opv.op === 'isdistinct') {
    sql = `${lhs} is distinct from ${params.add(opv.value)}`;
  } else if (['fts', 'plfts', 'phfts', 'wfts'].includes(opv.op)) {
    const fn = { fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery' }[
      opv.op
    ];
    const args = opv.config ? `${params.add(opv.config)}::regconfig, ${params.add(opv.value)}` : params.add(opv.value);
    sql = `${lhs} @@ ${fn}(${args})`;
  } else {
    let v = /** @type {string} */ (opv.value);
    // PostgREST accepts `ov.(a,b)` for arrays as well as the `{a,b}` literal.
    if (opv.op === 'ov' && colType.endsWith('[]') && v.startsWith('(') && v.endsWith(')')) v = `{${v.slice(1, -1)}}`;
    sql = `${lhs} ${ops[opv.op]} ${params.add(likeValue(v))}`;
  }
  return opv.negate ? `not (${sql})` : sql;
}
