// Brings the database to the state the app expects: the platform schema that hosted Supabase
// provides (local/sql/*.sql, once per cluster), then the app's migrations through the real
// Supabase CLI (`supabase db push --db-url`), then the seed on a database that has none yet.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appSecrets, PACKAGE_DIR, ROOT, urls } from './config.js';

const SQL_DIR = path.join(PACKAGE_DIR, 'sql');

/** @param {import('./pg-cluster.js').PgCluster} cluster */
export function applyPlatform(cluster) {
  const applied = cluster.psql("select count(*) from pg_namespace where nspname = 'local_stack'", ['-t', '-A']).trim();
  const files = fs
    .readdirSync(SQL_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const done =
    applied === '1'
      ? new Set(cluster.psql('select name from local_stack.platform_files', ['-t', '-A']).split('\n').filter(Boolean))
      : new Set();
  if (applied !== '1') {
    cluster.psql(
      'create schema local_stack; create table local_stack.platform_files (name text primary key, applied_at timestamptz default now());',
    );
  }
  for (const f of files) {
    if (done.has(f)) continue;
    cluster.psql(fs.readFileSync(path.join(SQL_DIR, f), 'utf8'));
    cluster.psql(`insert into local_stack.platform_files (name) values ('${f.replace(/'/g, "''")}')`);
  }
  const pw = cluster.config.dbPassword.replace(/'/g, "''");
  cluster.psql(`alter role authenticator with login password '${pw}'; alter role postgres with password '${pw}';`);
  applyVaultSecrets(cluster);
}

/**
 * The Vault secrets the app's cron jobs read, as an operator sets them on a hosted project
 * (README, "Deploying"): `project_url` (this stack's API URL, which changes with its port)
 * and `send_due_stages_secret`. Upserted at every start, so a stack on other ports calls itself.
 * @param {import('./pg-cluster.js').PgCluster} cluster
 */
function applyVaultSecrets(cluster) {
  const q = (/** @type {string} */ v) => `'${v.replace(/'/g, "''")}'`;
  const secrets = {
    project_url: urls(cluster.config).API_URL,
    send_due_stages_secret: appSecrets(cluster.config).SEND_DUE_STAGES_SECRET,
  };
  for (const [name, value] of Object.entries(secrets)) {
    cluster.psql(
      `do $vault$ begin
         if exists (select 1 from vault.secrets where name = ${q(name)}) then
           perform vault.update_secret((select id from vault.secrets where name = ${q(name)}), ${q(value)});
         else
           perform vault.create_secret(${q(value)}, ${q(name)});
         end if;
       end $vault$`,
    );
  }
}

/**
 * Applies pending migrations with the Supabase CLI, as `supabase db push` does against a
 * hosted project. The CLI reads migrations from supabase/migrations under --workdir.
 * @param {import('./pg-cluster.js').PgCluster} cluster
 * @param {string} migrationsDir
 */
export function applyMigrations(cluster, migrationsDir) {
  const sqlFiles = fs.existsSync(migrationsDir) ? fs.readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')) : [];
  if (sqlFiles.length === 0) return;
  // The CLI insists on <workdir>/supabase/migrations; point it at the folder's grandparent.
  const supabaseDir = path.dirname(migrationsDir);
  if (path.basename(migrationsDir) !== 'migrations' || path.basename(supabaseDir) !== 'supabase') {
    throw new Error(`migrations folder must be <dir>/supabase/migrations, got ${migrationsDir}`);
  }
  const workdir = path.dirname(supabaseDir);
  const cli = path.join(ROOT, 'node_modules', '.bin', 'supabase');
  const r = spawnSync(
    cli,
    ['db', 'push', '--db-url', `${cluster.url}?sslmode=disable`, '--workdir', workdir, '--include-all', '--yes'],
    { encoding: 'utf8', env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } },
  );
  if (r.status !== 0) throw new Error(`supabase db push failed:\n${r.stdout}\n${r.stderr}`);
  // Tell the REST gateway to reload its schema cache, as PostgREST listens for.
  cluster.psql("notify pgrst, 'reload schema'");
}

/** Runs the seed once per database (the marker lives in local_stack). */
/** @param {import('./pg-cluster.js').PgCluster} cluster @param {string} seedFile */
export function applySeed(cluster, seedFile) {
  if (!fs.existsSync(seedFile)) return false;
  const seeded = cluster
    .psql("select count(*) from local_stack.platform_files where name = 'seed'", ['-t', '-A'])
    .trim();
  if (seeded === '1') return false;
  cluster.psql(fs.readFileSync(seedFile, 'utf8'));
  cluster.psql("insert into local_stack.platform_files (name) values ('seed')");
  return true;
}
