// Signed, opaque tokens for the links inside sent emails: unsubscribe, open pixel and click
// redirects. A token carries its payload and an HMAC-SHA256 over it (Web Crypto: the same code
// runs in Deno and Node), so a forged or altered token is rejected without a database lookup.
// Secret: LINK_SIGNING_SECRET (set with `supabase secrets set` in production).

/** What a token is for; a token of one kind is never accepted as another. */
export type LinkKind = 'unsubscribe' | 'open' | 'click';

export interface LinkPayload {
  /** Kind of link. */
  k: LinkKind;
  /** The enrollment_stages row the email was sent for. */
  s: string;
  /** Click links only: the index of the link in the email and its original URL. */
  i?: number;
  u?: string;
}

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Signature bytes kept: 128 bits is ample against forgery and keeps URLs short. */
const SIG_BYTES = 16;

export async function signLink(payload: LinkPayload, secret: string): Promise<string> {
  if (!secret) throw new Error('LINK_SIGNING_SECRET is not set');
  const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(body)));
  return `${body}.${toBase64Url(sig.slice(0, SIG_BYTES))}`;
}

/**
 * The payload of a genuine token of the expected kind, or null for anything forged, altered,
 * truncated or of another kind. Comparison is constant-time.
 */
export async function verifyLink(token: string, kind: LinkKind, secret: string): Promise<LinkPayload | null> {
  if (!secret || typeof token !== 'string' || token.length > 4096) return null;
  const [body, sigText, extra] = token.split('.');
  if (!body || !sigText || extra !== undefined) return null;
  const sig = fromBase64Url(sigText);
  if (!sig || sig.length !== SIG_BYTES) return null;
  const expected = new Uint8Array(
    await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(body)),
  ).slice(0, SIG_BYTES);
  let diff = 0;
  for (let i = 0; i < SIG_BYTES; i++) diff |= (expected[i] ?? 0) ^ (sig[i] ?? 0);
  if (diff !== 0) return null;
  const raw = fromBase64Url(body);
  if (!raw) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  if (p.k !== kind || typeof p.s !== 'string' || !/^[0-9a-f-]{36}$/i.test(p.s)) return null;
  if (kind === 'click' && (typeof p.u !== 'string' || typeof p.i !== 'number')) return null;
  return p as unknown as LinkPayload;
}
