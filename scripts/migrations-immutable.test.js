// The migration-immutability gate (local/migrations-immutable.js) on throwaway repositories:
// a full clone is judged by its history, a shallow one by the committed manifest.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkMigrations, recordMigrations } from './migrations-immutable.js';

/** @type {string[]} */
const dirs = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** @param {string} cwd @param {string[]} args */
const git = (cwd, args) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** A repository with two migrations, frozen by a manifest commit. */
function frozenRepo() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'migr-'));
  dirs.push(root);
  const m = path.join(root, 'supabase', 'migrations');
  fs.mkdirSync(m, { recursive: true });
  git(root, ['init', '-q']);
  fs.writeFileSync(path.join(m, '001_a.sql'), 'create table a ();\n');
  fs.writeFileSync(path.join(m, '002_b.sql'), 'create table b ();\n');
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'schema']);
  // Before the freeze, edits are history the rule does not judge.
  fs.writeFileSync(path.join(m, '002_b.sql'), 'create table b (id int);\n');
  git(root, ['commit', '-qam', 'squash']);
  recordMigrations(root);
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'freeze']);
  return { root, m };
}

describe('migrations are never edited', () => {
  it('passes a history of new migrations only', () => {
    const { root, m } = frozenRepo();
    fs.writeFileSync(path.join(m, '003_c.sql'), 'create table c ();\n');
    git(root, ['add', '-A']);
    git(root, ['commit', '-qm', 'new migration']);
    expect(checkMigrations(root)).toMatchObject({ ok: true, mode: 'history', problems: [] });
  });

  it('fails when a migration on main is modified by a later commit, naming file and commit', () => {
    const { root, m } = frozenRepo();
    fs.appendFileSync(path.join(m, '002_b.sql'), 'alter table b add column x int;\n');
    git(root, ['commit', '-qam', 'edit it']);
    const sha = git(root, ['rev-parse', '--short', 'HEAD']).trim();
    const r = checkMigrations(root);
    expect(r.ok).toBe(false);
    expect(r.problems).toContain(`supabase/migrations/002_b.sql: modified by commit ${sha} after it was on main`);
  });

  it('exempts an edit made on main in parallel with the freeze, and re-records its hash', () => {
    const { root, m } = frozenRepo();
    const main = git(root, ['rev-parse', '--abbrev-ref', 'HEAD']).trim();
    git(root, ['checkout', '-q', 'HEAD~1']);
    git(root, ['checkout', '-qb', 'before-freeze']);
    fs.writeFileSync(path.join(m, '001_a.sql'), 'create table a (id int);\n');
    git(root, ['commit', '-qam', 'parallel edit']);
    git(root, ['checkout', '-q', main]);
    git(root, ['merge', '-q', '--no-ff', '-m', 'Merge parallel work', 'before-freeze']);
    const r = checkMigrations(root);
    expect(r).toMatchObject({ ok: true, mode: 'history', problems: [] });
    expect(r.notes.join('\n')).toContain('001_a.sql: differs from the hash recorded');
    expect(recordMigrations(root)).toEqual(['001_a.sql']);
    expect(checkMigrations(root).notes).toEqual([]);
  });

  it('lets a branch fix its own new migration until it is merged, then holds it', () => {
    const { root, m } = frozenRepo();
    const main = git(root, ['rev-parse', '--abbrev-ref', 'HEAD']).trim();
    git(root, ['checkout', '-qb', 'feature']);
    fs.writeFileSync(path.join(m, '003_c.sql'), 'create table c ();\n');
    git(root, ['add', '-A']);
    git(root, ['commit', '-qm', 'new migration']);
    fs.writeFileSync(path.join(m, '003_c.sql'), 'create table c (id int);\n');
    git(root, ['commit', '-qam', 'fix it before review']);
    expect(checkMigrations(root)).toMatchObject({ ok: true, problems: [] });
    git(root, ['checkout', '-q', main]);
    git(root, ['commit', '-q', '--allow-empty', '-m', 'other work']);
    git(root, ['merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature']);
    expect(checkMigrations(root)).toMatchObject({ ok: true, problems: [] });
    fs.appendFileSync(path.join(m, '003_c.sql'), '-- after the merge\n');
    expect(checkMigrations(root).problems).toEqual([
      'supabase/migrations/003_c.sql: on main, then changed in the working tree',
    ]);
    git(root, ['commit', '-qam', 'edit after merge']);
    const sha = git(root, ['rev-parse', '--short', 'HEAD']).trim();
    expect(checkMigrations(root).problems).toEqual([
      `supabase/migrations/003_c.sql: modified by commit ${sha} after it was on main`,
    ]);
  });

  it('fails when a committed migration is deleted or edited in the working tree', () => {
    const { root, m } = frozenRepo();
    fs.appendFileSync(path.join(m, '001_a.sql'), '-- tweak\n');
    const r = checkMigrations(root);
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toContain('001_a.sql: on main, then changed in the working tree');
    expect(r.notes.join('\n')).toContain('001_a.sql: differs from the hash recorded');
  });

  it('in a shallow clone, fails on a recorded migration whose hash changed', () => {
    const { root } = frozenRepo();
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'migr-shallow-'));
    dirs.push(clone);
    git(os.tmpdir(), ['clone', '-q', '--depth', '1', `file://${root}`, clone]);
    expect(checkMigrations(clone)).toMatchObject({ ok: true, mode: 'manifest' });
    fs.writeFileSync(path.join(clone, 'supabase', 'migrations', '002_b.sql'), 'create table b (id bigint);\n');
    fs.writeFileSync(path.join(clone, 'supabase', 'migrations', '004_d.sql'), 'create table d ();\n');
    git(clone, ['add', '-A']);
    git(clone, ['commit', '-qm', 'edit in shallow clone']);
    const r = checkMigrations(clone);
    expect(r).toMatchObject({ ok: false, mode: 'manifest' });
    expect(r.problems).toEqual(['002_b.sql: differs from the hash recorded in supabase/migrations/IMMUTABLE.sha256']);
    expect(r.notes.join('\n')).toContain(
      'not protected until recorded in supabase/migrations/IMMUTABLE.sha256: 004_d.sql',
    );
  });
});
