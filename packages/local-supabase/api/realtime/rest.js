// Broadcast over HTTP, as Supabase Realtime's API:
//   POST /realtime/v1/api/broadcast  {messages:[{topic, event, payload, private}]}  → 202
//     (realtime-js `channel.send()` before the socket is joined)
//   POST /realtime/v1/api/broadcast/<topic>/events/<event>[?private=true]  body = payload → 202
//     (realtime-js `channel.httpSend()`)
// The caller's JWT (Authorization bearer, else apikey) decides: private messages are sent
// only where an insert into realtime.messages as that user passes RLS; others are dropped,
// as Supabase does. The service role passes because it bypasses RLS.
import { readBody, sendJson } from '../http.js';
import { verifyToken, canWrite } from './authz.js';

const MAX_MESSAGES = 1000;

/**
 * @param {import('./index.js').Realtime} rt
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} subpath
 */
export async function handleRest(rt, req, res, subpath) {
  const url = new URL(subpath, 'http://local');
  const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)\/?$/.exec(url.pathname);
  if (url.pathname !== '/api/broadcast' && url.pathname !== '/api/broadcast/' && !single) {
    return sendJson(res, 404, { error: 'Not found' });
  }
  if (req.method !== 'POST')
    return sendJson(res, 405, { error: `Method ${req.method} not allowed; use POST` }, { Allow: 'POST' });

  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
  const apikey = typeof req.headers.apikey === 'string' ? req.headers.apikey : undefined;
  let claims;
  try {
    claims = await verifyToken(rt.ctx, bearer || apikey);
  } catch (e) {
    return sendJson(res, 401, { error: /** @type {any} */ (e).reason ?? 'Invalid JWT' });
  }

  const body = await readBody(req, Math.max(rt.maxPayloadBytes * 4, 1024 * 1024));
  /** @type {Array<{ topic: string, event: string, payload: unknown, binary?: Buffer, isPrivate: boolean }>} */
  let messages;
  if (single) {
    const topic = decodeURIComponent(/** @type {string} */ (single[1]));
    const event = decodeURIComponent(/** @type {string} */ (single[2]));
    const isPrivate = url.searchParams.get('private') === 'true';
    if (String(req.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
      messages = [{ topic, event, payload: undefined, binary: body, isPrivate }];
    } else {
      let payload;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'Body must be JSON (or application/octet-stream)' });
      }
      messages = [{ topic, event, payload, isPrivate }];
    }
  } else {
    let parsed;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, {
        error: 'Body must be JSON: {"messages": [{"topic", "event", "payload", "private"}]}',
      });
    }
    const problem = validate(parsed);
    if (problem) return sendJson(res, 400, { error: problem });
    messages = parsed.messages.map((/** @type {any} */ m) => ({
      topic: m.topic,
      event: m.event,
      payload: m.payload ?? {},
      isPrivate: m.private === true,
    }));
  }
  for (const m of messages) {
    const size = m.binary ? m.binary.length : Buffer.byteLength(JSON.stringify(m.payload ?? null));
    if (size > rt.maxPayloadBytes)
      return sendJson(res, 413, { error: `Payload size exceeded tenant limit of ${rt.maxPayloadBytes / 1024} KB` });
  }

  /** @type {Map<string, Promise<boolean>>} one policy check per private topic and event */
  const allowed = new Map();
  for (const m of messages) {
    if (m.isPrivate) {
      const key = `${m.topic}\u0000${m.event}`;
      if (!allowed.has(key)) allowed.set(key, canWrite(rt.ctx, claims, m.topic, 'broadcast', m.event));
      if (!(await allowed.get(key))) continue;
    }
    /** @type {import('./protocol.js').UserBroadcast} */
    const ub = m.binary
      ? { event: m.event, binary: m.binary }
      : { event: m.event, value: m.payload, json: Buffer.from(JSON.stringify(m.payload)) };
    rt.hub.broadcast(`realtime:${m.topic}`, ub, { isPrivate: m.isPrivate });
  }
  res.writeHead(202, { 'Content-Length': '0' });
  res.end();
}

/** @param {any} b @returns {string|null} */
function validate(b) {
  if (!b || typeof b !== 'object' || !Array.isArray(b.messages)) return '"messages" must be a list';
  if (b.messages.length > MAX_MESSAGES) return `At most ${MAX_MESSAGES} messages per request`;
  for (const [i, m] of b.messages.entries()) {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return `messages[${i}] must be an object`;
    if (typeof m.topic !== 'string' || m.topic === '') return `messages[${i}].topic must be a non-empty string`;
    if (typeof m.event !== 'string' || m.event === '') return `messages[${i}].event must be a non-empty string`;
    if (m.private !== undefined && typeof m.private !== 'boolean') return `messages[${i}].private must be a boolean`;
  }
  return null;
}
