// The local cluster survives what a developer's machine does to it: a second start, a start
// killed half-way through initialisation, and a postmaster killed with SIGKILL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config.js';
import { PgCluster } from '../lib/pg-cluster.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-test-'));
const config = loadConfig({
  ...process.env,
  STACK_DATA_DIR: dataDir,
  DB_PORT: process.env.LOCAL_CLUSTER_TEST_PORT ?? '25398',
});
const cluster = new PgCluster(config);

afterAll(() => {
  cluster.wipe();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const answers = () => cluster.psql('select 41 + 1', ['-t', '-A']).trim();

describe('local PostgreSQL cluster', () => {
  it('wipes a half-initialised folder left by a killed start and initialises again', () => {
    fs.mkdirSync(cluster.dir, { recursive: true });
    fs.writeFileSync(path.join(cluster.dir, 'PG_VERSION'), 'garbage');
    expect(cluster.init()).toBe(true);
    expect(cluster.start()).toBe(true);
    expect(answers()).toBe('42');
  });

  it('starting twice reuses the running cluster', () => {
    expect(cluster.init()).toBe(false);
    expect(cluster.start()).toBe(false);
    expect(answers()).toBe('42');
  });

  it('recovers after the postmaster was killed with SIGKILL (stale pid file)', () => {
    const pid = Number(fs.readFileSync(path.join(cluster.dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    // Children notice the dead postmaster and exit; wait until none holds the port.
    for (let i = 0; i < 100 && spawnSync('kill', ['-0', String(pid)]).status === 0; i++) spawnSync('sleep', ['0.05']);
    expect(fs.existsSync(path.join(cluster.dir, 'postmaster.pid'))).toBe(true);
    expect(cluster.start()).toBe(true);
    expect(answers()).toBe('42');
  });

  it('has the extensions and settings the platform needs', () => {
    const out = cluster.psql(
      "select current_setting('wal_level') || ',' || current_setting('shared_preload_libraries') || ',' || (select count(*) from pg_available_extensions where name in ('pg_cron','wal2json','pgtap','plpgsql_check','pgcrypto'))",
      ['-t', '-A'],
    );
    // wal2json is an output plugin, not an extension: check it by creating a slot instead.
    expect(out.trim()).toBe('logical,pg_cron,4');
    const slot = cluster.psql(
      "select slot_name from pg_create_logical_replication_slot('cluster_test_slot', 'wal2json'); select pg_drop_replication_slot('cluster_test_slot');",
      ['-t', '-A'],
    );
    expect(slot).toContain('cluster_test_slot');
  });
});
