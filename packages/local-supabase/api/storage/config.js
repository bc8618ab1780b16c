// The `[storage]` settings of the project's supabase/config.toml (the folder holding the
// migrations), as the Supabase CLI applies them locally: `file_size_limit` caps every upload,
// and each `[storage.buckets.<name>]` table (public, file_size_limit, allowed_mime_types) is
// created or updated at start, like `supabase seed buckets`.
import fs from 'node:fs';
import path from 'node:path';

/**
 * @typedef {{ public: boolean, fileSizeLimit: number | null, allowedMimeTypes: string[] | null }} BucketConfig
 * @typedef {{ fileSizeLimit: number | null, buckets: Map<string, BucketConfig> }} StorageConfig
 */

/** "50MiB", "5MB", "500KB", 1024 → bytes; null when absent. @param {string | undefined} v */
export function parseSize(v) {
  if (v === undefined) return null;
  const t = v.trim().replace(/^"(.*)"$/, '$1');
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KIB|MIB|GIB)?$/i.exec(t);
  if (!m) throw new Error(`config.toml: invalid file_size_limit ${v} (use e.g. "50MiB", "5MB")`);
  /** @type {Record<string, number>} */
  const mult = { B: 1, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };
  return Math.floor(Number(m[1]) * (mult[(m[2] ?? 'B').toUpperCase()] ?? 1));
}

/** @param {string} v */
const list = (v) =>
  v
    .trim()
    .replace(/^\[(.*)\]$/s, '$1')
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);

/** @param {string} migrationsDir @returns {StorageConfig} */
export function readStorageConfig(migrationsDir) {
  /** @type {StorageConfig} */
  const out = { fileSizeLimit: null, buckets: new Map() };
  let text;
  try {
    text = fs.readFileSync(path.join(path.dirname(migrationsDir), 'config.toml'), 'utf8');
  } catch {
    return out;
  }
  /** @type {Record<string, string> | null} */
  let section = null;
  /** @type {Record<string, string>} */
  const storage = {};
  /** @type {Map<string, Record<string, string>>} */
  const buckets = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      const name = (head[1] ?? '').trim();
      const b = /^storage\.buckets\.(?:"([^"]+)"|([A-Za-z0-9_.-]+))$/.exec(name);
      if (name === 'storage') section = storage;
      else if (b) {
        const id = /** @type {string} */ (b[1] ?? b[2]);
        section = {};
        buckets.set(id, section);
      } else section = null;
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (section && kv) section[/** @type {string} */ (kv[1])] = (kv[2] ?? '').trim();
  }
  out.fileSizeLimit = parseSize(storage.file_size_limit);
  for (const [id, b] of buckets) {
    out.buckets.set(id, {
      public: b.public === 'true',
      fileSizeLimit: parseSize(b.file_size_limit),
      allowedMimeTypes: b.allowed_mime_types ? list(b.allowed_mime_types) : null,
    });
  }
  return out;
}
