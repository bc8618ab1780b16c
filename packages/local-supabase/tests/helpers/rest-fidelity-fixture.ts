// Loads packages/local-supabase/tests/fixtures/rest/fidelity.sql (after the main rest fixture) and waits until
// /rest/v1 serves it; plus helpers that change the authenticator's pgrst.* settings the way
// an operator does (ALTER ROLE … SET, then NOTIFY pgrst 'reload config') and wait for them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureRestFixture } from './rest-fixture';
import { env } from './rest-env';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/rest/fidelity.sql');

export async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: env.dbUrl });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function ensureFidelityFixture(): Promise<void> {
  await ensureRestFixture(env.dbUrl);
  const c = new pg.Client({ connectionString: env.dbUrl });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(`select pg_advisory_xact_lock(hashtext('rest_fd_fixture'))`);
    await c.query(`set local client_min_messages = warning`);
    await c.query(fs.readFileSync(FIXTURE, 'utf8'));
    await c.query('commit');
  } finally {
    await c.end();
  }
  await until('the fidelity fixture', async () => {
    const r = await fetch(`${env.api}/rest/v1/rest_fd_items?limit=0`, { headers: { apikey: env.anonKey } });
    return r.status === 200 ? true : undefined;
  });
}

/**
 * Sets `pgrst.<name>` on the authenticator (null resets it) and reloads the gateway's config;
 * `ready` tells when the new setting is in effect.
 */
export async function setPgrst(name: string, value: string | null, ready: () => Promise<boolean>): Promise<void> {
  const ident = `pgrst.${name}`;
  if (!/^[a-z_]+$/.test(name)) throw new Error(`bad setting name ${name}`);
  await sql(
    value === null
      ? `alter role authenticator reset "${ident}"`
      : `alter role authenticator set "${ident}" = '${value.replace(/'/g, "''")}'`,
  );
  await sql(`notify pgrst, 'reload config'`);
  await until(`pgrst.${name} = ${value}`, async () => ((await ready()) ? true : undefined));
}
