// `npm run deploy:check -- --project-ref <ref>`: checks that a hosted Supabase project is set up
// as the README's deployment steps say, without changing anything (SPEC S11): migrations
// applied, functions deployed (with the verify_jwt of config.toml), the functions' secrets set,
// the Vault entries the cron job reads (and that they match), the cron jobs scheduled, and the
// Resend webhook URL answering as the webhook. It reads the database (SELECTs only), lists the
// project's functions and secrets through the Management API (names and digests; secret values
// never leave Supabase), and sends the webhook one unsigned POST, which it refuses before
// doing anything.
//
// `--local` asks the same questions of the local stack (`npm start`, or any stack given by the
// usual API_PORT/DB_PORT/STACK_DATA_DIR): there the secrets are the local functions' own and
// functions are probed over HTTP, which is also what happens for a hosted project when no
// Management API token is at hand. tests/integration/deploy-check.test.ts runs it both ways.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT, functionSettings, loadConfig, projectSecrets, urls } from 'local-supabase';

/** Function secrets the app needs in production (README, "Deploying to hosted Supabase", step 2). */
export const REQUIRED_SECRETS = [
  'RESEND_API_KEY',
  'RESEND_WEBHOOK_SECRET',
  'LINK_SIGNING_SECRET',
  'SEND_DUE_STAGES_SECRET',
  'INBOUND_EMAIL_DOMAIN',
  'APP_URL',
];

/** Vault entries the send-due-stages cron job reads (README step 4). */
export const REQUIRED_VAULT = ['project_url', 'send_due_stages_secret'];

/**
 * @typedef {{ name: string, ok: boolean, detail: string }} Check
 * @typedef {{ slug: string, verifyJwt: boolean | null, status: string }} DeployedFunction
 * @typedef {object} Target
 * @property {string} apiUrl                 https://<ref>.supabase.co, or the local API
 * @property {string | null} dbUrl           a postgres connection string (SELECTs only)
 * @property {() => Promise<Record<string, string>>} secretDigests  name → SHA-256 hex of the value
 * @property {(() => Promise<DeployedFunction[]>) | null} listFunctions  null: probe over HTTP
 * @property {string} [migrationsDir]
 * @property {string} [functionsDir]
 */

const sha256 = (/** @type {string} */ s) => crypto.createHash('sha256').update(s).digest('hex');

/** Migration versions of the checkout (file name prefix). */
function repoMigrations(/** @type {string} */ dir) {
  return fs
    .readdirSync(dir)
    .map((f) => /^(\d+)_.*\.sql$/.exec(f)?.[1])
    .filter((v) => v !== undefined)
    .sort();
}

/** Functions of the checkout: folders with an index file, _shared excepted. */
function repoFunctions(/** @type {string} */ dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '_shared' && fs.existsSync(path.join(dir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** Cron jobs the migrations schedule: `cron.schedule('name', 'schedule', …)`. */
function repoCronJobs(/** @type {string} */ dir) {
  /** @type {Map<string, string>} */
  const jobs = new Map();
  for (const f of fs.readdirSync(dir).sort()) {
    const sql = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of sql.matchAll(/cron\.schedule\(\s*'([^']+)'\s*,\s*'([^']+)'/g)) jobs.set(m[1], m[2]);
  }
  return jobs;
}

/** Probes `/functions/v1/<name>` without credentials: only the platform's own 404 means "not deployed". */
async function probeFunction(/** @type {string} */ apiUrl, /** @type {string} */ name) {
  try {
    const res = await fetch(`${apiUrl}/functions/v1/${name}`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status !== 404) return { deployed: true, status: res.status };
    let code = '';
    try {
      code = JSON.parse(text).code ?? '';
    } catch {
      /* a function's own 404 page */
    }
    return { deployed: code !== 'NOT_FOUND', status: res.status };
  } catch (e) {
    return { deployed: false, status: 0, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Runs every check against `target`; never throws for a failed check (each says what is wrong
 * and how to fix it).
 * @param {Target} target
 * @returns {Promise<Check[]>}
 */
export async function runDeployChecks(target) {
  const migrationsDir = target.migrationsDir ?? path.join(ROOT, 'supabase', 'migrations');
  const functionsDir = target.functionsDir ?? path.join(ROOT, 'supabase', 'functions');
  const apiUrl = target.apiUrl.replace(/\/+$/, '');
  /** @type {Check[]} */
  const checks = [];
  const add = (/** @type {string} */ name, /** @type {boolean} */ ok, /** @type {string} */ detail) =>
    checks.push({ name, ok, detail });

  /** @type {Record<string, string> | null} */
  let digests = null;
  try {
    digests = await target.secretDigests();
  } catch (e) {
    add('secrets', false, `Could not list the functions' secrets: ${e instanceof Error ? e.message : e}`);
  }
  if (digests) {
    const missing = REQUIRED_SECRETS.filter((n) => !(n in digests));
    add(
      'secrets',
      missing.length === 0,
      missing.length === 0
        ? `all ${REQUIRED_SECRETS.length} set (${REQUIRED_SECRETS.join(', ')})`
        : `missing: ${missing.join(', ')} — set them with: npx supabase secrets set ${missing.map((n) => `${n}=…`).join(' ')}`,
    );
  }

  // Functions, and their verify_jwt as config.toml has it (default true).
  const wanted = repoFunctions(functionsDir);
  const settings = functionSettings(functionsDir);
  if (target.listFunctions) {
    try {
      const deployed = new Map((await target.listFunctions()).map((f) => [f.slug, f]));
      const problems = [];
      for (const name of wanted) {
        const f = deployed.get(name);
        const verify = settings[name]?.verify_jwt !== false;
        if (!f) problems.push(`${name} is not deployed`);
        else if (f.status && f.status !== 'ACTIVE') problems.push(`${name} is ${f.status}`);
        else if (f.verifyJwt !== null && f.verifyJwt !== verify)
          problems.push(`${name} has verify_jwt=${f.verifyJwt}, config.toml says ${verify}`);
      }
      add(
        'functions',
        problems.length === 0,
        problems.length === 0
          ? `all ${wanted.length} deployed (${wanted.join(', ')})`
          : `${problems.join('; ')} — deploy with: npx supabase functions deploy`,
      );
    } catch (e) {
      add('functions', false, `Could not list the functions: ${e instanceof Error ? e.message : e}`);
    }
  } else {
    const probes = await Promise.all(wanted.map(async (n) => ({ n, ...(await probeFunction(apiUrl, n)) })));
    const missing = probes.filter((p) => !p.deployed);
    add(
      'functions',
      missing.length === 0,
      missing.length === 0
        ? `all ${wanted.length} answer at ${apiUrl}/functions/v1/ (${wanted.join(', ')})`
        : `not deployed: ${missing.map((p) => (p.error ? `${p.n} (${p.error})` : p.n)).join(', ')} — deploy with: npx supabase functions deploy`,
    );
  }

  // The Resend webhook URL: the function must answer an unsigned POST by refusing it (400/401).
  const hook = `${apiUrl}/functions/v1/resend-webhook`;
  try {
    const res = await fetch(hook, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(10_000),
    });
    const ok = res.status === 400 || res.status === 401;
    add(
      'resend webhook',
      ok,
      ok
        ? `${hook} answers (an unsigned event is refused with ${res.status}, as it must be)`
        : `${hook} answered ${res.status}: ${res.status === 404 ? 'the resend-webhook function is not deployed' : 'it is not the webhook answering'}`,
    );
  } catch (e) {
    add('resend webhook', false, `${hook} is not reachable: ${e instanceof Error ? e.message : e}`);
  }

  if (!target.dbUrl) {
    for (const name of ['migrations', 'vault', 'cron jobs']) {
      add(name, false, 'No database URL: pass --db-url or set SUPABASE_DB_URL (Dashboard → Connect → session pooler).');
    }
    return checks;
  }
  const client = new pg.Client({ connectionString: target.dbUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    // Read only, whatever the statements below would do.
    await client.query('begin read only');

    const repo = repoMigrations(migrationsDir);
    const applied = (await client.query('select version from supabase_migrations.schema_migrations')).rows.map((r) =>
      String(r.version),
    );
    const missing = repo.filter((v) => !applied.includes(v));
    const extra = applied.filter((v) => !repo.includes(v));
    add(
      'migrations',
      missing.length === 0 && extra.length === 0,
      missing.length === 0 && extra.length === 0
        ? `all ${repo.length} applied (latest ${repo.at(-1)})`
        : [
            missing.length ? `not applied: ${missing.join(', ')} — run: npx supabase db push` : '',
            extra.length ? `applied but not in this checkout: ${extra.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; '),
    );

    const vault = new Map(
      (
        await client.query('select name, decrypted_secret from vault.decrypted_secrets where name = any($1)', [
          REQUIRED_VAULT,
        ])
      ).rows.map((r) => [r.name, r.decrypted_secret ?? '']),
    );
    const vaultProblems = REQUIRED_VAULT.filter((n) => !vault.has(n)).map((n) => `${n} is missing`);
    const projectUrl = vault.get('project_url');
    if (projectUrl !== undefined && projectUrl.replace(/\/+$/, '') !== apiUrl) {
      vaultProblems.push(`project_url is ${projectUrl}, expected ${apiUrl}`);
    }
    const cronSecret = vault.get('send_due_stages_secret');
    const wantDigest = digests?.SEND_DUE_STAGES_SECRET;
    if (cronSecret !== undefined && wantDigest && sha256(cronSecret) !== wantDigest) {
      vaultProblems.push(
        'send_due_stages_secret differs from the SEND_DUE_STAGES_SECRET function secret (the cron calls would be refused)',
      );
    }
    add(
      'vault',
      vaultProblems.length === 0,
      vaultProblems.length === 0
        ? `${REQUIRED_VAULT.join(' and ')} present and matching`
        : `${vaultProblems.join('; ')} — see README step 4 (select vault.create_secret(…))`,
    );

    const jobs = repoCronJobs(migrationsDir);
    const rows = (await client.query('select jobname, schedule, active from cron.job')).rows;
    const cronProblems = [];
    for (const [name, schedule] of jobs) {
      const r = rows.find((x) => x.jobname === name);
      if (!r) cronProblems.push(`${name} is not scheduled`);
      else if (r.schedule !== schedule)
        cronProblems.push(`${name} runs '${r.schedule}', the migrations say '${schedule}'`);
      else if (!r.active) cronProblems.push(`${name} is not active`);
    }
    add(
      'cron jobs',
      cronProblems.length === 0,
      cronProblems.length === 0
        ? [...jobs].map(([n, s]) => `${n} (${s})`).join(', ') + ' scheduled and active'
        : cronProblems.join('; '),
    );
    await client.query('rollback');
  } catch (e) {
    const have = new Set(checks.map((c) => c.name));
    for (const name of ['migrations', 'vault', 'cron jobs']) {
      if (!have.has(name)) add(name, false, `Could not read the database: ${e instanceof Error ? e.message : e}`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return checks;
}

/** The Management API's view of a hosted project (token: SUPABASE_ACCESS_TOKEN or `supabase login`'s). */
export function managementApi(
  /** @type {string} */ ref,
  /** @type {string} */ token,
  base = 'https://api.supabase.com',
) {
  const get = async (/** @type {string} */ p) => {
    const res = await fetch(`${base}/v1/projects/${ref}${p}`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`Management API ${p} answered ${res.status}`);
    return res.json();
  };
  return {
    /** @returns {Promise<Record<string, string>>} */
    async secretDigests() {
      /** @type {Array<{ name: string, value: string }>} */
      const list = await get('/secrets');
      return Object.fromEntries(list.map((s) => [s.name, s.value]));
    },
    /** @returns {Promise<DeployedFunction[]>} */
    async listFunctions() {
      /** @type {Array<{ slug: string, verify_jwt?: boolean, status?: string }>} */
      const list = await get('/functions');
      return list.map((f) => ({ slug: f.slug, verifyJwt: f.verify_jwt ?? null, status: f.status ?? 'ACTIVE' }));
    },
  };
}

/** The local stack as a target (`--local`). @param {NodeJS.ProcessEnv} [env] @returns {Target} */
export function localTarget(env = process.env) {
  const config = loadConfig(env);
  const u = urls(config);
  return {
    apiUrl: u.API_URL,
    dbUrl: u.DB_URL,
    migrationsDir: config.migrationsDir,
    functionsDir: config.functionsDir,
    async secretDigests() {
      const secrets = projectSecrets(config, config.functionsDir);
      return Object.fromEntries(
        Object.entries(secrets)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, sha256(v)]),
      );
    },
    listFunctions: null,
  };
}

function accessToken() {
  if (process.env.SUPABASE_ACCESS_TOKEN) return process.env.SUPABASE_ACCESS_TOKEN;
  try {
    return fs.readFileSync(path.join(os.homedir(), '.supabase', 'access-token'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** @param {string[]} argv */
export function parseArgs(argv) {
  /** @type {Record<string, string | boolean>} */
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`Unexpected argument: ${a}`);
    const key = /** @type {string} */ (m[1]);
    if (key === 'local' || key === 'json') out[key] = true;
    else out[key] = m[2] ?? argv[++i] ?? '';
  }
  return out;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
  /** @type {Target} */
  let target;
  if (args.local) {
    target = localTarget();
  } else if (typeof args['project-ref'] === 'string' && /^[a-z0-9]{20}$/.test(args['project-ref'])) {
    const ref = args['project-ref'];
    const token = accessToken();
    const mgmt = token ? managementApi(ref, token, String(args['management-url'] ?? 'https://api.supabase.com')) : null;
    target = {
      apiUrl: String(args['api-url'] ?? `https://${ref}.supabase.co`),
      dbUrl: String(args['db-url'] ?? process.env.SUPABASE_DB_URL ?? '') || null,
      secretDigests: mgmt
        ? mgmt.secretDigests
        : () =>
            Promise.reject(new Error('no Management API token: run `npx supabase login` or set SUPABASE_ACCESS_TOKEN')),
      listFunctions: mgmt ? mgmt.listFunctions : null,
    };
  } else {
    console.error(
      'Usage: npm run deploy:check -- --project-ref <20-character ref> [--db-url postgresql://…] [--json]\n' +
        '       npm run deploy:check -- --local   (the local stack)\n' +
        'The database URL may also come from SUPABASE_DB_URL, the Management API token from SUPABASE_ACCESS_TOKEN or `npx supabase login`.',
    );
    process.exit(2);
  }
  const checks = await runDeployChecks(target);
  if (args.json) console.log(JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2));
  else {
    for (const c of checks) console.log(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
    const failed = checks.filter((c) => !c.ok).length;
    console.log(failed ? `\n${failed} of ${checks.length} checks failed.` : `\nAll ${checks.length} checks passed.`);
  }
  process.exit(checks.every((c) => c.ok) ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
