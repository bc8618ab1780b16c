// Migrations on `main` are immutable (CONVENTIONS 22): new behaviour is a new migration, because
// `supabase db push` applies a file once and never looks at it again, so an edited migration
// silently differs between a fresh database and a deployed one.
//
// Two checks, run by `npm test` (step "migrations are never edited", local/test-runner.js):
// 1. History (needs git with full history, which CI's fresh clone has): once a migration file is
//    on main, no later commit may modify, delete or rename it, and neither may the working tree.
//    "On main" is read from the history alone, so the check works on any branch and clone: the
//    file was in the freeze commit, or in a merge commit the change descends from (work reaches
//    main through merges). A branch may still fix its own new migration before it is merged.
//    Commits up to the one that added the manifest below (the freeze, issue 13) are exempt: they
//    predate the rule (commit 8e89b8b rewrote 20261126001200; issue 13 squashed the two
//    definitions of sees_sequence / visible_sequence_ids, as that issue asked; commit b8c55e5 edited
//    20261129160000_settings.sql, whose edit 20261130170000 now carries for databases that had
//    applied the first version).
// 2. Manifest (works without git or in a shallow clone, where the history check cannot run):
//    supabase/migrations/IMMUTABLE.sha256 records the SHA-256 of every frozen migration; each
//    listed file must still exist with that hash. Record new migrations with
//    `node local/migrations-immutable.js --record` (appends; never rewrites a line). In a
//    shallow clone only recorded files are protected; the step says which are not.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIGRATIONS = path.join('supabase', 'migrations');
const MANIFEST = path.join(MIGRATIONS, 'IMMUTABLE.sha256');

/** @param {string} root @param {string[]} args */
function git(root, args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Whether `file` exists in commit `rev`. @param {string} root @param {string} rev @param {string} file */
function existsIn(root, rev, file) {
  try {
    git(root, ['cat-file', '-e', `${rev}:${file}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether migration `file` was on main as of commit `rev`: in the freeze commit, or in a merge
 * commit after the freeze that `rev` descends from.
 * @param {string} root @param {string} freeze @param {string} rev @param {string} file
 */
function onMain(root, freeze, rev, file) {
  if (existsIn(root, freeze, file)) return true;
  const merges = git(root, ['rev-list', '--merges', `${freeze}..${rev}`])
    .split('\n')
    .filter(Boolean);
  return merges.some((m) => existsIn(root, m, file));
}

/** @param {string} file */
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** @param {string} root @returns {Map<string, string>} file name → hash */
export function readManifest(root) {
  const file = path.join(root, MANIFEST);
  /** @type {Map<string, string>} */
  const out = new Map();
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(\S+\.sql)$/.exec(line.trim());
    if (m) out.set(/** @type {string} */ (m[2]), /** @type {string} */ (m[1]));
  }
  return out;
}

/** @param {string} root */
const migrationFiles = (root) =>
  fs
    .readdirSync(path.join(root, MIGRATIONS))
    .filter((f) => f.endsWith('.sql'))
    .sort();

/**
 * @param {string} root the repository's top folder
 * @returns {{ ok: boolean, mode: 'history' | 'manifest', problems: string[], notes: string[] }}
 */
export function checkMigrations(root) {
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const notes = [];

  const manifest = readManifest(root);
  /** @type {string[]} */
  const stale = [];
  for (const [name, hash] of manifest) {
    const file = path.join(root, MIGRATIONS, name);
    if (!fs.existsSync(file)) stale.push(`${name}: recorded in ${MANIFEST} but deleted`);
    else if (sha256(file) !== hash) stale.push(`${name}: differs from the hash recorded in ${MANIFEST}`);
  }

  /** @type {'history' | 'manifest'} */
  let mode = 'manifest';
  let shallow = true;
  try {
    shallow = git(root, ['rev-parse', '--is-shallow-repository']).trim() !== 'false';
  } catch {
    notes.push('not a git checkout: only the manifest is checked');
  }
  if (!shallow) {
    mode = 'history';
    // The freeze: the oldest commit that added the manifest (none yet: everything committed is exempt).
    const freeze = git(root, ['log', '--diff-filter=A', '--format=%H', '--', MANIFEST.replaceAll('\\', '/')])
      .trim()
      .split('\n')
      .filter(Boolean)
      .pop();
    if (freeze) {
      const log = git(root, [
        'log',
        '--format=commit %h',
        '--name-status',
        '--no-renames',
        '--diff-filter=MDT',
        // Only commits made after the freeze: an edit on main in parallel with the freeze's
        // branch predates the rule (re-record the manifest after merging, see --record).
        '--ancestry-path',
        `${freeze}..HEAD`,
        '--',
        `${MIGRATIONS}/*.sql`,
      ]);
      let commit = '';
      for (const line of log.split('\n')) {
        if (line.startsWith('commit ')) commit = line.slice(7);
        else if (line.trim()) {
          const [status, file] = /** @type {[string, string]} */ (line.split('\t'));
          if (onMain(root, freeze, `${commit}^`, file))
            problems.push(
              `${file}: ${status === 'D' ? 'deleted' : 'modified'} by commit ${commit} after it was on main`,
            );
        }
      }
    }
    const status = git(root, ['status', '--porcelain', '--no-renames', '--', MIGRATIONS]);
    for (const line of status.split('\n')) {
      const m = /^(.)(.) (.+\.sql)$/.exec(line);
      if (!m) continue;
      const [, staged, worktree, file] = /** @type {[string, string, string, string]} */ (m);
      if (staged === '?' || staged === 'A') continue; // new, never committed: still free to change
      if (('MDT'.includes(staged) || 'MDT'.includes(worktree)) && freeze && onMain(root, freeze, 'HEAD', file))
        problems.push(`${file}: on main, then changed in the working tree`);
    }
    // The history decides; a manifest that disagrees only needs refreshing for shallow clones.
    for (const st of stale) notes.push(`${st} (the history allows it: refresh with --record)`);
  } else {
    problems.push(...stale);
    const unrecorded = migrationFiles(root).filter((f) => !manifest.has(f));
    if (unrecorded.length)
      notes.push(`shallow clone: not protected until recorded in ${MANIFEST}: ${unrecorded.join(', ')}`);
  }
  return { ok: problems.length === 0, mode, problems, notes };
}

/**
 * Records every migration in the manifest: appends the new ones and, only when the full history
 * passes the check (so the history allowed the change, e.g. an edit on main made in parallel
 * with the freeze), refreshes the hash of a listed one. Returns the files written.
 * @param {string} root
 */
export function recordMigrations(root) {
  const manifest = readManifest(root);
  const check = checkMigrations(root);
  const refresh = check.mode === 'history' && check.ok;
  const files = migrationFiles(root).filter((f) => {
    if (!manifest.has(f)) return true;
    return refresh && manifest.get(f) !== sha256(path.join(root, MIGRATIONS, f));
  });
  for (const f of files) manifest.set(f, sha256(path.join(root, MIGRATIONS, f)));
  const lines = [...manifest].sort(([a], [b]) => a.localeCompare(b)).map(([f, h]) => `${h}  ${f}\n`);
  fs.writeFileSync(
    path.join(root, MANIFEST),
    '# SHA-256 of every migration on main (local/migrations-immutable.js --record), for shallow clones.\n' +
      lines.join(''),
  );
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  if (process.argv.includes('--record')) {
    const added = recordMigrations(root);
    process.stdout.write(added.length ? `recorded: ${added.join(', ')}\n` : 'nothing to record\n');
  } else {
    const r = checkMigrations(root);
    for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
    for (const p of r.problems) process.stdout.write(`edited migration: ${p}\n`);
    if (!r.ok) process.stdout.write('Migrations on main are immutable: put the change in a new migration instead.\n');
    else process.stdout.write(`migrations unchanged (${r.mode} check)\n`);
    process.exitCode = r.ok ? 0 : 1;
  }
}
