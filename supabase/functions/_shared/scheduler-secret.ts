// The scheduler's bearer (SEND_DUE_STAGES_SECRET, Vault `send_due_stages_secret`): pg_cron's jobs
// post to the functions with it instead of a JWT (send-due-stages, sequence-doc,
// purge-attachments), and each of them compares it here.

const encoder = new TextEncoder();

/** Constant-time comparison through digests, so timing reveals nothing about the secret. */
export async function sameSecret(given: string, expected: string | null | undefined): Promise<boolean> {
  if (!expected || !given) return false;
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
