// Benchmark of the Resend webhook (supabase/functions/resend-webhook → ingest_resend_event):
// Svix-signed deliveries at a fixed arrival rate (open loop: a slow answer does not slow the
// sender, so queueing shows up in the latencies), for a fixed duration, against a running
// local stack on loopback. Mix: 80% delivered/opened/clicked about sent stages, 15% inbound
// replies that match no enrolment (full parse, strip, out-of-office check, unmatched row),
// 5% re-deliveries of an earlier svix-id (the duplicate path). Inbound replies are
// production-shaped by default: stored in the mail catcher beforehand and delivered as
// Resend's metadata-only webhook, so the function fetches each from GET /emails/receiving/:id;
// BENCH_INBOUND=inline puts the body in the webhook instead (the shape of earlier results).
// Each answer's Server-Timing header splits its time into the function's phases.
//
//   API_URL=http://127.0.0.1:54321 DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres \
//     MAIL_URL=http://127.0.0.1:54324 node bench/webhook.js [rate=200] [seconds=30]
// Writes bench/results/webhook.txt (BENCH_OUT=<file> elsewhere; BENCH_RAW=<file> also writes
// every sample as JSON). In-flight requests are capped (MAX_IN_FLIGHT) so a stalled
// stack cannot make the benchmark open unbounded sockets; requests beyond the cap count as
// dropped.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Webhook } from 'svix';
import { appSecrets } from 'local-supabase';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 30);
const MAX_IN_FLIGHT = 400;
const INBOUND_MODE = process.env.BENCH_INBOUND === 'inline' ? 'inline' : 'metadata';
const API_URL = process.env.API_URL ?? 'http://127.0.0.1:54321';
const MAIL_URL = process.env.MAIL_URL ?? 'http://127.0.0.1:54324';
const DB_URL = process.env.DB_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres';
for (const u of [API_URL, MAIL_URL]) {
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(u).hostname)) {
    throw new Error('bench/webhook.js only runs against a loopback stack');
  }
}
const WEBHOOK = `${API_URL}/functions/v1/resend-webhook`;
const wh = new Webhook(appSecrets().RESEND_WEBHOOK_SECRET);

/** Sent stages to report events about: one organisation, sequence and 20 enrolments. */
async function fixtures() {
  const db = new pg.Client({ connectionString: DB_URL });
  await db.connect();
  const tag = crypto.randomUUID().slice(0, 8);
  const user = crypto.randomUUID();
  const q = async (/** @type {string} */ sql, /** @type {unknown[]} */ params = []) =>
    (await db.query(sql, params)).rows;
  const [org] = await q(`insert into public.organizations (name) values ($1) returning id`, [`bench-webhook-${tag}`]);
  await q(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`, [
    user,
    `bench-${tag}@bench.test`,
  ]);
  await q(`insert into public.members (user_id, organization_id, access_level) values ($1, $2, 'admin')`, [
    user,
    org.id,
  ]);
  const [seq] = await q(
    `insert into public.sequences (organization_id, owner_id, title) values ($1, $2, 'bench') returning id`,
    [org.id, user],
  );
  const providerIds = [];
  for (let i = 0; i < 20; i++) {
    const [cand] = await q(
      `insert into public.candidates (organization_id, first_name, email) values ($1, 'Bench', $2) returning id`,
      [org.id, `bench-${tag}-${i}@cand.test`],
    );
    const [enr] = await q(
      `insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, status, started_at)
       values ($1, $2, $3, $4, 'running', now()) returning id`,
      [org.id, seq.id, cand.id, user],
    );
    const pid = `re_bench_${tag}_${i}`;
    await q(
      `insert into public.enrollment_stages (enrollment_id, position, status, sent_at, message_id, provider_message_id)
       values ($1, 0, 'sent', now() - interval '1 hour', $2, $3)`,
      [enr.id, `<bench-${tag}-${i}@bench.test>`, pid],
    );
    providerIds.push(pid);
  }
  await db.end();
  return { providerIds, tag };
}

/** A question from someone who is no candidate: parsed, stripped, kept as unmatched. */
function inboundEmail(/** @type {number} */ n, /** @type {string} */ tag) {
  const messageId = `<${crypto.randomUUID()}@elsewhere.test>`;
  return {
    id: crypto.randomUUID(),
    created_at: new Date().toISOString(),
    from: `Someone <someone-${n}@elsewhere.test>`,
    to: [`jobs-${tag}@inbound.local`],
    subject: 'Question about the role',
    message_id: messageId,
    text: 'Hi, is the role remote? Thanks!\n\nOn Mon, someone wrote:\n> earlier text\n> more',
    headers: { 'Message-ID': messageId },
  };
}

function percentile(/** @type {number[]} */ sorted, /** @type {number} */ p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const { providerIds, tag } = await fixtures();
  /** @type {Array<Record<string, any>>} received emails the metadata-only deliveries announce */
  const received = [];
  if (INBOUND_MODE === 'metadata') {
    // What Resend would hold when the webhooks arrive; stored before the clock starts.
    const needed = Math.ceil(RATE * SECONDS * 0.2) + 10;
    for (let i = 0; i < needed; i++) {
      const res = await fetch(`${MAIL_URL}/_catcher/received`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(inboundEmail(i, tag)),
      });
      if (!res.ok) throw new Error(`the mail catcher refused a received email: ${res.status} ${await res.text()}`);
      received.push(await res.json());
    }
  }
  const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)';
  /** @type {string[]} */
  const sentIds = [];
  let seq = 0;
  function nextDelivery() {
    const n = seq++;
    const roll = n % 20;
    if (roll === 19 && sentIds.length > 0) {
      return { id: sentIds[n % sentIds.length], body: null, kind: 'duplicate' };
    }
    const now = new Date().toISOString();
    const pid = providerIds[n % providerIds.length];
    let event;
    let kind;
    if (roll >= 16) {
      kind = 'received';
      const email = received.pop() ?? inboundEmail(n, tag);
      event = {
        type: 'email.received',
        created_at: now,
        data:
          INBOUND_MODE === 'metadata'
            ? {
                email_id: email.id,
                created_at: email.created_at,
                from: email.from,
                to: email.to,
                cc: [],
                bcc: [],
                message_id: email.message_id,
                subject: email.subject,
                attachments: [],
              }
            : { email_id: email.id, ...email },
      };
    } else {
      kind = ['email.delivered', 'email.opened', 'email.clicked'][roll % 3];
      event = {
        type: kind,
        created_at: now,
        data: {
          email_id: pid,
          to: ['c@cand.test'],
          ...(kind === 'email.opened' ? { open: { ipAddress: '203.0.113.1', timestamp: now, userAgent: UA } } : {}),
          ...(kind === 'email.clicked'
            ? { click: { ipAddress: '203.0.113.1', timestamp: now, userAgent: UA, link: 'https://x.test/' } }
            : {}),
        },
      };
    }
    const id = `msg_bench_${tag}_${n}`;
    return { id, body: JSON.stringify(event), kind };
  }
  /** @type {Map<string, string>} */
  const bodies = new Map();

  /** @type {Sample[]} */
  const samples = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  let dropped = 0;
  let inFlight = 0;
  let errors = 0;
  const total = Math.round(RATE * SECONDS);
  const interval = 1000 / RATE;

  // Warm the worker (first request boots Deno) outside the measurement.
  await fetch(WEBHOOK, { method: 'GET' }).then((r) => r.arrayBuffer());

  const uptimeBefore = loadLine();
  const t0 = performance.now();
  /** @type {Promise<void>[]} */
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= MAX_IN_FLIGHT) {
      dropped++;
      continue;
    }
    const d = nextDelivery();
    const body = d.body ?? bodies.get(d.id);
    if (!body) continue;
    if (d.body) {
      bodies.set(d.id, d.body);
      sentIds.push(d.id);
    }
    const now = new Date();
    const signature = wh.sign(d.id, now, body);
    inFlight++;
    const start = performance.now();
    pending.push(
      fetch(WEBHOOK, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'svix-id': d.id,
          'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
          'svix-signature': signature,
        },
        body,
      })
        .then(async (res) => {
          await res.arrayBuffer();
          samples.push({
            at: now.getTime(),
            // Lateness of the send itself: a busy load generator shows up here, not as latency.
            late: start - due,
            ms: performance.now() - start,
            kind: d.kind,
            phases: serverTiming(res.headers.get('server-timing')),
          });
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        })
        .catch(() => {
          errors++;
        })
        .finally(() => {
          inFlight--;
        }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  const uptimeAfter = loadLine();
  if (process.env.BENCH_RAW) fs.writeFileSync(process.env.BENCH_RAW, JSON.stringify(samples));

  const fmt = (/** @type {number} */ ms) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : '–');
  /** @param {number[]} values */
  const dist = (values) => {
    const v = [...values].sort((a, b) => a - b);
    return `p50 ${fmt(percentile(v, 50))}  p90 ${fmt(percentile(v, 90))}  p99 ${fmt(percentile(v, 99))}  max ${fmt(v.at(-1) ?? NaN)}`;
  };
  const phaseNames = ['body', 'verify', 'read', 'ingest', 'total'];
  const timed = samples.filter((s) => s.phases.total !== undefined);
  const slowest = [...samples].sort((a, b) => b.ms - a.ms).slice(0, 8);
  const cpus = os.cpus();
  const report = [
    `date:      ${new Date().toISOString()}`,
    `nproc:     ${cpus.length} (${cpus[0]?.model ?? 'unknown'})`,
    `memory:    ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node:      ${process.version}`,
    `os:        ${os.type()} ${os.release()}`,
    `uptime:    before ${uptimeBefore}`,
    `           after  ${uptimeAfter}`,
    `target:    ${WEBHOOK} (local stack: Node gateway → Deno worker → PostgREST-compatible RPC → PostgreSQL 15, all on this machine)`,
    `load:      ${RATE} deliveries/s for ${SECONDS} s, open loop, max ${MAX_IN_FLIGHT} in flight`,
    `mix:       80% delivered/opened/clicked, 15% inbound email (unmatched${INBOUND_MODE === 'metadata' ? ', metadata-only: the body is fetched from the mail catcher' : ', body inline'}), 5% duplicate svix-id`,
    '',
    `sent:      ${samples.length + errors} in ${elapsed.toFixed(1)} s (${((samples.length + errors) / elapsed).toFixed(1)}/s achieved)`,
    `dropped:   ${dropped} (in-flight cap reached)`,
    `errors:    ${errors} (network)`,
    `statuses:  ${Object.entries(statuses)
      .map(([k, v]) => `${k}×${v}`)
      .join(' ')}`,
    `latency:   ${dist(samples.map((s) => s.ms))}`,
    ...['delivered/opened/clicked', 'received', 'duplicate'].map(
      (k) =>
        `  ${k.padEnd(25)} ${dist(samples.filter((s) => (k === 'received' || k === 'duplicate' ? s.kind === k : s.kind.startsWith('email.'))).map((s) => s.ms))}`,
    ),
    `send lateness (load generator): ${dist(samples.map((s) => s.late))}`,
    '',
    'inside the function (Server-Timing):',
    ...phaseNames.map((p) => `  ${p.padEnd(8)} ${dist(timed.map((s) => s.phases[p] ?? 0))}`),
    `  outside  ${dist(timed.map((s) => s.ms - (s.phases.total ?? 0)))}  (gateway proxy + sockets + queueing)`,
    '',
    'slowest deliveries (wall clock, kind, latency, phases):',
    ...slowest.map(
      (s) =>
        `  ${new Date(s.at).toISOString().slice(11, 23)}  ${s.kind.padEnd(15)} ${fmt(s.ms).padStart(9)}  ${phaseNames
          .map((p) => `${p} ${s.phases[p]?.toFixed(1) ?? '–'}`)
          .join('  ')}`,
    ),
    '',
  ].join('\n');
  const out =
    process.env.BENCH_OUT ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'webhook.txt');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, report);
  process.stdout.write(report);
}

/**
 * @typedef {{ at: number, late: number, ms: number, kind: string, phases: Record<string, number> }} Sample
 */

/** `body;dur=0.1, verify;dur=0.2` → { body: 0.1, verify: 0.2 }. @param {string | null} header */
function serverTiming(header) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*([\w-]+)\s*;\s*dur=([\d.]+)/.exec(part);
    if (m) out[/** @type {string} */ (m[1])] = Number(m[2]);
  }
  return out;
}

/** The load average, as `uptime` prints it. */
function loadLine() {
  const [a, b, c] = os.loadavg();
  return `load average ${a.toFixed(2)}, ${b.toFixed(2)}, ${c.toFixed(2)}`;
}

await main();
