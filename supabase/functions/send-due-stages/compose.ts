// Turns one claimed stage (a row of claim_due_stages) into the Resend payload the candidate
// receives: tokens rendered with the shared email library (_shared/email, bundled by the
// Supabase CLI through the relative import), tracked links and open pixel through signed
// `track` URLs unless the sender turned tracking off, the unsubscribe footer and RFC 8058
// one-click headers when the enrolment includes them, Reply-To carrying the enrolment's reply
// token, and threading headers. The payload is a pure function of the row and the config, so
// re-driving a stage after a crash produces the identical request (same Idempotency-Key, same
// body), which the provider answers from its idempotency record instead of sending again.
import {
  aiTokenKeysIn,
  candidateContext,
  headerText,
  renderStage,
  renderSubject,
  resolveTimeZone,
  type DocNode,
  type RenderContext,
  type SendWindow,
} from '../_shared/email/index.ts';
import type { Database, Tables } from '../_shared/database.types.ts';
import { signLink } from '../_shared/signed-links.ts';
import type { EmailAttachment, StageAttachment } from './attachments.ts';
import type { SendConfig } from './config.ts';

type ClaimRow = Database['public']['Functions']['claim_due_stages']['Returns'][number];
type Candidate = Tables<'candidates'>;
type Member = Tables<'members'>;
/** Marks columns nullable that the generated type cannot know are (outer joins, nullable stage columns). */
type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | null };

/**
 * A row of public.claim_due_stages, from the generated `Database` type (the copy under
 * `_shared/` that `npm run gen:types` writes next to the SPA's). The generator types jsonb as
 * `Json` and every column of a `returns table` function as non-null, so this narrows the jsonb
 * columns to the objects the claim builds from `candidates` and `members` rows, and marks what
 * the claim's outer joins may leave empty.
 */
export type ClaimedStage = Omit<
  Nullable<ClaimRow, 'send_key' | 'job_title' | 'thread_subject' | 'in_reply_to' | 'references' | 'batch_id'>,
  'body' | 'send_window' | 'candidate' | 'sender'
> & {
  body: DocNode;
  send_window: SendWindow | null;
  candidate: Pick<
    Candidate,
    'first_name' | 'last_name' | 'company' | 'title' | 'location' | 'reason_for_outreach' | 'time_zone'
  > & { custom_fields: Record<string, string | number | boolean | null> | null };
  /** name: the sender name, else the display name; email, title: sender_email, sender_title. */
  sender: Pick<Member, 'user_id' | 'signature' | 'tracking_enabled' | 'time_zone'> & {
    name: Member['sender_name'];
    email: string;
    title: Member['sender_title'];
  };
  /** Reviewed AI token values of the enrolment (added by the engine, not the claim). */
  ai?: Record<string, string> | null;
  /** The stage's files (added by the engine from public.stage_attachments; none when absent). */
  attachments?: StageAttachment[];
  /** The sender's rich-text signature (added by the engine: public.sender_signature_docs). */
  signature_doc?: DocNode | null;
};

/** What resend.batch.send / resend.emails.send take for one email. */
export interface EmailPayload {
  from: string;
  to: string[];
  replyTo: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  /** Filled in by the engine right before the provider call (attachments.ts), never earlier. */
  attachments?: EmailAttachment[];
}

export function renderContext(stage: ClaimedStage): RenderContext {
  return {
    candidate: candidateContext(stage.candidate),
    sender: {
      name: stage.sender.name,
      title: stage.sender.title,
      signature: stage.sender.signature,
      signatureDoc: stage.signature_doc ?? null,
      email: stage.sender.email,
    },
    job: { title: stage.job_title },
    ai: stage.ai ?? null,
  };
}

/**
 * The zone send windows are read in: the recipient's, else the sender's, else the organisation's
 * (S9). The same rule as private.stage_time_zone, which stored the stage's time (parity:
 * tests/integration/schedule-parity.test.ts); here it only guards the send-time window check.
 */
export function recipientTimeZone(stage: ClaimedStage): string {
  return resolveTimeZone(stage.candidate.time_zone, stage.sender.time_zone, stage.org_time_zone);
}

/** The Message-ID this stage's email carries, known before the provider call. */
export function messageIdFor(stage: ClaimedStage, config: SendConfig): string {
  return `<${stage.stage_id}@${config.inboundDomain}>`;
}

/** `"Name" <address>`, quoting the display name so commas or quotes in it cannot split it. */
function mailbox(name: string | null, address: string): string {
  const clean = headerText(name ?? '');
  if (clean === '') return address;
  return `"${clean.replace(/(["\\])/g, '\\$1')}" <${address}>`;
}

/** Header values must be one line; References may be long, so it is folded by the provider. */
function oneLine(value: string): string {
  return headerText(value);
}

export async function composeEmail(stage: ClaimedStage, config: SendConfig): Promise<EmailPayload> {
  const context = renderContext(stage);
  const base = `${config.supabaseUrl}/functions/v1`;
  const tracking = stage.sender.tracking_enabled;

  // renderStage calls the link rewriter synchronously, and signing is asynchronous: collect
  // the links in document order first, sign them, then render with the signed URLs.
  const links: string[] = [];
  if (tracking) {
    renderStage({ subject: stage.subject, body: stage.body }, context, {
      linkRewriter: (url, index) => {
        links[index] = url;
        return url;
      },
    });
  }
  const tracked = await Promise.all(
    links.map(
      async (url, i) =>
        `${base}/track/c/${await signLink({ k: 'click', s: stage.stage_id, i, u: url }, config.linkSigningSecret)}`,
    ),
  );
  const unsubscribeUrl = stage.include_unsubscribe_link
    ? `${base}/unsubscribe?token=${await signLink({ k: 'unsubscribe', s: stage.stage_id }, config.linkSigningSecret)}`
    : undefined;
  const pixel = tracking
    ? `${base}/track/o/${await signLink({ k: 'open', s: stage.stage_id }, config.linkSigningSecret)}`
    : undefined;

  const rendered = renderStage({ subject: stage.subject, body: stage.body }, context, {
    ...(tracking ? { linkRewriter: (_url: string, index: number) => tracked[index] ?? _url } : {}),
    ...(pixel ? { trackingPixelUrl: pixel } : {}),
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
  });

  const headers: Record<string, string> = { 'Message-ID': messageIdFor(stage, config) };
  let subject = rendered.subject;
  // A follow-up in the same thread answers the last sent email of the thread, under the
  // thread's first subject, as a mail client's reply would.
  if (stage.thread_mode === 'reply' && stage.in_reply_to) {
    headers['In-Reply-To'] = oneLine(stage.in_reply_to);
    headers['References'] = oneLine((stage.references ?? [stage.in_reply_to]).join(' '));
    const root = renderSubject(stage.thread_subject ?? stage.subject, context);
    subject = /^re:/i.test(root) ? root : `Re: ${root}`;
  }
  if (unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }

  return {
    from: mailbox(stage.sender.name, headerText(stage.sender.email)),
    to: [headerText(stage.to_email)],
    replyTo: [`reply+${stage.reply_token}@${config.inboundDomain}`],
    subject,
    html: rendered.html,
    text: rendered.text,
    headers,
    // Resend's webhooks echo tags, which lets the inbound side find the stage of an event.
    tags: [
      { name: 'stage_id', value: stage.stage_id },
      { name: 'enrollment_id', value: stage.enrollment_id },
      { name: 'sequence_id', value: stage.sequence_id },
    ],
  };
}

/** The AI token keys a claimed stage's subject or body uses. */
export function aiKeysOf(stage: Pick<ClaimedStage, 'subject' | 'body'>): string[] {
  return aiTokenKeysIn(`${stage.subject ?? ''} ${JSON.stringify(stage.body ?? null)}`);
}
