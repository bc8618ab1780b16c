// The Resend-compatible part of the mail catcher: POST /emails, POST /emails/batch,
// GET /emails/:id and GET /emails, the Received-emails API (GET /emails/receiving[/:id],
// received.js), with Resend's authentication errors, Idempotency-Key
// semantics, rate-limit headers and error envelope. The app's edge functions reach it through
// the official `resend` SDK (`new Resend(key, { baseUrl: MAIL_URL })` or RESEND_BASE_URL), so
// what works here works against api.resend.com.
import crypto from 'node:crypto';
import {
  ResendError,
  injectedFailure,
  invalidApiKey,
  methodNotAllowed,
  missingApiKey,
  notFound,
  rateLimited,
  validationError,
} from './errors.js';
import { MAX_BATCH, validateEmail } from './validate.js';
import { answerReceiving } from './received.js';
import { answerDomains } from './domains.js';

/** Largest request body read. Resend allows 40 MB of attachments per email, base64 adds a third. */
export const MAX_BODY = 60 * 1024 * 1024;

/** What a Resend key looks like (`re_` then letters, digits, `_` or `-`); anything else is 403. */
const API_KEY = /^re_[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @typedef {object} ApiContext
 * @property {import('./store.js').MailStore} store
 * @property {import('./limits.js').RateLimiter} limiter
 * @property {import('./limits.js').Faults} faults
 * @property {(s: string) => void} log
 * @property {import('./domains.js').DomainStore} [domains]
 */

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} headers */
function send(res, status, body, headers) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<unknown>} */
async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_BODY) throw new ResendError(413, 'validation_error', 'The request body is too large.');
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw validationError('The request body is empty; expected JSON.');
  try {
    return JSON.parse(text);
  } catch {
    throw new ResendError(400, 'validation_error', 'The request body is not valid JSON.');
  }
}

/** JSON with object keys sorted, so the same payload always hashes the same. */
function canonical(/** @type {unknown} */ v) {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  );
}

/** A path segment decoded, or null when its %-escapes are malformed. */
export function safeDecode(/** @type {string} */ s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** @param {import('node:http').IncomingMessage} req */
function checkAuth(req) {
  const m = /^Bearer\s+(\S*)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m || !m[1]) throw missingApiKey();
  if (!API_KEY.test(m[1])) throw invalidApiKey();
}

/** @param {import('node:http').IncomingMessage} req */
function idempotencyKey(req) {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw.join(',') : raw;
  if (key.length < 1 || key.length > 256) {
    throw new ResendError(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
  }
  return key;
}

/**
 * @param {import('./validate.js').EmailInput} input
 * @param {string | null} idempotencyKey
 * @param {string | null} batchId
 * @returns {import('./store.js').StoredMessage}
 */
function toStored(input, idempotencyKey, batchId) {
  const id = crypto.randomUUID();
  // A caller-chosen Message-ID wins, as it does in the message Resend builds; otherwise one is
  // generated so follow-ups can thread with In-Reply-To/References.
  const own = Object.entries(input.headers).find(([k]) => k.toLowerCase() === 'message-id');
  return {
    id,
    message_id: own ? own[1] : `<${id}@mail.local>`,
    created_at: new Date().toISOString(),
    last_event: 'sent',
    idempotency_key: idempotencyKey,
    batch_id: batchId,
    ...input,
  };
}

/** Resend's email object (GET /emails/:id). @param {import('./store.js').StoredMessage} m */
export function emailObject(m) {
  const headers = Object.fromEntries(Object.entries(m.headers).filter(([k]) => k.toLowerCase() !== 'message-id'));
  return {
    object: 'email',
    id: m.id,
    to: m.to,
    from: m.from,
    created_at: m.created_at,
    subject: m.subject,
    html: m.html,
    text: m.text,
    bcc: m.bcc,
    cc: m.cc,
    reply_to: m.reply_to,
    last_event: m.last_event,
    scheduled_at: null,
    tags: m.tags,
    headers: { ...headers, 'Message-ID': m.message_id },
    message_id: m.message_id,
  };
}

/**
 * Validates a send request body into the messages to store and the answer to give.
 * @param {'single' | 'batch'} kind
 * @param {unknown} body
 * @param {import('node:http').IncomingMessage} req
 * @param {string | null} key
 */
function prepare(kind, body, req, key) {
  if (kind === 'single') {
    const m = toStored(validateEmail(body), key, null);
    return { messages: [m], answer: { id: m.id } };
  }
  const mode = String(req.headers['x-batch-validation'] ?? 'strict').toLowerCase();
  if (mode !== 'strict' && mode !== 'permissive') {
    throw validationError('`x-batch-validation` must be `strict` or `permissive`.');
  }
  if (!Array.isArray(body)) throw validationError('The request body must be an array of emails.');
  if (body.length === 0 || body.length > MAX_BATCH) {
    throw validationError(`A batch must contain between 1 and ${MAX_BATCH} emails.`);
  }
  const batchId = crypto.randomUUID();
  const messages = [];
  const errors = [];
  for (const [index, item] of body.entries()) {
    try {
      messages.push(toStored(validateEmail(item, { batch: true }), key, batchId));
    } catch (e) {
      if (!(e instanceof ResendError)) throw e;
      // Strict mode is all-or-nothing: the first invalid email rejects the whole batch.
      if (mode === 'strict') throw new ResendError(e.statusCode, e.name, `emails[${index}]: ${e.message}`);
      errors.push({ index, message: e.message });
    }
  }
  const answer = { data: messages.map((m) => ({ id: m.id })), ...(mode === 'permissive' ? { errors } : {}) };
  return { messages, answer };
}

/**
 * @param {ApiContext} ctx
 * @param {'single' | 'batch'} kind
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ status: number, body: unknown }>}
 */
async function handleSend(ctx, kind, req) {
  const { store, faults } = ctx;
  const injected = faults.takeFailure();
  if (injected !== null) {
    req.resume();
    throw injectedFailure(injected);
  }
  const key = idempotencyKey(req);
  const body = await readJson(req);
  const hash = crypto
    .createHash('sha256')
    .update(`${kind}\n${req.headers['x-batch-validation'] ?? ''}\n${canonical(body)}`)
    .digest('hex');

  if (key !== null) {
    const prior = store.idempotency(key);
    if (prior) {
      if (prior.hash !== hash) {
        throw new ResendError(
          409,
          'invalid_idempotent_request',
          'Same idempotency key used with a different request payload.',
        );
      }
      store.stats.idempotent_replays++;
      return { status: prior.status, body: prior.body };
    }
  }
  const { messages, answer } = prepare(kind, body, req, key);
  if (key !== null && !store.claim(key)) {
    throw new ResendError(
      409,
      'concurrent_idempotent_requests',
      'Same idempotency key used while original request is still in progress.',
    );
  }
  try {
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    // Only accepted requests are remembered, so a retry after a 4xx/5xx is processed afresh.
    store.accept(messages, key === null ? null : { key, hash, status: 200, body: answer, at: Date.now() });
  } finally {
    if (key !== null) store.release(key);
  }
  for (const m of messages) ctx.log(`accepted ${m.id} to ${m.to.join(', ')}: ${m.subject}`);
  if (faults.answerDelayMs > 0) await new Promise((r) => setTimeout(r, faults.answerDelayMs));
  return { status: 200, body: answer };
}

/** GET /emails: Resend's list shape with `limit` (1–100, default 20) and `after`/`before` cursors. */
function listEmails(/** @type {ApiContext} */ ctx, /** @type {URL} */ url) {
  const limitRaw = url.searchParams.get('limit');
  const limit = limitRaw === null ? 20 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw validationError('The `limit` parameter must be a whole number between 1 and 100.');
  }
  const after = url.searchParams.get('after');
  const before = url.searchParams.get('before');
  if (after && before) throw validationError('Use either `after` or `before`, not both.');
  let all = ctx.store.list();
  const cursor = after ?? before;
  if (cursor) {
    const at = all.findIndex((m) => m.id === cursor);
    if (at < 0) throw new ResendError(422, 'invalid_parameter', 'The cursor does not name a known email.');
    all = after ? all.slice(at + 1) : all.slice(Math.max(0, at - limit), at);
  }
  const page = all.slice(0, limit);
  const data = page.map((m) => {
    const { html: _h, text: _t, headers: _hd, tags: _tg, message_id: _mid, ...rest } = emailObject(m);
    return rest;
  });
  return { object: 'list', has_more: all.length > page.length, data };
}

/**
 * Answers one Resend API request (every path except the catcher's own pages and /_catcher).
 * @param {ApiContext} ctx
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 */
export async function handleResendApi(ctx, req, res, url) {
  /** @type {Record<string, string>} */
  let headers = {};
  try {
    const rate = ctx.limiter.take();
    if (rate) {
      headers = rate.headers;
      if (!rate.allowed) throw rateLimited(/** @type {number} */ (ctx.limiter.limit), rate.retryAfter);
    }
    checkAuth(req);
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (path === '/emails' || path === '/emails/batch') {
      if (path === '/emails' && method === 'GET') return send(res, 200, listEmails(ctx, url), headers);
      if (method !== 'POST') throw methodNotAllowed();
      const r = await handleSend(ctx, path === '/emails' ? 'single' : 'batch', req);
      return send(res, r.status, r.body, headers);
    }
    if (path === '/emails/receiving' || path.startsWith('/emails/receiving/')) {
      if (method !== 'GET') throw methodNotAllowed();
      const injected = ctx.faults.takeReceivingFailure();
      if (injected !== null) throw injectedFailure(injected);
      return send(res, 200, answerReceiving(ctx.store, path, url), headers);
    }
    if (path === '/domains' || path.startsWith('/domains/')) {
      if (!ctx.domains) throw notFound();
      const r = await answerDomains(ctx.domains, method, path, () => readJson(req));
      return send(res, r.status, r.body, headers);
    }
    const one = /^\/emails\/([^/]+)$/.exec(path);
    if (one) {
      if (method !== 'GET') throw methodNotAllowed();
      const id = safeDecode(/** @type {string} */ (one[1]));
      if (id === null || !UUID.test(id))
        throw new ResendError(422, 'invalid_parameter', 'The `id` must be a valid UUID.');
      const m = ctx.store.get(id);
      if (!m) throw notFound('Email not found.');
      return send(res, 200, emailObject(m), headers);
    }
    throw notFound();
  } catch (e) {
    if (e instanceof ResendError) {
      if (req.method === 'POST' && /^\/emails(\/batch)?\/?$/.test(url.pathname)) ctx.store.stats.rejected_requests++;
      if (!req.readableEnded) req.resume();
      return send(res, e.statusCode, e, { ...headers, ...e.headers });
    }
    ctx.log(`unexpected error on ${req.method} ${url.pathname}: ${e instanceof Error ? e.stack : e}`);
    return send(
      res,
      500,
      { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' },
      headers,
    );
  }
}
