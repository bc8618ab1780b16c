// Checks a Resend send payload (the JSON body of POST /emails, or one item of POST
// /emails/batch) and turns it into the normalised fields the store keeps. Rules follow Resend's
// documented limits (≤ 50 recipients in `to`, tags of ASCII letters/digits/_/-, ≤ 256 chars,
// headers as a string map) so that a payload this catcher accepts is one Resend accepts too.
import { missingField, validationError } from './errors.js';

/** Most recipients Resend takes in `to` (and, by the same rule here, in `cc` and `bcc`). */
export const MAX_RECIPIENTS = 50;
/** Most emails in one POST /emails/batch. */
export const MAX_BATCH = 100;

const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const NAMED = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<>"]*?))\s*<([^<>\s]+)>\s*$/;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * @typedef {object} Attachment
 * @property {string | null} filename
 * @property {string | null} content_type
 * @property {string | null} content_id
 * @property {string | null} content  base64
 * @property {string | null} path     remote URL Resend would fetch (the catcher only records it)
 * @property {number | null} size     decoded bytes of `content`
 */

/**
 * @typedef {object} EmailInput
 * @property {string} from
 * @property {string[]} to
 * @property {string[] | null} cc
 * @property {string[] | null} bcc
 * @property {string[] | null} reply_to
 * @property {string} subject
 * @property {string | null} html
 * @property {string | null} text
 * @property {Record<string, string>} headers
 * @property {{ name: string, value: string }[]} tags
 * @property {Attachment[]} attachments
 */

/** True for `a@b.c` and `Name <a@b.c>` / `"Name, Inc." <a@b.c>`, the two forms Resend takes. */
export function isEmailAddress(/** @type {unknown} */ s) {
  if (typeof s !== 'string' || s.length > 998 || /[\r\n]/.test(s)) return false;
  if (ADDRESS.test(s.trim())) return true;
  const m = NAMED.exec(s);
  return m !== null && ADDRESS.test(/** @type {string} */ (m[3]));
}

/** The bare address of `Name <a@b.c>` (lower-cased), for filtering the inbox by recipient. */
export function bareAddress(/** @type {string} */ s) {
  const m = NAMED.exec(s);
  return (m ? /** @type {string} */ (m[3]) : s).trim().toLowerCase();
}

const formatHint = 'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';

/**
 * @param {unknown} v @param {string} field @param {boolean} required
 * @returns {string[] | null}
 */
function recipients(v, field, required) {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0) || v === '') {
    if (required) throw missingField(field);
    return null;
  }
  const list = Array.isArray(v) ? v : [v];
  if (list.length > MAX_RECIPIENTS) {
    throw validationError(`Too many recipients in \`${field}\`: the maximum is ${MAX_RECIPIENTS}.`);
  }
  for (const a of list) {
    if (!isEmailAddress(a)) throw validationError(`Invalid \`${field}\` field. ${formatHint}`);
  }
  return list.map((a) => /** @type {string} */ (a).trim());
}

/** @param {unknown} v @param {string} field @returns {string | null} */
function optionalString(v, field) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw validationError(`Invalid \`${field}\` field: expected a string.`);
  return v;
}

/** @param {unknown} v @returns {Record<string, string>} */
function headers(v) {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw validationError('Invalid `headers` field: expected an object of header names to string values.');
  }
  /** @type {Record<string, string>} */
  const out = {};
  for (const [name, value] of Object.entries(v)) {
    if (!HEADER_NAME.test(name))
      throw validationError(`Invalid \`headers\` field: \`${name}\` is not a valid header name.`);
    if (typeof value !== 'string')
      throw validationError(`Invalid \`headers\` field: the value of \`${name}\` must be a string.`);
    // A line break in a value would let the caller forge further headers.
    if (/[\r\n]/.test(value))
      throw validationError(`Invalid \`headers\` field: the value of \`${name}\` contains a line break.`);
    out[name] = value;
  }
  return out;
}

/** @param {unknown} v */
function tags(v) {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validationError('Invalid `tags` field: expected an array of { name, value }.');
  return v.map((t) => {
    if (typeof t !== 'object' || t === null || !TAG_PART.test(t.name) || !TAG_PART.test(t.value)) {
      throw validationError(
        'Invalid `tags` field: tag names and values can only contain ASCII letters (a–z, A–Z), numbers (0–9), underscores (_), or dashes (-), and can contain no more than 256 characters.',
      );
    }
    return { name: /** @type {string} */ (t.name), value: /** @type {string} */ (t.value) };
  });
}

/** @param {unknown} v @returns {Attachment[]} */
function attachments(v) {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validationError('Invalid `attachments` field: expected an array.');
  return v.map((a, i) => {
    if (typeof a !== 'object' || a === null)
      throw validationError(`Invalid \`attachments[${i}]\`: expected an object.`);
    const content = a.content ?? null;
    const path = a.path ?? null;
    if (content === null && path === null) {
      throw validationError(`Invalid \`attachments[${i}]\`: an attachment needs either \`content\` or \`path\`.`);
    }
    if (content !== null && (typeof content !== 'string' || !/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(content))) {
      throw validationError(`Invalid \`attachments[${i}].content\`: expected a base64 string.`);
    }
    if (path !== null && (typeof path !== 'string' || !/^https?:\/\//.test(path))) {
      throw validationError(`Invalid \`attachments[${i}].path\`: expected an http(s) URL.`);
    }
    const filename = optionalString(a.filename, `attachments[${i}].filename`);
    if (filename === null && content !== null) throw missingField(`attachments[${i}].filename`);
    return {
      filename,
      content_type: optionalString(a.content_type, `attachments[${i}].content_type`),
      content_id: optionalString(a.content_id, `attachments[${i}].content_id`),
      content,
      path,
      size: content === null ? null : Buffer.from(content, 'base64').length,
    };
  });
}

/**
 * Validates one send payload. Throws a ResendError (422) for the first problem found.
 * @param {unknown} body
 * @param {{ batch?: boolean }} [opts]
 * @returns {EmailInput}
 */
export function validateEmail(body, opts = {}) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError('The request body must be a JSON object.');
  }
  const b = /** @type {Record<string, any>} */ (body);
  if (b.template !== undefined && b.template !== null) {
    throw validationError('Templates are not supported by the local mail catcher; send `html` or `text`.');
  }
  if (b.scheduled_at !== undefined && b.scheduled_at !== null) {
    throw validationError(
      opts.batch
        ? '`scheduled_at` is not supported in batch emails.'
        : '`scheduled_at` is not supported by the local mail catcher.',
    );
  }
  if (opts.batch && b.attachments !== undefined && b.attachments !== null) {
    throw validationError('Attachments are not supported in batch emails.');
  }
  if (b.from === undefined || b.from === null || b.from === '') throw missingField('from');
  if (!isEmailAddress(b.from)) throw validationError(`Invalid \`from\` field. ${formatHint}`);
  const to = /** @type {string[]} */ (recipients(b.to, 'to', true));
  if (b.subject === undefined || b.subject === null || b.subject === '') throw missingField('subject');
  const subject = /** @type {string} */ (optionalString(b.subject, 'subject'));
  const html = optionalString(b.html, 'html');
  const text = optionalString(b.text, 'text');
  if (!html && !text) throw missingField('html` or `text');
  return {
    from: b.from.trim(),
    to,
    cc: recipients(b.cc, 'cc', false),
    bcc: recipients(b.bcc, 'bcc', false),
    reply_to: recipients(b.reply_to, 'reply_to', false),
    subject,
    html,
    text,
    headers: headers(b.headers),
    tags: tags(b.tags),
    attachments: attachments(b.attachments),
  };
}
