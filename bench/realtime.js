#!/usr/bin/env node
// Realtime latency benchmark against a running stack (the same env as the integration tests:
// API_URL, ANON_KEY, DB_URL). Measures, with supabase-js over vsn 2.0.0:
//   broadcast         one sender → 20 receivers, 1000 messages, send → receive per receiver
//   postgres_changes  500 inserts, time the insert is issued → change event at the client
// and prints machine facts and a table of p50/p95/p99. Usage: node bench/realtime.js
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import ws from 'ws';
import { createClient } from '@supabase/supabase-js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = (n) => {
  const v = process.env[n];
  if (!v) throw new Error(`${n} is not set (see node scripts/cli.js status)`);
  return v;
};
const API_URL = env('API_URL');
const ANON_KEY = env('ANON_KEY');
const DB_URL = env('DB_URL');

const RECEIVERS = 20;
const BROADCASTS = 1000;
const BROADCAST_GAP_MS = 5;
const INSERTS = 500;
const INSERT_GAP_MS = 10;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mk = () =>
  createClient(API_URL, ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws, vsn: '2.0.0' },
  });

function subscribed(ch) {
  return new Promise((resolve, reject) => {
    ch.subscribe((s, err) => (s === 'SUBSCRIBED' ? resolve() : s !== 'CLOSED' && reject(err ?? new Error(s))));
  });
}

function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function benchBroadcast() {
  const topic = `bench-${Date.now()}`;
  const sent = new Map();
  const samples = [];
  const clients = [];
  for (let i = 0; i < RECEIVERS; i++) {
    const c = mk();
    clients.push(c);
    const ch = c
      .channel(topic)
      .on('broadcast', { event: 'b' }, (m) => samples.push(performance.now() - sent.get(m.payload.i)));
    await subscribed(ch);
  }
  const sc = mk();
  clients.push(sc);
  const sender = sc.channel(topic);
  await subscribed(sender);
  for (let i = 0; i < BROADCASTS; i++) {
    sent.set(i, performance.now());
    await sender.send({ type: 'broadcast', event: 'b', payload: { i, pad: 'x'.repeat(64) } });
    await sleep(BROADCAST_GAP_MS);
  }
  const want = RECEIVERS * BROADCASTS;
  const end = Date.now() + 10_000;
  while (samples.length < want && Date.now() < end) await sleep(20);
  for (const c of clients) {
    await c.removeAllChannels();
    await c.realtime.disconnect();
  }
  return { samples, want };
}

async function benchChanges() {
  const db = new pg.Client({ connectionString: DB_URL });
  await db.connect();
  await db.query(
    fs.readFileSync(path.join(ROOT, 'packages/local-supabase/tests/fixtures/realtime/fixture.sql'), 'utf8'),
  );
  const run = `run-${Date.now()}`;
  const issued = new Map();
  const samples = [];
  const c = mk();
  let ready = false;
  const ch = c
    .channel(`bench-pc-${run}`)
    .on(
      'postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'rt_fx_bench', filter: `run=eq.${run}` },
      (p) => {
        samples.push(performance.now() - issued.get(p.new.sent_at));
      },
    )
    .on('system', {}, (m) => {
      if (m.extension === 'postgres_changes' && m.status === 'ok') ready = true;
    });
  await subscribed(ch);
  while (!ready) await sleep(10);
  for (let i = 0; i < INSERTS; i++) {
    issued.set(i, performance.now());
    await db.query('insert into rt_fx_bench (run, sent_at) values ($1, $2)', [run, i]);
    await sleep(INSERT_GAP_MS);
  }
  const end = Date.now() + 10_000;
  while (samples.length < INSERTS && Date.now() < end) await sleep(20);
  await c.removeAllChannels();
  await c.realtime.disconnect();
  await db.query('delete from rt_fx_bench where run = $1', [run]);
  await db.end();
  return { samples, want: INSERTS };
}

function row(name, { samples, want }, target) {
  const s = [...samples].sort((a, b) => a - b);
  const f = (v) => v.toFixed(1).padStart(8);
  const p95 = pct(s, 95);
  return `${name.padEnd(18)}${String(`${s.length}/${want}`).padStart(12)}${f(pct(s, 50))}${f(p95)}${f(pct(s, 99))}${f(s[s.length - 1] ?? NaN)}   ${p95 < target ? 'ok' : 'MISSED'} (p95 < ${target} ms)`;
}

const facts = [
  `date:    ${new Date().toISOString()}`,
  `nproc:   ${os.cpus().length} (${os.cpus()[0]?.model ?? 'unknown cpu'})`,
  `memory:  ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  `node:    ${process.version}`,
  `os:      ${os.type()} ${os.release()}`,
  `setup:   supabase-js vsn 2.0.0; broadcast ${RECEIVERS} receivers × ${BROADCASTS} msgs, ${BROADCAST_GAP_MS} ms apart; postgres_changes ${INSERTS} inserts, ${INSERT_GAP_MS} ms apart`,
];
const b = await benchBroadcast();
const p = await benchChanges();
console.log(facts.join('\n'));
console.log('');
console.log(
  `${'latency (ms)'.padEnd(18)}${'received'.padStart(12)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`,
);
console.log(row('broadcast', b, 30));
console.log(row('postgres_changes', p, 150));
process.exit(0);
