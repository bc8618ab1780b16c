// PostgREST configuration from config.toml [api] and pgrst.* role settings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, readApiToml, resolveSettings, txOutcome } from './settings.js';

describe('readApiToml', () => {
  it('reads only the [api] table of <supabase dir>/config.toml', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(
      path.join(dir, 'config.toml'),
      '[api]\nschemas = ["public", "api"] # exposed\nextra_search_path = ["public", "extensions"]\nmax_rows = 50\n\n[db]\nmax_rows = 7\n',
    );
    const api = readApiToml(path.join(dir, 'migrations'));
    expect(api).toEqual({ schemas: ['public', 'api'], extra_search_path: ['public', 'extensions'], max_rows: 50 });
    expect(resolveSettings(api, {})).toMatchObject({ schemas: ['public', 'api'], maxRows: 50 });
    expect(readApiToml(path.join(dir, 'nowhere', 'migrations'))).toEqual({});
  });
});

describe('resolveSettings', () => {
  it('takes config.toml values, then lets the authenticator pgrst.* settings win', () => {
    const toml = { schemas: '["public", "api"]', extra_search_path: '["public"]', max_rows: '50' };
    expect(resolveSettings(toml, {})).toMatchObject({
      schemas: ['public', 'api'],
      extraSearchPath: ['public'],
      maxRows: 50,
      txEnd: 'commit',
    });
    const s = resolveSettings(toml, {
      'pgrst.db_schemas': 'other, public',
      'pgrst.db_max_rows': '5',
      'pgrst.db_tx_end': 'rollback-allow-override',
      'pgrst.db_aggregates_enabled': 'true',
    });
    expect(s).toMatchObject({
      schemas: ['other', 'public'],
      maxRows: 5,
      txEnd: 'rollback-allow-override',
      aggregatesEnabled: true,
    });
    expect(resolveSettings({}, { 'pgrst.db_tx_end': 'sometimes' }).txEnd).toBe('commit');
    expect(resolveSettings({}, {})).toEqual(DEFAULT_SETTINGS);
  });
});

describe('txOutcome', () => {
  it('honours Prefer tx only with an -allow-override setting', () => {
    expect(txOutcome('commit', 'rollback')).toEqual({ rollback: false, applied: null });
    expect(txOutcome('commit-allow-override', 'rollback')).toEqual({ rollback: true, applied: 'rollback' });
    expect(txOutcome('rollback', 'commit')).toEqual({ rollback: true, applied: null });
    expect(txOutcome('rollback-allow-override', 'commit')).toEqual({ rollback: false, applied: 'commit' });
    expect(txOutcome('rollback-allow-override', null)).toEqual({ rollback: true, applied: null });
  });
});
