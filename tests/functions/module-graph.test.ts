// `supabase functions deploy` bundles only what is under supabase/functions: a function that
// imports anything outside it deploys broken. This walks every function's module graph with
// `deno info --json` (the resolver that deploys it) and names any module that resolves elsewhere.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FUNCTIONS = path.join(ROOT, 'supabase', 'functions');
const DENO = path.join(ROOT, 'node_modules', '.bin', 'deno');

const functionNames = fs
  .readdirSync(FUNCTIONS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
  .map((d) => d.name);

/** Local files (file: URLs) in the module graph of one function's entry point. */
function localModules(name: string): string[] {
  const dir = path.join(FUNCTIONS, name);
  const config = path.join(dir, 'deno.json');
  const out = execFileSync(
    DENO,
    ['info', '--json', ...(fs.existsSync(config) ? ['--config', config] : ['--no-config']), path.join(dir, 'index.ts')],
    { encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, maxBuffer: 64 << 20 },
  );
  const graph = JSON.parse(out) as { modules: { specifier: string; error?: string }[] };
  const broken = graph.modules.filter((m) => m.error && m.specifier.startsWith('file:'));
  expect(broken.map((m) => `${m.specifier}: ${m.error}`)).toEqual([]);
  return graph.modules
    .map((m) => m.specifier)
    .filter((s) => s.startsWith('file:'))
    .map((s) => fileURLToPath(s));
}

describe('edge function module graphs', () => {
  it('finds the functions to check', () => {
    expect(functionNames).toContain('send-due-stages');
  });

  it.each(functionNames)('%s imports nothing from outside supabase/functions', (name) => {
    const modules = localModules(name);
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.filter((m) => !m.startsWith(FUNCTIONS + path.sep))).toEqual([]);
  });
});
