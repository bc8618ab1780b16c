// Shaping answers: JSON arrays, single objects (PGRST116), CSV, Content-Range and the
// range status (200/206/416) the way PostgREST computes them.
import { PgrstError } from './errors.js';

/** @param {number} n */
export const singleError = (n) =>
  new PgrstError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${n} rows`);

/**
 * The body in the requested media type from json_agg's text.
 * @param {string} arrayText @param {number} rows @param {'json'|'object'|'csv'} accept
 * @param {string | null} [csvRows] the rows as CSV rendered by the database (CSV_ROWS), when available
 * @param {boolean} [stripNulls] `Accept: …;nulls=stripped`: drop null-valued keys (json_strip_nulls)
 */
export function formatBody(arrayText, rows, accept, csvRows = null, stripNulls = false) {
  if (accept === 'object') {
    if (rows !== 1) throw singleError(rows);
    if (stripNulls)
      return {
        text: JSON.stringify(withoutNulls(JSON.parse(arrayText)[0])),
        type: 'application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8',
      };
    return { text: arrayText.slice(1, -1).trim(), type: 'application/vnd.pgrst.object+json; charset=utf-8' };
  }
  if (accept === 'json' && stripNulls)
    return {
      text: JSON.stringify(withoutNulls(JSON.parse(arrayText))),
      type: 'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8',
    };
  if (accept === 'csv') {
    if (csvRows === null) return { text: toCsv(JSON.parse(arrayText)), type: 'text/csv; charset=utf-8' };
    // PostgREST: the first row's keys (unquoted, empty without rows), a newline, the rows.
    const first = rows > 0 ? JSON.parse(arrayText)[0] : null;
    const header = first && typeof first === 'object' ? Object.keys(first).join(',') : '';
    return { text: `${header}\n${csvRows}`, type: 'text/csv; charset=utf-8' };
  }
  return { text: arrayText, type: 'application/json; charset=utf-8' };
}

/** Keys with null values removed from every object, nested ones too (as json_strip_nulls). @param {unknown} v @returns {unknown} */
function withoutNulls(v) {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
}

/** @param {Record<string, unknown>[]} rows */
function toCsv(rows) {
  if (!rows.length) return '';
  const keys = Object.keys(rows[0] ?? {});
  const cell = (/** @type {unknown} */ v) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [keys.map(cell).join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n');
}

/**
 * Status and Content-Range for a page starting at `offset` with `rows` rows of `total`.
 * A planner estimate (`estimated`) never makes a page unsatisfiable.
 * @param {number} offset @param {number} rows @param {number | null} total @param {boolean} [estimated]
 */
export function rangeStatus(offset, rows, total, estimated = false) {
  const upper = offset + rows - 1;
  const range = (total !== 0 || estimated) && offset <= upper ? `${offset}-${upper}` : '*';
  const contentRange = `${range}/${total === null ? '*' : total}`;
  if (total === null) return { status: 200, contentRange };
  if (estimated) return { status: rows < total ? 206 : 200, contentRange };
  if (offset > total) {
    throw new PgrstError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      `An offset of ${offset} was requested, but there are only ${total} rows.`,
      null,
      { 'Content-Range': `*/${total}` },
    );
  }
  return { status: rows < total ? 206 : 200, contentRange };
}

/**
 * @param {import('node:http').ServerResponse} res @param {number} status
 * @param {Record<string, string>} headers @param {string | null} body @param {boolean} head
 */
export function send(res, status, headers, body, head = false) {
  res.writeHead(status, headers);
  res.end(head || body === null ? undefined : body);
}
