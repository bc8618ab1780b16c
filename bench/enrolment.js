#!/usr/bin/env node
// Enrolment benchmark (bench/README.md, "Enrolment", issue 14): 500 candidates from the
// recruiter's click on "Start 500 sequences" to all queued — every enrolment running with its
// first stage scheduled, which is when the sending engine may claim it. Sends exactly what the
// Enroll dialog sends (src/lib/state/enrol-dialog.svelte.ts): the drafts are made first
// (enroll_candidates, 50 candidates a call, all calls joining the first call's batch), then
// Start calls start_enrollments 50 drafts at a time, one after the other, so the progress bar
// moves with the work. Also measured, for comparison: the same with one call of 500 (no
// progress possible), and making the drafts (the "Edit sequences" step).
// Through supabase-js and the running stack's API, signed in as an organisation admin (a JWT
// minted with the stack's secret, as Supabase Auth issues it). The send-due-stages cron job is
// paused while measuring (so sending does not compete) and re-activated at the end.
//   export $(npm run --silent status | node -e "for (const [k, v] of Object.entries(JSON.parse(require('fs').readFileSync(0, 'utf8')))) if (v) console.log(k + '=' + v)")
//   flock /tmp/bench.lock node bench/enrolment.js [--runs 5] [--out bench/results/enrolment.txt]
// Runs against a running local stack on loopback only; its data is tagged and left in place
// (enrolments are never deleted). Target: < 5 s from click to all queued.
import fs from 'node:fs';
import os from 'node:os';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import ws from 'ws';
import { createClient } from '@supabase/supabase-js';
import { createJwt } from 'local-supabase';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 5));
const OUT = opt('out', null);
const N = 500; // MAX_ENROLMENT
const CHUNK = 50; // CHUNK of enrol-dialog.svelte.ts
const TARGET_MS = 5000;
const must = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} must be set (node scripts/cli.js status)`);
  return v;
};
const API_URL = must('API_URL');
const ANON_KEY = must('ANON_KEY');
const JWT_SECRET = must('JWT_SECRET');
const DB_URL = must('DB_URL');
for (const u of [API_URL, DB_URL.replace(/^postgres(ql)?:/, 'http:')]) {
  if (!['127.0.0.1', 'localhost'].includes(new URL(u).hostname)) throw new Error('only runs against a loopback stack');
}

const lines = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(s + '\n');
};
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const db = new pg.Client({ connectionString: DB_URL });
await db.connect();
const q = async (sql, params = []) => (await db.query(sql, params)).rows;

say(`# bench/enrolment.js — ${new Date().toISOString()}`);
say(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, node ${process.version}`,
);
say(`postgres: ${(await q('select version() as v'))[0].v}`);
say(`load average at start (1, 5, 15 min): ${loadavg()}`);

// One organisation, an admin with a verified sender domain, a 3-stage sequence.
const tag = crypto.randomUUID().slice(0, 8);
const [{ id: orgId }] = await q(
  `insert into public.organizations (name, time_zone, outreach_frequency_days, daily_send_cap, plan)
   values ($1, 'UTC', 0, 100000, 'plus') returning id`,
  [`bench-enrol-${tag}`],
);
const userId = crypto.randomUUID();
const domain = `${tag}.bench-enrol.test`;
await q(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`, [
  userId,
  `admin-${tag}@bench.test`,
]);
await q(
  `insert into public.members (user_id, organization_id, display_name, access_level, sender_name, sender_email)
   values ($1, $2, 'Bench Admin', 'organization_admin', 'Bench Admin', $3)`,
  [userId, orgId, `admin@${domain}`],
);
await q(
  `insert into public.sending_domains (organization_id, domain, status, verified_at) values ($1, $2, 'verified', now())`,
  [orgId, domain],
);
const [{ id: seqId }] = await q(
  `insert into public.sequences (organization_id, owner_id, title, access) values ($1, $2, $3, 'shared') returning id`,
  [orgId, userId, `bench-enrol-${tag}`],
);
const doc = (t) =>
  JSON.stringify({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: t }] }] });
for (const [i, days] of [0, 3, 7].entries()) {
  await q(
    `insert into public.sequence_stages (sequence_id, position, type, delay_days, delay_hours, subject, body)
     values ($1, $2, 'email', $3, 0, $4, $5)`,
    [seqId, i, days, `Hello {{candidate.first_name}} (${i + 1})`, doc(`Stage ${i + 1}.`)],
  );
}

const jwt = createJwt(JWT_SECRET);
const token = await jwt.sign({ sub: userId, role: 'authenticated', aud: 'authenticated' }, 3600);
const sb = createClient(API_URL, ANON_KEY, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: ws },
  global: { headers: { Authorization: `Bearer ${token}` } },
});

async function candidates(run) {
  const rows = await q(
    `insert into public.candidates (organization_id, first_name, last_name, email, company)
     select $1, 'Bench' || g, 'Run${run}', 'bench' || g || '.r${run}.${tag}@candidates.test', 'Initech'
     from generate_series(1, ${N}) g returning id`,
    [orgId],
  );
  return rows.map((r) => r.id);
}

/** "Edit sequences": drafts for `ids`, CHUNK a call, one batch. Returns their enrolment ids. */
async function makeDrafts(ids, chunk) {
  let batch = null;
  const drafts = [];
  for (let i = 0; i < ids.length; i += chunk) {
    const { data, error } = await sb.rpc('enroll_candidates', {
      sequence_id: seqId,
      candidate_ids: ids.slice(i, i + chunk),
      start: false,
      batch_id: batch ?? undefined,
    });
    if (error) throw new Error(`enroll_candidates: ${error.message}`);
    for (const r of data) if (r.ok) drafts.push(r.enrollment_id);
    if (!batch && drafts[0]) {
      const b = await sb.from('enrollments').select('batch_id').eq('id', drafts[0]).single();
      if (b.error) throw new Error(b.error.message);
      batch = b.data.batch_id;
    }
  }
  if (drafts.length !== ids.length) throw new Error(`only ${drafts.length} of ${ids.length} drafts were made`);
  return drafts;
}

/** "Start N sequences": start_enrollments CHUNK drafts a call, one after the other. */
async function start(drafts, chunk) {
  let started = 0;
  for (let i = 0; i < drafts.length; i += chunk) {
    const { data, error } = await sb.rpc('start_enrollments', { enrollment_ids: drafts.slice(i, i + chunk) });
    if (error) throw new Error(`start_enrollments: ${error.message}`);
    started += data.filter((r) => r.ok).length;
  }
  return started;
}

async function queued(drafts) {
  const [r] = await q(
    `select count(*)::int as n from public.enrollments e
     join public.enrollment_stages s on s.enrollment_id = e.id and s.position = 0
     where e.id = any ($1::uuid[]) and e.status = 'running' and s.status = 'scheduled' and s.scheduled_at is not null`,
    [drafts],
  );
  return r.n;
}

await q(`select cron.alter_job(jobid, active := false) from cron.job where jobname = 'send-due-stages'`);
const results = { drafts: [], start50: [], start500: [] };
let run = 0;
try {
  // Warm-up: one small enrolment, not measured.
  await start(await makeDrafts(await candidates(run++), CHUNK), CHUNK);
  for (let r = 0; r < RUNS; r += 1) {
    for (const chunk of [CHUNK, N]) {
      const ids = await candidates(run++);
      let t = performance.now();
      const drafts = await makeDrafts(ids, CHUNK);
      results.drafts.push(performance.now() - t);
      t = performance.now();
      const started = await start(drafts, chunk);
      const ms = performance.now() - t;
      const n = await queued(drafts);
      if (started !== N || n !== N) throw new Error(`started ${started}, queued ${n} of ${N}`);
      results[chunk === N ? 'start500' : 'start50'].push(ms);
      say(`run ${r + 1}: Start in calls of ${chunk}: ${N} queued in ${(ms / 1000).toFixed(2)} s`);
    }
  }
} finally {
  await q(`select cron.alter_job(jobid, active := true) from cron.job where jobname = 'send-due-stages'`);
}
const fmt = (xs) =>
  `median ${(median(xs) / 1000).toFixed(2)} s, min ${(Math.min(...xs) / 1000).toFixed(2)} s, max ${(Math.max(...xs) / 1000).toFixed(2)} s`;
say('');
say(`click "Start ${N} sequences" → all ${N} queued (running, first stage scheduled), ${RUNS} runs:`);
say(`  as the dialog does it, ${N / CHUNK} calls of ${CHUNK} (progress bar): ${fmt(results.start50)}`);
say(`  one call of ${N} (no progress possible):             ${fmt(results.start500)}`);
say(`"Edit sequences": ${N} drafts in ${N / CHUNK} calls of ${CHUNK}, one batch: ${fmt(results.drafts)}`);
say(
  `target < ${TARGET_MS / 1000} s from click to all queued: ${Math.max(...results.start50) < TARGET_MS ? 'met' : 'NOT met'} (worst run ${(Math.max(...results.start50) / 1000).toFixed(2)} s)`,
);
say(`load average at the end (1, 5, 15 min): ${loadavg()}`);
await db.end();
if (OUT) fs.writeFileSync(OUT, lines.join('\n') + '\n');
