// Starts and stops the whole local stack in this process: the PostgreSQL cluster (platform
// schema, migrations, seed), the API gateway with its pg_net worker, and the mail catcher.
// Used by `npm start` (local/cli.js) and by the test runner, which starts a second stack on
// other ports with its data in another folder.
import fs from 'node:fs';
import path from 'node:path';
import { PgCluster, ensureSystemPackages } from './pg-cluster.js';
import { applyPlatform, applyMigrations, applySeed } from './platform.js';
import { urls } from './config.js';
import { startMail } from '../mail/server.js';
import { startApi } from '../api/server.js';

/**
 * @param {import('./config.js').StackConfig} config
 * @param {{ fresh?: boolean, seed?: boolean, log?: (s: string) => void, installPackages?: boolean }} [opts]
 */
export async function startStack(config, opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + '\n'));
  if (opts.installPackages !== false) ensureSystemPackages({ log });
  fs.mkdirSync(config.dataDir, { recursive: true });
  const cluster = new PgCluster(config);
  if (opts.fresh) {
    cluster.wipe();
    // Everything else a stack keeps goes too (caught mail would otherwise point at enrolments
    // of the wiped database); only the Deno download cache stays, it holds no data.
    for (const entry of fs.readdirSync(config.dataDir)) {
      if (entry !== 'deno') fs.rmSync(path.join(config.dataDir, entry), { recursive: true, force: true });
    }
  }
  const created = cluster.init();
  cluster.start();
  /** @type {Array<() => Promise<void>>} */
  const closers = [async () => void cluster.stop()];
  const stop = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (e) {
        log(`stop: ${e instanceof Error ? e.message : e}`);
      }
    }
    closers.length = 0;
  };
  try {
    applyPlatform(cluster);
    applyMigrations(cluster, config.migrationsDir);
    const seeded = opts.seed === false ? false : applySeed(cluster, config.seedFile);

    const mail = await startMail(config, { log: (/** @type {string} */ m) => log(`[mail] ${m}`) });
    closers.push(() => mail.close());
    const api = await startApi(config, { log: (m) => log(`[api] ${m}`) });
    closers.push(() => api.close());
    return { config, cluster, api, created, seeded, urls: urls(config), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
