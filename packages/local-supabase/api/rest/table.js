// /rest/v1/<table>: GET/HEAD reads, POST/PATCH/DELETE writes. Each request runs as one
// transaction under the caller's role (tx.js); this file decides statuses and headers.
import { PgrstError } from './errors.js';
import { buildTree, applyQuery, renderRead, renderCountSource, condSql } from './read.js';
import { renderInsert, renderUpdate, renderDelete, parseJsonBody } from './write.js';
import { formatBody, rangeStatus, singleError, send } from './respond.js';
import { parseRangeHeader } from './request.js';
import { Params } from './sql.js';
import { readBody } from './body.js';
import { inTransaction } from './tx.js';

import { txOutcome } from './settings.js';

/**
 * Paging from limit/offset, the Range header and the max-rows cap (null: none).
 * @param {import('./read.js').Node} root @param {import('node:http').IncomingMessage} req @param {number | null} maxRows
 */
function paging(root, req, maxRows) {
  let offset = root.offset;
  let limit = root.limit;
  const range = req.method === 'GET' || req.method === 'HEAD' ? parseRangeHeader(req) : null;
  if (range) {
    // The header and the query parameters both restrict the page: take their intersection.
    const end = Math.min(
      limit === null ? Infinity : offset + limit,
      range.limit === null ? Infinity : range.offset + range.limit,
    );
    offset = Math.max(offset, range.offset);
    limit = end === Infinity ? null : Math.max(0, end - offset);
  }
  if (maxRows !== null) limit = limit === null ? maxRows : Math.min(limit, maxRows);
  return { offset, limit };
}

/** @param {import('./read.js').Node} root @param {Params} params */
function rootWhere(root, params) {
  return root.where.map((c) => condSql(params, root, c));
}

/**
 * `.explain()`: the read's EXPLAIN in the requested format, as PostgREST answers it.
 * @param {any} rc @param {string} sql @param {Params} params
 */
async function explain(rc, sql, params) {
  /** @type {{ format: 'json' | 'text', for: string, options: string[] }} */
  const plan = rc.plan;
  const opts = [`format ${plan.format}`, ...plan.options.map((o) => `${o} true`)].join(', ');
  const rows = await inTransaction(rc.pool, { ...rc.txBase, readOnly: true }, async (client) => ({
    value: (await client.query(`explain (${opts}) ${sql}`, params.values)).rows,
  }));
  const body =
    plan.format === 'json'
      ? JSON.stringify(rows[0]?.['QUERY PLAN'] ?? [])
      : rows.map((r) => r['QUERY PLAN']).join('\n');
  return send(
    rc.res,
    200,
    { 'Content-Type': `application/vnd.pgrst.plan+${plan.format}; for="${plan.for}"; charset=utf-8` },
    body,
    rc.req.method === 'HEAD',
  );
}

/**
 * @param {any} rc request context from index.js
 * @param {import('./schema-cache.js').Table} table
 */
export async function handleTable(rc, table) {
  const { req, res, url, prefer, accept, txBase, pool } = rc;
  const method = req.method ?? 'GET';
  const entries = /** @type {[string, string][]} */ ([...url.searchParams.entries()]);
  const selectText = url.searchParams.get('select') ?? '*';
  const root = buildTree(rc.cache, table, selectText);

  if (method === 'GET' || method === 'HEAD') {
    applyQuery(root, entries);
    const page = paging(root, req, rc.cache.settings.maxRows);
    const params = new Params();
    const source = `"${table.schema.replace(/"/g, '""')}"."${table.name.replace(/"/g, '""')}"`;
    const sql = renderRead(params, root, source, {
      limit: page.limit,
      offset: page.offset,
      count: prefer.count === 'exact',
    });
    // count=planned: the planner's row estimate; count=estimated: exact up to max-rows, the
    // estimate beyond (as PostgREST).
    const countParams = new Params();
    const countSource =
      prefer.count === 'planned' || prefer.count === 'estimated' ? renderCountSource(countParams, root, source) : null;
    const maxRows = rc.cache.settings.maxRows;
    if (rc.plan) return explain(rc, sql, params);
    const row = await inTransaction(pool, { ...txBase, readOnly: true }, async (client) => {
      const r = (await client.query(sql, params.values)).rows[0];
      if (countSource) {
        let total = null;
        if (prefer.count === 'estimated' && maxRows !== null) {
          const exact = await client.query(
            `select count(*) as n from (${countSource} limit ${Number(maxRows) + 1}) as "pgrst_c"`,
            countParams.values,
          );
          const n = Number(exact.rows[0].n);
          if (n <= maxRows) total = n;
        }
        if (total === null) {
          const plan = await client.query(`explain (format json) ${countSource}`, countParams.values);
          total = Number(plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
          r.total_estimated = true;
        }
        r.total = total;
      }
      return { value: r };
    });
    const rows = Number(row.page_total);
    const total = row.total === null ? null : Number(row.total);
    const { status, contentRange } = rangeStatus(page.offset, rows, total, row.total_estimated === true);
    const body = formatBody(row.body, rows, accept, row.csv, rc.stripNulls);
    return send(
      res,
      status,
      { 'Content-Type': body.type, 'Content-Range': contentRange, 'Range-Unit': 'items' },
      body.text,
      method === 'HEAD',
    );
  }

  if (rc.plan) {
    throw new PgrstError(406, 'PGRST107', `None of these media types are available: ${req.headers.accept ?? ''}`);
  }
  if (method !== 'POST' && method !== 'PATCH' && method !== 'DELETE') {
    throw new PgrstError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
  }
  // Mutations: filters narrow the affected rows; embed parameters shape the returned rows.
  applyQuery(root, entries);
  const wantRows = prefer.return === 'representation' || accept === 'object';
  const tx = txOutcome(rc.cache.settings.txEnd, prefer.tx);
  const params = new Params();
  let sql;
  if (method === 'POST') {
    const body = parseJsonBody(await readBody(req));
    if (root.where.length) throw new PgrstError(400, 'PGRST100', 'Filters are not allowed on an insert');
    sql = renderInsert(params, {
      table,
      body,
      columnsParam: url.searchParams.get('columns'),
      onConflict: url.searchParams.get('on_conflict'),
      prefer,
      root,
      wantRows,
    });
  } else if (method === 'PATCH') {
    const body = parseJsonBody(await readBody(req));
    const whereSql = rootWhere(root, params);
    sql = renderUpdate(params, {
      table,
      body,
      root,
      whereSql,
      prefer,
      wantRows,
      columnsParam: url.searchParams.get('columns'),
    });
  } else {
    const whereSql = rootWhere(root, params);
    sql = renderDelete(params, { table, root, whereSql, prefer, wantRows });
  }

  const out =
    sql === null
      ? { body: wantRows ? '[]' : null, page_total: 0, inserted: 0, location: null }
      : await inTransaction(pool, { ...txBase, readOnly: false }, async (client) => {
          const r = (await client.query(sql, params.values)).rows[0];
          const n = Number(r.page_total);
          // Checked inside the transaction so that a refused answer also undoes the write.
          if (accept === 'object' && n !== 1) throw singleError(n);
          if (prefer.handling === 'strict' && prefer.maxAffected !== null && n > prefer.maxAffected) {
            throw new PgrstError(
              400,
              'PGRST124',
              'Query result exceeds max-affected preference constraint',
              `The query affects ${n} rows`,
            );
          }
          return { value: r, rollback: tx.rollback };
        });
  const n = Number(out.page_total);
  /** @type {Record<string, string>} */
  const headers = {};
  const applied = [];
  if (prefer.return) applied.push(`return=${prefer.return}`);
  if (prefer.count) applied.push(`count=${prefer.count}`);
  if (prefer.resolution && method === 'POST') applied.push(`resolution=${prefer.resolution}`);
  if (prefer.missing) applied.push(`missing=${prefer.missing}`);
  if (tx.applied) applied.push(`tx=${tx.applied}`);
  if (prefer.handling === 'strict' && prefer.maxAffected !== null)
    applied.push('handling=strict', `max-affected=${prefer.maxAffected}`);
  if (applied.length) headers['Preference-Applied'] = applied.join(', ');
  const total = prefer.count ? String(n) : '*';
  if (method === 'POST') {
    headers['Content-Range'] = `*/${total}`;
    const status = prefer.resolution && Number(out.inserted) === 0 && n > 0 ? 200 : 201;
    if (prefer.return === 'headers-only' && out.location) {
      const key = JSON.parse(out.location);
      headers.Location = `/${table.name}?${Object.entries(key)
        .map(([k, v]) => `${encodeURIComponent(k)}=eq.${encodeURIComponent(String(v))}`)
        .join('&')}`;
    }
    if (wantRows) {
      const b = formatBody(out.body, n, accept, out.csv ?? null, rc.stripNulls);
      return send(res, status, { ...headers, 'Content-Type': b.type }, b.text);
    }
    return send(res, status, headers, null);
  }
  headers['Content-Range'] = `${n ? `0-${n - 1}` : '*'}/${total}`;
  if (wantRows) {
    const b = formatBody(out.body, n, accept, out.csv ?? null, rc.stripNulls);
    return send(res, 200, { ...headers, 'Content-Type': b.type }, b.text);
  }
  return send(res, 204, headers, null);
}
