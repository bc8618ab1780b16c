// Writes on tables and views: POST (insert, bulk insert, upsert), PATCH and DELETE, with
// PostgREST's Prefer semantics. The payload is bound once as JSON and expanded by
// json_populate_recordset, so values never reach the SQL text; the returned rows are read
// back through the same select/embed renderer as GET.
import { PgrstError, parseError } from './errors.js';
import { renderReturning, CSV_ROWS } from './read.js';
import { q } from './sql.js';
import { splitTopLevel } from './parse.js';

/** @param {string} table @param {string} col */
const unknownPayloadColumn = (table, col) =>
  new PgrstError(400, 'PGRST204', `Could not find the '${col}' column of '${table}' in the schema cache`);

/** @param {Buffer} buf @returns {unknown} */
export function parseJsonBody(buf) {
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new PgrstError(400, 'PGRST102', 'Empty or invalid json');
  }
}

/** `columns="a","b"` or `columns=a,b`. @param {string} text @param {import('./schema-cache.js').Table} table */
function parseColumns(text, table) {
  return splitTopLevel(text, 'columns').map((c) => {
    const name = c.startsWith('"') && c.endsWith('"') && c.length > 1 ? c.slice(1, -1) : c;
    if (!name) throw parseError(`"failed to parse columns parameter (${text})"`, 'empty column name');
    if (!table.columns.has(name) || table.columns.get(name)?.computed) throw unknownPayloadColumn(table.name, name);
    return name;
  });
}

/**
 * Columns of an insert/update payload: `columns=` when given, else the keys, which must be
 * the same in every object of an array (PostgREST's PGRST102).
 * @param {unknown} body @param {import('./schema-cache.js').Table} table @param {string | null} columnsParam
 */
export function payloadColumns(body, table, columnsParam) {
  const rows = Array.isArray(body) ? body : [body];
  if (!rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
    throw new PgrstError(
      400,
      'PGRST102',
      'Empty or invalid json',
      'The payload must be a JSON object or an array of JSON objects',
    );
  }
  if (columnsParam !== null) return { rows, cols: parseColumns(columnsParam, table), uniform: false };
  const first = Object.keys(rows[0] ?? {});
  let uniform = true;
  for (const r of rows) {
    const keys = Object.keys(/** @type {object} */ (r));
    if (keys.length !== first.length || !keys.every((k) => first.includes(k))) uniform = false;
  }
  for (const k of first)
    if (!table.columns.has(k) || table.columns.get(k)?.computed) throw unknownPayloadColumn(table.name, k);
  return { rows, cols: first, uniform };
}

/**
 * @param {import('./sql.js').Params} params
 * @param {{ table: import('./schema-cache.js').Table, body: unknown, columnsParam: string | null, onConflict: string | null,
 *   prefer: import('./request.js').Prefer, root: import('./read.js').Node, wantRows: boolean }} w
 */
export function renderInsert(params, w) {
  const { table, prefer } = w;
  const { rows, cols, uniform } = payloadColumns(w.body, table, w.columnsParam);
  if (!Array.isArray(w.body) && w.columnsParam === null) {
    // a single object: keys it lacks take their defaults.
  } else if (!uniform && w.columnsParam === null) {
    throw new PgrstError(400, 'PGRST102', 'All object keys must match');
  }
  const target = `${q(table.schema)}.${q(table.name)}`;
  let insert;
  if (cols.length === 0) {
    if (rows.length > 1)
      throw new PgrstError(400, 'PGRST102', 'All object keys must match', 'A bulk insert needs at least one column');
    insert = `insert into ${target} as "pgrst_tgt" default values`;
  } else if (prefer.missing === 'default' && w.columnsParam !== null) {
    // Keys missing from an object take the column default: one VALUES row per object.
    if (rows.length > 10000)
      throw new PgrstError(413, 'PGRST413', 'Payload Too Large', 'missing=default accepts at most 10000 rows');
    const values = rows.map((r) => {
      const p = params.add(JSON.stringify(r));
      return `(${cols.map((c) => (Object.hasOwn(/** @type {object} */ (r), c) ? `(json_populate_record(null::${target}, ${p}::json)).${q(c)}` : 'default')).join(', ')})`;
    });
    insert = `insert into ${target} as "pgrst_tgt" (${cols.map(q).join(', ')}) values ${values.join(', ')}`;
  } else {
    const list = cols.map(q).join(', ');
    insert = `insert into ${target} as "pgrst_tgt" (${list}) select ${list} from json_populate_recordset(null::${target}, ${params.add(JSON.stringify(rows))}::json) as "pgrst_body"`;
  }
  let merge = false;
  if (prefer.resolution) {
    const conflict = w.onConflict !== null ? parseColumns(w.onConflict, table) : table.pk;
    if (!conflict.length)
      throw new PgrstError(400, 'PGRST100', `Upsert on '${table.name}' needs on_conflict or a primary key`);
    // PostgREST sets every payload column, the conflict columns included, so a payload of only
    // the conflict column still updates (and returns) the existing row.
    const sets = cols;
    if (prefer.resolution === 'merge-duplicates' && sets.length) {
      merge = true;
      insert += ` on conflict (${conflict.map(q).join(', ')}) do update set ${sets.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
    } else insert += ` on conflict (${conflict.map(q).join(', ')}) do nothing`;
  } else if (w.onConflict !== null) {
    parseColumns(w.onConflict, table);
  }
  // xmax = 0 marks rows this statement inserted (not updated): POST answers 200 when none were.
  const inserted = merge ? `, ("pgrst_tgt".xmax = 0) as "pgrst_inserted"` : `, true as "pgrst_inserted"`;
  return wrapMutation(params, insert, w, inserted);
}

/**
 * @param {import('./sql.js').Params} params
 * @param {{ table: import('./schema-cache.js').Table, body: unknown, root: import('./read.js').Node, whereSql: string[], prefer: import('./request.js').Prefer, wantRows: boolean,
 *   columnsParam?: string | null }} w
 */
export function renderUpdate(params, w) {
  if (w.body === null || typeof w.body !== 'object' || Array.isArray(w.body)) {
    throw new PgrstError(400, 'PGRST102', 'Empty or invalid json', 'PATCH takes one JSON object');
  }
  const { cols } = payloadColumns(w.body, w.table, w.columnsParam ?? null);
  if (!w.whereSql.length) throw new PgrstError(400, '21000', 'UPDATE requires a WHERE clause');
  if (!cols.length) return null;
  const target = `${q(w.table.schema)}.${q(w.table.name)}`;
  const a = q(w.root.alias);
  // With `columns=`, a listed column the body lacks is set to NULL, or to its DEFAULT with
  // Prefer: missing=default (PostgREST ≥ 11).
  const body = /** @type {Record<string, unknown>} */ (w.body);
  const value = (/** @type {string} */ c) =>
    Object.hasOwn(body, c) ? `"pgrst_body".${q(c)}` : w.prefer.missing === 'default' ? 'default' : 'null';
  const sql = `update ${target} as ${a} set ${cols.map((c) => `${q(c)} = ${value(c)}`).join(', ')} from (select * from json_populate_record(null::${target}, ${params.add(JSON.stringify(w.body))}::json)) as "pgrst_body" where ${w.whereSql.join(' and ')}`;
  return wrapMutation(params, sql, { ...w, alias: w.root.alias }, '');
}

/**
 * @param {import('./sql.js').Params} params
 * @param {{ table: import('./schema-cache.js').Table, root: import('./read.js').Node, whereSql: string[], prefer: import('./request.js').Prefer, wantRows: boolean }} w
 */
export function renderDelete(params, w) {
  if (!w.whereSql.length) throw new PgrstError(400, '21000', 'DELETE requires a WHERE clause');
  const sql = `delete from ${q(w.table.schema)}.${q(w.table.name)} as ${q(w.root.alias)} where ${w.whereSql.join(' and ')}`;
  return wrapMutation(params, sql, { ...w, alias: w.root.alias }, '');
}

/**
 * Adds RETURNING and the outer select. Without return=representation the statement returns
 * only `1` (or the key for Location), so a role with an insert-only policy can still insert.
 * @param {import('./sql.js').Params} params @param {string} stmt
 * @param {{ table: import('./schema-cache.js').Table, root: import('./read.js').Node, prefer: import('./request.js').Prefer, wantRows: boolean, alias?: string }} w
 * @param {string} inserted
 */
function wrapMutation(params, stmt, w, inserted) {
  const tgt = q(w.alias ?? 'pgrst_tgt');
  const insertedCol = inserted ? inserted.replace(/"pgrst_tgt"/g, tgt) : ', true as "pgrst_inserted"';
  if (w.wantRows) {
    const body = renderReturning(params, w.root, '"pgrst_mut"');
    return `with "pgrst_mut" as (${stmt} returning ${tgt}.*${insertedCol}), "pgrst_rows" as (${body})
      select (select coalesce(json_agg(r), '[]')::text from "pgrst_rows" r) as body,
             (select ${CSV_ROWS('r')} from "pgrst_rows" r) as csv, (select count(*) from "pgrst_mut") as page_total,
             (select count(*) from "pgrst_mut" where "pgrst_inserted") as inserted, null::text as location`;
  }
  if (w.prefer.return === 'headers-only' && w.table.pk.length) {
    const pk = w.table.pk.map((c) => `${tgt}.${q(c)}`).join(', ');
    return `with "pgrst_mut" as (${stmt} returning ${pk}${insertedCol})
      select null::text as body, count(*) as page_total, count(*) filter (where "pgrst_inserted") as inserted,
             (select row_to_json(l)::text from (select ${w.table.pk.map(q).join(', ')} from "pgrst_mut" limit 1) l) as location from "pgrst_mut"`;
  }
  return `with "pgrst_mut" as (${stmt} returning 1 as "pgrst_one"${insertedCol})
    select null::text as body, count(*) as page_total, count(*) filter (where "pgrst_inserted") as inserted, null::text as location from "pgrst_mut"`;
}
