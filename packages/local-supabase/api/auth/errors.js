// Supabase Auth's error responses. auth-js reads `code` as the error code only when the
// response carries `X-Supabase-Api-Version` >= 2024-01-01 (then the body is `{code, message}`);
// older clients get GoTrue's legacy shape `{code: <status>, error_code, msg}`. Both carry the
// `x-sb-error-code` header. The version header is echoed on every answer, as GoTrue does.

export const API_VERSION = '2024-01-01';

export class AuthError extends Error {
  /**
   * @param {number} status
   * @param {string} code     GoTrue's ErrorCode (snake_case)
   * @param {string} message
   * @param {Record<string, unknown>} [extra]  extra body fields (e.g. weak_password)
   */
  constructor(status, code, message, extra) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra ?? {};
    /** Set when the transaction that raised this must still commit (e.g. a revocation). */
    this.commitAnyway = false;
  }
}

/** An OAuth2-style error, which GoTrue answers on /token for grant-level problems. */
export class OAuthError extends Error {
  /** @param {string} error @param {string} description */
  constructor(error, description) {
    super(description);
    this.error = error;
  }
}

export const badRequest = (/** @type {string} */ code, /** @type {string} */ msg) => new AuthError(400, code, msg);
export const validation = (/** @type {string} */ msg) => new AuthError(400, 'validation_failed', msg);
export const unprocessable = (/** @type {string} */ code, /** @type {string} */ msg) => new AuthError(422, code, msg);
export const forbidden = (/** @type {string} */ code, /** @type {string} */ msg) => new AuthError(403, code, msg);
export const notFound = (/** @type {string} */ code, /** @type {string} */ msg) => new AuthError(404, code, msg);

/** @param {import('node:http').IncomingMessage} req */
function wantsVersionedErrors(req) {
  const v = req.headers['x-supabase-api-version'];
  if (typeof v !== 'string') return false;
  const t = Date.parse(`${v.trim()}T00:00:00Z`);
  return Number.isFinite(t) && t >= Date.parse('2024-01-01T00:00:00Z');
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function send(req, res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    'X-Supabase-Api-Version': API_VERSION,
    ...headers,
  });
  res.end(text);
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {AuthError | OAuthError} err
 */
export function sendError(req, res, err) {
  if (err instanceof OAuthError) {
    return send(req, res, 400, { error: err.error, error_description: err.message });
  }
  const body = wantsVersionedErrors(req)
    ? { code: err.code, message: err.message, ...err.extra }
    : { code: err.status, error_code: err.code, msg: err.message, ...err.extra };
  send(req, res, err.status, body, { 'x-sb-error-code': err.code });
}
