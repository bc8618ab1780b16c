// Errors of /storage/v1 shaped as Supabase Storage renders them: the body carries the real
// status as the string `statusCode` plus `code`/`error`/`message`, while the HTTP status is
// 400 for everything but 500s (Storage's `userStatusCode`), so `{statusCode: "404"}` comes
// with HTTP 400 exactly as supabase-js sees it from a hosted project.

export class StorageError extends Error {
  /** @param {number} statusCode @param {string} code @param {string} message @param {string} [error] */
  constructor(statusCode, code, message, error) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.error = error ?? code;
  }
  get httpStatus() {
    return this.statusCode >= 500 ? 500 : 400;
  }
  body() {
    return { statusCode: String(this.statusCode), code: this.code, error: this.error, message: this.message };
  }
}

export const ERR = {
  noSuchBucket: () => new StorageError(404, 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  noSuchKey: () => new StorageError(404, 'NoSuchKey', 'Object not found', 'not_found'),
  keyExists: () => new StorageError(409, 'KeyAlreadyExists', 'The resource already exists', 'Duplicate'),
  bucketExists: () => new StorageError(409, 'BucketAlreadyExists', 'The resource already exists', 'Duplicate'),
  bucketNotEmpty: () => new StorageError(409, 'ResourceNotEmpty', 'The bucket you tried to delete is not empty'),
  invalidBucketName: () => new StorageError(400, 'InvalidBucketName', 'Bucket name invalid', 'Invalid Input'),
  invalidKey: (/** @type {string} */ key) => new StorageError(400, 'InvalidKey', `Invalid key: ${key}`),
  invalidMime: (/** @type {string} */ mime) =>
    new StorageError(415, 'InvalidMimeType', `mime type ${mime} is not supported`, 'invalid_mime_type'),
  tooLarge: () =>
    new StorageError(413, 'EntityTooLarge', 'The object exceeded the maximum allowed size', 'Payload too large'),
  accessDenied: (/** @type {string} */ message) => new StorageError(403, 'AccessDenied', message, 'Unauthorized'),
  invalidJwt: (/** @type {string} */ message) => new StorageError(400, 'InvalidJWT', message),
  invalidSignature: (/** @type {string} */ message = 'Invalid signature') =>
    new StorageError(400, 'InvalidSignature', message),
  missingParameter: (/** @type {string} */ p) =>
    new StorageError(400, 'MissingParameter', `Missing Required Parameter ${p}`),
  invalidRequest: (/** @type {string} */ message) => new StorageError(400, 'InvalidRequest', message),
  noContent: () => new StorageError(400, 'InvalidRequest', 'No content provided'),
  invalidRange: () => new StorageError(400, 'InvalidRange', 'invalid range provided', 'invalid_range'),
  notFoundRoute: (/** @type {string} */ method, /** @type {string} */ url) =>
    new StorageError(404, 'not_found', `Route ${method}:${url} not found`, 'Not Found'),
};

/**
 * A database error as Storage maps it: RLS and grant failures are AccessDenied (403) with
 * Postgres' message, unique violations the resource's Duplicate, foreign keys a missing bucket.
 * @param {any} e @param {() => StorageError} onDuplicate
 */
export function fromDbError(e, onDuplicate = ERR.keyExists) {
  if (e instanceof StorageError) return e;
  const code = e && typeof e === 'object' ? e.code : undefined;
  if (code === '42501') return ERR.accessDenied(String(e.message));
  if (code === '23505') return onDuplicate();
  if (code === '23503') return ERR.noSuchBucket();
  if (code === '22P02' || code === '22023') return ERR.invalidRequest(String(e.message));
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
    return new StorageError(500, 'DatabaseError', String(e.message));
  return null;
}
