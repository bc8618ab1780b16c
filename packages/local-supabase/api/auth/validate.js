// Input checks for the Auth endpoints. Every rejection happens before anything is written, with
// the code and status Supabase Auth uses, so bad input never reaches the database as a 500.
import { readBody, HttpError } from '../http.js';
import { AuthError, validation, unprocessable } from './errors.js';

/** Auth bodies are small; GoTrue refuses large ones too. */
const MAX_AUTH_BODY = 256 * 1024;
/** bcrypt ignores bytes past 72, so GoTrue refuses longer passwords instead of silently truncating. */
const MAX_PASSWORD_BYTES = 72;
/** @type {number} minimum_password_length in supabase/config.toml (Supabase's floor is 6) */
export const MIN_PASSWORD_LENGTH = 6;
/** Larger metadata would bloat every access token that carries it. */
const MAX_METADATA_BYTES = 16 * 1024;

// The shape GoTrue accepts (it uses a similar pattern before checking the domain).
const EMAIL_RE =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

/**
 * Reads a JSON object body. An empty body counts as `{}` (auth-js sends none on some calls).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Record<string, any>>}
 */
export async function readJson(req) {
  let buf;
  try {
    buf = await readBody(req, MAX_AUTH_BODY);
  } catch (e) {
    if (e instanceof HttpError && e.status === 413)
      throw new AuthError(413, 'request_too_large', 'Request body too large');
    throw e;
  }
  const text = buf.toString('utf8').trim();
  if (text === '') return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${e instanceof Error ? e.message : e}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON: expected an object');
  }
  return value;
}

/** @param {unknown} v @param {string} name @returns {string | undefined} */
export function optString(v, name) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation(`${name} must be a string`);
  return v;
}

/** Normalises and checks an email address as GoTrue does (lower-cased, trimmed). */
/** @param {unknown} v @returns {string} */
export function email(v) {
  if (typeof v !== 'string') throw validation('Unable to validate email address: invalid format');
  const e = v.trim().toLowerCase();
  if (e.length > 255 || !EMAIL_RE.test(e)) throw validation('Unable to validate email address: invalid format');
  return e;
}

/** @param {unknown} v @returns {string} */
export function newPassword(v) {
  if (typeof v !== 'string' || v === '')
    throw new AuthError(422, 'weak_password', `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, {
      weak_password: { reasons: ['length'] },
    });
  if (Buffer.byteLength(v, 'utf8') > MAX_PASSWORD_BYTES)
    throw validation(`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  if ([...v].length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(422, 'weak_password', `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, {
      weak_password: { reasons: ['length'] },
    });
  }
  return v;
}

/** A metadata object (`data`, `user_metadata`, `app_metadata`). */
/** @param {unknown} v @param {string} name @returns {Record<string, unknown> | undefined} */
export function metadata(v, name) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw validation(`${name} must be a JSON object`);
  if (Buffer.byteLength(JSON.stringify(v)) > MAX_METADATA_BYTES) throw validation(`${name} is too large`);
  return /** @type {Record<string, unknown>} */ (v);
}

/** @param {unknown} v @param {string} name @returns {boolean | undefined} */
export function optBool(v, name) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw validation(`${name} must be a boolean`);
  return v;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** @param {string} v */
export function isUuid(v) {
  return UUID_RE.test(v);
}

/** Rejects phone-based flows, which the local stack has no SMS provider for (as a project without one). */
/** @param {Record<string, any>} body */
export function refusePhone(body) {
  if (body.phone !== undefined && body.phone !== null && body.phone !== '') {
    throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  }
}
