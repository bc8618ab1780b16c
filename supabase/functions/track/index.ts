// GET /functions/v1/track/o/<token> — the open pixel; GET /functions/v1/track/c/<token> — a
// tracked link (verify_jwt = false: mail clients carry no session). Tokens are signed by the
// sending engine with _shared/signed-links.ts (kinds 'open' and 'click'); the click token
// holds the original URL, and the redirect goes ONLY there, so the endpoint cannot be used as
// an open redirect. Opens and clicks by proxies and scanners are stored with is_machine
// (_shared/machine-opens.ts). Recording is best effort: a database hiccup never breaks the
// candidate's click or image.
import { verifyLink } from '../_shared/signed-links.ts';
import { classifyUserAgent, MACHINE_CLICK_WINDOW_SECONDS } from '../_shared/machine-opens.ts';
import { callRpc } from '../_shared/service-rpc.ts';

// A 1×1 transparent GIF.
const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (c) => c.charCodeAt(0));
const NO_CACHE = {
  'Cache-Control': 'no-store, no-cache, must-revalidate, max-age=0, private',
  Pragma: 'no-cache',
  Expires: '0',
};

function pixel(status: number, method: string): Response {
  return new Response(method === 'HEAD' ? null : PIXEL, {
    status,
    headers: { 'Content-Type': 'image/gif', 'Content-Length': String(PIXEL.length), ...NO_CACHE },
  });
}

function page(status: number, title: string, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1d2330}</style></head>
<body><main><h1>${title}</h1><p>${message}</p></main></body></html>`;
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      ...NO_CACHE,
    },
  });
}

async function record(stageId: string, kind: 'opened' | 'clicked', url: string | null, req: Request): Promise<void> {
  const ua = req.headers.get('user-agent');
  try {
    await callRpc('record_link_event', {
      stage_id: stageId,
      kind,
      url,
      user_agent: ua,
      ua_machine: classifyUserAgent(ua).machine,
      machine_window_seconds: MACHINE_CLICK_WINDOW_SECONDS,
    });
  } catch (e) {
    console.error(`track: could not record ${kind} for stage ${stageId}:`, e);
  }
}

Deno.serve(async (req) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } });
  }
  const secret = Deno.env.get('LINK_SIGNING_SECRET') ?? '';
  const m = /\/track\/(o|c)\/([^/?#]+)\/?$/.exec(new URL(req.url).pathname);
  if (!m) return page(404, 'Not found', 'There is nothing at this address.');
  const token = decodeURIComponent(m[2] ?? '').replace(/\.gif$/, '');

  if (m[1] === 'o') {
    const payload = await verifyLink(token, 'open', secret);
    // A forged pixel still gets an image (mail clients show a broken icon otherwise), but no record.
    if (!payload) return pixel(400, req.method);
    if (req.method === 'GET') await record(payload.s, 'opened', null, req);
    return pixel(200, req.method);
  }

  const payload = await verifyLink(token, 'click', secret);
  const url = payload?.u ?? '';
  let target: URL | null = null;
  try {
    target = url ? new URL(url) : null;
  } catch {
    target = null;
  }
  if (!payload || !target || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
    return page(
      400,
      'This link is not valid',
      'The link you followed is incomplete or has been altered, so we cannot tell where it leads. Nothing was recorded.',
    );
  }
  if (req.method === 'GET') await record(payload.s, 'clicked', url, req);
  // Exactly the signed URL, unnormalised.
  return new Response(null, { status: 302, headers: { Location: url, 'Referrer-Policy': 'no-referrer', ...NO_CACHE } });
});
