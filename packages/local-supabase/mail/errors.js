// Resend's error envelope `{ statusCode, name, message }` and the codes the mail catcher answers
// with. The `resend` SDK hands this object back to the caller as `error` unchanged, so names and
// statuses follow https://resend.com/docs/api-reference/errors (and the SDK's
// RESEND_ERROR_CODE_KEY union) to keep the app's error handling honest against production.

export class ResendError extends Error {
  /**
   * @param {number} statusCode
   * @param {string} name one of Resend's error names, e.g. `validation_error`
   * @param {string} message
   * @param {Record<string, string>} [headers] extra response headers (e.g. retry-after)
   */
  constructor(statusCode, name, message, headers = {}) {
    super(message);
    this.statusCode = statusCode;
    this.name = name;
    this.headers = headers;
  }

  toJSON() {
    return { statusCode: this.statusCode, name: this.name, message: this.message };
  }
}

/** @param {string} field */
export const missingField = (field) => new ResendError(422, 'missing_required_field', `Missing \`${field}\` field.`);

/** @param {string} message */
export const validationError = (message) => new ResendError(422, 'validation_error', message);

export const missingApiKey = () =>
  new ResendError(401, 'missing_api_key', 'Missing API key in the authorization header.');

export const invalidApiKey = () => new ResendError(403, 'invalid_api_key', 'API key is invalid.');

export const notFound = (what = 'The requested endpoint does not exist.') => new ResendError(404, 'not_found', what);

export const methodNotAllowed = () => new ResendError(405, 'method_not_allowed', 'Method not allowed.');

/** @param {number} limit @param {number} retryAfter seconds */
export const rateLimited = (limit, retryAfter) =>
  new ResendError(
    429,
    'rate_limit_exceeded',
    `Too many requests. You can only make ${limit} requests per second. See rate limit response headers for more information.`,
    { 'retry-after': String(retryAfter) },
  );

/**
 * The error a fault-injected failure answers with: the name Resend uses for that status.
 * @param {number} status
 */
export function injectedFailure(status) {
  /** @type {Record<number, [string, string]>} */
  const byStatus = {
    400: ['validation_error', 'We found an error with one or more fields in the request.'],
    401: ['missing_api_key', 'Missing API key in the authorization header.'],
    403: ['invalid_api_key', 'API key is invalid.'],
    404: ['not_found', 'The requested endpoint does not exist.'],
    409: ['concurrent_idempotent_requests', 'Same idempotency key used while original request is still in progress.'],
    422: ['validation_error', 'We found an error with one or more fields in the request.'],
    429: ['rate_limit_exceeded', 'Too many requests. (injected by the local mail catcher)'],
    500: ['internal_server_error', 'An unexpected error occurred. (injected by the local mail catcher)'],
  };
  const [name, message] = byStatus[status] ?? ['application_error', `Injected failure with status ${status}.`];
  return new ResendError(status, name, message, status === 429 ? { 'retry-after': '1' } : {});
}
