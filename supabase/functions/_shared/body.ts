// Reading a request body with a size limit, for the functions anyone on the internet can call
// (resend-webhook, unsubscribe): a declared Content-Length over the limit is refused before a
// byte is read, and a body without one (chunked) is read as a stream and abandoned as soon as
// it passes the limit, so an endless or huge body costs at most `maxBytes` of memory and is
// answered at once instead of being buffered whole first.

/**
 * The body's bytes, or null when it is (or declares to be) larger than `maxBytes`.
 * A malformed Content-Length counts as too large.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = req.headers.get('content-length');
  if (declared !== null && (!/^\d+$/.test(declared.trim()) || Number(declared) > maxBytes)) return null;
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The body as UTF-8 text (as Request.text() decodes it), or null when too large. */
export async function readTextLimited(req: Request, maxBytes: number): Promise<string | null> {
  const bytes = await readBodyLimited(req, maxBytes);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}
