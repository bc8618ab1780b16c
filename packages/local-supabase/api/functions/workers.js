// One long-lived Deno process per edge function, started on the function's first request and
// kept warm; a process that exits is forgotten, so the next request starts a fresh one (the
// way Supabase's runtime replaces a crashed worker). A worker started under other settings
// (the caller's stamp of its env files) is retired and replaced, so settings take effect
// without restarting the stack. Each runs bootstrap.ts, which makes
// `Deno.serve()` listen on a free loopback port and prints that port.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from '../../lib/config.js';

const BOOTSTRAP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bootstrap.ts');
const DENO = path.join(ROOT, 'node_modules', '.bin', 'deno');
const MARKER = '__LOCAL_FUNCTIONS_LISTENING__';
/** The first start may download npm packages into DENO_DIR, which takes a while. */
const BOOT_TIMEOUT_MS = 120_000;

/** Variables of the stack's own environment a Deno worker needs to run and reach the network. */
const PASS_THROUGH =
  /^(PATH|HOME|TMPDIR|TZ|LANG|LC_ALL|SSL_CERT_FILE|SSL_CERT_DIR|DENO_CERT|NPM_CONFIG_REGISTRY|https?_proxy|no_proxy|HTTPS?_PROXY|NO_PROXY|ALL_PROXY|all_proxy)$/;

/**
 * @typedef {{ port: number, child: import('node:child_process').ChildProcess, ready: Promise<number>, stamp: string }} Worker
 */

/**
 * @param {{ dataDir: string, log: (m: string) => void }} opts
 */
export function createWorkerPool(opts) {
  /** @type {Map<string, Worker>} */
  const workers = new Map();
  const denoDir = path.join(opts.dataDir, 'deno');
  fs.mkdirSync(denoDir, { recursive: true });

  /**
   * @param {string} name
   * @param {{ fnDir: string, entry: string }} fn
   * @param {() => Record<string, string>} fnEnv  the variables the function sees (SUPABASE_*, secrets), read when a worker starts
   * @param {string} [stamp]  the state of the settings fnEnv reads; a running worker with another stamp is replaced
   * @returns {Promise<number>} the worker's port
   */
  function get(name, fn, fnEnv, stamp = '') {
    const existing = workers.get(name);
    if (existing && existing.stamp === stamp) return existing.ready;
    if (existing) {
      // Requests already on the old worker finish; it then gets SIGTERM.
      workers.delete(name);
      opts.log(`[fn:${name}] settings changed: starting a new worker`);
      const old = existing.child;
      setTimeout(() => old.kill('SIGTERM'), 1000).unref();
    }
    /** @type {Record<string, string>} */
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && PASS_THROUGH.test(k)) env[k] = v;
    Object.assign(env, fnEnv(), {
      DENO_DIR: denoDir,
      // The repo's package.json must not turn the function into a Node project: functions
      // resolve `npm:` imports themselves, as on Supabase.
      DENO_NO_PACKAGE_JSON: '1',
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
    });
    // Deno trusts only its bundled roots unless told otherwise; behind a TLS-intercepting proxy
    // the system's bundle (SSL_CERT_FILE) is what makes npm: downloads work.
    if (!env.DENO_CERT && env.SSL_CERT_FILE) env.DENO_CERT = env.SSL_CERT_FILE;
    const denoJson = ['deno.json', 'deno.jsonc'].map((f) => path.join(fn.fnDir, f)).find((f) => fs.existsSync(f));
    const args = [
      'run',
      '--allow-all',
      '--no-prompt',
      // A function with a deno.json runs exactly what its committed deno.lock pins (as deployed);
      // a lock that would have to change is an error, not a silent upgrade.
      ...(denoJson ? ['--config', denoJson, '--frozen'] : ['--no-config', '--no-lock']),
      BOOTSTRAP,
      pathToFileURL(fn.entry).href,
    ];
    // stdin stays open as a lifeline: bootstrap.ts exits when it closes (see there).
    const child = spawn(DENO, args, { cwd: fn.fnDir, env, stdio: ['pipe', 'pipe', 'pipe'] });

    /** @type {Worker} */
    const worker = {
      port: 0,
      child,
      stamp,
      ready: new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`function ${name} did not call Deno.serve within ${BOOT_TIMEOUT_MS / 1000} s`));
          child.kill('SIGKILL');
        }, BOOT_TIMEOUT_MS);
        readline
          .createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) })
          .on('line', (line) => {
            if (!worker.port && line.startsWith(MARKER)) {
              worker.port = Number(line.slice(MARKER.length).trim());
              clearTimeout(timer);
              resolve(worker.port);
              return;
            }
            opts.log(`[fn:${name}] ${line}`);
          });
        readline
          .createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stderr) })
          .on('line', (line) => opts.log(`[fn:${name}] ${line}`));
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          if (workers.get(name) === worker) workers.delete(name);
          if (!worker.port) reject(new Error(`function ${name} exited before serving (code ${code ?? signal})`));
          else opts.log(`[fn:${name}] worker exited (${code ?? signal})`);
        });
      }),
    };
    worker.ready.catch(() => {});
    workers.set(name, worker);
    return worker.ready;
  }

  /** Forgets a worker that misbehaved so the next request starts a new one. */
  /** @param {string} name @param {number} [port] only the worker on this port (not its replacement) */
  function discard(name, port) {
    const w = workers.get(name);
    if (!w || (port !== undefined && w.port !== port)) return;
    workers.delete(name);
    w.child.kill('SIGKILL');
  }

  // Workers must not outlive the stack, even when it dies without close().
  const onExit = () => {
    for (const w of workers.values()) w.child.kill('SIGKILL');
  };
  process.on('exit', onExit);

  return {
    get,
    discard,
    async close() {
      process.off('exit', onExit);
      const all = [...workers.values()];
      workers.clear();
      await Promise.all(
        all.map(
          (w) =>
            new Promise((resolve) => {
              if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve(undefined);
              const t = setTimeout(() => w.child.kill('SIGKILL'), 2000);
              w.child.once('exit', () => {
                clearTimeout(t);
                resolve(undefined);
              });
              w.child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
