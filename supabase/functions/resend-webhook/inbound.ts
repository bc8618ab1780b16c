// Reads an inbound email (`email.received`) into the `derived` object that
// public.ingest_resend_event stores and matches: addresses, threading headers, the reply token
// of `reply+<token>@…` recipients, the candidate's own words (stripReply) and whether it is an
// out-of-office answer (detectOutOfOffice). Reads the Received-emails API's object
// (received-email.ts) merged with the webhook's metadata; tolerant on purpose, because inline
// payloads are accepted too and senders' mail clients vary: fields may be strings, arrays, or
// objects.
import { detectOutOfOffice, htmlToText, resumeDate, stripReply } from '../_shared/replies/index.ts';

export interface InboundDerived {
  from_email: string | null;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  visible: string;
  message_id: string | null;
  in_reply_to: string | null;
  references: string[];
  reply_tokens: string[];
  headers: Record<string, string>;
  ooo?: { return_date: string | null; resume_on: string };
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** `Anna <anna@x.com>`, `anna@x.com`, `{email: …}` → `anna@x.com` (lower-cased). */
export function bareAddress(value: unknown): string | null {
  const raw =
    typeof value === 'string'
      ? value
      : value && typeof value === 'object'
        ? (str((value as Json).email) ?? str((value as Json).address))
        : null;
  if (!raw) return null;
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(raw);
  const addr = (angle ? angle[1] : raw).trim().replace(/^mailto:/i, '');
  return /^[^@\s,;]+@[^@\s,;]+$/.test(addr) ? addr.toLowerCase() : null;
}

function addressList(value: unknown): string[] {
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
      : [value];
  return items.map(bareAddress).filter((a): a is string => a !== null);
}

/** Headers as a lower-cased map, from `{Name: value}` or `[{name, value}]`. */
export function headerMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const h of value) {
      if (h && typeof h === 'object') {
        const name = str((h as Json).name) ?? str((h as Json).key);
        const v = (h as Json).value;
        if (name && typeof v === 'string') out[name.toLowerCase()] = v;
      }
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Json)) {
      if (typeof v === 'string') out[k.toLowerCase()] = v;
      else if (Array.isArray(v)) out[k.toLowerCase()] = v.filter((x) => typeof x === 'string').join(', ');
    }
  }
  return out;
}

/** Message ids without angle brackets, in order: `<a@x> <b@y>` → [`a@x`, `b@y`]. */
export function messageIds(value: unknown): string[] {
  const parts = Array.isArray(value)
    ? value.filter((x) => typeof x === 'string')
    : typeof value === 'string'
      ? [value]
      : [];
  const out: string[] = [];
  for (const part of parts as string[]) {
    const bracketed = part.match(/<[^<>\s]+>/g);
    const ids = bracketed ? bracketed.map((b) => b.slice(1, -1)) : part.split(/[\s,]+/);
    for (const id of ids) if (id && id.length <= 998) out.push(id);
  }
  return out;
}

/** Tokens of `reply+<token>@…` recipients. */
export function replyTokens(addresses: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of addresses) {
    const m = /^reply\+([a-z0-9_-]{6,128})@/i.exec(a);
    if (m?.[1]) out.push(m[1].toLowerCase());
  }
  return out;
}

/** Whether the payload lacks the body, so the Received-emails API must be asked for it. */
export function needsBody(data: Json): boolean {
  return typeof data.text !== 'string' && typeof data.html !== 'string';
}

export function deriveInbound(data: Json, receivedAt: string): InboundDerived {
  const headers = headerMap(data.headers);
  // received_for (the envelope recipients Resend reports) catches a reply address that was only
  // in Bcc or reached through forwarding.
  const to = [
    ...addressList(data.to),
    ...addressList(data.cc),
    ...addressList(headers['to'] ?? null),
    ...addressList(data.received_for),
  ];
  const html = str(data.html);
  const text = str(data.text) ?? (html ? htmlToText(html) : '');
  const subject = str(data.subject) ?? headers['subject'] ?? '';
  const messageId = messageIds(str(data.message_id) ?? headers['message-id'] ?? null)[0] ?? null;
  const inReplyTo = messageIds(str(data.in_reply_to) ?? headers['in-reply-to'] ?? null)[0] ?? null;
  const references = messageIds(data.references ?? headers['references'] ?? null);
  const visible = stripReply({ text, html }).visible;
  const derived: InboundDerived = {
    from_email: bareAddress(data.from) ?? bareAddress(headers['from'] ?? null),
    to: [...new Set(to)],
    subject,
    text,
    html,
    visible,
    message_id: messageId,
    in_reply_to: inReplyTo,
    references,
    reply_tokens: [...new Set(replyTokens(to))],
    headers,
  };
  const ooo = detectOutOfOffice({ subject, text, receivedAt, headers });
  if (ooo.isOutOfOffice)
    derived.ooo = { return_date: ooo.returnDate, resume_on: resumeDate(ooo.returnDate, receivedAt) };
  return derived;
}
