// Helpers of the sending suites: invoke send-due-stages as the cron job does (POST with the
// bearer secret) or as an operator (service role key), read the mail catcher's messages and
// counters, inject provider faults, and switch the real cron job off while a suite needs to
// decide alone when the function runs.
import fs from 'node:fs';
import path from 'node:path';
import { appSecrets, writeFunctionsEnv } from 'local-supabase';
import type { Summary } from '../../../supabase/functions/send-due-stages/summary.ts';
import { expect } from 'vitest';
import { createMember, createOrg, db, mintJwt, stackEnv } from './factories.ts';

/** The stack's SEND_DUE_STAGES_SECRET, generated per install (local-supabase appSecrets). */
export const LOCAL_CRON_SECRET = appSecrets().SEND_DUE_STAGES_SECRET;

/**
 * Asserts that a scheduled function (`_shared/scheduler-secret.ts`) refuses a member's token and
 * a wrong secret with the scheduler's words, and runs for the scheduler secret.
 */
export async function expectSchedulerOnly(fn: string): Promise<void> {
  const org = await createOrg();
  const member = await createMember(org);
  const post = (bearer: string) =>
    fetch(`${stackEnv.api}/functions/v1/${fn}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ source: 'cron' }),
    });
  const token = await mintJwt({ sub: member.id, role: 'authenticated', aud: 'authenticated', email: member.email });
  const asMember = await post(token);
  expect(asMember.status).toBe(401);
  expect(await asMember.json()).toEqual({ error: 'unauthorized', message: 'A valid scheduler secret is required.' });
  expect((await post('not-the-secret')).status).toBe(401);
  const asScheduler = await post(LOCAL_CRON_SECRET);
  expect(asScheduler.status).toBe(200);
  expect(await asScheduler.json()).toMatchObject({ status: 'ok' });
}

/** What send-due-stages answers: the function's own type (no Deno APIs in that file). */
export type SendSummary = Summary;

/**
 * Invokes send-due-stages as the cron job does (an empty JSON body; the function reads all its
 * settings from the environment).
 */
export async function invokeSender(
  opts: { bearer?: string } = {},
): Promise<{ status: number; body: SendSummary & Record<string, unknown> }> {
  const res = await fetch(`${stackEnv.api}/functions/v1/send-due-stages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${opts.bearer ?? stackEnv.serviceRoleKey}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}

/**
 * Runs `work` with send-due-stages started under these settings (SEND_BATCH_SIZE …): they go
 * into the test stack's functions env file (STACK_FUNCTIONS_ENV_FILE, as
 * `supabase functions serve --env-file`), so the next request runs a new worker with them, as a
 * deployment with those secrets would; afterwards the file is emptied again.
 */
export async function withSenderSettings<T>(settings: Record<string, number>, work: () => Promise<T>): Promise<T> {
  writeFunctionsEnv(settings);
  try {
    return await work();
  } finally {
    writeFunctionsEnv({});
  }
}

export interface CaughtMessage {
  id: string;
  from: string;
  to: string[];
  reply_to: string[] | null;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  message_id: string;
  idempotency_key: string | null;
  created_at: string;
}

/** Messages addressed to `to` (full content), oldest first. */
export async function messagesTo(to: string): Promise<CaughtMessage[]> {
  const list = (await (await fetch(`${stackEnv.mailUrl}/_catcher/messages?to=${encodeURIComponent(to)}`)).json()) as {
    id: string;
  }[];
  const full = await Promise.all(
    list.map(
      async (m) => (await (await fetch(`${stackEnv.mailUrl}/_catcher/messages/${m.id}`)).json()) as CaughtMessage,
    ),
  );
  return full.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
}

/** How many messages each of `addresses` received (listing only, no content). */
export async function countsTo(addresses: string[]): Promise<Map<string, number>> {
  const all = (await (await fetch(`${stackEnv.mailUrl}/_catcher/messages`)).json()) as { to: string[] }[];
  const counts = new Map(addresses.map((a) => [a.toLowerCase(), 0]));
  for (const m of all) {
    for (const t of m.to) {
      const bare = (/<([^>]+)>/.exec(t)?.[1] ?? t).toLowerCase();
      if (counts.has(bare)) counts.set(bare, (counts.get(bare) ?? 0) + 1);
    }
  }
  return counts;
}

export async function catcherStats(): Promise<{
  accepted_requests: number;
  idempotent_replays: number;
  rejected_requests: number;
  messages: number;
}> {
  return (await fetch(`${stackEnv.mailUrl}/_catcher/stats`)).json() as never;
}

export async function catcherConfig(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${stackEnv.mailUrl}/_catcher/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`catcher config: ${res.status} ${await res.text()}`);
}

export async function resetCatcherFaults(): Promise<void> {
  await catcherConfig({ rateLimitPerSecond: null, failNext: null, delayMs: 0, answerDelayMs: 0 });
}

/** Pauses or re-activates the send-due-stages cron job (so a suite decides when sending runs). */
export async function setCronActive(active: boolean): Promise<void> {
  await db().query(`select cron.alter_job(jobid, active := $1) from cron.job where jobname = 'send-due-stages'`, [
    active,
  ]);
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Kills (SIGKILL) the Deno worker process of one edge function of the stack under test, found by
 * its entry point and the stack's DENO_DIR (STACK_DATA_DIR/deno): a crash from outside, with no
 * switch in the function. Returns how many processes were killed.
 */
export function killFunctionWorker(name: string): number {
  const denoDir = `DENO_DIR=${path.join(process.env.STACK_DATA_DIR ?? '', 'deno')}`;
  let killed = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd.some((a) => a.endsWith(`/${name}/index.ts`))) continue;
      if (!fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(denoDir)) continue;
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  return killed;
}
