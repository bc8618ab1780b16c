// Errors of the /rest/v1 gateway, shaped like PostgREST's `{code, message, details, hint}`,
// and the SQLSTATE → HTTP status table PostgREST applies to database errors.

export class PgrstError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string | null} [details]
   * @param {string | null} [hint]
   * @param {Record<string, string>} [headers]
   */
  constructor(status, code, message, details = null, hint = null, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.hint = hint;
    this.headers = headers;
  }
  body() {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** A request the grammar cannot parse: 400 PGRST100, as PostgREST's parser errors. */
export const parseError = (/** @type {string} */ message, /** @type {string|null} */ details = null) =>
  new PgrstError(400, 'PGRST100', message, details);

/** PostgREST answers an unknown column in a read with the database's own 42703. */
export const unknownColumn = (/** @type {string} */ table, /** @type {string} */ col) =>
  new PgrstError(400, '42703', `column ${table}.${col} does not exist`);

/**
 * Status for a database error, as PostgREST's pgErrorStatus.
 * @param {string} code SQLSTATE
 * @param {string} message
 * @param {boolean} authed whether the request carried a JWT (42501 → 403 instead of 401)
 */
export function sqlStateStatus(code, message, authed) {
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const p2 = code.slice(0, 2);
  if (code === '42501') return authed ? 403 : 401;
  if (code === '23503' || code === '23505') return 409;
  if (code === '25006') return 405;
  if (code === '53400') return 500;
  if (code === 'P0001') return 400;
  if (code === '42883' || code === '42P01') return 404;
  if (code === '42P17') return 500;
  if (code === '21000') return /requires a WHERE clause$/.test(message) ? 400 : 500;
  // A JWT naming a role that does not exist is the client's fault (PostgREST ≥ 13: 401).
  if (code === '22023' && /^role .* does not exist$/.test(message)) return 401;
  if (p2 === '08') return 503;
  if (p2 === '09') return 500;
  if (p2 === '0L' || p2 === '0P' || p2 === '28') return 403;
  if (p2 === '53') return 503;
  if (['25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(p2)) return 500;
  return 400;
}

/**
 * Turns a pg driver error into the PostgREST-shaped error.
 * @param {any} e @param {boolean} authed
 */
export function fromPgError(e, authed) {
  const code = String(e.code ?? 'XX000');
  const message = String(e.message ?? 'database error');
  const status = sqlStateStatus(code, message, authed);
  /** @type {Record<string,string>} */
  const headers = {};
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
  // A RAISE with SQLSTATE PTxyz: PostgREST takes message/details/hint as given.
  return new PgrstError(status, code, message, e.detail ?? null, e.hint ?? null, headers);
}
