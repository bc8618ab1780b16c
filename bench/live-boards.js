#!/usr/bin/env node
// Live boards: postgres_changes vs database broadcast with many watchers (issue 15,
// bench/README.md "Live boards"). Against a running stack (API_URL, ANON_KEY, JWT_SECRET, DB_URL
// as `node local/cli.js status` prints them):
//   - one organisation, a shared sequence with 200 running enrolments, and watchers signed in as
//     a mix of users (organisation admin, admin, elevated ×2 — all may see the board — and a
//     limited user, who must receive nothing);
//   - W watchers subscribe to the board, either with postgres_changes on enrollments filtered by
//     sequence_id (RLS checked per subscriber per change) or to the private broadcast channel
//     `board:<sequence>:<channel key>` that 20261129150100_live_boards_broadcast.sql feeds (authorised at join);
//   - a driver commits RATE enrolment updates per second for SECONDS; latency = time a watcher
//     receives the change − time the updating statement was issued (one process, one clock).
// The board then reloads through RLS (sequence_board + metrics); that read is timed separately,
// so commit → screen ≈ delivery + reload.
//   node bench/live-boards.js [--watchers 500] [--rate 50] [--seconds 10] [--out bench/results/live-boards.txt]
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import ws from 'ws';
import { SignJWT } from 'jose';
import { createClient } from '@supabase/supabase-js';

const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : d;
};
const WATCHERS = Number(opt('watchers', 500));
const RATE = Number(opt('rate', 50));
const SECONDS = Number(opt('seconds', 10));
const OUT = opt('out', null);
const MODES = opt('modes', 'broadcast,postgres_changes').split(',');
const env = (n) => {
  const v = process.env[n];
  if (!v) throw new Error(`${n} is not set (see node local/cli.js status)`);
  return v;
};
const API_URL = env('API_URL');
const ANON_KEY = env('ANON_KEY');
const JWT_SECRET = env('JWT_SECRET');
const DB_URL = env('DB_URL');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN);
const lines = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(s + '\n');
};

const jwtFor = (sub) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(JWT_SECRET));
};

async function setup(db) {
  const org = (
    await db.query(`insert into organizations (name, plan) values ($1, 'plus') returning id`, [
      `bench-live-${Date.now()}`,
    ])
  ).rows[0].id;
  const levels = ['organization_admin', 'admin', 'elevated', 'elevated', 'limited'];
  const users = [];
  for (const level of levels) {
    const id = randomUUID();
    await db.query(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`, [
      id,
      `${id}@bench.test`,
    ]);
    await db.query(
      `insert into members (user_id, organization_id, display_name, access_level) values ($1, $2, $3, $4)`,
      [id, org, level, level],
    );
    users.push({ id, level, token: await jwtFor(id) });
  }
  const { id: seq, channel_key: key } = (
    await db.query(
      `insert into sequences (organization_id, owner_id, title, access) values ($1, $2, 'live bench', 'shared') returning id, channel_key`,
      [org, users[0].id],
    )
  ).rows[0];
  await db.query(
    `insert into candidates (organization_id, first_name, last_name, email)
     select $1, 'Live', 'Bench ' || g, 'live' || g || '@bench.test' from generate_series(1, 200) g`,
    [org],
  );
  const ids = (
    await db.query(
      `insert into enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status, started_at)
       select $1, $2, c.id, $3, c.email, 'running', now() from candidates c where c.organization_id = $1 returning id`,
      [org, seq, users[0].id],
    )
  ).rows.map((r) => r.id);
  return { org, seq, key, users, ids };
}

async function run(mode, db, s) {
  const clients = [];
  const samples = [];
  const committed = new Map();
  let limitedGot = 0;
  const t0 = performance.now();
  for (let i = 0; i < WATCHERS; i++) {
    const u = s.users[i % s.users.length];
    const c = createClient(API_URL, ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
      accessToken: async () => u.token,
      realtime: { transport: ws, vsn: '2.0.0' },
    });
    await c.realtime.setAuth(u.token);
    const onHit = (ids) => {
      const now = performance.now();
      if (u.level === 'limited') return void limitedGot++;
      for (const id of ids) {
        const t = committed.get(id);
        if (t !== undefined) samples.push(now - t);
      }
    };
    const ch =
      mode === 'broadcast'
        ? c
            .channel(`board:${s.seq}:${s.key}`, { config: { private: true } })
            .on('broadcast', { event: 'change' }, (m) => onHit(m.payload.enrollment_ids ?? []))
        : c
            .channel(`pc-${s.seq}-${i}`)
            .on(
              'postgres_changes',
              { event: 'UPDATE', schema: 'public', table: 'enrollments', filter: `sequence_id=eq.${s.seq}` },
              (p) => onHit([p.new.id]),
            );
    await new Promise((resolve) => {
      ch.subscribe((st) => {
        if (st === 'SUBSCRIBED' || st === 'CHANNEL_ERROR' || st === 'TIMED_OUT') resolve(st);
      });
    });
    clients.push(c);
  }
  const joinS = (performance.now() - t0) / 1000;
  await sleep(1500); // postgres_changes subscriptions become active shortly after SUBSCRIBED
  const total = RATE * SECONDS;
  const gap = 1000 / RATE;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const id = s.ids[i % s.ids.length];
    const target = start + i * gap;
    const wait = target - performance.now();
    if (wait > 0) await sleep(wait);
    // Timed from the moment the statement is issued: a broadcast can reach a watcher before the
    // commit's acknowledgement reaches the driver, so this includes the commit (conservative).
    committed.set(id, performance.now());
    await db.query(`update enrollments set response_reason = $2 where id = $1`, [id, `tick ${i}`]);
    // Each id is touched again only after a full cycle of 200 ids (4 s at 50/s); late deliveries
    // of the previous touch are not counted against the next.
  }
  await sleep(5000);
  const visible = s.users.filter((u) => u.level !== 'limited').length;
  const watchersSeeing = Array.from({ length: WATCHERS }, (_, i) => s.users[i % s.users.length]).filter(
    (u) => u.level !== 'limited',
  ).length;
  for (const c of clients) {
    await c.removeAllChannels();
    c.realtime.disconnect();
  }
  samples.sort((a, b) => a - b);
  return { mode, samples, want: total * watchersSeeing, limitedGot, joinS, visible };
}

async function reloadCost(s) {
  const c = createClient(API_URL, ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    accessToken: async () => s.users[2].token,
    realtime: { transport: ws },
  });
  const t = [];
  for (let i = 0; i < 60; i++) {
    const a = performance.now();
    await Promise.all([
      c.rpc('sequence_board', { sequence_id: s.seq }),
      c.rpc('sequence_metrics', { sequence_id: s.seq }),
      c.rpc('sequence_stage_metrics', { sequence_id: s.seq }),
    ]);
    t.push(performance.now() - a);
  }
  t.sort((a, b) => a - b);
  return t.slice(10);
}

const db = new pg.Client({ connectionString: DB_URL });
await db.connect();
const s = await setup(db);
say(`date:    ${new Date().toISOString()}`);
say(
  `nproc:   ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'}), memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
);
say(
  `load:    ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (1/5/15 min at start; shared machine)`,
);
say(
  `setup:   ${WATCHERS} watchers in one Node process (supabase-js, vsn 2.0.0), users round-robin: ${s.users.map((u) => u.level).join(', ')};`,
);
say(
  `         ${RATE} enrolment updates/s for ${SECONDS} s on a 200-enrolment board; latency = receive − update issued (includes the commit)`,
);
say();
say('| mode | join (s) | delivered / expected | p50 ms | p95 ms | p99 ms | max ms | limited user received |');
say('|---|---|---|---|---|---|---|---|');
for (const mode of MODES) {
  const r = await run(mode, db, s);
  const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '—');
  say(
    `| ${mode} | ${r.joinS.toFixed(1)} | ${r.samples.length} / ${r.want} | ${f(pct(r.samples, 50))} | ${f(pct(r.samples, 95))} | ${f(pct(r.samples, 99))} | ${f(r.samples.at(-1))} | ${r.limitedGot} |`,
  );
}
const rc = await reloadCost(s);
say();
say(
  `board reload after a change (sequence_board + sequence_metrics + sequence_stage_metrics in parallel, 200 enrolments, HTTP): p50 ${pct(rc, 50).toFixed(1)} ms, p95 ${pct(rc, 95).toFixed(1)} ms`,
);
await db.end();
if (OUT) fs.writeFileSync(OUT, lines.join('\n') + '\n');
process.exit(0);
