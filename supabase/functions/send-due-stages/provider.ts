// One provider request for a group of stages, through the Resend SDK, classified into what the
// engine must do next. A group of one whose key is the stage's own idempotency key goes to
// POST /emails; larger groups (key `batch-…`) go to POST /emails/batch. Every request carries
// the group's Idempotency-Key, so repeating it after an unknown outcome cannot send twice.
import type { Resend } from 'resend';
import type { EmailPayload } from './compose.ts';

export type SendOutcome =
  /** Accepted: provider ids in payload order (null when answered without ids). */
  | { kind: 'accepted'; ids: (string | null)[]; headers: Record<string, string> | null }
  /** 409 invalid_idempotent_request: this key was accepted before, with the original payload. */
  | { kind: 'accepted_before'; headers: Record<string, string> | null }
  /** 429: nothing was sent; try again after this many seconds. */
  | { kind: 'rate_limited'; retryAfterSeconds: number; headers: Record<string, string> | null }
  /** 409 concurrent_idempotent_requests: another invocation is sending this request now. */
  | { kind: 'in_flight_elsewhere' }
  /** 4xx other than the above: the provider refused the content; sending it again is pointless. */
  | { kind: 'rejected'; status: number; name: string; message: string }
  /** 401/403: the API key is wrong; nothing will send until it is fixed. */
  | { kind: 'unauthorised'; message: string }
  /** 5xx, a lost connection or our timeout: the provider may or may not have accepted it. */
  | { kind: 'unknown'; reason: 'provider_error' | 'provider_timeout'; message: string };

interface ResendErrorShape {
  name?: string;
  message?: string;
  statusCode?: number | null;
}

/** Resend's error objects carry statusCode; the catcher and Resend both use these names. */
function statusOf(error: ResendErrorShape): number | null {
  if (typeof error.statusCode === 'number') return error.statusCode;
  switch (error.name) {
    case 'rate_limit_exceeded':
      return 429;
    case 'invalid_idempotent_request':
    case 'concurrent_idempotent_requests':
      return 409;
    case 'missing_api_key':
      return 401;
    case 'invalid_api_key':
    case 'restricted_api_key':
      return 403;
    case 'validation_error':
    case 'invalid_parameter':
    case 'missing_required_field':
      return 422;
    default:
      return null;
  }
}

function retryAfter(headers: Record<string, string> | null): number {
  const raw = headers?.['retry-after'] ?? headers?.['ratelimit-reset'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.min(Math.max(n, 1), 60) : 1;
}

export async function sendGroup(
  resend: Resend,
  key: string,
  emails: EmailPayload[],
  timeoutMs: number,
): Promise<SendOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  let result: { data: unknown; error: ResendErrorShape | null; headers: Record<string, string> | null };
  try {
    // The SDK spreads request options into fetch, so `signal` bounds the call.
    const options = { idempotencyKey: key, signal } as { idempotencyKey: string };
    result = (
      key.startsWith('batch-')
        ? await resend.batch.send(emails, options)
        : await resend.emails.send(emails[0]!, options)
    ) as typeof result;
  } catch (e) {
    return { kind: 'unknown', reason: signal.aborted ? 'provider_timeout' : 'provider_error', message: String(e) };
  }
  const { data, error, headers } = result;
  if (!error) {
    const ids = key.startsWith('batch-')
      ? ((data as { data?: { id: string }[] } | null)?.data ?? []).map((d) => d.id ?? null)
      : [(data as { id?: string } | null)?.id ?? null];
    return { kind: 'accepted', ids, headers };
  }
  const status = statusOf(error);
  const message = error.message ?? 'provider error';
  if (status === null) {
    // The SDK reports a failed fetch (timeout, refused connection) without a status.
    return { kind: 'unknown', reason: signal.aborted ? 'provider_timeout' : 'provider_error', message };
  }
  if (status === 429) return { kind: 'rate_limited', retryAfterSeconds: retryAfter(headers), headers };
  if (status === 409 && error.name === 'invalid_idempotent_request') return { kind: 'accepted_before', headers };
  if (status === 409) return { kind: 'in_flight_elsewhere' };
  if (status === 401 || status === 403) return { kind: 'unauthorised', message };
  if (status >= 500) return { kind: 'unknown', reason: 'provider_error', message: `${status} ${message}` };
  return { kind: 'rejected', status, name: error.name ?? 'error', message };
}
