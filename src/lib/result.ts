// Every action in lib/api returns a Result instead of throwing, so callers decide how to show
// failures (through the toast helper) and nothing swallows an error.
export type Result<T> = { ok: true; data: T } | { ok: false; error: string; code?: string };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });

/** Transport and session failures, in words a recruiter can act on (the raw text says nothing to them). */
const PLAIN: ReadonlyArray<[RegExp, string]> = [
  [
    /failed to fetch|networkerror|fetch failed|load failed|network request failed/i,
    'Could not reach the server. Check your connection and try again.',
  ],
  [/jwt expired|invalid jwt|refresh token/i, 'Your session has expired. Sign in again to continue.'],
  [/statement timeout|canceling statement due to/i, 'The server took too long to answer. Try again in a moment.'],
];

export function plainMessage(message: string): string {
  for (const [re, text] of PLAIN) if (re.test(message)) return text;
  return message;
}

/** Turns a Supabase/PostgREST/Auth error (or anything thrown) into a failed Result with a readable message. */
export function fail(error: unknown, fallback = 'Something went wrong'): { ok: false; error: string; code?: string } {
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown; details?: unknown };
    // SQL functions raise machine-readable messages (`no_reply`) with the human text in details.
    const machine = typeof e.message === 'string' && /^[a-z][a-z_]*$/.test(e.message);
    const message =
      machine && typeof e.details === 'string' && e.details
        ? e.details
        : typeof e.message === 'string' && e.message
          ? e.message
          : fallback;
    const text = plainMessage(message);
    return typeof e.code === 'string' ? { ok: false, error: text, code: e.code } : { ok: false, error: text };
  }
  return { ok: false, error: typeof error === 'string' && error ? error : fallback };
}
