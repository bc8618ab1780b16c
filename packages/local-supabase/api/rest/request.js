// Reading the HTTP side of a PostgREST request: the role from the JWT, Prefer, Accept,
// schema profiles and the Range header. Every check here answers with PostgREST's code.
import { PgrstError } from './errors.js';

/**
 * Resolves the request's claims: `Authorization: Bearer`, else the `apikey` header, else anon.
 * @param {import('node:http').IncomingMessage} req
 * @param {{ verify(t: string): Promise<Record<string, any>> }} jwt
 * @returns {Promise<{ claims: Record<string, any>, role: string, authed: boolean }>}
 */
export async function authenticate(req, jwt) {
  const auth = req.headers.authorization;
  let token = null;
  if (typeof auth === 'string' && /^bearer\s/i.test(auth)) token = auth.slice(7).trim();
  else if (typeof req.headers.apikey === 'string' && req.headers.apikey) token = req.headers.apikey.trim();
  if (!token) return { claims: { role: 'anon' }, role: 'anon', authed: false };
  /** @type {Record<string, any>} */
  let claims;
  try {
    claims = await jwt.verify(token);
  } catch (e) {
    const err = /** @type {{ kind: string, message: string }} */ (e);
    const code = err.kind === 'claims' ? 'PGRST303' : 'PGRST301';
    const message =
      err.kind === 'claims'
        ? err.message
        : err.kind === 'signature'
          ? 'JWSError JWSInvalidSignature'
          : `JWSError (CompactDecodeError ${err.message})`;
    throw new PgrstError(401, code, message, null, null, {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
    });
  }
  const role = claims.role === undefined ? 'anon' : claims.role;
  if (typeof role !== 'string' || role === '') {
    throw new PgrstError(401, 'PGRST303', 'JWT claim "role" must be a non-empty string', null, null, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
  // PostgREST answers 42501 with 401 for the anonymous role (even with the anon key's JWT), 403 otherwise.
  return { claims: { ...claims, role }, role, authed: role !== 'anon' };
}

/**
 * Splits Prefer headers (repeated and comma-joined, with or without spaces).
 * @param {import('node:http').IncomingMessage} req
 */
export function parsePrefer(req) {
  const raw = req.headers.prefer;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : [])
    .flatMap((h) => h.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  /** @type {Record<string, string>} */
  const p = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i > 0) p[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  const pick = (/** @type {string} */ k, /** @type {string[]} */ allowed) =>
    p[k] && allowed.includes(p[k]) ? p[k] : null;
  const maxAffected =
    p['max-affected'] !== undefined && /^\d{1,15}$/.test(p['max-affected']) ? Number(p['max-affected']) : null;
  return {
    return: pick('return', ['minimal', 'representation', 'headers-only']),
    count: pick('count', ['exact', 'planned', 'estimated']),
    resolution: pick('resolution', ['merge-duplicates', 'ignore-duplicates']),
    missing: pick('missing', ['default', 'null']),
    tx: pick('tx', ['commit', 'rollback']),
    handling: pick('handling', ['strict', 'lenient']),
    maxAffected,
    raw: p,
  };
}

/** @typedef {ReturnType<typeof parsePrefer>} Prefer */

/** Media types the gateway can produce, in the client's order of preference. */
/** @param {import('node:http').IncomingMessage} req @returns {'json' | 'object' | 'csv'} */
export function parseAccept(req) {
  const header = req.headers.accept;
  if (!header) return 'json';
  const types = header
    .split(',')
    .map((t) => (t.split(';')[0] ?? '').trim().toLowerCase())
    .filter(Boolean);
  for (const t of types) {
    if (t === 'application/json' || t === '*/*' || t === 'application/*' || t === 'application/vnd.pgrst.array+json')
      return 'json';
    if (t === 'application/vnd.pgrst.object+json' || t === 'application/vnd.pgrst.object') return 'object';
    if (t === 'text/csv' || t === 'text/*') return 'csv';
  }
  if (!types.length) return 'json';
  throw new PgrstError(406, 'PGRST107', `None of these media types are available: ${types.join(', ')}`);
}

/**
 * `Accept: application/vnd.pgrst.array+json;nulls=stripped` (or object+json): the client asks
 * for null-valued keys to be left out. @param {import('node:http').IncomingMessage} req
 */
export function acceptsStrippedNulls(req) {
  return (req.headers.accept ?? '').split(',').some((t) => {
    const [type, ...params] = t.split(';').map((x) => x.trim().toLowerCase());
    return (
      (type === 'application/vnd.pgrst.array+json' || type === 'application/vnd.pgrst.object+json') &&
      params.includes('nulls=stripped')
    );
  });
}

/**
 * `Accept: application/vnd.pgrst.plan[+json|+text]; for="…"; options=analyze|verbose|…` (what
 * supabase-js's `.explain()` sends), or null. @param {import('node:http').IncomingMessage} req
 */
export function parsePlanAccept(req) {
  const h = req.headers.accept ?? '';
  const m = /application\/vnd\.pgrst\.plan(\+json|\+text)?((?:\s*;\s*[a-z]+=(?:"[^"]*"|[^;,]*))*)/i.exec(h);
  if (!m) return null;
  const params = Object.fromEntries(
    [...(m[2] ?? '').matchAll(/;\s*([a-z]+)=("[^"]*"|[^;,]*)/gi)].map((x) => [
      (x[1] ?? '').toLowerCase(),
      (x[2] ?? '').replace(/^"(.*)"$/, '$1').trim(),
    ]),
  );
  const allowed = new Set(['analyze', 'verbose', 'settings', 'buffers', 'wal']);
  const options = (params.options ?? '')
    .split('|')
    .map((o) => o.trim().toLowerCase())
    .filter(Boolean);
  const bad = options.find((o) => !allowed.has(o));
  if (bad) throw new PgrstError(406, 'PGRST107', `None of these media types are available: ${h}`);
  return {
    format: /** @type {'json' | 'text'} */ ((m[1] ?? '+text').slice(1).toLowerCase()),
    for: params.for || 'application/json',
    options,
  };
}

/** The profile's schema; the first exposed schema by default. @param {import('node:http').IncomingMessage} req @param {string[]} exposed */
export function schemaFor(req, exposed) {
  const write = !['GET', 'HEAD'].includes(req.method ?? 'GET');
  const h = req.headers[write ? 'content-profile' : 'accept-profile'];
  const schema = typeof h === 'string' && h ? h : (exposed[0] ?? 'public');
  if (!exposed.includes(schema)) {
    throw new PgrstError(406, 'PGRST106', `The schema must be one of the following: ${exposed.join(', ')}`, null, null);
  }
  return schema;
}

/**
 * `Range: 0-9` (with `Range-Unit: items`) as offset/limit. Unparseable headers are ignored, as PostgREST does.
 * @param {import('node:http').IncomingMessage} req
 */
export function parseRangeHeader(req) {
  const h = req.headers.range;
  if (typeof h !== 'string') return null;
  const m = /^(?:items=)?\s*(\d{1,15})-(\d{0,15})\s*$/.exec(h);
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : null;
  if (to !== null && to < from)
    throw new PgrstError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      `The lower boundary must be lower than or equal to the upper boundary in the Range header.`,
    );
  return { offset: from, limit: to === null ? null : to - from + 1 };
}

/** @param {string | undefined} header @returns {Record<string,string>} */
export function parseCookies(header) {
  /** @type {Record<string,string>} */
  const out = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
