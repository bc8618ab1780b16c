// send-due-stages (S4): called every minute by pg_cron through pg_net (migration
// 20261126001300_send_cron.sql), and by operators or tests. It drains the backlog of due
// stages while its time budget lasts and answers a JSON summary (summary.ts). Its
// tuning (SEND_* in config.ts) comes from the environment only: locally the stack's functions
// env file (STACK_FUNCTIONS_ENV_FILE) is how tests and benches change it, never the request.
//
// Throughput (issue 6): the provider's rate limit is the only bottleneck. Claiming and rendering
// run ahead of sending, up to SEND_CONCURRENCY requests are in flight, and a pacer fed by
// Resend's ratelimit-* headers spaces them so the limit is used without provoking 429s
// (engine.ts, pacer.ts). S4's "batches of 10 with an incremental delay" applies to recipients
// queued together, i.e. one enrolment batch: each provider request (up to SEND_BATCH_SIZE = 100
// emails on Resend's batch endpoint) carries at most one batch of 10 of an enrolment batch, and
// that enrolment batch's next 10 follow after a growing delay (planner.ts). Many enrolments due
// together therefore fill 100-email requests at the provider's pace, while one bulk enrolment
// still trickles out 10 at a time as the SPEC describes.
//
// Authorisation: `verify_jwt = false` in supabase/config.toml because the cron job's bearer
// is a shared secret, not a JWT; this function itself requires the bearer to equal
// SEND_DUE_STAGES_SECRET (what Vault's `send_due_stages_secret` holds) or the service role key.
import { createClient } from '@supabase/supabase-js';
import { Resend } from 'resend';
import { loadConfig } from './config.ts';
import { Drainer } from './engine.ts';
import { sameSecret } from '../_shared/scheduler-secret.ts';

const config = loadConfig();

// The service role is needed because sending crosses users: the engine claims and records the
// stages of every organisation, which no signed-in user may see. It only calls the engine's
// RPCs, which are granted to the service role alone.
const db = createClient(config.supabaseUrl, config.serviceRoleKey, {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
});
const resend = new Resend(config.resendApiKey, config.resendBaseUrl ? { baseUrl: config.resendBaseUrl } : undefined);

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

Deno.serve(async (req) => {
  if (req.method !== 'POST') return json(405, { error: 'method_not_allowed', message: 'Use POST.' });
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
  const allowed =
    bearer !== '' &&
    ((await sameSecret(bearer, config.cronSecret)) || (await sameSecret(bearer, config.serviceRoleKey)));
  if (!allowed) return json(401, { error: 'unauthorized', message: 'A valid bearer secret is required.' });

  // The body is ignored (pg_cron posts `{}`): every setting comes from the environment
  // (config.ts), so the deployed function has no per-call switches.
  await req.body?.cancel();
  try {
    const summary = await new Drainer(db, resend, config).run();
    return json(200, summary);
  } catch (e) {
    console.error(`send-due-stages: ${(e as Error).stack ?? e}`);
    return json(503, { error: 'unavailable', message: (e as Error).message });
  }
});
