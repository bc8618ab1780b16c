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
 */
export function formatBody(arrayText, rows, accept, csvRows = null) {
  if (accept === 'object') {
    if (rows !== 1) throw singleError(rows);
    return { text: arrayText.slice(1, -1).trim(), type: 'application/vnd.pgrst.object+json; charset=utf-8' };
  }
  if (accept === 'csv') {
    if (csvRows === null) return { text: toCsv(JSON.parse(arrayText)), type: 'text/csv; charset=utf-8' };
    // PostgREST: the first row's keys (unquoted, empty without rows), a newline, the rows.
    const first = rows > 0 ? JSON.parse(arrayText)[0] : null;
    const header = first && typeof first === 'object' ? Object.keys(first).join(',') : '';
    return { text: `${header}\n${csvRows}`, type: 'text/csv; charset=utf-8' };
  }
  return { text: arrayText, type: 'application/json; charset=utf-8' };
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
 * @param {number} offset @param {number} rows @param {number | null} total
 */
export function rangeStatus(offset, rows, total) {
  const upper = offset + rows - 1;
  const range = total !== 0 && offset <= upper ? `${offset}-${upper}` : '*';
  const contentRange = `${range}/${total === null ? '*' : total}`;
  if (total === null) return { status: 200, contentRange };
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
