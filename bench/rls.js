#!/usr/bin/env node
// RLS benchmark (bench/README.md, "RLS: sequences list and pipeline counts"): how long the two
// hottest RLS-guarded reads take on a large data set (bench/rls/generate.sql: 100k sequences,
// 1M enrolments, 5M email events in 50 organisations), for an organisation admin and an
// elevated user of one organisation.
//   list    the Sequences list page: the request src/lib/api/sequences.ts listSequences sends
//           (embeds owner, job and the stage count; archived_at is null; newest 200)
//   counts  a sequence's pipeline counts: enrolments per status and per response_status of a
//           sequence with 5,000 enrolments
// Each is measured two ways:
//   SQL     on an `authenticator` connection, as the REST gateway runs it: begin; set local
//           role authenticated; set_config('request.jwt.claims', …, true); <query>; commit
//           (the list query is the exact statement the gateway generated for the SPA's
//           request, captured from the gateway's own connection)
//   HTTP    supabase-js → packages/local-supabase/api/rest (the gateway's code, mounted on an HTTP server on
//           port 0 over the bench database) with a minted user JWT
// then prints p50/p95/p99 (200 runs after 20 warm-up runs) and EXPLAIN (ANALYZE, BUFFERS) of
// every statement. Usage:
//   DB_PORT=63322 node bench/rls.js [--runs 200] [--warmup 20] [--out bench/results/rls.txt]
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import ws from 'ws';
import { createClient } from '@supabase/supabase-js';
import { loadConfig, createJwt, createRestHandler as createRest } from 'local-supabase';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 200));
const WARMUP = Number(opt('warmup', 20));
const OUT = opt('out', null);
const DB = process.env.BENCH_DB || 'bench';
const TARGET_P95_MS = 20;

const config = loadConfig();
const dbBase = { host: config.host, port: config.dbPort, database: DB, password: config.dbPassword };

// Subjects, named the way generate.sql numbers them (organisation 1).
const uuid = async (admin, tag, n) =>
  (await admin.query(`select md5($1 || ':' || $2)::uuid as id`, [tag, n])).rows[0].id;

const lines = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(s + '\n');
};

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function measure(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const t = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: pct(t, 50), p95: pct(t, 95), p99: pct(t, 99), max: t[t.length - 1] };
}

/** The gateway's REST part over the bench database, recording the read statements it runs. */
async function startGateway() {
  const log = (m) => process.stderr.write(`[rest] ${m}\n`);
  const adminPool = new pg.Pool({ ...dbBase, user: 'postgres', max: 4 });
  const apiPool = new pg.Pool({ ...dbBase, user: 'authenticator', max: 20 });
  /** @type {{ text: string, values: unknown[] }[]} */
  const captured = [];
  const connect = apiPool.connect.bind(apiPool);
  apiPool.connect = async () => {
    const c = await connect();
    if (!c.benchWrapped) {
      const query = c.query.bind(c);
      c.query = (text, values, cb) => {
        if (typeof text === 'string' && text.startsWith('select coalesce(json_agg')) captured.push({ text, values });
        return query(text, values, cb);
      };
      c.benchWrapped = true;
    }
    return c;
  };
  const jwt = createJwt(config.jwtSecret);
  const rest = await createRest({ config, adminPool, apiPool, jwt, log });
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/rest/v1')) return void res.writeHead(404).end();
    Promise.resolve(rest.handle(req, res, url.slice('/rest/v1'.length) || '/')).catch((e) => {
      log(String(e?.stack ?? e));
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    jwt,
    captured,
    async close() {
      await new Promise((r) => server.close(r));
      await rest.close();
      await apiPool.end();
      await adminPool.end();
    },
  };
}

/** What listSequences (src/lib/api/sequences.ts) sends, with its default filter. */
const listSequences = (sb) =>
  sb
    .from('sequences')
    .select(
      'id, title, access, owner_id, updated_at, owner:members!sequences_owner_id_organization_id_fkey(display_name), job:jobs!sequences_job_id_organization_id_fkey(id, title), stages:sequence_stages(count)',
    )
    .is('archived_at', null)
    .order('updated_at', { ascending: false })
    .limit(200);

const STATUSES = ['draft', 'running', 'paused', 'completed', 'cancelled'];
const RESPONSES = ['none', 'replied', 'interested', 'not_interested', 'out_of_office'];
const headCount = (sb, seq, col, v) =>
  sb.from('enrollments').select('id', { count: 'exact', head: true }).eq('sequence_id', seq).eq(col, v);

/** One pipeline-counts statement: both breakdowns in one scan of the sequence's enrolments. */
const COUNTS_SQL = `select status, response_status, count(*)::int as n
from public.enrollments where sequence_id = $1 group by status, response_status`;

function machineFacts(admin) {
  const free = (() => {
    try {
      return execFileSync('free', ['-g'], { encoding: 'utf8' }).trimEnd();
    } catch {
      return `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`;
    }
  })();
  return admin.query('select version() as v').then(({ rows }) => [
    `date:     ${new Date().toISOString()}`,
    `nproc:    ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'})`,
    `node:     ${process.version}`,
    `postgres: ${rows[0].v}`,
    `os:       ${os.type()} ${os.release()}`,
    `load:     ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min, at start; other work on the machine shows here)`,
    'free -g:',
    ...free.split('\n').map((l) => '  ' + l),
  ]);
}

async function main() {
  const admin = new pg.Client({ ...dbBase, user: 'postgres' });
  await admin.connect();
  const org = await uuid(admin, 'org', 1);
  const users = [
    { name: 'organisation admin', id: await uuid(admin, 'user', 1) },
    { name: 'elevated', id: await uuid(admin, 'user', 7) },
  ];
  const bigSeq = await uuid(admin, 'seq', 1);
  const check = await admin.query(
    `select (select count(*) from public.sequences) as sequences, (select count(*) from public.enrollments) as enrollments,
            (select count(*) from public.email_events) as events,
            (select count(*) from public.sequences where organization_id = $1) as org_sequences,
            (select count(*) from public.enrollments where sequence_id = $2) as big_enrollments,
            (select string_agg(m.access_level::text || coalesce(' agency', ''), ',' order by m.user_id)
               from public.members m where m.user_id = any($3::uuid[])) as levels`,
    [org, bigSeq, users.map((u) => u.id)],
  );
  const facts = check.rows[0];
  if (Number(facts.sequences) < 100000 || Number(facts.big_enrollments) === 0) {
    throw new Error(`database "${DB}" does not hold the benchmark data: run bench/rls/setup.sh first`);
  }

  for (const l of await machineFacts(admin)) say(l);
  say();
  say(
    `data:     ${facts.sequences} sequences, ${facts.enrollments} enrolments, ${facts.events} email events; ` +
      `organisation 1 has ${facts.org_sequences} sequences; the pipeline sequence has ${facts.big_enrollments} enrolments`,
  );
  say(`runs:     ${RUNS} per row after ${WARMUP} warm-up runs; target p95 < ${TARGET_P95_MS} ms`);
  say(
    'SQL:      authenticator connection: begin; set local role authenticated; set_config(request.jwt.claims); <query>; commit',
  );
  say('          "query" times the statement alone, "tx" the four round trips');
  say(
    'HTTP:     supabase-js → packages/local-supabase/api/rest (gateway code) on an HTTP server over the bench database, minted JWT',
  );
  say();

  const gw = await startGateway();
  const sql = new pg.Client({ ...dbBase, user: 'authenticator' });
  await sql.connect();

  /** Runs `text` as the user the way the gateway does; returns the statement's own duration. */
  async function asUser(user, text, values) {
    await sql.query('begin');
    try {
      await sql.query('set local role authenticated');
      await sql.query(`select set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify({ sub: user.id, role: 'authenticated' }),
      ]);
      const s = performance.now();
      const r = await sql.query(text, values);
      const d = performance.now() - s;
      await sql.query('commit');
      return { r, d };
    } catch (e) {
      await sql.query('rollback');
      throw e;
    }
  }

  /** Statement-only and whole-transaction latencies of `text` as `user`. */
  async function measureSql(user, text, values) {
    const stmt = [];
    let warm = WARMUP;
    const tx = await measure(async () => {
      const { d } = await asUser(user, text, values);
      if (warm > 0) warm--;
      else stmt.push(d);
    });
    stmt.sort((a, b) => a - b);
    return { tx, stmt: { p50: pct(stmt, 50), p95: pct(stmt, 95), p99: pct(stmt, 99), max: stmt[stmt.length - 1] } };
  }

  const results = [];
  const plans = [];
  const row = (what, user, how, m, note = '') => {
    results.push({ what, user: user.name, how, ...m, note });
  };

  for (const user of users) {
    const token = await gw.jwt.sign({ sub: user.id, role: 'authenticated', aud: 'authenticated' }, 3600);
    const sb = createClient(gw.url, config.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { Authorization: `Bearer ${token}` } },
      // supabase-js builds its Realtime client eagerly; Node 20 has no global WebSocket.
      realtime: { transport: ws },
    });

    // The list page: capture the gateway's statement for the SPA's request, check it, replay it.
    gw.captured.length = 0;
    const first = await listSequences(sb);
    if (first.error) throw new Error(`list as ${user.name}: ${first.error.message}`);
    const listStmt = gw.captured[0];
    if (!listStmt) throw new Error('the gateway statement was not captured');
    const sqlRows = JSON.parse((await asUser(user, listStmt.text, listStmt.values)).r.rows[0].body);
    if (sqlRows.length !== first.data.length) throw new Error('SQL replay and HTTP disagree on the list');
    const visible = (
      await asUser(user, 'select count(*)::int as n from public.sequences where archived_at is null', [])
    ).r.rows[0].n;
    const qList = await measureSql(user, listStmt.text, listStmt.values);
    row('list', user, 'SQL query', qList.stmt, `${first.data.length} rows of ${visible} visible`);
    row('list', user, 'SQL tx', qList.tx);
    row(
      'list',
      user,
      'HTTP',
      await measure(async () => {
        const r = await listSequences(sb);
        if (r.error || r.data.length !== first.data.length) throw new Error('list changed');
      }),
    );

    // Pipeline counts.
    const counts = (await asUser(user, COUNTS_SQL, [bigSeq])).r.rows;
    const total = counts.reduce((a, r) => a + r.n, 0);
    const qCounts = await measureSql(user, COUNTS_SQL, [bigSeq]);
    row('counts', user, 'SQL query', qCounts.stmt, `${total} enrolments, ${counts.length} status×response groups`);
    row('counts', user, 'SQL tx', qCounts.tx);

    gw.captured.length = 0;
    const one = await headCount(sb, bigSeq, 'status', 'running');
    if (one.error) throw new Error(`count as ${user.name}: ${one.error.message}`);
    const countStmt = gw.captured[0];
    row(
      'counts',
      user,
      'HTTP 1 HEAD',
      await measure(async () => {
        const r = await headCount(sb, bigSeq, 'status', 'running');
        if (r.error || r.count !== one.count) throw new Error('count changed');
      }),
      `status=running: ${one.count}`,
    );
    let httpTotal = 0;
    row(
      'counts',
      user,
      'HTTP 10 HEAD ||',
      await measure(async () => {
        const rs = await Promise.all([
          ...STATUSES.map((s) => headCount(sb, bigSeq, 'status', s)),
          ...RESPONSES.map((s) => headCount(sb, bigSeq, 'response_status', s)),
        ]);
        for (const r of rs) if (r.error) throw new Error(r.error.message);
        httpTotal = rs.slice(0, 5).reduce((a, r) => a + (r.count ?? 0), 0);
      }),
      `5 statuses + 5 response statuses in parallel; statuses sum to ${httpTotal}`,
    );
    if (httpTotal !== total) throw new Error(`HTTP counts (${httpTotal}) and SQL counts (${total}) disagree`);

    const explain = async (title, text, values) => {
      const r = await asUser(user, `explain (analyze, buffers) ${text}`, values);
      plans.push(
        `--- ${title} — as ${user.name}\n${text.replace(/\s+/g, ' ')}\n-- params: ${JSON.stringify(values)}\n` +
          r.r.rows.map((x) => x['QUERY PLAN']).join('\n'),
      );
    };
    await explain('list (gateway statement for listSequences)', listStmt.text, listStmt.values);
    await explain('pipeline counts (one statement)', COUNTS_SQL, [bigSeq]);
    if (countStmt)
      await explain('pipeline counts (gateway statement for one HEAD count=exact)', countStmt.text, countStmt.values);
  }

  // What the policies' set-returning helper does inside (EXPLAIN shows it only as a Function Scan).
  await admin.query('begin');
  await admin.query(`select set_config('request.jwt.claims', $1, true)`, [
    JSON.stringify({ sub: users[1].id, role: 'authenticated' }),
  ]);
  const body = (
    await admin.query(`select prosrc from pg_proc where oid = 'private.visible_sequence_ids()'::regprocedure`)
  ).rows[0].prosrc;
  const inner = await admin.query(`explain (analyze, buffers) ${body}`);
  await admin.query('rollback');
  plans.push(
    `--- body of private.visible_sequence_ids() — as elevated (superuser, claims set)\n` +
      inner.rows.map((x) => x['QUERY PLAN']).join('\n'),
  );

  say('latency (ms)                                    p50      p95      p99      max');
  let missed = 0;
  for (const r of results) {
    const judged = r.how === 'SQL query' || r.how === 'HTTP' || r.how === 'HTTP 1 HEAD';
    const verdict = judged ? (r.p95 < TARGET_P95_MS ? 'ok' : 'MISSED') : '';
    if (verdict === 'MISSED') missed++;
    say(
      `${r.what.padEnd(7)} ${r.user.padEnd(19)} ${r.how.padEnd(16)}` +
        [r.p50, r.p95, r.p99, r.max].map((v) => v.toFixed(2).padStart(9)).join('') +
        `  ${verdict.padEnd(6)} ${r.note}`,
    );
  }
  say();
  say(
    missed
      ? `${missed} target(s) missed`
      : `every judged row (SQL query, HTTP, HTTP 1 HEAD) meets p95 < ${TARGET_P95_MS} ms`,
  );
  say();
  say('EXPLAIN (ANALYZE, BUFFERS)');
  for (const p of plans) {
    say();
    say(p);
  }

  await sql.end();
  await gw.close();
  await admin.end();
  if (OUT) fs.writeFileSync(OUT, lines.join('\n') + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
