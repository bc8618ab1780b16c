// One request = one transaction on an `authenticator` connection, with the role and the
// request's claims, method, path, headers and cookies set as transaction-local settings
// (as PostgREST does), so RLS policies and grants decide what the statement may touch.
import { fromPgError, PgrstError } from './errors.js';
import { parseCookies } from './request.js';

/**
 * @template T
 * @param {import('pg').Pool} pool
 * @param {{ req: import('node:http').IncomingMessage, path: string, schema: string, role: string, claims: Record<string, any>, authed: boolean,
 *   readOnly: boolean, roleSettings: Map<string, Record<string,string>>, searchPath?: string[] }} r
 * @param {(client: import('pg').PoolClient) => Promise<{ value: T, rollback?: boolean }>} fn
 * @returns {Promise<T>}
 */
export async function inTransaction(pool, r, fn) {
  const client = await pool.connect();
  let open = false;
  try {
    await client.query(r.readOnly ? 'begin read only' : 'begin');
    open = true;
    /** @type {Record<string, string>} */
    const headers = {};
    for (const [k, v] of Object.entries(r.req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    // ALTER ROLE … SET statement_timeout only applies at login; PostgREST re-applies it per role.
    const timeout = r.roleSettings.get(r.role)?.statement_timeout ?? '0';
    await client.query(
      `select set_config('search_path', $1, true), set_config('role', $2, true), set_config('request.jwt.claims', $3, true),
              set_config('request.method', $4, true), set_config('request.path', $5, true), set_config('request.headers', $6, true),
              set_config('request.cookies', $7, true), set_config('statement_timeout', $8, true)`,
      [
        (r.searchPath ?? [r.schema, 'public', 'extensions']).map((s) => `"${s.replace(/"/g, '""')}"`).join(', '),
        r.role,
        JSON.stringify(r.claims),
        r.req.method ?? 'GET',
        r.path,
        JSON.stringify(headers),
        JSON.stringify(parseCookies(r.req.headers.cookie)),
        timeout,
      ],
    );
    const { value, rollback } = await fn(client);
    await client.query(rollback ? 'rollback' : 'commit');
    open = false;
    return value;
  } catch (e) {
    if (open) await client.query('rollback').catch(() => {});
    if (e instanceof PgrstError) throw e;
    if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' && 'severity' in e)
      throw fromPgError(e, r.authed);
    throw e;
  } finally {
    client.release();
  }
}
