// `npm test`: every gate and every suite, in one command that needs nothing running before it.
// It starts its own stack on ports of its own (25321 API, 25322 DB, 25324 mail, 25173 app) with
// its data in .local/test (wiped each run), so a developer's `npm start` can keep running.
// Steps: lint (+ deno lint) → migrations never edited (scripts/migrations-immutable.js) → types (svelte-check,
// + deno check of every function) → unit → stack → db (pgTAP) → integration → stand-in (the conformance tests of
// packages/local-supabase) → e2e.
// The last line counts the tests of every runner: "tests: N passed, N failed".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, statusObject, ROOT, PACKAGE_DIR, ensureSystemPackages } from 'local-supabase';

// The reply classifier's LLM endpoint for the test stack: tests/integration/inbound-classify.test.ts
// serves a fake OpenAI-compatible API there (other suites get a refused connection, which the
// classifier answers with its built-in rules). Read by the functions when a worker starts.
// TEST_PORT_OFFSET (default 0) shifts every test port, so several checkouts on one machine can
// each run `npm test` at once.
const OFFSET = Number(process.env.TEST_PORT_OFFSET ?? 0);
if (!Number.isInteger(OFFSET) || OFFSET < 0 || OFFSET > 9000) throw new Error('TEST_PORT_OFFSET must be 0…9000');
// The ports sit below Linux's ephemeral range (32768–60999): a server started late in the run (the
// second project's stack, the app for e2e) could otherwise find its port taken by one of the
// thousands of outgoing connections the earlier suites opened (EADDRINUSE, seen in CI).
const port = (/** @type {number} */ p) => String(p + OFFSET);
const CLASSIFIER_TEST_ENV = {
  REPLY_CLASSIFIER_BASE_URL: `http://127.0.0.1:${port(25399)}/v1`,
  REPLY_CLASSIFIER_API_KEY: 'test-key',
  REPLY_CLASSIFIER_MODEL: 'fake-classifier',
  REPLY_CLASSIFIER_TIMEOUT_MS: '2000',
};
for (const [k, v] of Object.entries(CLASSIFIER_TEST_ENV)) process.env[k] ??= v;
// The mail catcher retries refused webhooks as Resend does, on a schedule short enough for tests.
process.env.MAIL_WEBHOOK_RETRY_SCHEDULE ??= '1s,2s,4s';

const TEST_ENV = {
  API_PORT: port(25321),
  DB_PORT: port(25322),
  MAIL_PORT: port(25324),
  APP_PORT: port(25173),
  LOCAL_CLUSTER_TEST_PORT: port(25398),
  // tests/integration/project-b.test.ts starts a second stack (another project's migrations) here.
  PROJECT_B_API_PORT: port(25380),
  PROJECT_B_DB_PORT: port(25381),
  PROJECT_B_MAIL_PORT: port(25382),
  STACK_DATA_DIR: path.join(ROOT, '.local', 'test'),
  // Settings tests give the functions (tests/integration/helpers/sending.ts withSenderSettings):
  // a worker whose env file changed is replaced before its next request.
  STACK_FUNCTIONS_ENV_FILE: path.join(ROOT, '.local', 'test', 'functions.env'),
};

/** @typedef {{ name: string, ok: boolean, passed: number, failed: number, seconds: number }} StepResult */

/**
 * @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(cmd, args, env = process.env) {
  return runIn(ROOT, cmd, args, env);
}

/**
 * @param {string} cwd @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<{ code: number, output: string }>}
 */
function runIn(cwd, cmd, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (/** @type {Buffer} */ d) => {
      output += d.toString();
      process.stdout.write(d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const bin = (/** @type {string} */ name) => path.join(ROOT, 'node_modules', '.bin', name);

const FUNCTIONS_DIR = path.join(ROOT, 'supabase', 'functions');
/** The edge functions (folders with an index.ts; `_shared` is not one). */
const functionDirs = () =>
  fs
    .readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && !d.name.startsWith('_') && fs.existsSync(path.join(FUNCTIONS_DIR, d.name, 'index.ts')),
    )
    .map((d) => d.name);
const DENO_ENV = { ...process.env, DENO_NO_PACKAGE_JSON: '1', DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };

/**
 * Runs `deno <sub>` once per function, with its deno.json and its committed lock (`--frozen`), as
 * the local runner starts it and as it deploys; for lint also over _shared. One count a folder.
 * @param {'check' | 'lint'} sub
 */
async function denoEach(sub) {
  let passed = 0;
  let failed = 0;
  const dirs = sub === 'lint' ? [...functionDirs(), '_shared'] : functionDirs();
  for (const name of dirs) {
    const dir = path.join(FUNCTIONS_DIR, name);
    const config = fs.existsSync(path.join(dir, 'deno.json')) ? ['--config', 'deno.json'] : ['--no-config'];
    const args = sub === 'check' ? ['check', '--frozen', ...config, 'index.ts'] : ['lint', ...config];
    const r = await runIn(dir, bin('deno'), args, DENO_ENV);
    if (r.code === 0) passed++;
    else failed++;
  }
  return { ok: failed === 0, passed, failed };
}

/** Counts from a vitest JSON report. */
function vitestCounts(/** @type {string} */ file) {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    return {
      passed: r.numPassedTests ?? 0,
      failed: (r.numFailedTests ?? 0) + (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
    };
  } catch {
    return { passed: 0, failed: 1 };
  }
}

/** @param {{ only?: string[] }} opts */
export async function runTests(opts = {}) {
  const only = new Set(opts.only ?? []);
  const want = (/** @type {string} */ s) => only.size === 0 || only.has(s);
  /** @type {StepResult[]} */
  const results = [];
  const reportDir = path.join(ROOT, '.local', 'reports');
  fs.mkdirSync(reportDir, { recursive: true });

  /** @param {string} name @param {() => Promise<{ ok: boolean, passed?: number, failed?: number }>} fn */
  const step = async (name, fn) => {
    process.stdout.write(`\n=== ${name} ===\n`);
    const t0 = Date.now();
    let r;
    try {
      r = await fn();
    } catch (e) {
      process.stdout.write(`${e instanceof Error ? e.stack : e}\n`);
      r = { ok: false, failed: 1 };
    }
    const res = {
      name,
      ok: r.ok,
      passed: r.passed ?? 0,
      failed: r.failed ?? (r.ok ? 0 : 1),
      seconds: (Date.now() - t0) / 1000,
    };
    results.push(res);
    return res.ok;
  };

  ensureSystemPackages({ extra: want('e2e') ? ['chromium'] : [] });

  if (want('lint')) {
    await step('lint (prettier, eslint)', async () => {
      const p = await run(bin('prettier'), ['--check', '.']);
      // The type-aware rules read .svelte-kit/tsconfig.json (the $lib/$shared paths and the shared
      // modules it includes), which a fresh clone does not have yet.
      await run(bin('svelte-kit'), ['sync']);
      const e = await run(bin('eslint'), ['.']);
      return { ok: p.code === 0 && e.code === 0 };
    });
    await step('deno lint (functions, _shared)', () => denoEach('lint'));
  }
  if (want('check')) {
    await step('migrations are never edited', async () => {
      const { checkMigrations } = await import('./migrations-immutable.js');
      const r = checkMigrations(ROOT);
      for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
      for (const p of r.problems) process.stdout.write(`edited migration: ${p}\n`);
      process.stdout.write(
        r.ok
          ? `migrations unchanged (${r.mode} check)\n`
          : 'Migrations on main are immutable: put the change in a new migration instead.\n',
      );
      return { ok: r.ok };
    });
    await step('types (svelte-check)', async () => {
      await run(bin('svelte-kit'), ['sync']);
      const r = await run(bin('svelte-check'), [
        '--tsconfig',
        './tsconfig.json',
        '--fail-on-warnings',
        '--output',
        'human',
      ]);
      return { ok: r.code === 0 };
    });
    await step('deno check (each function, --frozen)', () => denoEach('check'));
  }
  if (want('unit')) {
    await step('unit (vitest)', async () => {
      const out = path.join(reportDir, 'unit.json');
      const r = await run(bin('vitest'), [
        'run',
        '--project',
        'unit',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${out}`,
      ]);
      return { ok: r.code === 0, ...vitestCounts(out) };
    });
  }

  const needStack = ['db', 'integration', 'stand-in', 'e2e'].some(want);
  if (needStack) {
    const env = {
      ...process.env,
      ...TEST_ENV,
      STACK_EXTRA_FUNCTIONS_DIRS: path.join(PACKAGE_DIR, 'tests', 'fixtures', 'functions'),
    };
    const config = loadConfig(env);
    const { startStack } = await import('local-supabase');
    process.stdout.write('\n=== starting the test stack ===\n');
    Object.assign(process.env, { STACK_EXTRA_FUNCTIONS_DIRS: env.STACK_EXTRA_FUNCTIONS_DIRS });
    /** @type {Awaited<ReturnType<typeof startStack>> | null} */
    let stack = null;
    try {
      stack = await startStack(config, {
        fresh: true,
        log: (s) => process.stdout.write(s + '\n'),
        installPackages: false,
      });
    } catch (e) {
      process.stdout.write(`${e instanceof Error ? e.message : e}\n`);
      results.push({ name: 'start the test stack', ok: false, passed: 0, failed: 1, seconds: 0 });
    }
    if (stack) {
      const s = statusObject(config);
      const testEnv = { ...process.env, ...TEST_ENV, ...s, CI: process.env.CI ?? '' };
      try {
        if (want('db') || want('integration') || want('stand-in')) {
          // Before any suite adds its fixture tables to public: the committed types must be what
          // the migrations alone produce.
          await step('generated types match the migrations', async () => {
            const r = await run(process.execPath, [path.join(PACKAGE_DIR, 'gen-types.js'), '--check'], testEnv);
            return { ok: r.code === 0, passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1 };
          });
        }
        if (want('db')) {
          await step('database (pgTAP via pg_prove)', async () => {
            const dir = path.join(ROOT, 'supabase', 'tests', 'database');
            const files = fs.existsSync(dir)
              ? fs
                  .readdirSync(dir)
                  .filter((f) => f.endsWith('.sql'))
                  .sort()
              : [];
            if (files.length === 0) return { ok: false, failed: 1 };
            const r = await run(
              'pg_prove',
              [
                '-h',
                config.host,
                '-p',
                String(config.dbPort),
                '-U',
                'postgres',
                '-d',
                'postgres',
                ...files.map((f) => path.join(dir, f)),
              ],
              { ...testEnv, PGPASSWORD: config.dbPassword },
            );
            const m = /Files=\d+, Tests=(\d+)/.exec(r.output);
            const failedTests = [...r.output.matchAll(/Failed (\d+)\/\d+ subtests/g)].reduce(
              (a, x) => a + Number(x[1]),
              0,
            );
            const total = m ? Number(m[1]) : 0;
            return {
              ok: r.code === 0,
              passed: total - failedTests,
              failed: r.code === 0 ? 0 : Math.max(failedTests, 1),
            };
          });
        }
        if (want('integration')) {
          await step('integration (vitest against the stack)', async () => {
            const out = path.join(reportDir, 'integration.json');
            const r = await run(
              bin('vitest'),
              ['run', '--project', 'integration', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
              testEnv,
            );
            return { ok: r.code === 0, ...vitestCounts(out) };
          });
        }
        if (want('stand-in')) {
          await step('stand-in conformance (packages/local-supabase)', async () => {
            const out = path.join(reportDir, 'stand-in.json');
            const r = await run(
              bin('vitest'),
              [
                'run',
                '--project',
                'local-supabase',
                '--reporter=default',
                '--reporter=json',
                `--outputFile.json=${out}`,
              ],
              testEnv,
            );
            return { ok: r.code === 0, ...vitestCounts(out) };
          });
        }
        if (want('e2e')) {
          await step('end to end (Playwright, Chromium)', async () => {
            const b = await run(bin('vite'), ['build'], {
              ...testEnv,
              PUBLIC_SUPABASE_URL: s.API_URL,
              PUBLIC_SUPABASE_ANON_KEY: s.ANON_KEY,
              PUBLIC_MAIL_URL: s.MAIL_URL,
            });
            if (b.code !== 0) return { ok: false, failed: 1 };
            // The browser extension, built for the test stack (tests/e2e/extension.spec.ts loads it).
            const x = await run('npm', ['run', '--silent', 'build:extension'], {
              ...testEnv,
              PUBLIC_SUPABASE_URL: s.API_URL,
              PUBLIC_SUPABASE_ANON_KEY: s.ANON_KEY,
            });
            if (x.code !== 0) return { ok: false, failed: 1 };
            const out = path.join(reportDir, 'e2e.json');
            const r = await run(bin('playwright'), ['test'], { ...testEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: out });
            let passed = 0;
            let failed = r.code === 0 ? 0 : 1;
            try {
              const j = JSON.parse(fs.readFileSync(out, 'utf8'));
              passed = j.stats?.expected ?? 0;
              failed = (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0) + (j.stats?.skipped ?? 0);
            } catch {
              /* counted as failed above */
            }
            return { ok: r.code === 0, passed, failed };
          });
        }
      } finally {
        await stack.stop();
      }
    }
  }

  process.stdout.write('\n=== summary ===\n');
  for (const r of results) {
    process.stdout.write(
      `${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(42)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed  ${r.seconds.toFixed(1)}s\n`,
    );
  }
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const ok = results.length > 0 && results.every((r) => r.ok);
  process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
  return ok;
}
