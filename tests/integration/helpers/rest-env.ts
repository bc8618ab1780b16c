// Shared setup for the rest-*.test.ts suites: the stack's URLs, supabase-js clients for
// anon, the service role and signed-in users (JWTs minted with the stack's secret, as
// Supabase Auth would issue them), and raw-fetch helpers for what supabase-js cannot say.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import ws from 'ws';

export const env = {
  api: must('API_URL'),
  anonKey: must('ANON_KEY'),
  jwtSecret: must('JWT_SECRET'),
  dbUrl: must('DB_URL'),
};
export const REST = `${env.api}/rest/v1`;

function must(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set (see local/cli.js status)`);
  return v;
}

/** Signs claims with the stack's JWT secret. */
export async function mintJwt(claims: Record<string, unknown>, expiresInS = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + expiresInS, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(env.jwtSecret));
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
  client: SupabaseClient;
}

/** A user as Supabase Auth would sign them in: role authenticated, aud authenticated. */
export async function makeUser(label: string): Promise<TestUser> {
  const id = randomUUID();
  const email = `${label}-${id.slice(0, 8)}@example.test`;
  const token = await mintJwt({ sub: id, role: 'authenticated', aud: 'authenticated', email });
  return { id, email, token, client: clientWithToken(token) };
}

export function clientWithToken(token: string | null): SupabaseClient {
  return createClient(env.api, env.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as any },
    global: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
}

export const anon = (): SupabaseClient => clientWithToken(null);
export const serviceToken = (): Promise<string> => mintJwt({ role: 'service_role', iss: 'supabase-demo' });
export async function service(): Promise<SupabaseClient> {
  return clientWithToken(await serviceToken());
}

/** Raw request to /rest/v1 with the anon key unless headers say otherwise. */
export async function raw(pathAndQuery: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(`${REST}${pathAndQuery}`, {
    ...init,
    headers: { apikey: env.anonKey, ...(init.headers ?? {}) },
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A short unique tag so each suite's rows are its own. */
export const tag = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
