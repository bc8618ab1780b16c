// The local stack's API gateway: one HTTP server on the API port with the paths hosted
// Supabase uses. Each part lives in its own folder and exports `create(ctx)` returning
// `{ handle(req, res, subpath), upgrade?(req, socket, head), close() }`:
//   /rest/v1       local/api/rest       PostgREST-compatible
//   /auth/v1       local/api/auth       Supabase Auth-compatible
//   /realtime/v1   local/api/realtime   Phoenix channels (websocket) + REST broadcast
//   /functions/v1  local/api/functions  edge functions under Deno
//   /storage/v1    local/api/storage    Supabase Storage-compatible (files under <data dir>/storage)
// plus the pg_net worker (local/api/pg-net.js) that drains net.http_request_queue.
import http from 'node:http';
import pg from 'pg';
import { createJwt } from './jwt.js';
import { cors, sendJson, HttpError } from './http.js';
import * as rest from './rest/index.js';
import * as auth from './auth/index.js';
import * as realtime from './realtime/index.js';
import * as functions from './functions/index.js';
import * as storage from './storage/index.js';
import { startNetWorker } from './pg-net.js';

const PARTS = /** @type {const} */ ([
  ['/rest/v1', rest],
  ['/auth/v1', auth],
  ['/realtime/v1', realtime],
  ['/functions/v1', functions],
  ['/storage/v1', storage],
]);

/**
 * @typedef {object} ApiContext
 * @property {import('../lib/config.js').StackConfig} config
 * @property {pg.Pool} adminPool   superuser connections, for the platform's own bookkeeping only
 * @property {pg.Pool} apiPool     `authenticator` connections: every user request runs here under `set local role`
 * @property {ReturnType<typeof createJwt>} jwt
 * @property {(msg: string) => void} log
 */

/** Most `authenticator` connections the gateway holds. */
const API_POOL_MAX = 20;
/** How long shutdown waits for the pools' clients to be released. */
const POOL_END_TIMEOUT_MS = 5_000;
/** Connections opened at start and never closed for idleness. */
const API_POOL_WARM = 10;

/** Opens `n` connections of `pool` at once and returns them to it idle. @param {pg.Pool} pool @param {number} n */
async function warmPool(pool, n) {
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  for (const c of clients) c.release();
}

/**
 * @param {import('../lib/config.js').StackConfig} config
 * @param {{ log?: (msg: string) => void, warmFunctions?: boolean }} [opts]
 */
export async function startApi(config, opts = {}) {
  const log = opts.log ?? ((m) => process.stderr.write(`[api] ${m}\n`));
  const base = { host: config.host, port: config.dbPort, database: 'postgres', password: config.dbPassword };
  const adminPool = new pg.Pool({ ...base, user: 'postgres', max: 10 });
  // The request pool is opened before the first request and kept open: a new connection costs
  // ~5 ms of CPU (SCRAM, fork) plus a few ms on its first call of a PL/pgSQL function, and
  // opening them in the middle of a burst, after the default 10 s idle timeout had closed them,
  // was the webhook's tail latency (bench/results/webhook.txt).
  const apiPool = new pg.Pool({
    ...base,
    user: 'authenticator',
    max: API_POOL_MAX,
    min: API_POOL_WARM,
    idleTimeoutMillis: 60_000,
  });
  for (const p of [adminPool, apiPool]) {
    // Idle connections report to the pool; a checked-out one (a LISTEN, a request's transaction)
    // reports to its own listeners, so each gets one: a database restart then fails the queries
    // in flight (their callers answer) instead of crashing the process with an unhandled error.
    p.on('error', (e) => log(`pool error: ${e.message}`));
    p.on('connect', (client) => client.on('error', (e) => log(`database connection lost: ${e.message}`)));
  }
  /** @type {ApiContext} */
  const ctx = { config, adminPool, apiPool, jwt: createJwt(config.jwtSecret), log };

  /** @type {Array<[string, any]>} */
  const parts = [];
  /** @type {{ close(): Promise<void> } | null} */
  let netWorker = null;
  // A part that fails to start must not leave the ones before it running (their LISTEN
  // reconnect loops and pools would keep the process alive): close what was opened, then fail.
  try {
    await warmPool(apiPool, API_POOL_WARM);
    for (const [prefix, mod] of PARTS) parts.push([prefix, await mod.create(ctx)]);
    netWorker = await startNetWorker(ctx);
  } catch (e) {
    for (const [, part] of parts) await part.close?.().catch(() => {});
    await Promise.all([adminPool.end(), apiPool.end()]).catch(() => {});
    throw e;
  }

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    // Edge functions answer CORS (preflights included) themselves on Supabase; adding it here
    // would hide a function that forgets to.
    const isFunctions = url === '/functions/v1' || url.startsWith('/functions/v1/') || url.startsWith('/functions/v1?');
    if (!isFunctions && cors(req, res)) return;
    if (url === '/' || url.startsWith('/health')) return sendJson(res, 200, { status: 'ok' });
    for (const [prefix, part] of parts) {
      if (url === prefix || url.startsWith(prefix + '/') || url.startsWith(prefix + '?')) {
        Promise.resolve(part.handle(req, res, url.slice(prefix.length) || '/')).catch((e) => {
          if (e instanceof HttpError) return sendJson(res, e.status, e.body);
          log(`${req.method} ${url}: ${e?.stack ?? e}`);
          if (!res.headersSent)
            sendJson(res, 500, { code: 'INTERNAL', message: 'Internal server error', details: null, hint: null });
          else res.end();
        });
        return;
      }
    }
    sendJson(res, 404, { message: 'no Route matched with those values' });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = req.url ?? '/';
    for (const [prefix, part] of parts) {
      if (url.startsWith(prefix + '/') && part.upgrade) return part.upgrade(req, socket, head);
    }
    socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.apiPort, config.host, () => resolve(undefined));
  });
  // Functions answer their first request normally: every worker is booted (its npm packages
  // fetched) before the stack reports ready. STACK_WARM_FUNCTIONS=0 skips it (benchmarks that
  // mount only parts of the gateway do not come here anyway).
  if (opts.warmFunctions !== false && process.env.STACK_WARM_FUNCTIONS !== '0') {
    const fnPart = parts.find(([prefix]) => prefix === '/functions/v1')?.[1];
    await fnPart?.warm?.();
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.apiPort;

  return {
    port,
    ctx,
    async close() {
      for (const [, part] of parts) await part.close?.();
      await netWorker?.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r(undefined)));
      // A client lost with a restarted database is never released; don't let it hold up shutdown.
      const ended = Promise.all([adminPool.end(), apiPool.end()]).then(() => true);
      const timedOut = new Promise((r) => setTimeout(() => r(false), POOL_END_TIMEOUT_MS).unref());
      if (!(await Promise.race([ended, timedOut]))) log('database pools did not close in time; leaving them');
    },
  };
}
