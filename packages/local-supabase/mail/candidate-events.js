// What the inbox's "act as the candidate" buttons send (used by actions.js): the candidate's
// reply as a received email (kept by the catcher, read back by the app through the
// Received-emails API) and Resend webhook events about a caught message, built in the shapes
// Resend documents, signed with Svix using
// the stack's RESEND_WEBHOOK_SECRET, and posted to the app's resend-webhook function — the
// same path a production delivery takes. Also reads the links a mail client would follow out
// of the message's HTML (tracking pixel, tracked links, unsubscribe).
import crypto from 'node:crypto';
import { Webhook } from 'svix';
import { appSecrets } from '../lib/config.js';
import { newReceivedEmail } from './received.js';

/** @typedef {import('./store.js').StoredMessage} StoredMessage */

const decodeAttr = (/** @type {string} */ s) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The href of every link in the message's HTML, in order, without duplicates. */
export function messageLinks(/** @type {StoredMessage} */ m) {
  /** @type {string[]} */
  const out = [];
  for (const match of (m.html ?? '').matchAll(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const href = decodeAttr(match[1] ?? match[2] ?? '').trim();
    if (/^https?:\/\//i.test(href) && !out.includes(href)) out.push(href);
  }
  return out;
}

/** The open-tracking pixel's URL, when the message has one. */
export function pixelUrl(/** @type {StoredMessage} */ m) {
  for (const match of (m.html ?? '').matchAll(/<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const src = decodeAttr(match[1] ?? match[2] ?? '');
    if (/\/functions\/v1\/track\/o\//.test(src)) return src;
  }
  return null;
}

/** The unsubscribe URL: the List-Unsubscribe header's https/http entry, else a link to the function. */
export function unsubscribeUrl(/** @type {StoredMessage} */ m) {
  const header = Object.entries(m.headers).find(([k]) => k.toLowerCase() === 'list-unsubscribe')?.[1] ?? '';
  const fromHeader = /<(https?:[^>]+)>/.exec(header)?.[1];
  return fromHeader ?? messageLinks(m).find((l) => /\/functions\/v1\/unsubscribe\b/.test(l)) ?? null;
}

const header = (/** @type {StoredMessage} */ m, /** @type {string} */ name) =>
  Object.entries(m.headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? null;

/** The candidate's address: the message's first recipient. */
const candidateOf = (/** @type {StoredMessage} */ m) => m.to[0] ?? 'candidate@example.test';

/**
 * The email a candidate sends answering `m`: to the Reply-To address (reply+<token>@…), with
 * In-Reply-To/References and the original quoted below. The catcher keeps it as Resend keeps a
 * received email (received.js); the app learns of it through a metadata-only webhook
 * (receivedEvent) and reads it from GET /emails/receiving/:id, as in production.
 * @param {StoredMessage} m @param {{ text: string, subjectPrefix?: string, headers?: Record<string, string> }} opts
 * @returns {import('./received.js').ReceivedEmail}
 */
export function replyEmail(m, opts) {
  const messageId = `<${crypto.randomUUID()}@candidate.mail.local>`;
  const references = [header(m, 'references'), m.message_id].filter(Boolean).join(' ');
  const quoted = (m.text ?? '')
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const to = m.reply_to && m.reply_to.length ? m.reply_to : [m.from];
  return newReceivedEmail({
    from: candidateOf(m),
    to,
    subject: `${opts.subjectPrefix ?? 'Re: '}${m.subject}`,
    message_id: messageId,
    text: `${opts.text}\n\nOn ${new Date(m.created_at).toUTCString()}, ${m.from} wrote:\n${quoted}\n`,
    headers: {
      'Message-ID': messageId,
      'In-Reply-To': m.message_id,
      References: references,
      ...(opts.headers ?? {}),
    },
  });
}

/** An event about the caught message itself (bounced, complained, opened …), keyed by its Resend id. */
export function messageEvent(/** @type {StoredMessage} */ m, /** @type {string} */ type, extra = {}) {
  const now = new Date().toISOString();
  return {
    type,
    created_at: now,
    data: { email_id: m.id, from: m.from, to: m.to, subject: m.subject, created_at: m.created_at, ...extra },
  };
}

/**
 * Posts a Svix-signed delivery to the app's resend-webhook function, signed with the stack's
 * generated webhook secret (appSecrets of the stack's config); one attempt (deliveries.js
 * retries). A retry passes the first attempt's `id`, as Svix does.
 * @param {string} apiUrl @param {unknown} event @param {{ dataDir: string }} config @param {string} [id]
 * @returns {Promise<{ status: number, body: string }>}
 */
export async function deliverWebhook(apiUrl, event, config, id = `msg_${crypto.randomUUID()}`) {
  const raw = JSON.stringify(event);
  const now = new Date();
  const signature = new Webhook(appSecrets(config).RESEND_WEBHOOK_SECRET).sign(id, now, raw);
  const res = await fetch(`${apiUrl}/functions/v1/resend-webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
      'svix-signature': signature,
    },
    body: raw,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.text()).slice(0, 500) };
}
