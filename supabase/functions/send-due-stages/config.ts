// The function's settings, read once per worker from the environment (`supabase secrets set`
// in production; local defaults come from the local stack's functions runtime). Each tuning
// knob has a default that suits hosted Resend's documented limits.

function int(name: string, def: number, min: number, max: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number in ${min}..${max}`);
  return n;
}

function required(name: string): string {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

export interface SendConfig {
  supabaseUrl: string;
  serviceRoleKey: string;
  /** Bearer the cron job sends (Vault `send_due_stages_secret`); unset = service role key only. */
  cronSecret: string | null;
  resendApiKey: string;
  /** Default: the SDK's (https://api.resend.com, or RESEND_BASE_URL). */
  resendBaseUrl: string | undefined;
  linkSigningSecret: string;
  /** Reply-To is reply+<token>@<this>; also the right-hand side of generated Message-IDs. Default inbound.local. */
  inboundDomain: string;
  /**
   * Emails per provider request (1 = POST /emails; more = POST /emails/batch, at most 100).
   * Default 100: Resend's limit counts requests, not emails. S4's batches of 10 are paced
   * per enrolment batch inside the requests (planner.ts), not by this size.
   */
  batchSize: number;
  /** S4's incremental delay: the k-th batch of 10 of an enrolment batch waits k × this after the previous one. Default 250 ms. */
  batchDelayMs: number;
  /** Cap of that incremental delay. Default 2000 ms. */
  batchDelayMaxMs: number;
  /** Provider requests in flight at once; the pacer keeps them within the rate limit. Default 4. */
  concurrency: number;
  /** Stages claimed per round. Default 500 (the claim runs ahead of sending, see engine.ts). */
  claimLimit: number;
  /** How long a claim holds before another invocation may re-drive it. Default 120 s. */
  leaseSeconds: number;
  /** Stop claiming new rounds after this long (the function is called every minute). Default 50 s. */
  timeBudgetMs: number;
  /** A provider request taking longer is abandoned; its outcome is then unknown. Default 20 s. */
  providerTimeoutMs: number;
}

export function loadConfig(): SendConfig {
  const supabaseUrl = required('SUPABASE_URL').replace(/\/+$/, '');
  return {
    supabaseUrl,
    serviceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
    cronSecret: Deno.env.get('SEND_DUE_STAGES_SECRET') || null,
    resendApiKey: required('RESEND_API_KEY'),
    resendBaseUrl: Deno.env.get('RESEND_BASE_URL') || undefined,
    linkSigningSecret: required('LINK_SIGNING_SECRET'),
    inboundDomain: Deno.env.get('INBOUND_EMAIL_DOMAIN') || 'inbound.local',
    batchSize: int('SEND_BATCH_SIZE', 100, 1, 100),
    batchDelayMs: int('SEND_BATCH_DELAY_MS', 250, 0, 10_000),
    batchDelayMaxMs: int('SEND_BATCH_DELAY_MAX_MS', 2000, 0, 30_000),
    concurrency: int('SEND_CONCURRENCY', 4, 1, 16),
    claimLimit: int('SEND_CLAIM_LIMIT', 500, 1, 5000),
    leaseSeconds: int('SEND_LEASE_SECONDS', 120, 10, 3600),
    timeBudgetMs: int('SEND_TIME_BUDGET_MS', 50_000, 1000, 140_000),
    providerTimeoutMs: int('SEND_PROVIDER_TIMEOUT_MS', 20_000, 500, 60_000),
  };
}
