// The project's supabase/config.toml, parsed once per change of the file with smol-toml (a
// TOML 1.0 parser), for every part of the stack that honours a setting from it: functions
// (`[functions.<name>]`), REST (`[api]`), Storage (`[storage]`), Auth (`[auth]`, its email
// templates). A file that is not valid TOML is an error naming the file and the line, as the
// Supabase CLI refuses it too; a missing file is an empty table (Supabase's defaults).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';

/** @type {Map<string, { stamp: string, value: Record<string, any> }>} */
const cache = new Map();

/**
 * The parsed config.toml of a Supabase folder (the one holding `migrations/` and `functions/`).
 * @param {string} supabaseDir
 * @returns {Record<string, any>}
 */
export function readProjectToml(supabaseDir) {
  const file = path.join(supabaseDir, 'config.toml');
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return {};
  }
  const stamp = `${stat.size}:${stat.mtimeMs}`;
  const cached = cache.get(file);
  if (cached && cached.stamp === stamp) return cached.value;
  let value;
  try {
    value = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const line = /** @type {{ line?: number }} */ (e).line;
    throw new Error(`${file}${line ? ` line ${line}` : ''}: ${e instanceof Error ? e.message : e}`);
  }
  cache.set(file, { stamp, value });
  return value;
}

/**
 * A table of config.toml by its dotted path (`auth.email.template.invite`), or {} when absent.
 * @param {string} supabaseDir @param {string} dotted
 * @returns {Record<string, any>}
 */
export function projectTomlTable(supabaseDir, dotted) {
  /** @type {any} */
  let t = readProjectToml(supabaseDir);
  for (const key of dotted.split('.')) {
    t = t && typeof t === 'object' && !Array.isArray(t) ? t[key] : undefined;
  }
  return t && typeof t === 'object' && !Array.isArray(t) ? t : {};
}
