#!/usr/bin/env node
// Live boards: postgres_changes vs database broadcast with many watchers (issue 15,
// bench/README.md "Live boards"). Against a running stack (API_URL, ANON_KEY, JWT_SECRET, DB_URL
// as `node scripts/cli.js status` prints them):
//   - one organisation, a shared sequence with 200 running enrolments, and watchers signed in as
//     a mix of users (organisation admin, admin, elevated ×2 — all may see the board — and a
//     limited user, who must receive nothing);
//   - W watchers subscribe to the board, either with postgres_changes on enrollments filtered by
//     sequence_id (RLS checked per subscriber per change) or to the private broadcast channel
//     `board:<sequence>:<channel key>` that 20261129150100_live_boards_broadcast.sql feeds
//     (authorised at join). The watchers are spread over P child processes, so the bench measures
//     the server rather than one Node process parsing every message;
//   - a driver commits RATE enrolment updates per second for SECONDS. One clock: the machine's
//     (Date.now() in every process). The driver records when it issued each update; each child
//     records when each watcher received each change; the parent matches them, so latency =
//     received − issued (includes the commit; the driver's commit round trip is reported too);
//   - "screen" watchers (one per user who may see the board, in their own process) do what the
//     board does on a change (src/lib/state/enrollments.svelte.ts): apply the rows the message
//     carries (20261201100000) or, for a message without rows, fetch just the named enrolments
//     through RLS (sequence_board_rows, coalesced: one request in flight, the ids that arrive
//     meanwhile go in the next); and refresh the metrics at most once a second (METRICS_EVERY).
//     commit → row on screen = the row's new state in hand − issued; commit → rates = the first
//     metrics read begun after the change was heard answered − issued.
//   - with --app APP_URL (the SPA built against the stack and served), the board itself is open
//     in Chromium, signed in as the elevated user, during the broadcast run: each update also
//     flips the enrolment's "reply not logged" reason, which the board's row shows, and the page
//     records when the 20 rows on screen painted their new text, and every frame (board-screen.js).
// The same reads are then timed alone (no load) for reference.
//   node bench/live-boards.js [--watchers 500] [--procs 4] [--rate 50] [--seconds 10] [--modes broadcast,postgres_changes]
//                             [--app http://127.0.0.1:5773] [--out bench/results/live-boards.txt]
import fs from 'node:fs';
import os from 'node:os';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import ws from 'ws';
import { SignJWT } from 'jose';
import { createClient } from '@supabase/supabase-js';
import { chromium } from 'playwright-core';
import { boardReport, openBoard, watchBoard } from './board-screen.js';

const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : d;
};
const env = (n) => {
  const v = process.env[n];
  if (!v) throw new Error(`${n} is not set (see node scripts/cli.js status)`);
  return v;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN);

const client = (token) =>
  createClient(env('API_URL'), env('ANON_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false },
    accessToken: async () => token,
    realtime: { transport: ws, vsn: '2.0.0' },
  });

// ---------------------------------------------------------------------------------------------
// Child: a share of the watchers. Messages from the parent: {type: 'join', …}, {type: 'collect'}.
if (args[0] === '--child') {
  const samples = []; // [index of the enrolment, time received] pairs
  const screen = [];
  const rates = [];
  let limitedGot = 0;
  let fetches = 0;
  let fetchErrors = 0;
  const clients = [];
  process.on('message', async (msg) => {
    if (msg.type === 'join') {
      const index = new Map(msg.ids.map((id, i) => [id, i]));
      let errors = 0;
      let refused = 0;
      for (const w of msg.watchers) {
        const c = client(w.token);
        await c.realtime.setAuth(w.token);
        const onHit = w.screen ? screenWatcher(c, msg.seq, index) : null;
        const hit = (ids, rows) => {
          const now = Date.now();
          if (w.level === 'limited') return void limitedGot++;
          if (onHit) return onHit(ids, rows);
          for (const id of ids) {
            const i = index.get(id);
            if (i !== undefined) samples.push(i, now);
          }
        };
        const ch =
          msg.mode === 'broadcast'
            ? c
                .channel(msg.topic, { config: { private: true } })
                .on('broadcast', { event: 'change' }, (m) => hit(m.payload.enrollment_ids ?? [], m.payload.rows))
            : c
                .channel(`pc-${randomUUID()}`)
                .on(
                  'postgres_changes',
                  { event: 'UPDATE', schema: 'public', table: 'enrollments', filter: `sequence_id=eq.${msg.seq}` },
                  (p) => hit([p.new.id]),
                );
        const st = await new Promise((resolve) =>
          ch.subscribe((s) => {
            if (s === 'SUBSCRIBED' || s === 'CHANNEL_ERROR' || s === 'TIMED_OUT') resolve(s);
          }),
        );
        // A limited user is refused at join (the board's policy); anyone else is an error.
        if (st !== 'SUBSCRIBED') {
          if (w.level === 'limited') refused++;
          else errors++;
        }
        clients.push(c);
      }
      process.send({ type: 'joined', errors, refused });
    } else if (msg.type === 'collect') {
      process.send({ type: 'samples', samples, screen, rates, limitedGot, fetches, fetchErrors });
      for (const c of clients) {
        await c.removeAllChannels();
        c.realtime.disconnect();
      }
      process.exit(0);
    }
  });

  // What the board does with a change: apply the rows it carries, else fetch just those rows
  // (coalesced), and refresh the metrics at most once a second (leading and trailing).
  function screenWatcher(c, seq, index) {
    const pending = new Set();
    let busy = false;
    let heard = []; // [index, received] of changes the rates on screen do not include yet
    let metricsAt = 0;
    let timer = null;
    const metrics = () => {
      if (timer) return;
      timer = setTimeout(
        async () => {
          metricsAt = Date.now();
          const covers = heard;
          heard = [];
          await Promise.all([
            c.rpc('sequence_metrics', { sequence_id: seq }),
            c.rpc('sequence_stage_metrics', { sequence_id: seq }),
          ]);
          const now = Date.now();
          for (let j = 0; j < covers.length; j += 2) rates.push(covers[j], now);
          timer = null;
          if (heard.length) metrics();
        },
        Math.max(0, metricsAt + 1000 - Date.now()),
      );
    };
    const shown = (id, now) => {
      const i = index.get(id);
      if (i === undefined) return;
      screen.push(i, now);
      heard.push(i, now);
      metrics();
    };
    const drain = async () => {
      if (busy) return;
      busy = true;
      while (pending.size) {
        const ids = [...pending];
        pending.clear();
        const r = await c.rpc('sequence_board_rows', { sequence_id: seq, enrollment_ids: ids });
        const now = Date.now();
        fetches++;
        if (r.error) {
          fetchErrors++;
          continue;
        }
        for (const row of r.data) shown(row.id, now);
      }
      busy = false;
    };
    return (ids, rows) => {
      if (Array.isArray(rows)) {
        const now = Date.now();
        for (const row of rows) shown(row.id, now);
        return;
      }
      for (const id of ids) pending.add(id);
      void drain();
    };
  }
} else {
  await parent();
}

// ---------------------------------------------------------------------------------------------
async function parent() {
  const WATCHERS = Number(opt('watchers', 500));
  const PROCS = Number(opt('procs', Math.max(2, os.cpus().length * 2)));
  const RATE = Number(opt('rate', 50));
  const SECONDS = Number(opt('seconds', 10));
  const OUT = opt('out', null);
  const MODES = opt('modes', 'broadcast,postgres_changes').split(',');
  const APP = opt('app', null);
  const JWT_SECRET = env('JWT_SECRET');
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

  const db = new pg.Client({ connectionString: env('DB_URL') });
  await db.connect();
  // The driver's updates go through a pool, so one slow commit does not hold up the next
  // update (on one connection they would queue, and the queue would count as latency).
  const pool = new pg.Pool({ connectionString: env('DB_URL'), max: 8 });
  const s = await setup(db, jwtFor);
  const visibleUsers = s.users.filter((u) => u.level !== 'limited');
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
    `setup:   ${WATCHERS} watchers over ${PROCS} child processes (supabase-js, vsn 2.0.0), users round-robin: ${s.users.map((u) => u.level).join(', ')};`,
  );
  say(
    `         + ${visibleUsers.length} screen watchers in one more process (apply the rows a message carries, else fetch them through RLS; metrics at most once a second);`,
  );
  say(
    `         ${RATE} enrolment updates/s for ${SECONDS} s on a 200-enrolment board; delivery = received − update issued (one clock: the machine's; includes the commit)`,
  );
  say();
  const results = [];
  for (const mode of MODES) results.push(await run(mode));
  say(
    '| mode | join (s) | delivered / expected | delivery p50 ms | p95 | p99 | max | commit → row on screen p50 | p95 | commit → rates p50 | p95 | row fetches | limited: refused at join / received | others failing to join |',
  );
  say('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const f = (v) => (Number.isFinite(v) ? v.toFixed(0) : '—');
  for (const r of results) {
    say(
      `| ${r.mode} | ${r.joinS.toFixed(1)} | ${r.delivered.length} / ${r.want} | ${f(pct(r.delivered, 50))} | ${f(pct(r.delivered, 95))} | ${f(pct(r.delivered, 99))} | ${f(r.delivered.at(-1))} | ${f(pct(r.screen, 50))} | ${f(pct(r.screen, 95))} | ${f(pct(r.rates, 50))} | ${f(pct(r.rates, 95))} | ${r.fetches}${r.fetchErrors ? ` (${r.fetchErrors} failed)` : ''} | ${r.refused} / ${r.limitedGot} | ${r.joinErrors} |`,
    );
  }
  say();
  for (const r of results) {
    if (!r.browser) continue;
    say(`${r.mode}, the board open in Chromium (${s.users[2].level} user) during the run:`);
    say(`  commit → painted (the 20 rows on screen): ${r.browser.painted}`);
    say(`  frames: ${r.browser.frames}; long tasks (> 50 ms): ${r.browser.longTasks}`);
  }
  for (const r of results) {
    say(
      `${r.mode}: the driver's update round trip (issue → commit acknowledged) p50 ${pct(r.commit, 50).toFixed(1)} ms, p95 ${pct(r.commit, 95).toFixed(1)} ms; load at the end ${r.loadEnd}`,
    );
  }
  const rc = await reloadCost(s);
  say();
  say(
    `alone, after the run: the rows of one change (sequence_board_rows with 1 id) p50 ${pct(rc.rows, 50).toFixed(1)} ms, p95 ${pct(rc.rows, 95).toFixed(1)} ms;`,
  );
  say(
    `                     the metrics (sequence_metrics + sequence_stage_metrics in parallel) p50 ${pct(rc.metrics, 50).toFixed(1)} ms, p95 ${pct(rc.metrics, 95).toFixed(1)} ms (HTTP, 200-enrolment board)`,
  );
  await db.end();
  await pool.end();
  if (OUT) fs.writeFileSync(OUT, lines.join('\n') + '\n');
  process.exit(0);

  async function run(mode) {
    const topic = `board:${s.seq}:${s.key}`;
    const share = Array.from({ length: PROCS }, () => []);
    for (let i = 0; i < WATCHERS; i++) {
      const u = s.users[i % s.users.length];
      share[i % PROCS].push({ token: u.token, level: u.level, screen: false });
    }
    share.push(visibleUsers.map((u) => ({ token: u.token, level: u.level, screen: true })));
    const children = share.map(() => fork(fileURLToPath(import.meta.url), ['--child'], { stdio: 'inherit' }));
    const next = (c, type) => new Promise((resolve) => c.once('message', (m) => m.type === type && resolve(m)));
    const t0 = performance.now();
    const joined = await Promise.all(
      children.map((c, i) => {
        const p = next(c, 'joined');
        c.send({ type: 'join', mode, topic, seq: s.seq, ids: s.ids, watchers: share[i] });
        return p;
      }),
    );
    const joinS = (performance.now() - t0) / 1000;
    const joinErrors = joined.reduce((a, m) => a + m.errors, 0);
    const refused = joined.reduce((a, m) => a + m.refused, 0);
    if (joinErrors) process.stderr.write(`${mode}: ${joinErrors} watchers who may see the board could not join\n`);
    // The board in a browser (broadcast: the app's way), opened before the changes start.
    let browser = null;
    let watch = null;
    if (APP && mode === 'broadcast') {
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      await openBoard(page, APP, s.users[2].email, s.seq, s.ids.length);
      watch = await watchBoard(page);
    }
    await sleep(1500); // postgres_changes subscriptions become active shortly after SUBSCRIBED
    const total = RATE * SECONDS;
    const gap = 1000 / RATE;
    const issued = s.ids.map(() => []);
    const commit = [];
    const start = performance.now();
    const inflight = [];
    for (let i = 0; i < total; i++) {
      const k = i % s.ids.length;
      const wait = start + i * gap - performance.now();
      if (wait > 0) await sleep(wait);
      // Open loop: the next update is issued on time even when a commit is slow.
      const t = Date.now();
      issued[k].push(t);
      inflight.push(
        pool
          .query(
            `update enrollments set response_reason = $2,
               last_reply_hidden_reason = case when last_reply_hidden_reason = 'hired' then 'internal' else 'hired' end
             where id = $1`,
            [s.ids[k], `tick ${i}`],
          )
          .then(() => commit.push(Date.now() - t)),
      );
    }
    await Promise.all(inflight);
    await sleep(5000);
    let shown = null;
    if (watch) {
      const live = await watch.stop();
      await browser.close();
      shown = boardReport(live, new Map(s.top.map(({ name, k }) => [name, issued[k]])));
    }
    const loadEnd = os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const got = await Promise.all(
      children.map((c) => {
        const p = next(c, 'samples');
        c.send({ type: 'collect' });
        return p;
      }),
    );
    // Each enrolment is touched again only after a full cycle of 200 (4 s at 50/s): a sample
    // belongs to the last update of its enrolment issued at or before it was received.
    const latency = (pairs, out) => {
      for (let j = 0; j < pairs.length; j += 2) {
        const times = issued[pairs[j]];
        const at = pairs[j + 1];
        let t = -1;
        for (const x of times) if (x <= at) t = x;
        if (t >= 0) out.push(at - t);
      }
    };
    const delivered = [];
    const screen = [];
    const rates = [];
    for (const g of got) {
      latency(g.samples, delivered);
      latency(g.screen, screen);
      latency(g.rates, rates);
    }
    delivered.sort((a, b) => a - b);
    screen.sort((a, b) => a - b);
    rates.sort((a, b) => a - b);
    commit.sort((a, b) => a - b);
    const watchersSeeing = Array.from({ length: WATCHERS }, (_, i) => s.users[i % s.users.length]).filter(
      (u) => u.level !== 'limited',
    ).length;
    return {
      mode,
      joinS,
      delivered,
      screen,
      rates,
      browser: shown,
      commit,
      loadEnd,
      refused,
      joinErrors,
      want: total * watchersSeeing,
      limitedGot: got.reduce((a, g) => a + g.limitedGot, 0),
      fetches: got.reduce((a, g) => a + g.fetches, 0),
      fetchErrors: got.reduce((a, g) => a + g.fetchErrors, 0),
    };
  }
}

async function setup(db, jwtFor) {
  const org = (
    await db.query(`insert into organizations (name, plan) values ($1, 'plus') returning id`, [
      `bench-live-${Date.now()}`,
    ])
  ).rows[0].id;
  const levels = ['organization_admin', 'admin', 'elevated', 'elevated', 'limited'];
  const users = [];
  for (const level of levels) {
    const id = randomUUID();
    // A password, so the board can also be opened in a browser (--app).
    await db.query(
      `insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at)
       values ($1, 'authenticated', 'authenticated', $2, extensions.crypt('password123', extensions.gen_salt('bf')), now())`,
      [id, `${id}@bench.test`],
    );
    await db.query(
      `insert into members (user_id, organization_id, display_name, access_level) values ($1, $2, $3, $4)`,
      [id, org, level, level],
    );
    users.push({ id, level, email: `${id}@bench.test`, token: await jwtFor(id) });
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
  // The rows a board shows first (newest first, then by id): the ones on screen in a browser.
  const top = (
    await db.query(
      `select e.id, btrim(c.first_name || ' ' || c.last_name) as name from enrollments e join candidates c on c.id = e.candidate_id
       where e.sequence_id = $1 order by e.created_at desc, e.id limit 20`,
      [seq],
    )
  ).rows.map((r) => ({ name: r.name, k: ids.indexOf(r.id) }));
  return { org, seq, key, users, ids, top };
}

async function reloadCost(s) {
  const c = client(s.users[2].token);
  const rows = [];
  const metrics = [];
  for (let i = 0; i < 60; i++) {
    let a = performance.now();
    await c.rpc('sequence_board_rows', { sequence_id: s.seq, enrollment_ids: [s.ids[i % s.ids.length]] });
    rows.push(performance.now() - a);
    a = performance.now();
    await Promise.all([
      c.rpc('sequence_metrics', { sequence_id: s.seq }),
      c.rpc('sequence_stage_metrics', { sequence_id: s.seq }),
    ]);
    metrics.push(performance.now() - a);
  }
  const cut = (t) => t.slice(10).sort((a, b) => a - b);
  return { rows: cut(rows), metrics: cut(metrics) };
}
