// POST /functions/v1/resend-webhook — Resend's webhooks (verify_jwt = false: Resend signs with
// Svix instead). Order of work, each step refusing before anything is written:
//   1. verify the Svix signature over the RAW body (svix rejects timestamps older than 5 min);
//   2. parse and check the event type;
//   3. for `email.received`, whose webhook carries metadata only, fetch the email's body and
//      headers from Resend's Received-emails API (received-email.ts); a failure answers 502
//      before anything is written, so Resend's retry finds a clean slate;
//   4. compute what TypeScript reads best (inbound addresses, stripped text, out-of-office;
//      machine user agents) and hand everything to ONE SQL call, public.ingest_resend_event,
//      which records the svix-id in webhook_receipts and applies the event in one transaction
//      (duplicates and reordered deliveries change nothing);
//   5. answer, with a Server-Timing header; classification and the initiator's notification
//      run after the answer.
// Status codes: 200 applied/duplicate/ignored · 400 malformed JSON, unknown type, missing
// headers · 401 bad or stale signature · 405 not POST · 413 too large · 502 the received email
// could not be fetched · 500 the work could not be done (Resend then retries with the same
// svix-id).
import { Webhook, WebhookVerificationError } from 'svix';
import { callRpc, RpcError } from '../_shared/service-rpc.ts';
import { classifyUserAgent } from '../_shared/machine-opens.ts';
import { afterReply, type ReplyOutcome } from './after-reply.ts';
import { deriveInbound, needsBody } from './inbound.ts';
import { fetchReceivedEmail } from './received-email.ts';
import { readTextLimited } from '../_shared/body.ts';

const EVENT_TYPES = new Set([
  'email.sent',
  'email.delivered',
  'email.delivery_delayed',
  'email.bounced',
  'email.complained',
  'email.opened',
  'email.clicked',
  'email.received',
]);
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Durations of the phases of one delivery, answered as a Server-Timing header in ms (body:
 * reading the request; verify; read: fetching and parsing an inbound email; ingest; total), so
 * a slow delivery shows where its time went, in bench/webhook.js and in any proxy's logs.
 * Durations reveal nothing a caller could use, and Resend ignores the header.
 */
class Phases {
  #start = performance.now();
  #last = this.#start;
  #marks: string[] = [];
  mark(name: string): void {
    const now = performance.now();
    this.#marks.push(`${name};dur=${(now - this.#last).toFixed(1)}`);
    this.#last = now;
  }
  header(): string {
    return [...this.#marks, `total;dur=${(performance.now() - this.#start).toFixed(1)}`].join(', ');
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** Background work outlives the response: EdgeRuntime.waitUntil on Supabase, a plain promise locally. */
function runInBackground(work: Promise<void>): void {
  const guarded = work.catch((e) => console.error('resend-webhook: after-reply work failed:', e));
  // deno-lint-ignore no-explicit-any
  const runtime = (globalThis as any).EdgeRuntime;
  if (runtime && typeof runtime.waitUntil === 'function') runtime.waitUntil(guarded);
}

let webhook: Webhook | null = null;
function verifier(): Webhook | null {
  const secret = Deno.env.get('RESEND_WEBHOOK_SECRET');
  if (!secret) return null;
  webhook ??= new Webhook(secret);
  return webhook;
}

Deno.serve(async (req) => {
  const phases = new Phases();
  const res = await handle(req, phases);
  res.headers.set('Server-Timing', phases.header());
  return res;
});

async function handle(req: Request, phases: Phases): Promise<Response> {
  if (req.method !== 'POST') return json(405, { error: 'method_not_allowed', message: 'Use POST.' });
  const wh = verifier();
  if (!wh) {
    console.error('resend-webhook: RESEND_WEBHOOK_SECRET is not set');
    return json(500, { error: 'not_configured', message: 'The webhook secret is not configured.' });
  }
  const id = req.headers.get('svix-id');
  const timestamp = req.headers.get('svix-timestamp');
  const signature = req.headers.get('svix-signature');
  if (!id || !timestamp || !signature) {
    return json(400, {
      error: 'missing_signature',
      message: 'svix-id, svix-timestamp and svix-signature are required.',
    });
  }
  // Checked from Content-Length before reading, and while streaming when there is none.
  const raw = await readTextLimited(req, MAX_BODY_BYTES);
  if (raw === null) return json(413, { error: 'too_large', message: 'The payload is too large.' });
  phases.mark('body');

  let event: unknown;
  try {
    // verify() checks the signature and timestamp over the exact bytes, then parses them.
    event = wh.verify(raw, { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature });
  } catch (e) {
    if (e instanceof WebhookVerificationError) {
      return json(401, { error: 'invalid_signature', message: e.message });
    }
    return json(400, { error: 'malformed_json', message: 'The payload is not valid JSON.' });
  }
  phases.mark('verify');
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    return json(400, { error: 'malformed_event', message: 'The payload must be a JSON object.' });
  }
  const ev = event as Record<string, unknown>;
  const type = ev.type;
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) {
    return json(400, {
      error: 'unknown_event_type',
      message: `Unsupported event type ${JSON.stringify(type ?? null)}.`,
    });
  }
  let data = ev.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return json(400, { error: 'malformed_event', message: 'The event has no data object.' });
  }
  const receivedAt =
    typeof ev.created_at === 'string' && !Number.isNaN(Date.parse(ev.created_at))
      ? ev.created_at
      : new Date().toISOString();

  if (type === 'email.received') {
    const d = data as Record<string, unknown>;
    if (needsBody(d) && (typeof d.email_id !== 'string' || d.email_id === '')) {
      return json(400, {
        error: 'malformed_event',
        message: 'An email.received event needs data.email_id to fetch the email by (or an inline body).',
      });
    }
  }

  let derived: Record<string, unknown> = {};
  let inbound: ReturnType<typeof deriveInbound> | null = null;
  try {
    if (type === 'email.received') {
      let d = data as Record<string, unknown>;
      if (needsBody(d)) {
        // Resend's webhook carries metadata only; the body and headers come from its API.
        // Inline bodies (older payloads, hand-made tests) are read as they are.
        d = { ...(await fetchReceivedEmail(d.email_id as string)), ...d };
        data = d;
      }
      inbound = deriveInbound(d, receivedAt);
      derived = { ...inbound };
    } else if (type === 'email.opened' || type === 'email.clicked') {
      const d = data as Record<string, Record<string, unknown> | undefined>;
      const ua = (d.open ?? d.click)?.userAgent;
      derived = { is_machine: classifyUserAgent(typeof ua === 'string' ? ua : null).machine };
    }
  } catch (e) {
    console.error('resend-webhook: could not read the inbound email:', e);
    return json(502, {
      error: 'inbound_fetch_failed',
      message: 'The received email could not be fetched; retry later.',
    });
  }

  phases.mark('read');
  let result: Record<string, unknown>;
  try {
    result = await callRpc<Record<string, unknown>>('ingest_resend_event', {
      delivery_id: id,
      event: { ...ev, data },
      derived,
    });
  } catch (e) {
    if (e instanceof RpcError && e.isBadInput) {
      return json(400, { error: e.message, message: e.detail ?? e.message });
    }
    console.error('resend-webhook: ingest failed:', e);
    return json(500, { error: 'ingest_failed', message: 'The event could not be stored; retry later.' });
  }
  phases.mark('ingest');

  if (inbound && result.status === 'applied' && result.outcome === 'stopped') {
    runInBackground(afterReply(result as unknown as ReplyOutcome, inbound, receivedAt));
  }
  return json(200, result);
}
