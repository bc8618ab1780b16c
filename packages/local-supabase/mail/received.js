// Received emails (candidate → app) in the mail catcher, the way Resend's inbound side works:
// Resend keeps each received email and posts a metadata-only `email.received` webhook; the app
// then reads the body and headers from the Received-emails API, GET /emails/receiving/:id
// (the SDK's `resend.emails.receiving.get(id)`). This module builds and checks the stored
// email, answers that API (and its list, GET /emails/receiving) in Resend's shapes, and builds
// the metadata-only webhook event. The inbox's Reply / Out-of-office buttons (actions.js) and
// tests (POST /_catcher/received) store emails here; nothing is sent anywhere.
import crypto from 'node:crypto';
import { ResendError, missingField, notFound, validationError } from './errors.js';
import { isEmailAddress } from './validate.js';

/**
 * What Resend keeps of a received email: GetReceivingEmailResponseSuccess of the `resend`
 * package without `object` and `raw` (added when answering).
 * @typedef {object} ReceivedEmail
 * @property {string} id
 * @property {string} created_at
 * @property {string} from
 * @property {string[]} to
 * @property {string[] | null} cc
 * @property {string[] | null} bcc
 * @property {string[] | null} reply_to
 * @property {string[]} received_for  envelope recipients: the addresses of this domain it was delivered to
 * @property {string} subject
 * @property {string | null} html
 * @property {string | null} text
 * @property {Record<string, string>} headers  the MIME headers, Message-ID and threading ones included
 * @property {string} message_id
 * @property {never[]} attachments  the catcher's candidates never attach files
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** @param {unknown} v @param {string} field @param {boolean} required @returns {string[] | null} */
function addresses(v, field, required) {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) {
    if (required) throw missingField(field);
    return null;
  }
  const list = Array.isArray(v) ? v : [v];
  for (const a of list)
    if (!isEmailAddress(a)) throw validationError(`Invalid \`${field}\` field: ${JSON.stringify(a)}.`);
  return list.map((a) => /** @type {string} */ (a).trim());
}

/** @param {unknown} v @param {string} field @returns {string | null} */
function optionalString(v, field) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw validationError(`Invalid \`${field}\` field: expected a string.`);
  return v;
}

/** @param {unknown} v @returns {Record<string, string>} */
function headerMap(v) {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw validationError('Invalid `headers` field: expected an object.');
  /** @type {Record<string, string>} */
  const out = {};
  for (const [name, value] of Object.entries(v)) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw validationError(
        `Invalid \`headers\` field: \`${name}\` must be a header name with a one-line string value.`,
      );
    }
    out[name] = value;
  }
  return out;
}

/**
 * A received email from loose fields (POST /_catcher/received, the inbox buttons). Throws a
 * ResendError (422) naming the first bad field, so a bad request stores nothing.
 * @param {unknown} body
 * @returns {ReceivedEmail}
 */
export function newReceivedEmail(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError('The request body must be a JSON object.');
  }
  const b = /** @type {Record<string, unknown>} */ (body);
  if (b.from === undefined || b.from === null || b.from === '') throw missingField('from');
  if (!isEmailAddress(b.from)) throw validationError('Invalid `from` field.');
  const to = /** @type {string[]} */ (addresses(b.to, 'to', true));
  const cc = addresses(b.cc, 'cc', false);
  const headers = headerMap(b.headers);
  const headerValue = (/** @type {string} */ name) =>
    Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
  const id = crypto.randomUUID();
  const messageId = optionalString(b.message_id, 'message_id') ?? headerValue('message-id') ?? `<${id}@mail.local>`;
  if (headerValue('message-id') === null) headers['Message-ID'] = messageId;
  const createdAt = optionalString(b.created_at, 'created_at') ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(createdAt))) throw validationError('Invalid `created_at` field: expected an ISO date.');
  return {
    id,
    created_at: createdAt,
    from: /** @type {string} */ (b.from).trim(),
    to,
    cc,
    bcc: addresses(b.bcc, 'bcc', false),
    reply_to: addresses(b.reply_to, 'reply_to', false),
    received_for: addresses(b.received_for, 'received_for', false) ?? [...to, ...(cc ?? [])],
    subject: optionalString(b.subject, 'subject') ?? '',
    html: optionalString(b.html, 'html'),
    text: optionalString(b.text, 'text'),
    headers,
    message_id: messageId,
    attachments: [],
  };
}

/** GET /emails/receiving/:id's answer. @param {ReceivedEmail} e */
export function receivingObject(e) {
  return { object: 'email', ...e, raw: null };
}

/**
 * The `email.received` webhook Resend posts for `e`: metadata only — no body, no headers —
 * so the receiver must fetch the email to read it.
 * @param {ReceivedEmail} e
 */
export function receivedEvent(e) {
  return {
    type: 'email.received',
    created_at: new Date().toISOString(),
    data: {
      email_id: e.id,
      created_at: e.created_at,
      from: e.from,
      to: e.to,
      bcc: e.bcc ?? [],
      cc: e.cc ?? [],
      message_id: e.message_id,
      subject: e.subject,
      attachments: [],
    },
  };
}

/**
 * GET /emails/receiving and GET /emails/receiving/:id (the caller has checked the API key).
 * @param {import('./store.js').MailStore} store
 * @param {string} path  without a trailing slash
 * @param {URL} url
 * @returns {unknown} the JSON answer
 */
export function answerReceiving(store, path, url) {
  const format = url.searchParams.get('html_format');
  if (format !== null && format !== 'data_uri' && format !== 'cid') {
    throw validationError('`html_format` must be `data_uri` or `cid`.');
  }
  if (path === '/emails/receiving') return listReceived(store, url);
  const raw = path.slice('/emails/receiving/'.length);
  let id;
  try {
    id = decodeURIComponent(raw);
  } catch {
    id = '';
  }
  if (!UUID.test(id) || raw.includes('/'))
    throw new ResendError(422, 'invalid_parameter', 'The `id` must be a valid UUID.');
  const e = store.getReceived(id);
  if (!e) throw notFound('Email not found.');
  return receivingObject(e);
}

/** Resend's list shape: `limit` 1–100 (default 20), `after`/`before` cursors, no bodies. */
function listReceived(/** @type {import('./store.js').MailStore} */ store, /** @type {URL} */ url) {
  const limitRaw = url.searchParams.get('limit');
  const limit = limitRaw === null ? 20 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw validationError('The `limit` parameter must be a whole number between 1 and 100.');
  }
  const after = url.searchParams.get('after');
  const before = url.searchParams.get('before');
  if (after && before) throw validationError('Use either `after` or `before`, not both.');
  let all = store.listReceived();
  const cursor = after ?? before;
  if (cursor) {
    const at = all.findIndex((e) => e.id === cursor);
    if (at < 0) throw new ResendError(422, 'invalid_parameter', 'The cursor does not name a known email.');
    all = after ? all.slice(at + 1) : all.slice(Math.max(0, at - limit), at);
  }
  const page = all.slice(0, limit);
  return {
    object: 'list',
    has_more: all.length > page.length,
    data: page.map(({ html: _h, text: _t, headers: _hd, ...rest }) => rest),
  };
}
