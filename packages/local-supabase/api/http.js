// Small HTTP helpers shared by the API parts: body reading with a size limit, JSON answers, CORS.

/** Largest request body accepted (bytes). */
export const MAX_BODY = 10 * 1024 * 1024;

export class HttpError extends Error {
  /** @param {number} status @param {unknown} body */
  constructor(status, body) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.status = status;
    this.body = body;
  }
}

/**
 * Reads a request body with a size limit that still answers: an oversized body is drained (up to
 * four times the limit, then the connection is cut) so the client receives the 413 instead of a
 * reset connection. `tooLarge` makes the error each API part answers with.
 * @param {import('node:http').IncomingMessage} req @param {number} [limit] @param {() => Error} [tooLarge]
 * @returns {Promise<Buffer>}
 */
export function readBody(
  req,
  limit = MAX_BODY,
  tooLarge = () => new HttpError(413, { code: 'PGRST413', message: 'Payload Too Large', details: null, hint: null }),
) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit * 4) {
        req.destroy();
        reject(tooLarge());
      } else if (size <= limit) chunks.push(c);
    });
    req.on('end', () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body @param {Record<string,string>} [headers] */
export function sendJson(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

export const CORS_EXPOSE =
  'Content-Range, Range-Unit, Content-Location, Location, Content-Type, Content-Profile, Preference-Applied, X-Sb-Error-Code, X-Supabase-Api-Version';

/** Sets permissive CORS headers like Supabase's gateway; answers preflights. Returns true when handled. */
/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
export function cors(req, res) {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE);
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('Access-Control-Max-Age', '86400');
    res.writeHead(200);
    res.end();
    return true;
  }
  return false;
}
