// /rest/v1: a PostgREST-compatible gateway over the local PostgreSQL. Routing, the schema
// cache lifecycle and error answers live here; reads/writes are in table.js, functions in
// rpc.js, the grammar in parse.js, SQL rendering in read.js/write.js/sql.js. Every request
// is one transaction as `authenticator` switched to the JWT's role (tx.js), so grants and
// RLS decide what it may see or change; the gateway never filters rows itself.
import { PgrstError } from './errors.js';
import { acceptsStrippedNulls, authenticate, parseAccept, parsePlanAccept, parsePrefer, schemaFor } from './request.js';
import { createSchemaCacheHolder, qualifiedKey } from './schema-cache.js';
import { readApiToml } from './settings.js';
import { closest } from './fuzzy.js';
import { handleTable } from './table.js';
import { handleRpc } from './rpc.js';

/** @param {import('../server.js').ApiContext} ctx */
export async function create(ctx) {
  const holder = await createSchemaCacheHolder(ctx.adminPool, ctx.log, () => readApiToml(ctx.config.migrationsDir));

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} subpath
   */
  async function handle(req, res, subpath) {
    try {
      await route(req, res, subpath);
    } catch (e) {
      if (e instanceof PgrstError) {
        if (res.headersSent) return void res.end();
        res.writeHead(e.status, { 'Content-Type': 'application/json; charset=utf-8', ...e.headers });
        return void res.end(req.method === 'HEAD' ? undefined : JSON.stringify(e.body()));
      }
      throw e;
    }
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} subpath */
  async function route(req, res, subpath) {
    const url = new URL(subpath, 'http://rest.local');
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      throw new PgrstError(400, 'PGRST100', 'Malformed URL path');
    }
    const segments = path.split('/').filter(Boolean);
    const auth = await authenticate(req, ctx.jwt);
    if (segments.length === 0) {
      // PostgREST serves the OpenAPI description here; this gateway does not.
      throw new PgrstError(404, 'PGRST125', 'Invalid path specified in request URL');
    }
    const cache = holder.current;
    const schema = schemaFor(req, cache.settings.schemas);
    // `.explain()`: only when db-plan-enabled (pgrst.db_plan_enabled), else the media type is unknown (406).
    const plan = cache.settings.planEnabled ? parsePlanAccept(req) : null;
    const accept = plan ? 'json' : parseAccept(req);
    const prefer = parsePrefer(req);
    const rc = {
      req,
      res,
      url,
      prefer,
      accept,
      stripNulls: acceptsStrippedNulls(req),
      plan,
      cache,
      schema,
      pool: ctx.apiPool,
      txBase: {
        req,
        path: '/' + segments.join('/'),
        schema,
        role: auth.role,
        claims: auth.claims,
        authed: auth.authed,
        roleSettings: cache.roleSettings,
        searchPath: [schema, ...cache.settings.extraSearchPath.filter((s) => s !== schema)],
      },
    };
    if (segments[0] === 'rpc' && segments.length === 2) return handleRpc(rc, /** @type {string} */ (segments[1]));
    if (segments.length !== 1) throw new PgrstError(404, 'PGRST125', 'Invalid path specified in request URL');
    const name = /** @type {string} */ (segments[0]);
    const table = cache.tables.get(qualifiedKey(schema, name));
    if (!table) {
      const near = closest(
        name,
        [...cache.tables.values()].filter((t) => t.schema === schema).map((t) => t.name),
      );
      throw new PgrstError(
        404,
        'PGRST205',
        `Could not find the table '${schema}.${name}' in the schema cache`,
        null,
        near ? `Perhaps you meant the table '${schema}.${near}'` : null,
      );
    }
    return handleTable(rc, table);
  }

  return {
    handle,
    /** Forces a reload (the NOTIFY path is the normal one). */
    reload: () => holder.reload(),
    async close() {
      await holder.close();
    },
  };
}
