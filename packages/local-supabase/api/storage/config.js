// The `[storage]` settings of the project's supabase/config.toml (the folder holding the
// migrations), as the Supabase CLI applies them locally: `file_size_limit` caps every upload,
// and each `[storage.buckets.<name>]` table (public, file_size_limit, allowed_mime_types) is
// created or updated at start, like `supabase seed buckets`.
import path from 'node:path';
import { projectTomlTable } from '../../lib/project-toml.js';

/**
 * @typedef {{ public: boolean, fileSizeLimit: number | null, allowedMimeTypes: string[] | null }} BucketConfig
 * @typedef {{ fileSizeLimit: number | null, buckets: Map<string, BucketConfig> }} StorageConfig
 */

/** "50MiB", "5MB", "500KB", 1024 → bytes; null when absent. @param {unknown} v */
export function parseSize(v) {
  if (v === undefined || v === null) return null;
  const t = String(v).trim();
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KIB|MIB|GIB)?$/i.exec(t);
  if (!m) throw new Error(`config.toml: invalid file_size_limit ${v} (use e.g. "50MiB", "5MB")`);
  /** @type {Record<string, number>} */
  const mult = { B: 1, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };
  return Math.floor(Number(m[1]) * (mult[(m[2] ?? 'B').toUpperCase()] ?? 1));
}

/** @param {string} migrationsDir @returns {StorageConfig} */
export function readStorageConfig(migrationsDir) {
  const storage = projectTomlTable(path.dirname(migrationsDir), 'storage');
  /** @type {StorageConfig} */
  const out = { fileSizeLimit: parseSize(storage.file_size_limit), buckets: new Map() };
  const buckets = storage.buckets && typeof storage.buckets === 'object' ? storage.buckets : {};
  for (const [id, b] of Object.entries(buckets)) {
    if (!b || typeof b !== 'object') continue;
    out.buckets.set(id, {
      public: b.public === true,
      fileSizeLimit: parseSize(b.file_size_limit),
      allowedMimeTypes: Array.isArray(b.allowed_mime_types) ? b.allowed_mime_types.map(String) : null,
    });
  }
  return out;
}
