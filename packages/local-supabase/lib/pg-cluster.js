// A project-owned PostgreSQL cluster for the local stack: found from the system's PostgreSQL
// binaries (whatever major version is installed), created under the git-ignored data folder,
// started and stopped idempotently. It recovers from a killed previous run: a stale pid file
// is removed by pg_ctl's own checks, and a half-initialised folder (no marker file) is wiped.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REQUIRED_DEBIAN = (/** @type {string} */ v) => [
  `postgresql-${v}`,
  `postgresql-${v}-cron`,
  `postgresql-${v}-wal2json`,
  `postgresql-${v}-pgtap`,
  `postgresql-${v}-plpgsql-check`,
  'libtap-parser-sourcehandler-pgtap-perl',
];

/** The newest installed PostgreSQL server's bin folder, or null. */
export function findPgBin() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const v = versions[0];
  return v ? { version: v, bin: path.join(base, v, 'bin') } : null;
}

function missingDebianPackages(/** @type {string[]} */ pkgs) {
  return pkgs.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
}

/**
 * Installs the Debian packages the stack needs when running as root; otherwise throws with the
 * exact command to run. `extra` adds packages such as chromium for the browser tests.
 * @param {{ extra?: string[], log?: (s: string) => void }} [opts]
 */
export function ensureSystemPackages(opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + '\n'));
  const pg = findPgBin();
  const major = pg?.version ?? '15';
  const wanted = [...REQUIRED_DEBIAN(major), ...(opts.extra ?? [])];
  const missing = missingDebianPackages(wanted);
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing system packages: ${missing.join(', ')}.\nRun as root:\n  sudo sh -c '${cmd}'`);
  }
  log(`Installing system packages: ${missing.join(' ')} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

export class PgCluster {
  /** @param {import('./config.js').StackConfig} config */
  constructor(config) {
    this.config = config;
    this.dir = path.join(config.dataDir, 'pg');
    this.runDir = path.join(config.dataDir, 'run');
    this.logFile = path.join(config.dataDir, 'postgres.log');
    this.marker = path.join(this.dir, '.initialised');
    const pg = findPgBin();
    if (!pg) throw new Error('No PostgreSQL server binaries found under /usr/lib/postgresql');
    this.bin = pg.bin;
    this.version = pg.version;
    // PostgreSQL refuses to run as root: run its binaries as the `postgres` system user then.
    this.asUser = process.getuid?.() === 0 ? 'postgres' : null;
  }

  /** @param {string} tool @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [opts] */
  run(tool, args, opts = {}) {
    const exe = path.join(this.bin, tool);
    const [cmd, argv] = this.asUser ? ['runuser', ['-u', this.asUser, '--', exe, ...args]] : [exe, args];
    const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
    return { status: r.status ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  }

  chown(/** @type {string} */ p) {
    if (this.asUser) execFileSync('chown', ['-R', `${this.asUser}:`, p]);
  }

  get initialised() {
    return fs.existsSync(this.marker);
  }

  /** Creates the cluster if needed (a half-made folder from a killed run is wiped first). */
  init() {
    if (this.initialised) return false;
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    fs.mkdirSync(this.runDir, { recursive: true });
    // The postgres user must be able to reach the data folder through every parent.
    for (let p = this.config.dataDir; p !== path.dirname(p); p = path.dirname(p)) {
      try {
        const mode = fs.statSync(p).mode;
        if ((mode & 0o001) === 0) fs.chmodSync(p, mode | 0o011);
      } catch {
        break;
      }
    }
    const pwfile = path.join(this.runDir, 'pw');
    fs.writeFileSync(pwfile, this.config.dbPassword + '\n', { mode: 0o600 });
    this.chown(this.config.dataDir);
    const r = this.run('initdb', [
      '-D',
      this.dir,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    fs.rmSync(pwfile, { force: true });
    if (r.status !== 0) throw new Error(`initdb failed:\n${r.stderr}`);
    const conf = [
      '',
      '# --- local stack settings (local/lib/pg-cluster.js) ---',
      `port = ${this.config.dbPort}`,
      `listen_addresses = '${this.config.host}'`,
      `unix_socket_directories = '${this.runDir}'`,
      "shared_preload_libraries = 'pg_cron'",
      "cron.database_name = 'postgres'",
      'cron.use_background_workers = on',
      'max_worker_processes = 32',
      'wal_level = logical',
      'max_replication_slots = 16',
      'max_wal_senders = 16',
      'max_slot_wal_keep_size = 1GB',
      'max_connections = 200',
      'shared_buffers = 256MB',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      "timezone = 'UTC'",
      "log_timezone = 'UTC'",
      'search_path = \'"$user", public, extensions\'',
      '',
    ].join('\n');
    fs.appendFileSync(path.join(this.dir, 'postgresql.conf'), conf);
    fs.writeFileSync(this.marker, new Date().toISOString());
    this.chown(this.config.dataDir);
    return true;
  }

  isRunning() {
    return this.run('pg_ctl', ['status', '-D', this.dir]).status === 0;
  }

  start() {
    if (this.isRunning()) return false;
    fs.mkdirSync(this.runDir, { recursive: true });
    this.chown(this.runDir);
    if (!fs.existsSync(this.logFile)) fs.writeFileSync(this.logFile, '');
    this.chown(this.logFile);
    // pg_ctl detects a stale postmaster.pid itself (the pid is not a running postmaster).
    const r = this.run('pg_ctl', ['start', '-w', '-t', '60', '-D', this.dir, '-l', this.logFile]);
    if (r.status !== 0) {
      const tail = fs.existsSync(this.logFile)
        ? fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n')
        : '';
      throw new Error(`PostgreSQL did not start:\n${r.stdout}${r.stderr}\n${tail}`);
    }
    return true;
  }

  stop() {
    if (!fs.existsSync(this.dir) || !this.isRunning()) return false;
    this.run('pg_ctl', ['stop', '-w', '-t', '60', '-m', 'fast', '-D', this.dir]);
    return true;
  }

  wipe() {
    this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs SQL as the superuser through psql (stops on the first error). */
  psql(/** @type {string} */ sql, /** @type {string[]} */ extra = []) {
    const r = spawnSync('psql', [this.url, '-v', 'ON_ERROR_STOP=1', '-X', '-q', ...extra, '-f', '-'], {
      input: sql,
      encoding: 'utf8',
      env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
    });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout;
  }

  get url() {
    const c = this.config;
    return `postgresql://postgres:${encodeURIComponent(c.dbPassword)}@${c.host}:${c.dbPort}/postgres`;
  }
}
