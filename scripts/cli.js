#!/usr/bin/env node
// The project's commands: `npm start`, `npm run stop|reset|status`, `npm test`.
//   start   installs what is missing, starts the stack and the app, seeds demo data, prints URLs,
//           keys and demo logins; Ctrl-C stops everything. A second start reuses the data.
//   reset   wipes the local database, then starts as above (fresh demo data).
//   stop    stops a cluster left running by a killed start.
//   status  prints one JSON object: URLs and keys (the names `supabase status -o json` uses).
//   stack   starts only the stack (no app), for running tests by hand against it.
//   test    every gate and test suite; starts its own stack on other ports (see scripts/test-runner.js).
import { loadConfig, statusObject, PgCluster } from 'local-supabase';

const cmd = process.argv[2] ?? 'start';
const config = loadConfig();

async function main() {
  switch (cmd) {
    case 'status':
      process.stdout.write(JSON.stringify(statusObject(config), null, 2) + '\n');
      return;
    case 'stop': {
      const stopped = new PgCluster(config).stop();
      process.stderr.write(stopped ? 'Stopped the local database.\n' : 'Nothing was running.\n');
      return;
    }
    case 'start':
    case 'reset':
    case 'stack': {
      const { runDev } = await import('./dev.js');
      await runDev(config, { fresh: cmd === 'reset', app: cmd !== 'stack' });
      return;
    }
    case 'test':
    case 'test-db': {
      const { runTests } = await import('./test-runner.js');
      const ok = await runTests({ only: cmd === 'test-db' ? ['db'] : process.argv.slice(3) });
      // Exit even if some handle leaked (a stuck timer must never hang CI until its time-out).
      process.exit(ok ? 0 : 1);
      return;
    }
    default:
      process.stderr.write(`unknown command: ${cmd}\n`);
      process.exitCode = 2;
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
});
