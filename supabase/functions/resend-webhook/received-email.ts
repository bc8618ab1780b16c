// Reads a received email from Resend's Received-emails API (GET /emails/receiving/{id}) through
// the official SDK, `resend.emails.receiving.get`. Resend's `email.received` webhook carries
// metadata only (id, from, to, subject, message_id — no body, no headers), so every inbound
// reply is read this way. Locally RESEND_BASE_URL points the SDK at the mail catcher, which
// serves the same path and shape (packages/local-supabase/mail/received.js).
import { Resend } from 'resend';

/** Longest wait for Resend: the webhook must answer well within Resend's delivery timeout. */
const FETCH_TIMEOUT_MS = 5000;

let client: Resend | null = null;
function resend(): Resend {
  if (client) return client;
  const key = Deno.env.get('RESEND_API_KEY');
  if (!key) throw new Error('RESEND_API_KEY is not set');
  const baseUrl = Deno.env.get('RESEND_BASE_URL') || undefined;
  client = new Resend(key, baseUrl ? { baseUrl } : undefined);
  return client;
}

/**
 * The full received email. Throws when Resend does not give it (an error status, a timeout, a
 * network failure), so the webhook answers 5xx before writing anything and Resend retries.
 */
export async function fetchReceivedEmail(emailId: string): Promise<Record<string, unknown>> {
  // `cid` keeps inline images as cid: references instead of inlining them as data: URIs; only
  // the text matters here, and the answer stays small.
  const { data, error } = await resend().emails.receiving.get(
    emailId,
    { html_format: 'cid' },
    { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) },
  );
  if (error || !data) {
    throw new Error(
      `Resend did not give received email ${emailId}: ${error?.statusCode ?? 'no status'} ${error?.name ?? ''} ${error?.message ?? ''}`,
    );
  }
  return data as unknown as Record<string, unknown>;
}
