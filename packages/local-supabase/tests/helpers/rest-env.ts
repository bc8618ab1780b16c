// Shared setup for the rest-*.test.ts suites: the stack's URLs, supabase-js clients for
// anon, the service role and signed-in users (JWTs minted with the stack's secret, as
// Supabase Auth would issue them), and raw-fetch helpers for what supabase-js cannot say.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { mintJwt, stackEnv } from './stack-env.ts';
import { randomUUID } from 'node:crypto';
import ws from 'ws';

export { stackEnv as env, mintJwt };
export const REST = `${stackEnv.api}/rest/v1`;

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
  return createClient(stackEnv.api, stackEnv.anonKey, {
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
    headers: { apikey: stackEnv.anonKey, ...(init.headers ?? {}) },
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
