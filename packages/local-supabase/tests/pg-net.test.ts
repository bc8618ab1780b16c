// The pg_net stand-in: net.http_post/http_get called in SQL reach a real HTTP server (started
// here on port 0) with the method, headers and body given, and the outcome lands in
// net._http_response — status and content, or timed_out / error_msg — as with pg_net.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const DB_URL = need('DB_URL');
const API_URL = need('API_URL');
const ANON_KEY = need('ANON_KEY');

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set (the local stack's ${name})`);
  return v;
}

type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

let db: pg.Client;
let server: http.Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  db = new pg.Client({ connectionString: DB_URL });
  await db.connect();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url!.startsWith('/hang')) return; // never answers: the caller's timeout must fire
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Reply': 'yes' });
      res.end(JSON.stringify({ received: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await db.end();
});

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function responseOf(id: string) {
  return waitFor(async () => (await db.query('select * from net._http_response where id = $1', [id])).rows[0]);
}

describe('pg_net worker', () => {
  it('performs net.http_post with its headers and body and records the response', async () => {
    const r = await db.query(
      `select net.http_post(url := $1, body := '{"stage": 7}'::jsonb,
         headers := '{"Content-Type": "application/json", "Authorization": "Bearer s3cret"}'::jsonb) as id`,
      [`${base}/hook`],
    );
    const id = r.rows[0].id as string;
    const req = await waitFor(() => seen.find((s) => s.url === '/hook'));
    expect(req.method).toBe('POST');
    expect(req.headers['authorization']).toBe('Bearer s3cret');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ stage: 7 });

    const resp = await responseOf(id);
    expect(resp.status_code).toBe(201);
    expect(resp.content_type).toBe('application/json');
    expect(resp.headers['x-reply']).toBe('yes');
    expect(JSON.parse(resp.content)).toEqual({ received: true });
    expect(resp.timed_out).toBe(false);
    expect(resp.error_msg).toBeNull();
    expect((await db.query('select 1 from net.http_request_queue where id = $1', [id])).rowCount).toBe(0);
  });

  it('performs net.http_get with params as the query string', async () => {
    const r = await db.query(`select net.http_get(url := $1, params := '{"page": "2", "q": "a b"}'::jsonb) as id`, [
      `${base}/list`,
    ]);
    const req = await waitFor(() => seen.find((s) => s.url.startsWith('/list')));
    expect(req.method).toBe('GET');
    expect(new URL(req.url, base).searchParams.get('page')).toBe('2');
    expect(new URL(req.url, base).searchParams.get('q')).toBe('a b');
    expect((await responseOf(r.rows[0].id)).status_code).toBe(201);
  });

  it('records timed_out when the target does not answer within timeout_milliseconds', async () => {
    const r = await db.query(`select net.http_post(url := $1, timeout_milliseconds := 300) as id`, [`${base}/hang`]);
    const resp = await responseOf(r.rows[0].id);
    expect(resp.timed_out).toBe(true);
    expect(resp.status_code).toBeNull();
    expect(resp.error_msg).toMatch(/timeout/i);
  });

  it('records the error when the target cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await db.query(`select net.http_get(url := $1) as id`, [`http://127.0.0.1:${port}/`]);
    const resp = await responseOf(r.rows[0].id);
    expect(resp.status_code).toBeNull();
    expect(resp.timed_out).toBe(false);
    expect(resp.error_msg).toBeTruthy();
  });

  it("reaches the stack's own API, as a pg_cron job calling an edge function does", async () => {
    const r = await db.query(
      `select net.http_post(url := $1, body := '{"from": "cron"}'::jsonb,
         headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || $2::text)) as id`,
      [`${API_URL}/functions/v1/test-echo`, ANON_KEY],
    );
    const resp = await responseOf(r.rows[0].id);
    expect(resp.status_code).toBe(200);
    const echo = JSON.parse(resp.content);
    expect(echo.method).toBe('POST');
    expect(JSON.parse(echo.body)).toEqual({ from: 'cron' });
  });

  it('handles many queued requests at once', async () => {
    const r = await db.query(
      `select array_agg(net.http_post(url := $1 || '/many/' || g)) as ids from generate_series(1, 40) g`,
      [base],
    );
    const ids = r.rows[0].ids as string[];
    await waitFor(async () => {
      const n = await db.query(
        'select count(*)::int as n from net._http_response where id = any($1) and status_code = 201',
        [ids],
      );
      return n.rows[0].n === 40 ? true : undefined;
    });
    expect(seen.filter((s) => s.url.startsWith('/many/')).length).toBe(40);
  });
});
