// What happens after the webhook has answered Resend for a logged reply (S6): classify it when
// the organisation opted in and the initiating user did not opt out, store the verdict
// (public.apply_reply_classification), and email the initiator with a link to change it.
// Runs in the background: a slow or failing classifier never delays or fails the delivery,
// and the reply has already stopped the sequence by then.
import { headerText } from '../_shared/email/index.ts';
import { createClassifier } from '../_shared/replies/index.ts';
import { callRpc } from '../_shared/service-rpc.ts';
import type { InboundDerived } from './inbound.ts';

export interface ReplyOutcome {
  reply_id: string;
  enrollment_id: string;
  sequence_id: string;
  classify: boolean;
  notify_email: string | null;
  candidate_name: string | null;
  candidate_email: string | null;
}

const LABEL_TEXT: Record<string, string> = {
  interested: 'Interested',
  not_interested: 'Not interested',
  out_of_office: 'Out of office',
  other: 'Replied',
};

export async function afterReply(outcome: ReplyOutcome, inbound: InboundDerived, receivedAt: string): Promise<void> {
  let label: string | null = null;
  if (outcome.classify) {
    const classifier = createClassifier(Deno.env.toObject());
    const verdict = await classifier.classify({
      subject: inbound.subject,
      text: inbound.text,
      html: inbound.html,
      receivedAt,
      headers: inbound.headers,
    });
    await callRpc<boolean>('apply_reply_classification', {
      reply_id: outcome.reply_id,
      label: verdict.label,
      confidence: verdict.confidence,
      provider: verdict.provider,
      reason: verdict.reason ?? null,
    });
    label = verdict.label;
  }
  if (outcome.notify_email) await notifyInitiator(outcome, inbound, label);
}

async function notifyInitiator(outcome: ReplyOutcome, inbound: InboundDerived, label: string | null): Promise<void> {
  const appUrl = (Deno.env.get('APP_URL') ?? '').replace(/\/+$/, '');
  const link = `${appUrl}/sequences/${outcome.sequence_id}?enrollment=${outcome.enrollment_id}`;
  const who = outcome.candidate_name ?? outcome.candidate_email ?? 'a candidate';
  const status = label ? (LABEL_TEXT[label] ?? label) : null;
  // The candidate's name and address are candidate data: one header line, no injected headers.
  const subject = headerText(status ? `Reply from ${who}: classified as ${status}` : `Reply from ${who}`);
  const excerpt = inbound.visible.length > 600 ? `${inbound.visible.slice(0, 600)}…` : inbound.visible;
  const text = [
    status
      ? `Reply from ${who}: classified as ${status} — change it: ${link}`
      : `Reply from ${who}. Set the response: ${link}`,
    '',
    `Subject: ${inbound.subject}`,
    '',
    excerpt,
  ].join('\n');
  const domain = Deno.env.get('INBOUND_EMAIL_DOMAIN') || 'inbound.local';
  const from = Deno.env.get('NOTIFY_FROM_EMAIL') || `Outreach Sequences <notifications@${domain}>`;
  const base = (Deno.env.get('RESEND_BASE_URL') || 'https://api.resend.com').replace(/\/+$/, '');
  const res = await fetch(`${base}/emails`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${Deno.env.get('RESEND_API_KEY') ?? ''}`,
      'Content-Type': 'application/json',
      // One notification per reply even if this runs twice.
      'Idempotency-Key': `reply-notification-${outcome.reply_id}`,
    },
    body: JSON.stringify({
      from,
      to: [outcome.notify_email],
      subject,
      text,
      tags: [{ name: 'kind', value: 'reply_notification' }],
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`notification email refused: ${res.status} ${(await res.text()).slice(0, 200)}`);
}
