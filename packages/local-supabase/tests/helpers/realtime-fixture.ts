// Shared setup for the Realtime suites: the stack's URLs and keys from the environment, the
// fixture schema (packages/local-supabase/tests/fixtures/realtime/fixture.sql), user tokens minted with the stack's
// JWT secret, supabase-js clients for either protocol version, and waiting helpers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';
import pg from 'pg';
import { mintJwt, stackEnv } from './stack-env.ts';
import ws from 'ws';
import { createClient, type SupabaseClient, type RealtimeChannel } from '@supabase/supabase-js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.resolve(here, '../fixtures/realtime/fixture.sql');

export const stack = {
  get apiUrl() {
    return stackEnv.api;
  },
  get anonKey() {
    return stackEnv.anonKey;
  },
  get serviceRoleKey() {
    return stackEnv.serviceRoleKey;
  },
  get jwtSecret() {
    return stackEnv.jwtSecret;
  },
  get dbUrl() {
    return stackEnv.dbUrl;
  },
  get wsUrl() {
    return stackEnv.api.replace(/^http/, 'ws') + '/realtime/v1/websocket';
  },
};

/** Applies the fixture schema; safe to run any number of times. */
export async function applyRealtimeFixture(): Promise<void> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    // Two suites may start at once; serialise the DDL.
    await client.query('select pg_advisory_lock(727201)');
    await client.query(fs.readFileSync(FIXTURE, 'utf8'));
  } finally {
    await client.query('select pg_advisory_unlock(727201)').catch(() => {});
    await client.end();
  }
}

/** Runs SQL as the superuser. */
export async function sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** A signed-in user's access token (Auth is not needed: tokens are minted with the secret). */
export async function mintUser(opts: { expiresInS?: number; id?: string } = {}): Promise<TestUser> {
  const id = opts.id ?? crypto.randomUUID();
  const email = `rt-${id.slice(0, 8)}@example.test`;
  const token = await mintJwt({ sub: id, role: 'authenticated', aud: 'authenticated', email }, opts.expiresInS ?? 3600);
  return { id, email, token };
}

export type Vsn = '1.0.0' | '2.0.0';

const clients: SupabaseClient[] = [];

/** A supabase-js client speaking the given protocol version, optionally signed in as a user. */
export function client(vsn: Vsn, user?: TestUser, key = stack.anonKey): SupabaseClient {
  const c = createClient(stack.apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as any, vsn, heartbeatIntervalMs: 5000 } as any,
  });
  if (user) void c.realtime.setAuth(user.token);
  clients.push(c);
  return c;
}

/** Disconnects every client made by `client()`. */
export async function closeClients(): Promise<void> {
  const all = clients.splice(0);
  await Promise.all(
    all.map(async (c) => {
      await c.removeAllChannels().catch(() => {});
      await c.realtime.disconnect();
    }),
  );
}

/** Subscribes and resolves with the final status (SUBSCRIBED, CHANNEL_ERROR, …) and error. */
export function subscribe(channel: RealtimeChannel, timeoutMs = 10_000): Promise<{ status: string; err?: Error }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`subscribe to ${channel.topic} timed out`)), timeoutMs);
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED' || status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
        clearTimeout(t);
        resolve({ status, err });
      }
    });
  });
}

/** Resolves when `check` returns a value other than undefined; polls every 10 ms. */
export async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets in-flight messages arrive before asserting that something did NOT arrive. */
export function settle(ms = 400): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export const uniq = (prefix: string) => `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
