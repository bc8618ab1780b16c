// Robustness soak of the sending path (issue 11): runs send-due-stages against a running local
// stack while injecting random faults from OUTSIDE the function, then counts, per enrolment
// stage, the messages the mail catcher holds and the stage's final state.
//
//   SOAK_STACK_PID=<pid of `node scripts/cli.js stack`> API_URL=… DB_URL=… MAIL_URL=… SERVICE_ROLE_KEY=… \
//     STACK_DATA_DIR=… STACK_FUNCTIONS_ENV_FILE=… (both as the stack was started with) flock /tmp/bench.lock node bench/soak.js [faults=500] [enrolments per org=700] [--out FILE]
//
// Faults, drawn at random until `faults` have been injected (or SOAK_MAX_SECONDS, default 600):
//   kill      SIGKILL the send-due-stages Deno worker mid-request (only a descendant of
//             SOAK_STACK_PID, so nobody else's processes are ever touched)
//   429 / 500 the mail catcher answers the next 1–3 provider requests with that status
//   timeout   the catcher delays its answers past the function's provider timeout (1 s here):
//             it stores the email and answers after the function gave up on the connection,
//             i.e. accepted-then-dropped
//   restart   pg_ctl restart -m fast of the stack's PostgreSQL
//   webhooks  Svix-signed email.delivered / email.opened deliveries for sent stages, each
//             delivered twice and in reversed order
//   overlap   two extra send-due-stages runs started at the same moment (as two cron runs)
// Meanwhile two drivers invoke send-due-stages back to back (overlapping cron runs).
// Afterwards, with the knobs reset, it drains what is left; expired leases and back-offs are
// brought forward from outside (what waiting would do, without waiting up to 30 minutes).
// Result: per stage, 0 duplicates (more than one message), 0 lost (neither sent once nor
// ended with a reason, or recorded sent without a message), 0 stuck claims. Loopback only.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Webhook } from 'svix';
import { appSecrets, loadConfig, PgCluster, writeFunctionsEnv } from 'local-supabase';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const OUT = outAt >= 0 ? args.splice(outAt, 2)[1] : null;
const FAULTS = Number(args[0] ?? 500);
const PER_ORG = Number(args[1] ?? 700);
const MAX_MS = Number(process.env.SOAK_MAX_SECONDS ?? 600) * 1000;
const API_URL = process.env.API_URL ?? 'http://127.0.0.1:54321';
const DB_URL = process.env.DB_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres';
const MAIL_URL = process.env.MAIL_URL ?? 'http://127.0.0.1:54324';
const SERVICE_ROLE_KEY = process.env.SERVICE_ROLE_KEY;
const STACK_PID = Number(process.env.SOAK_STACK_PID);
if (!SERVICE_ROLE_KEY) throw new Error('SERVICE_ROLE_KEY must be set');
if (!Number.isInteger(STACK_PID) || STACK_PID <= 1) throw new Error('SOAK_STACK_PID must be the stack process id');
for (const u of [API_URL, DB_URL.replace(/^postgresql:/, 'http:'), MAIL_URL]) {
  if (!['127.0.0.1', 'localhost'].includes(new URL(u).hostname)) throw new Error('bench/soak.js only runs on loopback');
}
const config = loadConfig();
const cluster = new PgCluster(config);
const webhook = new Webhook(appSecrets(config).RESEND_WEBHOOK_SECRET);
const here = path.dirname(fileURLToPath(import.meta.url));
const out = [];
const log = (/** @type {string} */ s) => {
  out.push(s);
  process.stdout.write(s + '\n');
};
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const pick = (/** @type {any[]} */ a) => a[Math.floor(Math.random() * a.length)];

// A pool that survives database restarts: a failed query is retried until it works.
const pool = new pg.Pool({ connectionString: DB_URL, max: 4 });
pool.on('error', () => {});
async function q(/** @type {string} */ sql, /** @type {unknown[]} */ params = []) {
  for (let i = 0; ; i++) {
    try {
      return (await pool.query(sql, params)).rows;
    } catch (e) {
      if (i > 60) throw e;
      await sleep(500);
    }
  }
}

async function catcher(/** @type {Record<string, unknown>} */ body) {
  await fetch(`${MAIL_URL}/_catcher/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

// Settings of send-due-stages for the soak (its environment, through the stack's functions env
// file STACK_FUNCTIONS_ENV_FILE; the stack starts a new worker with them): small requests so
// that many are in flight while faults happen, and a short provider timeout for `timeout`.
const SETTINGS = { SEND_BATCH_SIZE: 5, SEND_CLAIM_LIMIT: 100, SEND_PROVIDER_TIMEOUT_MS: 1000, SEND_CONCURRENCY: 4 };
writeFunctionsEnv(SETTINGS);
async function invoke() {
  try {
    const res = await fetch(`${API_URL}/functions/v1/send-due-stages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'Content-Type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(90_000),
    });
    const body = await res.json().catch(() => ({}));
    return { status: res.status, body };
  } catch (e) {
    return { status: 0, body: { error: String(e) } };
  }
}

/** The send-due-stages Deno workers that descend from the stack process. */
function workers() {
  const parent = new Map();
  const cmd = new Map();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      parent.set(Number(pid), Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
      cmd.set(Number(pid), fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      /* gone */
    }
  }
  const ours = (/** @type {number} */ pid) => {
    for (let p = pid, n = 0; p > 1 && n < 20; p = parent.get(p) ?? 0, n++) if (p === STACK_PID) return true;
    return false;
  };
  return [...cmd]
    .filter(([pid, c]) => c.includes('deno') && c.includes('send-due-stages') && ours(pid))
    .map(([p]) => p);
}

function restartDatabase() {
  return new Promise((resolve) => {
    const exe = path.join(cluster.bin, 'pg_ctl');
    const child = spawn(exe, ['restart', '-w', '-t', '60', '-m', 'fast', '-D', cluster.dir, '-l', cluster.logFile], {
      stdio: 'ignore',
    });
    child.on('exit', (code) => resolve(code));
  });
}

async function deliverWebhooks() {
  const sent = await q(
    `select provider_message_id, sent_at from public.enrollment_stages
     where organization_id = any ($1::uuid[]) and status = 'sent' and provider_message_id is not null
     order by random() limit 3`,
    [orgs],
  );
  for (const s of sent) {
    const at = new Date(s.sent_at).getTime();
    const events = ['email.delivered', 'email.opened'].map((type, i) => ({
      id: `msg_${crypto.randomUUID()}`,
      raw: JSON.stringify({
        type,
        created_at: new Date(at + (i + 1) * 1000).toISOString(),
        data: {
          email_id: s.provider_message_id,
          created_at: new Date(at).toISOString(),
          open: { userAgent: 'Mozilla/5.0' },
        },
      }),
    }));
    // Reordered (the later event first) and each delivered twice.
    for (const e of [...events.reverse(), ...events]) {
      const now = new Date();
      await fetch(`${API_URL}/functions/v1/resend-webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'svix-id': e.id,
          'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
          'svix-signature': webhook.sign(e.id, now, e.raw),
        },
        body: e.raw,
      }).catch(() => {});
    }
  }
}

log(`# bench/soak.js — ${new Date().toISOString()}`);
log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, node ${process.version}`,
);
log(
  `load average at start (1, 5, 15 min): ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}`,
);

// Data: three organisations, each a sender and a two-stage sequence with PER_ORG running
// enrolments; every stage due now (the second follows the first in its thread).
const tag = crypto.randomUUID().slice(0, 8);
/** @type {string[]} */
const orgs = [];
await q(`select cron.alter_job(jobid, active := false) from cron.job where jobname = 'send-due-stages'`);
await q(
  `update public.enrollment_stages set scheduled_at = scheduled_at + interval '100 years' where status = 'scheduled' and scheduled_at <= now() + interval '1 hour'`,
);
for (let o = 0; o < 3; o++) {
  const user = crypto.randomUUID();
  const [org] = await q(`insert into public.organizations (name, daily_send_cap) values ($1, 100000) returning id`, [
    `soak-${tag}-${o}`,
  ]);
  orgs.push(org.id);
  await q(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`, [
    user,
    `soak-${tag}-${o}@bench.test`,
  ]);
  await q(
    `insert into public.members (user_id, organization_id, access_level, sender_name, sender_email)
     values ($1, $2, 'admin', 'Soak Sender', $3)`,
    [user, org.id, `soak-${tag}-${o}@recruiting.test`],
  );
  const [seq] = await q(
    `insert into public.sequences (organization_id, owner_id, title) values ($1, $2, $3) returning id`,
    [org.id, user, `soak ${tag} ${o}`],
  );
  await q(
    `insert into public.sequence_stages (sequence_id, position, delay_days, subject, body)
     select $1, p, 0, 'Soak {{candidate.first_name}} #' || p,
            '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]}]}'
     from generate_series(0, 1) p`,
    [seq.id],
  );
  await q(
    `insert into public.candidates (organization_id, first_name, last_name, email)
     select $1, 'Soak' || g, 'Candidate', 'soak-' || $2 || '-' || g || '@soak.test' from generate_series(1, $3) g`,
    [org.id, `${tag}-${o}`, PER_ORG],
  );
  await q(
    `insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status, started_at)
     select c.organization_id, $2, c.id, $3, c.email, 'running', now() from public.candidates c where c.organization_id = $1`,
    [org.id, seq.id, user],
  );
  await q(
    `insert into public.enrollment_stages (enrollment_id, position, subject, body, sender_user_id, scheduled_at)
     select e.id, st.position, st.subject, st.body, $2, now()
     from public.enrollments e join public.sequence_stages st on st.sequence_id = e.sequence_id
     where e.organization_id = $1`,
    [org.id, user],
  );
}
const [{ n: total }] = await q(
  `select count(*)::int as n from public.enrollment_stages where organization_id = any ($1::uuid[])`,
  [orgs],
);
log(`data: 3 organisations × ${PER_ORG} enrolments × 2 stages = ${total} stages due now (tag ${tag})`);
await catcher({ rateLimitPerSecond: 5, failNext: null, delayMs: 0 });

// Drivers and faults ------------------------------------------------------------------------
const start = Date.now();
let stopDrivers = false;
const statuses = new Map();
const count = (/** @type {number} */ s) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
const drivers = [0, 1].map(async () => {
  while (!stopDrivers) {
    const r = await invoke();
    count(r.status);
    if (r.status === 200 && (r.body.claimed ?? 0) === 0) await sleep(250);
  }
});
/** @type {Record<string, number>} */
const injected = { kill: 0, 429: 0, 500: 0, timeout: 0, restart: 0, webhooks: 0, overlap: 0 };
const extra = [];
let faults = 0;
while (faults < FAULTS && Date.now() - start < MAX_MS) {
  const [{ left }] = await q(
    `select count(*)::int as left from public.enrollment_stages where organization_id = any ($1::uuid[]) and status in ('scheduled', 'claimed')`,
    [orgs],
  );
  if (left === 0) break;
  const kind =
    faults % 40 === 39 ? 'restart' : pick(['kill', '429', '500', 'timeout', 'webhooks', 'overlap', '429', '500']);
  switch (kind) {
    case 'kill': {
      const pids = workers();
      if (pids.length === 0) continue;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      break;
    }
    case '429':
    case '500':
      await catcher({ failNext: { status: Number(kind), count: 1 + Math.floor(Math.random() * 3) } });
      break;
    case 'timeout':
      await catcher({ delayMs: 1500 });
      await sleep(300 + Math.random() * 700);
      await catcher({ delayMs: 0 });
      break;
    case 'restart':
      await restartDatabase();
      break;
    case 'webhooks':
      await deliverWebhooks();
      break;
    case 'overlap':
      extra.push(invoke(), invoke());
      break;
  }
  injected[kind]++;
  faults++;
  await sleep(100 + Math.random() * 300);
}
const faultSeconds = (Date.now() - start) / 1000;
stopDrivers = true;
await catcher({ rateLimitPerSecond: null, failNext: null, delayMs: 0 });
await Promise.all([...drivers, ...extra]);
log(
  `faults: ${faults} injected in ${faultSeconds.toFixed(0)} s — ${Object.entries(injected)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);

// Drain what is left, without faults. Expired leases and back-offs are brought forward (what
// waiting for them would do); only between invocations, never under a running one.
const drainStart = Date.now();
for (let round = 0; round < 40; round++) {
  await q(
    `update public.enrollment_stages set lease_until = now() - interval '1 second'
     where organization_id = any ($1::uuid[]) and status = 'claimed'`,
    [orgs],
  );
  await q(
    `update public.enrollment_stages set scheduled_at = now()
     where organization_id = any ($1::uuid[]) and status = 'scheduled' and scheduled_at > now()`,
    [orgs],
  );
  const r = await invoke();
  count(r.status);
  const [{ left }] = await q(
    `select count(*)::int as left from public.enrollment_stages where organization_id = any ($1::uuid[]) and status in ('scheduled', 'claimed')`,
    [orgs],
  );
  if (left === 0) break;
}
log(`drain after the faults: ${((Date.now() - drainStart) / 1000).toFixed(0)} s`);
log(
  `send-due-stages answers: ${[...statuses].map(([s, n]) => `${s === 0 ? 'killed/no answer' : s} ×${n}`).join(', ')}`,
);

// Count ---------------------------------------------------------------------------------------
const messages = /** @type {{ tags: { name: string, value: string }[] }[]} */ (
  await (await fetch(`${MAIL_URL}/_catcher/messages`)).json()
);
const perStage = new Map();
for (const m of messages) {
  const id = m.tags?.find((t) => t.name === 'stage_id')?.value;
  if (id) perStage.set(id, (perStage.get(id) ?? 0) + 1);
}
const stages = await q(
  `select id, status::text, end_reason from public.enrollment_stages where organization_id = any ($1::uuid[])`,
  [orgs],
);
const tally = { sent: 0, ended: 0, duplicates: 0, lost: 0, stuck: 0 };
/** @type {Record<string, number>} */
const reasons = {};
for (const s of stages) {
  const n = perStage.get(s.id) ?? 0;
  if (n > 1) tally.duplicates++;
  if (s.status === 'claimed') tally.stuck++;
  if (s.status === 'sent') {
    if (n === 1) tally.sent++;
    else if (n === 0) tally.lost++;
  } else if (['failed', 'skipped', 'cancelled'].includes(s.status) && s.end_reason) {
    tally.ended++;
    reasons[s.end_reason] = (reasons[s.end_reason] ?? 0) + 1;
  } else if (s.status !== 'claimed') tally.lost++;
}
const [ev] = await q(
  `select count(*)::int as events, count(distinct provider_event_id)::int as distinct_events
   from public.email_events where organization_id = any ($1::uuid[]) and provider_event_id like 'resend:%'`,
  [orgs],
);
log(
  `per stage (${stages.length}): sent once ${tally.sent}, ended with a reason ${tally.ended}${
    Object.keys(reasons).length
      ? ` (${Object.entries(reasons)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`
      : ''
  }; duplicates ${tally.duplicates}, lost ${tally.lost}, stuck claims ${tally.stuck}`,
);
log(
  `webhook events stored ${ev.events} for ${ev.distinct_events} distinct deliveries (duplicates and reordering applied once)`,
);
log(
  `load average at the end (1, 5, 15 min): ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}`,
);
await q(`select cron.alter_job(jobid, active := true) from cron.job where jobname = 'send-due-stages'`);
await pool.end();
const outFile = OUT ?? path.join(here, 'results', 'soak.txt');
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, out.join('\n') + '\n');
process.exit(tally.duplicates + tally.lost + tally.stuck === 0 ? 0 : 1);
