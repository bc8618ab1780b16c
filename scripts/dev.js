// `npm start`: the stack plus the SPA's dev server, with everything printed a developer needs.
import path from 'node:path';
import { ROOT, startStack, statusObject } from 'local-supabase';
import { DEMO_LOGINS } from './demo-logins.js';
import net from 'node:net';

/** @param {string} host @param {number} port @returns {Promise<boolean>} */
function portInUse(host, port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** @param {import('local-supabase/lib/config.js').StackConfig} config @param {{ fresh: boolean, app: boolean }} opts */
export async function runDev(config, opts) {
  const log = (/** @type {string} */ s) => process.stderr.write(s + '\n');
  if (await portInUse(config.host, config.apiPort)) {
    const s = statusObject(config);
    log(`Outreach Sequences is already running (API ${s.API_URL}, app ${s.APP_URL}).`);
    log(
      'Stop that one with Ctrl-C first, or set API_PORT/DB_PORT/MAIL_PORT/APP_PORT and STACK_DATA_DIR for a second stack.',
    );
    process.exitCode = 1;
    return;
  }
  log(opts.fresh ? 'Resetting the local database…' : 'Starting the local stack…');
  const stack = await startStack(config, { fresh: opts.fresh, log });
  /** @type {{ close(): Promise<void> } | null} */
  let vite = null;
  if (opts.app) {
    const { createServer } = await import('vite');
    const s = statusObject(config);
    process.env.PUBLIC_SUPABASE_URL = s.API_URL;
    process.env.PUBLIC_SUPABASE_ANON_KEY = s.ANON_KEY;
    process.env.PUBLIC_MAIL_URL = s.MAIL_URL;
    const server = await createServer({ server: { port: config.appPort, host: config.host, strictPort: true } });
    await server.listen();
    vite = server;
  }
  // The browser extension, built for this stack (S12); the banner says how to load it.
  /** @type {string | null} */
  let extension = null;
  if (opts.app) {
    try {
      const { build } = await import('vite');
      const dir = path.join(ROOT, 'extension');
      for (const file of ['vite.config.ts', 'vite.content.config.ts']) {
        await build({ configFile: path.join(dir, file), logLevel: 'warn' });
      }
      extension = path.join(dir, 'dist');
    } catch (e) {
      log(`The browser extension did not build: ${e instanceof Error ? e.message : e}`);
    }
  }
  const s = statusObject(config);
  const lines = [
    '',
    'Outreach Sequences is running.',
    opts.app ? `  App:          ${s.APP_URL}` : null,
    `  API:          ${s.API_URL}`,
    `  Mail inbox:   ${s.MAIL_URL}`,
    `  Database:     ${s.DB_URL}`,
    `  Anon key:     ${s.ANON_KEY}`,
    `  Service key:  ${s.SERVICE_ROLE_KEY}`,
    `  JWT secret:   ${s.JWT_SECRET}`,
    '',
    extension ? '  Browser extension (built for this stack): open chrome://extensions, turn on Developer mode,' : null,
    extension ? `  choose "Load unpacked" and pick ${extension}; then open a linkedin.com/in/… profile and` : null,
    extension ? "  click the extension's toolbar button (it opens in the side panel)." : null,
    extension ? '' : null,
    DEMO_LOGINS.length ? '  Demo logins (password for all: ' + (DEMO_LOGINS[0]?.password ?? '') + '):' : null,
    ...DEMO_LOGINS.map((l) => `    ${l.email.padEnd(36)} ${l.description}`),
    '',
    'Press Ctrl-C to stop.',
  ].filter((l) => l !== null);
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log('\nStopping…');
    await vite?.close();
    await stack.stop();
    log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
