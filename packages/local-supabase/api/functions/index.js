// /functions/v1/<name>: edge functions under real Deno, as Supabase serves them. The gateway
// checks `verify_jwt` (config.toml, default true) and then proxies the request unchanged —
// method, path `/<name>/…`, query, headers, streamed body — to the function's worker
// (workers.js) and streams its answer back, status and all. OPTIONS goes to the function
// too and the gateway adds no CORS headers here (server.js skips them for this prefix):
// on Supabase the function answers CORS itself, so one that forgets fails locally as well.
import fs from 'node:fs';
import http from 'node:http';
import { urls } from '../../lib/config.js';
import { createWorkerPool } from './workers.js';
import { functionDirs, findFunction, functionSettings, projectSecrets, settingsStamp } from './project.js';

export { functionDirs } from './project.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/** @param {import('../server.js').ApiContext} ctx */
export async function create(ctx) {
  // Connections to the workers are kept open between requests: opening one per request cost
  // the gateway a connect, a socket and its listeners each time (about a sixth of its CPU per
  // webhook delivery in bench/webhook.js). Deno keeps them open; idle ones close after 5 s.
  const agent = new http.Agent({ keepAlive: true, timeout: 5000 });
  const dirs = functionDirs(ctx.config);
  const pool = createWorkerPool({ dataDir: ctx.config.dataDir, log: ctx.log });
  const u = urls(ctx.config);

  /** The environment Supabase gives every function, then the project's secrets. */
  /** @param {string} dir */
  function functionEnv(dir) {
    return {
      ...projectSecrets(ctx.config, dir, ctx.log),
      SUPABASE_URL: u.API_URL,
      SUPABASE_ANON_KEY: ctx.config.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: ctx.config.serviceRoleKey,
      SUPABASE_DB_URL: u.DB_URL,
    };
  }

  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
  function json(res, status, body, headers = {}) {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  /** @param {import('node:http').IncomingMessage} req */
  async function jwtProblem(req) {
    const h = req.headers.authorization;
    if (typeof h !== 'string' || h.trim() === '') return 'Error: Missing authorization header';
    const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
    if (!m) return 'Invalid JWT';
    try {
      await ctx.jwt.verify(/** @type {string} */ (m[1]));
      return null;
    } catch {
      return 'Invalid JWT';
    }
  }

  return {
    /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} subpath */
    async handle(req, res, subpath) {
      const name = decodeURIComponent(/^\/([^/?#]*)/.exec(subpath)?.[1] ?? '');
      const fn = findFunction(dirs, name);
      const settings = fn ? (functionSettings(fn.dir)[name] ?? {}) : {};
      if (!fn || settings.enabled === false) {
        return json(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
      }
      if (settings.verify_jwt !== false && req.method !== 'OPTIONS') {
        const problem = await jwtProblem(req);
        if (problem) return json(res, 401, { msg: problem });
      }

      let port;
      try {
        port = await pool.get(name, fn, () => functionEnv(fn.dir), settingsStamp(ctx.config, fn.dir));
      } catch (e) {
        ctx.log(`functions: ${name}: ${e instanceof Error ? e.message : e}`);
        req.resume();
        return json(
          res,
          503,
          { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' },
          { 'x-relay-error': 'true' },
        );
      }

      /** @type {Record<string, string | string[]>} */
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      headers['x-forwarded-host'] = req.headers.host ?? '';
      headers['x-forwarded-proto'] = 'http';

      await new Promise((resolve) => {
        const upstream = http.request(
          { host: '127.0.0.1', port, method: req.method, path: subpath, headers, agent },
          (up) => {
            /** @type {Record<string, string | string[]>} */
            const out = {};
            for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
            res.writeHead(up.statusCode ?? 502, out);
            up.pipe(res);
            up.on('close', () => resolve(undefined));
            up.on('error', () => {
              res.destroy();
              resolve(undefined);
            });
          },
        );
        let clientGone = false;
        upstream.on('error', (e) => {
          if (clientGone) return resolve(undefined); // our own abort: the worker is fine
          // The worker died (or refused) mid-request: answer like Supabase's relay and let
          // the next request start a new worker.
          ctx.log(`functions: ${name}: ${e.message}`);
          pool.discard(name, port);
          if (!res.headersSent) {
            json(
              res,
              500,
              { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' },
              { 'x-relay-error': 'true' },
            );
          } else res.destroy();
          resolve(undefined);
        });
        res.on('close', () => {
          if (!res.writableFinished) {
            clientGone = true;
            upstream.destroy();
          }
        });
        req.pipe(upstream);
      });
    },
    /**
     * Boots a worker for every function of the project (not the extra test-fixture folders)
     * and waits until each listens. Booting is what fetches a function's `npm:` packages into
     * DENO_DIR, so a fresh stack does it before it says it is ready instead of at a user's
     * first click (issue 10: the first webhook after `npm start` was refused while Deno was
     * still downloading). A function that fails to boot is logged, not fatal: its first
     * request will try again and answer BOOT_ERROR as before.
     */
    async warm() {
      // A project without functions has no supabase/functions folder, which is fine.
      if (!fs.existsSync(ctx.config.functionsDir)) return;
      const names = fs
        .readdirSync(ctx.config.functionsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && d.name !== '_shared')
        .map((d) => d.name);
      const started = Date.now();
      /** @type {string[]} */
      const failed = [];
      await Promise.all(
        names.map(async (name) => {
          const fn = findFunction([ctx.config.functionsDir], name);
          const settings = fn ? (functionSettings(fn.dir)[name] ?? {}) : {};
          if (!fn || settings.enabled === false) return;
          try {
            await pool.get(name, fn, () => functionEnv(fn.dir), settingsStamp(ctx.config, fn.dir));
          } catch (e) {
            failed.push(name);
            ctx.log(`functions: ${name} did not boot: ${e instanceof Error ? e.message : e}`);
          }
        }),
      );
      ctx.log(
        `functions: ${names.length - failed.length} of ${names.length} ready in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          (failed.length ? ` (failed: ${failed.join(', ')})` : ''),
      );
    },
    async close() {
      agent.destroy();
      await pool.close();
    },
  };
}
