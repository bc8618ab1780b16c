// S4 exactly-once when the database restarts while send-due-stages is draining. Restarting
// PostgreSQL would disturb every other suite on the shared test stack, so this file starts a
// stack of its own (free ports, a temporary data folder) with local-supabase's startStack, points the
// factories at it, restarts ITS cluster with pg_ctl mid-run, and stops it at the end.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startStack } from 'local-supabase';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  enroll,
  stagesOf,
  type Candidate,
} from './helpers/factories.ts';
import { catcherConfig, countsTo, invokeSender, setCronActive } from './helpers/sending.ts';

const KEYS = ['API_URL', 'DB_URL', 'MAIL_URL'] as const;
const saved: Partial<Record<(typeof KEYS)[number], string | undefined>> = {};
let stack: Awaited<ReturnType<typeof startStack>> | null = null;
let dataDir = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'send-restart-'));
  const ports = {
    API_PORT: await freePort(),
    DB_PORT: await freePort(),
    MAIL_PORT: await freePort(),
    APP_PORT: await freePort(),
  };
  const config = loadConfig({
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    STACK_DATA_DIR: dataDir,
    JWT_SECRET: process.env.JWT_SECRET,
    ANON_KEY: process.env.ANON_KEY,
    SERVICE_ROLE_KEY: process.env.SERVICE_ROLE_KEY,
  });
  stack = await startStack(config, { fresh: true, seed: false, installPackages: false, log: () => {} });
  await closeDb();
  for (const k of KEYS) saved[k] = process.env[k];
  process.env.API_URL = stack.urls.API_URL;
  process.env.DB_URL = stack.urls.DB_URL;
  process.env.MAIL_URL = stack.urls.MAIL_URL;
  await setCronActive(false);
}, 240_000);

afterAll(async () => {
  await closeDb();
  for (const k of KEYS) process.env[k] = saved[k];
  await stack?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** pg_ctl restart of this file's cluster, asynchronously so the in-process API keeps serving. */
function restartDatabase(): Promise<number> {
  const cluster = stack!.cluster as unknown as { bin: string; dir: string; logFile: string; asUser: string | null };
  const exe = path.join(cluster.bin, 'pg_ctl');
  const args = ['restart', '-w', '-t', '60', '-m', 'fast', '-D', cluster.dir, '-l', cluster.logFile];
  const [cmd, argv] = cluster.asUser ? ['runuser', ['-u', cluster.asUser, '--', exe, ...args]] : [exe, args];
  return new Promise((resolve) => spawn(cmd, argv, { stdio: 'ignore' }).on('close', (code) => resolve(code ?? 1)));
}

describe('exactly once across a database restart', () => {
  it('every due stage is sent once when PostgreSQL restarts mid-run', async () => {
    const org = await createOrg();
    const sender = await createMember(org);
    const seq = await createSequence(org, sender, { stages: [{ subject: 'Restart-proof', delayDays: 0 }] });
    const candidates: Candidate[] = [];
    for (let i = 0; i < 40; i++) candidates.push(await createCandidate(org));
    const rows = await enroll(
      sender,
      seq.id,
      candidates.map((c) => c.id),
      true,
    );
    const ids = rows.map((r) => r.enrollment_id!);
    await closeDb();

    // Slow provider: the drain spans the restart.
    await catcherConfig({ delayMs: 250 });
    const run = invokeSender();
    await new Promise((r) => setTimeout(r, 600));
    expect(await restartDatabase()).toBe(0);
    const first = await run;
    expect([200, 503]).toContain(first.status);
    await catcherConfig({ delayMs: 0 });

    // Whatever was left in flight is re-driven: expired leases and retry times that came.
    for (let round = 0; round < 6; round++) {
      const left = (await stagesOf(ids)).filter((s) => s.status !== 'sent');
      if (left.length === 0) break;
      await db().query(
        `update public.enrollment_stages set lease_until = now() - interval '1 second', scheduled_at = least(scheduled_at, now())
         where enrollment_id = any ($1::uuid[]) and status in ('claimed', 'scheduled')`,
        [ids],
      );
      await invokeSender();
    }

    const counts = await countsTo(candidates.map((c) => c.email!));
    expect([...counts.values()]).toEqual(candidates.map(() => 1));
    const stages = await stagesOf(ids);
    expect(stages.map((s) => s.status)).toEqual(stages.map(() => 'sent'));
  }, 120_000);
});
