// Benchmark of the sending engine (supabase/functions/send-due-stages + claim_due_stages):
//   part 1: N enrolments (default 50,000) whose first stage is due in the same minute, sent
//           through the mail catcher limited to 10 requests/s, in batches of 100 (POST
//           /emails/batch). Invocations run back to back, two at a time (as overlapping cron
//           runs would), until every stage is sent. Reports throughput, lateness (sent_at −
//           scheduled_at) p50/p99, provider requests and 429s, where the time went (summed over
//           the function's concurrent lanes), rendering time per email measured in the function,
//           and the Deno worker's process CPU per email (from /proc).
//   part 2: the claim query's plan and time with M (default 1,000,000) scheduled stages in
//           the table, of which 1,000 are due (EXPLAIN ANALYZE, target < 5 ms), and the whole
//           claim with 1,000 due and with nothing due.
//
//   API_URL=… DB_URL=… MAIL_URL=… SERVICE_ROLE_KEY=… STACK_FUNCTIONS_ENV_FILE=… \
//     flock /tmp/bench.lock node bench/sending.js [n=50000] [m=1000000] [--out FILE]
// STACK_FUNCTIONS_ENV_FILE is the stack's (start it with the same variable): the function's
// settings (SEND_BATCH_SIZE, SEND_CLAIM_LIMIT) are written there, as a deployment sets secrets.
// Runs against a running local stack on loopback only (it fills the database); writes
// bench/results/sending.txt (or FILE). Data is tagged and left in place (enrolments are never deleted).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { writeFunctionsEnv } from 'local-supabase';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const OUT = outAt >= 0 ? args.splice(outAt, 2)[1] : null;
const partsAt = args.indexOf('--parts');
const PARTS = new Set((partsAt >= 0 ? args.splice(partsAt, 2)[1] : '1,2,3').split(','));
const N = Number(args[0] ?? 50_000);
const M = Number(args[1] ?? 1_000_000);
const API_URL = process.env.API_URL ?? 'http://127.0.0.1:54321';
const DB_URL = process.env.DB_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres';
const MAIL_URL = process.env.MAIL_URL ?? 'http://127.0.0.1:54324';
const SERVICE_ROLE_KEY = process.env.SERVICE_ROLE_KEY;
if (!SERVICE_ROLE_KEY) throw new Error('SERVICE_ROLE_KEY must be set');
for (const u of [API_URL, DB_URL.replace(/^postgresql:/, 'http:'), MAIL_URL]) {
  if (!['127.0.0.1', 'localhost'].includes(new URL(u).hostname))
    throw new Error('bench/sending.js only runs against a loopback stack');
}
const here = path.dirname(fileURLToPath(import.meta.url));
const out = [];
const log = (/** @type {string} */ s) => {
  out.push(s);
  process.stdout.write(s + '\n');
};

const db = new pg.Client({ connectionString: DB_URL });
await db.connect();
const q = async (/** @type {string} */ sql, /** @type {unknown[]} */ params = []) => (await db.query(sql, params)).rows;

/** An organisation, a sender without a practical daily cap, and a one-stage sequence. */
async function fixture(tag) {
  const user = crypto.randomUUID();
  const [org] = await q(`insert into public.organizations (name, daily_send_cap) values ($1, 100000) returning id`, [
    `bench-send-${tag}`,
  ]);
  await q(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`, [
    user,
    `bench-${tag}@bench.test`,
  ]);
  await q(
    `insert into public.members (user_id, organization_id, access_level, sender_name, sender_email, tracking_enabled)
     values ($1, $2, 'admin', 'Bench Sender', $3, true)`,
    [user, org.id, `sender-${tag}@${tag}.recruiting.test`],
  );
  await q(
    `insert into public.sending_domains (organization_id, domain, status, verified_at) values ($1, $2, 'verified', now())`,
    [org.id, `${tag}.recruiting.test`],
  );
  const [seq] = await q(
    `insert into public.sequences (organization_id, owner_id, title) values ($1, $2, $3) returning id`,
    [org.id, user, `bench ${tag}`],
  );
  await q(
    `insert into public.sequence_stages (sequence_id, position, subject, body) values ($1, 0, 'Hello {{candidate.first_name}}', $2)`,
    [
      seq.id,
      JSON.stringify({
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'Hi ' },
              { type: 'token', attrs: { key: 'candidate.first_name' } },
            ],
          },
          {
            type: 'paragraph',
            content: [
              {
                type: 'text',
                text: 'the role',
                marks: [{ type: 'link', attrs: { href: 'https://jobs.example.com/1' } }],
              },
            ],
          },
        ],
      }),
    ],
  );
  return { org: org.id, user, seq: seq.id };
}

/** `count` running enrolments with stages at positions 0..perEnrollment-1 scheduled by `when(i, pos)`. */
async function populate(f, tag, count, perEnrollment, whenSql) {
  await q(
    `insert into public.candidates (organization_id, first_name, last_name, email)
           select $1, 'Cand' || g, 'Bench', 'b' || g || '-' || $2 || '@bench.test' from generate_series(1, $3) g`,
    [f.org, tag, count],
  );
  await q(
    `insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status, started_at)
     select c.organization_id, $2, c.id, $3, c.email, 'running', now() from public.candidates c where c.organization_id = $1`,
    [f.org, f.seq, f.user],
  );
  await q(
    `insert into public.enrollment_stages (enrollment_id, position, subject, body, sender_user_id, scheduled_at)
     select e.id, p, st.subject, st.body, $2, ${whenSql}
     from public.enrollments e cross join generate_series(0, $3 - 1) p
     join public.sequence_stages st on st.sequence_id = e.sequence_id and st.position = 0
     where e.organization_id = $1`,
    [f.org, f.user, perEnrollment],
  );
}

function workerCpuSeconds() {
  // The send-due-stages Deno worker: a child of the stack whose command line names the function.
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('send-due-stages') || !cmd.includes('deno')) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(stat[11]) + Number(stat[12])) / 100; // utime + stime, in clock ticks (100/s)
    } catch {
      /* the process went away */
    }
  }
  return total;
}

async function invoke() {
  const res = await fetch(`${API_URL}/functions/v1/send-due-stages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  return res.json();
}

log(`# bench/sending.js — ${new Date().toISOString()}`);
log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, node ${process.version}`,
);
log(`postgres: ${(await q('select version()'))[0].version}`);
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
log(`load average at start (1, 5, 15 min): ${loadavg()}`);

// Part 1 ------------------------------------------------------------------------------------
if (PARTS.has('1')) {
  const tag = crypto.randomUUID().slice(0, 8);
  const f = await fixture(tag);
  // Nothing else may be due: park every other due stage of this stack a century ahead.
  await q(
    `update public.enrollment_stages set scheduled_at = scheduled_at + interval '100 years' where status = 'scheduled' and scheduled_at <= now() + interval '2 minutes'`,
  );
  await q(`select cron.alter_job(jobid, active := false) from cron.job where jobname = 'send-due-stages'`);
  // Requests of 100 emails (Resend's batch maximum) and claims of 1,000; the SPEC's pacing of
  // enrolment batches (SEND_BATCH_DELAY_MS) and the concurrency keep their defaults.
  writeFunctionsEnv({ SEND_BATCH_SIZE: 100, SEND_CLAIM_LIMIT: 1000 });
  await invoke(); // start the worker before the clock runs (nothing of ours exists yet)
  const t0 = Date.now();
  // All due at the same instant (when they are inserted): the worst case for lateness.
  await populate(f, tag, N, 1, `now()`);
  log(`part 1: ${N} enrolments due at the same instant, inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  await fetch(`${MAIL_URL}/_catcher/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rateLimitPerSecond: 10, failNext: null, delayMs: 0 }),
  });
  const cpu0 = workerCpuSeconds();
  const start = Date.now();
  let renderMs = 0;
  let invocations = 0;
  let requests = 0;
  let throttled = 0;
  /** @type {Record<string, number>} */
  const timings = {};
  for (;;) {
    const results = await Promise.all([invoke(), invoke()]);
    invocations += 2;
    for (const r of results) {
      renderMs += r.render_ms ?? 0;
      requests += r.requests ?? 0;
      throttled += r.throttled ?? 0;
      for (const [k, v] of Object.entries(r.timings ?? {})) timings[k] = (timings[k] ?? 0) + Number(v);
    }
    if (process.env.BENCH_VERBOSE) for (const r of results) process.stderr.write(JSON.stringify(r) + '\n');
    const [{ left }] = await q(
      `select count(*)::int as left from public.enrollment_stages s join public.enrollments e on e.id = s.enrollment_id
       where e.organization_id = $1 and s.status <> 'sent'`,
      [f.org],
    );
    if (left === 0) break;
    if (Date.now() - start > 30 * 60_000) {
      log(`part 1: stopped after 30 min with ${left} unsent`);
      break;
    }
    if (results.every((r) => (r.claimed ?? 0) === 0)) await new Promise((r) => setTimeout(r, 1000));
  }
  const wall = (Date.now() - start) / 1000;
  const cpu = workerCpuSeconds() - cpu0;
  const [st] = await q(
    `select count(*)::int as sent,
            extract(epoch from percentile_cont(0.5) within group (order by sent_at - scheduled_at)) as p50,
            extract(epoch from percentile_cont(0.99) within group (order by sent_at - scheduled_at)) as p99,
            extract(epoch from max(sent_at) - min(sent_at)) as span
     from public.enrollment_stages where organization_id = $1 and status = 'sent'`,
    [f.org],
  );
  log(
    `part 1: sent ${st.sent} in ${wall.toFixed(1)} s wall (${invocations} invocations, 2 at a time); first→last send ${Number(st.span).toFixed(1)} s`,
  );
  log(
    `part 1: throughput ${(st.sent / wall).toFixed(0)} emails/s = ${((st.sent / wall / 1000) * 100).toFixed(1)} % of the limit (catcher 10 req/s × 100 per batch = 1000/s); first→last send rate ${(st.sent / Math.max(Number(st.span), 0.001)).toFixed(0)} emails/s`,
  );
  log(
    `part 1: provider requests ${requests} (${throttled} answered 429); summed over lanes: claim ${(timings.claim_ms ?? 0).toFixed(0)} ms, mark ${(timings.mark_ms ?? 0).toFixed(0)} ms, provider ${(timings.provider_ms ?? 0).toFixed(0)} ms, record ${(timings.record_ms ?? 0).toFixed(0)} ms, waiting for the pacer ${(timings.pacer_wait_ms ?? 0).toFixed(0)} ms`,
  );
  log(
    `part 1: lateness (sent_at − scheduled_at, due at the insert's start; includes the ${((start - t0) / 1000).toFixed(1)} s insert) p50 ${Number(st.p50).toFixed(1)} s, p99 ${Number(st.p99).toFixed(1)} s`,
  );
  log(
    `part 1: rendering in the function ${(renderMs / Math.max(1, st.sent)).toFixed(3)} ms/email; worker process CPU ${((cpu * 1000) / Math.max(1, st.sent)).toFixed(3)} ms/email (${cpu.toFixed(1)} s total)`,
  );
  await fetch(`${MAIL_URL}/_catcher/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rateLimitPerSecond: null }),
  });
  await q(`select cron.alter_job(jobid, active := true) from cron.job where jobname = 'send-due-stages'`);
}

// Part 3 ------------------------------------------------------------------------------------
// Tenant isolation (issue 11): organisation A has N emails queued (all due), organisation B's
// 10 become due 5 s into A's drain. Fair claiming (claim_due_stages) must send B's within
// seconds — p99 lateness < 10 s — while the total still uses >= 95 % of the provider's limit.
if (PARTS.has('3')) {
  const tagA = crypto.randomUUID().slice(0, 8);
  const tagB = crypto.randomUUID().slice(0, 8);
  const a = await fixture(tagA);
  const b = await fixture(tagB);
  await q(
    `update public.enrollment_stages set scheduled_at = scheduled_at + interval '100 years' where status = 'scheduled' and scheduled_at <= now() + interval '2 minutes'`,
  );
  await q(`select cron.alter_job(jobid, active := false) from cron.job where jobname = 'send-due-stages'`);
  writeFunctionsEnv({ SEND_BATCH_SIZE: 100, SEND_CLAIM_LIMIT: 1000 });
  await invoke();
  const t0 = Date.now();
  await populate(a, tagA, N, 1, `now()`);
  await populate(b, tagB, 10, 1, `clock_timestamp() + interval '5 seconds'`);
  log(
    `part 3: organisation A ${N} due now, organisation B 10 due 5 s later; inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  await fetch(`${MAIL_URL}/_catcher/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rateLimitPerSecond: 10, failNext: null, delayMs: 0 }),
  });
  const start = Date.now();
  let requests = 0;
  let throttled = 0;
  for (;;) {
    const results = await Promise.all([invoke(), invoke()]);
    for (const r of results) {
      requests += r.requests ?? 0;
      throttled += r.throttled ?? 0;
    }
    const [{ left }] = await q(
      `select count(*)::int as left from public.enrollment_stages where organization_id = any ($1::uuid[]) and status <> 'sent'`,
      [[a.org, b.org]],
    );
    if (left === 0) break;
    if (Date.now() - start > 30 * 60_000) {
      log(`part 3: stopped after 30 min with ${left} unsent`);
      break;
    }
    if (results.every((r) => (r.claimed ?? 0) === 0)) await new Promise((r) => setTimeout(r, 250));
  }
  const wall = (Date.now() - start) / 1000;
  const stats = async (org) =>
    (
      await q(
        `select count(*)::int as sent,
                extract(epoch from percentile_cont(0.5) within group (order by sent_at - scheduled_at)) as p50,
                extract(epoch from percentile_cont(0.99) within group (order by sent_at - scheduled_at)) as p99,
                extract(epoch from max(sent_at) - min(sent_at)) as span, min(sent_at) as first, max(sent_at) as last
         from public.enrollment_stages where organization_id = $1 and status = 'sent'`,
        [org],
      )
    )[0];
  const sa = await stats(a.org);
  const sb = await stats(b.org);
  const [all] = await q(
    `select extract(epoch from max(sent_at) - min(sent_at)) as span from public.enrollment_stages
     where organization_id = any ($1::uuid[]) and status = 'sent'`,
    [[a.org, b.org]],
  );
  const sent = sa.sent + sb.sent;
  log(
    `part 3: organisation B (10 due during A's backlog): lateness p50 ${Number(sb.p50).toFixed(2)} s, p99 ${Number(sb.p99).toFixed(2)} s (target < 10 s); A's last email left ${((new Date(sa.last).getTime() - new Date(sb.last).getTime()) / 1000).toFixed(1)} s after B's last`,
  );
  log(
    `part 3: organisation A: ${sa.sent} sent, lateness p50 ${Number(sa.p50).toFixed(1)} s, p99 ${Number(sa.p99).toFixed(1)} s`,
  );
  log(
    `part 3: total ${sent} in ${wall.toFixed(1)} s wall = ${(sent / wall).toFixed(0)} emails/s = ${((sent / wall / 1000) * 100).toFixed(1)} % of the limit (1000/s); first→last send ${Number(all.span).toFixed(1)} s = ${((sent / Math.max(Number(all.span), 0.001) / 1000) * 100).toFixed(1)} % of the limit (target >= 95 %); ${requests} requests, ${throttled} answered 429`,
  );
  await fetch(`${MAIL_URL}/_catcher/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rateLimitPerSecond: null }),
  });
  await q(`select cron.alter_job(jobid, active := true) from cron.job where jobname = 'send-due-stages'`);
}

// Part 2 ------------------------------------------------------------------------------------
if (PARTS.has('2') && M > 0) {
  const tag = crypto.randomUUID().slice(0, 8);
  const f = await fixture(tag);
  const t0 = Date.now();
  // M stages: 100 per enrolment, scheduled over the next year; 1,000 of them due now.
  await populate(f, tag, Math.ceil(M / 100), 100, `now() + make_interval(mins => 10 + (random() * 525600)::int)`);
  await q(
    `update public.enrollment_stages set scheduled_at = now() - interval '1 minute'
           where id in (select id from public.enrollment_stages where organization_id = $1 limit 1000)`,
    [f.org],
  );
  await q('analyze public.enrollment_stages');
  await q('analyze public.enrollments');
  const [{ n }] = await q(`select count(*)::int as n from public.enrollment_stages where status = 'scheduled'`);
  log(`part 2: ${n} scheduled stages in the table (inserted in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  // The claim's two locking selects (20261126002600): expired leases, then due scheduled stages.
  const claimSelects = [
    `select s.id from public.enrollment_stages s
    join public.enrollments e on e.id = s.enrollment_id
    where s.status = 'claimed' and s.lease_until < now()
      and (e.status not in ('draft', 'paused') or s.send_key is not null)
    order by s.lease_until limit 100 for update of s skip locked`,
    `select s.id from public.enrollment_stages s
    join public.enrollments e on e.id = s.enrollment_id
    where s.status = 'scheduled' and s.scheduled_at <= now()
      and (e.status not in ('draft', 'paused') or s.send_key is not null)
    order by s.scheduled_at limit 100 for update of s skip locked`,
  ];
  for (const sql of claimSelects) {
    await q('begin');
    const plan = await q(`explain (analyze, buffers) ${sql}`);
    await q('rollback');
    for (const row of plan) log(`  ${row['QUERY PLAN']}`);
  }
  /** Median and max of 20 rolled-back runs of the whole RPC. */
  const timeClaim = async () => {
    const times = [];
    for (let i = 0; i < 20; i++) {
      await q('begin');
      const t = process.hrtime.bigint();
      await q(`select count(*) from public.claim_due_stages(100, 60)`);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      await q('rollback');
    }
    times.sort((a, b) => a - b);
    return `median ${times[10].toFixed(2)} ms, max ${times[19].toFixed(2)} ms (20 runs, rolled back)`;
  };
  log(
    `part 2: whole claim_due_stages(100) incl. ineligibility checks, caps, threading and result rows: ${await timeClaim()}`,
  );
  // The claim that ends every drain, and every cron run when nothing is due.
  await q(
    `update public.enrollment_stages set scheduled_at = now() + interval '100 years' where organization_id = $1 and scheduled_at <= now()`,
    [f.org],
  );
  log(`part 2: the same with nothing due (1,000 parked): ${await timeClaim()}`);
  // The table is left as it was: the parked stages are not due for a year, the 1,000 due ones
  // were moved to the far future above.
}

log(`load average at the end (1, 5, 15 min): ${loadavg()}`);
await db.end();
const outFile = OUT ?? path.join(here, 'results', 'sending.txt');
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, out.join('\n') + '\n');
