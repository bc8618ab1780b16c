#!/usr/bin/env node
// Reporting benchmark (issue 15, bench/README.md "Reporting"): on the RLS data set of
// bench/rls (1M enrolments, 5M email events, in the database `bench` made by bench/rls/setup.sh),
// the sequence metrics and the per-stage breakdown of the 5,000-enrolment sequence (target p95
// < 20 ms), and the home chart's 13 weekly points for "Everyone" in an organisation with 20,000
// enrolments (target p95 < 50 ms), each as the organisation admin and an elevated user, run the
// way the REST gateway runs an RPC: on an authenticator connection, `begin; set local role
// authenticated; set_config(request.jwt.claims); select …; commit`.
//   DB_PORT=<port> node bench/reporting.js --out bench/results/reporting.txt [--runs 200] [--warmup 20]
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from 'local-supabase';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 200));
const WARMUP = Number(opt('warmup', 20));
const OUT = opt('out', null);
const DB = process.env.BENCH_DB || 'bench';
const config = loadConfig();
const dbBase = { host: config.host, port: config.dbPort, database: DB, password: config.dbPassword };

const lines = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(s + '\n');
};
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function measure(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const q = [];
  const tx = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await fn();
    q.push(r.query);
    tx.push(r.tx);
  }
  q.sort((a, b) => a - b);
  tx.sort((a, b) => a - b);
  return { q, tx };
}

async function main() {
  const admin = new pg.Client({ ...dbBase, user: 'postgres' });
  await admin.connect();
  const id = async (tag, n) => (await admin.query(`select md5($1 || ':' || $2)::uuid as id`, [tag, n])).rows[0].id;
  const org = await id('org', 1);
  const seq = await id('seq', 1);
  const users = [
    { name: 'organisation admin', id: await id('user', 1) },
    { name: 'elevated', id: await id('user', 7) },
  ];
  const facts = (
    await admin.query(
      `select (select count(*) from public.enrollments) as enrollments, (select count(*) from public.email_events) as events,
              (select count(*) from public.enrollments where organization_id = $1) as org_enrollments,
              (select count(*) from public.enrollments where organization_id = $1 and started_at > now() - interval '13 weeks') as org_recent,
              (select count(*) from public.enrollments where sequence_id = $2) as seq_enrollments,
              (select count(*) from public.email_events where sequence_id = $2) as seq_events,
              version() as pg`,
      [org, seq],
    )
  ).rows[0];
  if (Number(facts.enrollments) < 100000) throw new Error(`"${DB}" lacks the data: run bench/rls/setup.sh first`);
  let free = '';
  try {
    free = execFileSync('free', ['-g'], { encoding: 'utf8' }).trimEnd();
  } catch {
    /* not on every system */
  }
  say(`date:     ${new Date().toISOString()}`);
  say(`nproc:    ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'})`);
  say(`node:     ${process.version}`);
  say(`postgres: ${facts.pg}`);
  say(
    `load:     ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min, at start; the machine is shared)`,
  );
  if (free)
    say(
      'free -g:\n' +
        free
          .split('\n')
          .map((l) => '  ' + l)
          .join('\n'),
    );
  say();
  say(`data:     ${facts.enrollments} enrolments, ${facts.events} email events (bench/rls/generate.sql)`);
  say(`          metrics sequence: ${facts.seq_enrollments} enrolments, ${facts.seq_events} email events`);
  say(
    `          home chart organisation: ${facts.org_enrollments} enrolments (${facts.org_recent} started in the 13 weeks)`,
  );
  say(
    `runs:     ${RUNS} per row after ${WARMUP} warm-up; "query" = the statement, "tx" = begin/role/claims/query/commit`,
  );
  say();

  const sql = new pg.Client({ ...dbBase, user: 'authenticator' });
  await sql.connect();
  const asUser = (uid, text, values) => async () => {
    const t0 = performance.now();
    await sql.query('begin');
    await sql.query('set local role authenticated');
    await sql.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: uid, role: 'authenticated' }),
    ]);
    const t1 = performance.now();
    await sql.query(text, values);
    const t2 = performance.now();
    await sql.query('commit');
    return { query: t2 - t1, tx: performance.now() - t0 };
  };
  const rows = [
    { name: 'sequence_metrics', text: 'select * from public.sequence_metrics($1)', values: [seq], target: 20 },
    {
      name: 'sequence_stage_metrics',
      text: 'select * from public.sequence_stage_metrics($1)',
      values: [seq],
      target: 20,
    },
    {
      name: "home_activity('everyone')",
      text: `select * from public.home_activity('everyone', 13)`,
      values: [],
      target: 50,
    },
    { name: "home_activity('mine')", text: `select * from public.home_activity('mine', 13)`, values: [], target: 50 },
    // The board's first request (a small first page) and a live change's (the rows it names).
    {
      name: 'sequence_board_rows(first 50)',
      text: 'select * from public.sequence_board_rows($1, null, 0, 50)',
      values: [seq],
      target: null,
    },
    {
      name: 'sequence_board_rows(3 ids)',
      text: `select * from public.sequence_board_rows($1, (select array_agg(e.id) from (select id from public.enrollments
               where sequence_id = $1 order by id limit 3) e))`,
      values: [seq],
      target: null,
    },
  ];
  say('| query | user | query p50 | p95 | p99 | tx p95 | target p95 | verdict |');
  say('|---|---|---|---|---|---|---|---|');
  const f = (x) => x.toFixed(2);
  for (const r of rows) {
    for (const u of users) {
      const m = await measure(asUser(u.id, r.text, r.values));
      const p95 = pct(m.q, 95);
      say(
        `| ${r.name} | ${u.name} | ${f(pct(m.q, 50))} | ${f(p95)} | ${f(pct(m.q, 99))} | ${f(pct(m.tx, 95))} | ${r.target === null ? '—' : `${r.target} ms`} | ${r.target === null ? '—' : p95 < r.target ? 'ok' : 'OVER'} |`,
      );
    }
  }
  const points = await (async () => {
    await sql.query('begin');
    await sql.query('set local role authenticated');
    await sql.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: users[0].id, role: 'authenticated' }),
    ]);
    const r = await sql.query(`select * from public.home_activity('everyone', 13)`);
    await sql.query('commit');
    return r.rows;
  })();
  say();
  say(
    `home chart points (Everyone, organisation admin): ${points.length}; sent per week: ${points.map((p) => p.sent).join(', ')}`,
  );
  say();
  for (const r of rows.slice(0, 3)) {
    await sql.query('begin');
    await sql.query('set local role authenticated');
    await sql.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: users[1].id, role: 'authenticated' }),
    ]);
    await sql.query(`set local plan_cache_mode = force_custom_plan`);
    const plan = await sql.query(`explain (analyze, buffers, costs off) ${r.text}`, r.values);
    await sql.query('commit');
    say(`EXPLAIN ANALYZE ${r.name} (elevated):`);
    for (const p of plan.rows) say('  ' + p['QUERY PLAN']);
    say();
  }
  // A plan shows a function as one scan: the metrics' bodies (security definer helpers in
  // `private`, run as their owner) are explained here as they run, with the caller's claims.
  for (const fn of ['sequence_metrics', 'sequence_stage_metrics']) {
    const body = (
      await admin.query(
        `select p.prosrc from pg_proc p where p.proname = $1 and p.pronamespace = 'private'::regnamespace`,
        [fn],
      )
    ).rows[0]?.prosrc;
    if (!body) continue;
    await admin.query('begin');
    await admin.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: users[1].id, role: 'authenticated' }),
    ]);
    await admin.query(`set local search_path = ''`);
    const plan = await admin.query(
      `explain (analyze, buffers, costs off) ${body.replaceAll('p_sequence', '$1::uuid')}`,
      [seq],
    );
    await admin.query('commit');
    say(`EXPLAIN ANALYZE body of private.${fn} (elevated):`);
    for (const p of plan.rows) say('  ' + p['QUERY PLAN']);
    say();
  }
  await sql.end();
  await admin.end();
  if (OUT) fs.writeFileSync(OUT, lines.join('\n') + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
