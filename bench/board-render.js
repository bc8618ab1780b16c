#!/usr/bin/env node
// Board first render with 10,000 enrolments (issue 15, bench/README.md "Reporting"). Against a
// running stack with the demo seed and the SPA built and served (APP_URL; `vite build` +
// `vite preview`): creates a shared sequence in the demo organisation with N running
// enrolments (3 stages each), signs in as the demo admin in Chromium and times, over RUNS page
// loads, navigation start → the first enrolment row painted (the board's first request is 50
// rows), → every tab count shown (from the metrics, fetched beside it) and → every row loaded;
// then the time to scroll the virtualised list to its end and paint the last row. Then live
// updates: with the whole board loaded, RATE changes a second for LIVE seconds (a stage's next
// send moved by an hour: half to the 20 rows on screen in turn, half to rows elsewhere on the
// board), while the page records every animation frame, long tasks, and when each changed row's
// new text was painted (the frame after the DOM changed) → frame gaps, dropped frames and commit
// → painted. Data stays (enrolments are never deleted); use a dev stack.
//   APP_URL=… DB_URL=… node bench/board-render.js [--enrolments 10000] [--runs 5] [--rate 50] [--live 10]
//                                                [--out bench/results/board-render.txt]
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { boardReport, watchBoard } from './board-screen.js';

const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : d;
};
const N = Number(opt('enrolments', 10000));
const RUNS = Number(opt('runs', 5));
const RATE = Number(opt('rate', 50));
const LIVE = Number(opt('live', 10));
const OUT = opt('out', null);
const APP_URL = process.env.APP_URL;
const DB_URL = process.env.DB_URL;
if (!APP_URL || !DB_URL) throw new Error('APP_URL and DB_URL must be set');
const lines = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(s + '\n');
};

const db = new pg.Client({ connectionString: DB_URL });
await db.connect();
const admin = (
  await db.query(
    `select id, (select organization_id from members where user_id = u.id) as org from auth.users u where email = 'admin@acme.test'`,
  )
).rows[0];
const seq = (
  await db.query(
    `insert into sequences (organization_id, owner_id, title, access) values ($1, $2, $3, 'shared') returning id`,
    [admin.org, admin.id, `Board bench ${N} (${new Date().toISOString()})`],
  )
).rows[0].id;
const t0 = Date.now();
await db.query(
  `with c as (
     insert into candidates (organization_id, first_name, last_name, email)
     select $1, 'Bench' || g, 'Board', 'bench' || g || '.' || $3 || '@board.test' from generate_series(1, $2) g returning id, email)
   insert into enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status, started_at)
   select $1, $4, c.id, $5, c.email, 'draft', now() from c`,
  [admin.org, N, Date.now(), seq, admin.id],
);
await db.query(
  `insert into enrollment_stages (enrollment_id, position, subject, body, scheduled_at, status, sent_at)
   select e.id, p, 'Stage ' || p, '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi"}]}]}',
          now() + make_interval(days => p * 3), case when p = 0 then 'sent' else 'scheduled' end::enrollment_stage_status,
          case when p = 0 then now() end
   from enrollments e, generate_series(0, 2) p where e.sequence_id = $1`,
  [seq],
);
await db.query(`update enrollments set status = 'running' where sequence_id = $1`, [seq]);
// Starting schedules the unsent stages from now (their delays are 0 here): move them days ahead,
// so the stack's sending engine leaves the board alone while it is measured.
await db.query(
  `update enrollment_stages st set scheduled_at = now() + make_interval(days => st.position * 3)
   from enrollments e where e.id = st.enrollment_id and e.sequence_id = $1 and st.position > 0`,
  [seq],
);
say(`date:    ${new Date().toISOString()}`);
say(
  `nproc:   ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
say(`data:    sequence with ${N} running enrolments × 3 stages (made in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
say(`browser: Chromium (/usr/bin/chromium), 1366×900, built SPA from vite preview, signed in as admin@acme.test`);
say();

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
await page.goto(`${APP_URL}/sign-in`);
await page.getByLabel('Email').fill('admin@acme.test');
await page.getByLabel('Password').fill('password123');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/sequences/);
const firstRow = [];
const counts = [];
const all = [];
const scroll = [];
const domRows = [];
for (let i = 0; i < RUNS; i++) {
  await page.goto(`${APP_URL}/home`);
  await page.waitForLoadState('networkidle');
  const start = Date.now();
  await page.goto(`${APP_URL}/sequences/${seq}`);
  await page.getByRole('row').filter({ hasText: 'Board' }).first().waitFor();
  firstRow.push(Date.now() - start);
  await page.getByRole('tab', { name: `Enrolled ${N}` }).waitFor();
  counts.push(Date.now() - start);
  // The first 50 rows paint first; the list is whole once the table counts every row.
  await page.locator(`table[aria-rowcount="${N + 1}"]`).waitFor();
  all.push(Date.now() - start);
  domRows.push(await page.locator('tbody tr:not(.spacer)').count());
  const s = Date.now();
  await page.getByRole('region', { name: 'Enrolment list' }).evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.locator(`tr[aria-rowindex="${N + 1}"]`).waitFor();
  scroll.push(Date.now() - s);
}

// Live updates on the loaded board.
await page.goto(`${APP_URL}/sequences/${seq}`);
await page.locator(`table[aria-rowcount="${N + 1}"]`).waitFor();
const onScreen = (
  await db.query(
    `select e.id, btrim(c.first_name || ' ' || c.last_name) as name from enrollments e join candidates c on c.id = e.candidate_id
     where e.sequence_id = $1 order by e.created_at desc, e.id limit 20`,
    [seq],
  )
).rows;
const elsewhere = (
  await db.query(`select id from enrollments where sequence_id = $1 order by created_at desc, id offset 100`, [seq])
).rows.map((r) => r.id);
const watch = await watchBoard(page);
const pool = new pg.Pool({ connectionString: DB_URL, max: 8 });
const issued = new Map(onScreen.map((r) => [r.name, []]));
const liveStart = performance.now();
const inflight = [];
for (let i = 0; i < RATE * LIVE; i++) {
  const wait = liveStart + (i * 1000) / RATE - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const target = i % 2 === 0 ? onScreen[(i / 2) % onScreen.length] : null;
  const id = target ? target.id : elsewhere[Math.floor(Math.random() * elsewhere.length)];
  if (target) issued.get(target.name).push(Date.now());
  inflight.push(
    pool.query(
      `update enrollment_stages set scheduled_at = scheduled_at + interval '1 hour' where enrollment_id = $1 and position = 1`,
      [id],
    ),
  );
}
await Promise.all(inflight);
await new Promise((r) => setTimeout(r, 2000));
const live = await watch.stop();
await pool.end();
await browser.close();
await db.end();
const f = (a) =>
  `median ${[...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]} ms, max ${Math.max(...a)} ms (${a.join(', ')})`;
say(`navigation → first row painted:   ${f(firstRow)}   target < 1000 ms`);
say(`navigation → all tab counts shown: ${f(counts)}`);
say(`navigation → all ${N} rows loaded:  ${f(all)}`);
say(`scroll to the end → last row:      ${f(scroll)}`);
say(`rows in the DOM (virtualised):     ${domRows.join(', ')} of ${N}`);

const report = boardReport(live, issued);
const onScreenChanges = [...issued.values()].reduce((n, t) => n + t.length, 0);
say();
say(
  `live: ${RATE} changes/s for ${LIVE} s on the loaded board (${onScreenChanges} to the 20 rows on screen, the rest elsewhere)`,
);
say(`  frames: ${report.frames}`);
say(`  long tasks (> 50 ms): ${report.longTasks}`);
say(`  commit → painted (rows on screen): ${report.painted}`);
if (OUT) fs.writeFileSync(OUT, lines.join('\n') + '\n');
