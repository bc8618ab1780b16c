// Loads the /rest/v1 test fixture (packages/local-supabase/tests/fixtures/rest/fixture.sql) into the stack's
// database, idempotently, and waits until the gateway's schema cache has picked it up
// through `NOTIFY pgrst, 'reload schema'` — the same path hosted PostgREST uses.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/rest/fixture.sql');

/** Applies the fixture and resolves once `/rest/v1` serves its tables and functions. */
export async function ensureRestFixture(dbUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    // Serialise concurrent appliers (policies are dropped and re-created).
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(hashtext('rest_fx_fixture'))`);
    await client.query(`set local client_min_messages = warning`);
    await client.query(fs.readFileSync(FIXTURE, 'utf8'));
    await client.query('commit');
    await client.query(`notify pgrst, 'reload schema'`);
  } finally {
    await client.end();
  }
  const api = process.env.API_URL;
  const key = process.env.ANON_KEY;
  if (!api || !key) throw new Error('API_URL and ANON_KEY must be set');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${api}/rest/v1/rpc/rest_fx_whoami`, { headers: { apikey: key } });
    if (res.status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`the gateway did not load the rest fixture: ${res.status} ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
