// /functions/v1 against unmodified supabase-js: the fixture functions in
// packages/local-supabase/tests/fixtures/functions (served next to the app's own through STACK_EXTRA_FUNCTIONS_DIRS,
// which the test runner sets) run under real Deno with the environment Supabase injects,
// verify_jwt from packages/local-supabase/tests/fixtures/config.toml, and their own statuses, bodies and CORS.
import { describe, it, expect } from 'vitest';
import { createClient, FunctionsHttpError, FunctionsRelayError } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import ws from 'ws';

const API_URL = need('API_URL');
const ANON_KEY = need('ANON_KEY');
const SERVICE_ROLE_KEY = need('SERVICE_ROLE_KEY');
const DB_URL = need('DB_URL');
const MAIL_URL = need('MAIL_URL');

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set (the local stack's ${name})`);
  return v;
}

// Node 20 has no WebSocket: supabase-js needs `ws` for its realtime client even when unused.
const supabase = createClient(API_URL, ANON_KEY, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: ws as any },
});
const FN = `${API_URL}/functions/v1`;

type Echo = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  env: Record<string, string | null>;
};

describe('edge functions', () => {
  it('runs the function with the request as sent: method, path /<name>, headers, body', async () => {
    const { data, error } = await supabase.functions.invoke<Echo>('test-echo', {
      body: { hello: 'world' },
      headers: { 'x-fixture': 'yes' },
    });
    expect(error).toBeNull();
    expect(data!.method).toBe('POST');
    expect(data!.path).toBe('/test-echo');
    expect(JSON.parse(data!.body)).toEqual({ hello: 'world' });
    expect(data!.headers['x-fixture']).toBe('yes');
    expect(data!.headers['content-type']).toBe('application/json');
    expect(data!.headers['authorization']).toBe(`Bearer ${ANON_KEY}`);
  });

  it('passes sub-paths, query strings and other methods through', async () => {
    const res = await fetch(`${FN}/test-echo/items/42?sort=desc&q=a%20b`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${ANON_KEY}`, 'Content-Type': 'text/plain' },
      body: 'raw text',
    });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.method).toBe('PATCH');
    expect(echo.path).toBe('/test-echo/items/42');
    expect(echo.query).toEqual({ sort: 'desc', q: 'a b' });
    expect(echo.body).toBe('raw text');
  });

  it('streams a large body to the function and back unchanged', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const { data, error } = await supabase.functions.invoke<Echo>('test-echo', {
      body: big,
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(error).toBeNull();
    expect(data!.body.length).toBe(big.length);
  });

  it('gives the function the Supabase variables, the .env secrets and the local mail defaults', async () => {
    const { data } = await supabase.functions.invoke<Echo>('test-echo', { body: {} });
    expect(data!.env).toEqual({
      SUPABASE_URL: API_URL,
      SUPABASE_ANON_KEY: ANON_KEY,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
      SUPABASE_DB_URL: DB_URL,
      TEST_FIXTURE_SECRET: 'from-dotenv',
      // Reserved names in .env are dropped, as `supabase secrets set` refuses them.
      SUPABASE_FIXTURE_RESERVED: null,
      RESEND_BASE_URL: MAIL_URL,
    });
  });

  it('with verify_jwt on, refuses a request without a token or with a bad one (401)', async () => {
    const none = await fetch(`${FN}/test-echo`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ msg: 'Error: Missing authorization header' });

    const garbage = await fetch(`${FN}/test-echo`, { method: 'POST', headers: { Authorization: 'Bearer not.a.jwt' } });
    expect(garbage.status).toBe(401);
    expect(await garbage.json()).toEqual({ msg: 'Invalid JWT' });

    const forged = await new SignJWT({ role: 'service_role' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some-other-secret-some-other-secret-xx'));
    const wrongKey = await fetch(`${FN}/test-echo`, { method: 'POST', headers: { Authorization: `Bearer ${forged}` } });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toEqual({ msg: 'Invalid JWT' });
  });

  it('with verify_jwt = false in config.toml, lets a request without a token through', async () => {
    const res = await fetch(`${FN}/test-public`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, authorization: null });
  });

  it('hands CORS preflights to the function itself, without a token', async () => {
    const res = await fetch(`${FN}/test-echo`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-answered-by')).toBe('test-echo');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'authorization, x-client-info, apikey, content-type, x-fixture',
    );
    expect(await res.text()).toBe('ok');
  });

  it('adds no CORS headers of its own: a function answers for its CORS, as on Supabase', async () => {
    const res = await fetch(`${FN}/test-public`, { headers: { Origin: 'http://127.0.0.1:5173' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('passes a non-2xx answer through: FunctionsHttpError with the status and a readable body', async () => {
    const { data, error } = await supabase.functions.invoke('test-status', { body: {} });
    expect(data).toBeNull();
    expect(error).toBeInstanceOf(FunctionsHttpError);
    const response = (error as FunctionsHttpError).context as Response;
    expect(response.status).toBe(418);
    expect(response.headers.get('x-fixture')).toBe('status');
    expect(await response.json()).toEqual({ error: 'teapot', detail: 'short and stout' });
  });

  it('answers an unknown function with 404 NOT_FOUND', async () => {
    const { error } = await supabase.functions.invoke('no-such-function', { body: {} });
    expect(error).toBeInstanceOf(FunctionsHttpError);
    const response = (error as FunctionsHttpError).context as Response;
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'Requested function was not found' });
    // Names that are not function folders are unknown too.
    for (const name of ['_shared', '.env', '..']) {
      const res = await fetch(`${FN}/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ANON_KEY}` },
      });
      expect(res.status).toBe(404);
    }
  });

  it('restarts a function whose process crashed, on the next request', async () => {
    const first = await supabase.functions.invoke<{ pid: number }>('test-crash', { body: {} });
    expect(first.error).toBeNull();
    const pid = first.data!.pid;

    const crash = await supabase.functions.invoke('test-crash', { body: { crash: true } });
    expect(crash.error).toBeInstanceOf(FunctionsRelayError);

    const next = await supabase.functions.invoke<{ pid: number }>('test-crash', { body: {} });
    expect(next.error).toBeNull();
    expect(next.data!.pid).not.toBe(pid);
  });

  it('answers a function that fails to boot with 503 BOOT_ERROR as a relay error', async () => {
    const { error } = await supabase.functions.invoke('test-boot-error', { body: {} });
    expect(error).toBeInstanceOf(FunctionsRelayError);
    const response = (error as FunctionsRelayError).context as Response;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' });
  });

  it('keeps a function warm between requests (same worker process)', async () => {
    const a = await supabase.functions.invoke<{ pid: number }>('test-crash', { body: {} });
    const b = await supabase.functions.invoke<{ pid: number }>('test-crash', { body: {} });
    expect(a.data!.pid).toBe(b.data!.pid);
  });
});
