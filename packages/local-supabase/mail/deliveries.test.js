// The mail catcher retries a refused webhook delivery on a schedule, as Resend does, and the
// message page shows every attempt and the final outcome. Runs the real catcher over HTTP
// against a small stand-in for the app's resend-webhook function.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRetrySchedule, SVIX_SCHEDULE_MS } from './deliveries.js';
import { startMail } from './server.js';

describe('parseRetrySchedule', () => {
  it('defaults to Svix’s schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(parseRetrySchedule(undefined)).toEqual(SVIX_SCHEDULE_MS);
    expect(SVIX_SCHEDULE_MS).toEqual([5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
  });
  it('reads delays with units', () => {
    expect(parseRetrySchedule('250ms, 1s,2m,1.5h')).toEqual([250, 1000, 120_000, 5_400_000]);
  });
  it('turns retries off with none or an empty value', () => {
    expect(parseRetrySchedule('none')).toEqual([]);
    expect(parseRetrySchedule('')).toEqual([]);
  });
  it('refuses a delay without a unit, naming it', () => {
    expect(() => parseRetrySchedule('5s,10')).toThrow(/"10" is not a delay/);
  });
});

/** The app's webhook endpoint: answers from `statuses` in turn (the last one repeats). */
async function fakeApp(statuses) {
  /** @type {Array<{ svixId: string, type: string }>} */
  const calls = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ svixId: String(req.headers['svix-id']), type: JSON.parse(body).type });
      const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: /** @type {import('node:net').AddressInfo} */ (server.address()).port, calls, server };
}

const closers = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function catcherWithApp(statuses, retrySchedule) {
  const app = await fakeApp(statuses);
  closers.push(() => new Promise((r) => app.server.close(r)));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-deliveries-'));
  closers.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const mail = await startMail({ host: '127.0.0.1', mailPort: 0, dataDir, apiPort: app.port }, { retrySchedule });
  closers.push(() => mail.close());
  const sent = await fetch(`${mail.url}/emails`, {
    method: 'POST',
    headers: { authorization: 'Bearer re_test', 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'r@acme.test', to: 'c@example.com', subject: 'Hello', text: 'Hi' }),
  });
  const { id } = await sent.json();
  const complain = () =>
    fetch(`${mail.url}/messages/${id}/actions/complain`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
  const messagePage = async () => (await fetch(`${mail.url}/messages/${id}`)).text();
  return { app, complain, messagePage };
}

describe('webhook deliveries from the inbox', () => {
  it('a refused delivery is retried with the same svix-id until the app takes it, and the page says so', async () => {
    const { app, complain, messagePage } = await catcherWithApp([503, 503, 200], [30, 30, 30]);
    const r = await complain();
    expect(r.status).toBe(502);
    expect(await r.text()).toContain('Complaint delivered: the app refused it (retrying)');
    await vi.waitFor(async () => expect(await messagePage()).toContain('Delivered on attempt 3'), { timeout: 5000 });
    expect(app.calls.map((c) => c.type)).toEqual(['email.complained', 'email.complained', 'email.complained']);
    expect(new Set(app.calls.map((c) => c.svixId)).size).toBe(1);
    const page = await messagePage();
    expect(page.match(/answered 503/g)).toHaveLength(2);
    expect(page).toContain('answered 200');
  });

  it('a delivery the app keeps refusing ends as failed after the last retry', async () => {
    const { app, complain, messagePage } = await catcherWithApp([500], [20, 20]);
    await complain();
    await vi.waitFor(async () => expect(await messagePage()).toContain('Failed after 3 attempts'), { timeout: 5000 });
    expect(app.calls).toHaveLength(3);
  });

  it('a delivery the app takes at once is not retried', async () => {
    const { app, complain, messagePage } = await catcherWithApp([200], [20]);
    const r = await complain();
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Complaint delivered');
    expect(await messagePage()).toMatch(/email\.complained<\/strong> <span class="outcome">Delivered</);
    expect(app.calls).toHaveLength(1);
  });
});
