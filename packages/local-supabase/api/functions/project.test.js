// The small readers for config.toml `[functions.<name>]` tables and functions/.env.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { functionSettings, readDotEnv, findFunction, functionDirs, projectSecrets, settingsStamp } from './project.js';

let root = '';
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-project-'));
  fs.mkdirSync(path.join(root, 'functions'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('functionSettings', () => {
  it('reads verify_jwt and enabled per function and ignores other tables', () => {
    fs.writeFileSync(
      path.join(root, 'config.toml'),
      [
        '[api]',
        'verify_jwt = true # not a function table',
        '[functions.resend-webhook]',
        'verify_jwt = false  # webhooks carry no JWT',
        '[functions."send-due-stages"]',
        'enabled = false',
        'import_map = "./import_map.json"',
        '[auth]',
        'verify_jwt = false',
      ].join('\n'),
    );
    expect(functionSettings(path.join(root, 'functions'))).toEqual({
      'resend-webhook': { verify_jwt: false },
      'send-due-stages': { enabled: false, import_map: './import_map.json' },
    });
  });

  it('names the file and the line when config.toml is not valid TOML', () => {
    fs.writeFileSync(path.join(root, 'config.toml'), '[functions.a]\nverify_jwt = \n');
    expect(() => functionSettings(path.join(root, 'functions'))).toThrow(/config\.toml line 2: /);
  });

  it('is empty without a config.toml', () => {
    expect(functionSettings(path.join(root, 'functions'))).toEqual({});
  });
});

describe('readDotEnv', () => {
  it('understands quotes, export, comments, and drops reserved SUPABASE_ names', () => {
    fs.writeFileSync(
      path.join(root, 'functions', '.env'),
      [
        '# secrets',
        'export A=plain # trailing',
        'B="two\\nlines"',
        "C='single # not a comment'",
        'SUPABASE_URL=nope',
        'EMPTY=',
        'not a line',
      ].join('\n'),
    );
    const logs = /** @type {string[]} */ ([]);
    expect(readDotEnv(path.join(root, 'functions'), (m) => logs.push(m))).toEqual({
      A: 'plain',
      B: 'two\nlines',
      C: 'single # not a comment',
      EMPTY: '',
    });
    expect(logs.some((l) => l.includes('SUPABASE_URL'))).toBe(true);
    expect(logs.some((l) => l.includes('malformed'))).toBe(true);
  });
});

describe('findFunction', () => {
  it('finds index.ts in the first folder that has the function, never _shared or path tricks', () => {
    const extra = path.join(root, 'extra');
    for (const [dir, name] of [
      ['functions', 'a'],
      ['extra', 'a'],
      ['extra', 'b'],
      ['functions', '_shared'],
    ]) {
      fs.mkdirSync(path.join(root, /** @type {string} */ (dir), /** @type {string} */ (name)), { recursive: true });
      fs.writeFileSync(path.join(root, /** @type {string} */ (dir), /** @type {string} */ (name), 'index.ts'), '');
    }
    const dirs = functionDirs(/** @type {any} */ ({ functionsDir: path.join(root, 'functions') }), {
      STACK_EXTRA_FUNCTIONS_DIRS: extra,
    });
    expect(findFunction(dirs, 'a')?.dir).toBe(path.join(root, 'functions'));
    expect(findFunction(dirs, 'b')?.dir).toBe(extra);
    expect(findFunction(dirs, '_shared')).toBeNull();
    expect(findFunction(dirs, '..')).toBeNull();
    expect(findFunction(dirs, 'missing')).toBeNull();
  });
});

describe('projectSecrets and settingsStamp', () => {
  const config = (/** @type {string | null} */ envFile) =>
    /** @type {any} */ ({
      host: '127.0.0.1',
      apiPort: 1,
      dbPort: 2,
      mailPort: 3,
      appPort: 4,
      dataDir: root,
      dbPassword: 'x',
      functionsEnvFile: envFile,
    });

  it('the stack env file wins over functions/.env, and a change of either changes the stamp', () => {
    const dir = path.join(root, 'functions');
    const envFile = path.join(root, 'stack.env');
    fs.writeFileSync(path.join(dir, '.env'), 'SEND_BATCH_SIZE=10\nOTHER=kept\n');
    const before = settingsStamp(config(envFile), dir);
    expect(projectSecrets(config(envFile), dir)).toMatchObject({ SEND_BATCH_SIZE: '10', OTHER: 'kept' });

    fs.writeFileSync(envFile, 'SEND_BATCH_SIZE=1\n');
    expect(projectSecrets(config(envFile), dir)).toMatchObject({ SEND_BATCH_SIZE: '1', OTHER: 'kept' });
    const after = settingsStamp(config(envFile), dir);
    expect(after).not.toBe(before);
    expect(settingsStamp(config(envFile), dir)).toBe(after);
    expect(projectSecrets(config(null), dir)).toMatchObject({ SEND_BATCH_SIZE: '10' });
  });
});
