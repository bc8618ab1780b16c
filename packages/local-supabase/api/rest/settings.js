// The gateway's PostgREST configuration, from the same two places hosted Supabase takes it:
// the project's supabase/config.toml `[api]` table (schemas, extra_search_path, max_rows) and
// PostgREST's in-database configuration, `pgrst.*` settings on the `authenticator` role
// (`alter role authenticator set pgrst.db_aggregates_enabled = 'true'`), which win over the
// file. Both are re-read on `NOTIFY pgrst, 'reload config'` (or 'reload schema').
import path from 'node:path';
import { projectTomlTable } from '../../lib/project-toml.js';

/**
 * @typedef {'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override'} TxEnd
 * @typedef {{ schemas: string[], extraSearchPath: string[], maxRows: number | null, txEnd: TxEnd,
 *   aggregatesEnabled: boolean, planEnabled: boolean }} RestSettings
 */

/** Supabase's defaults (a project without config.toml gets these, as `supabase start` does). */
export const DEFAULT_SETTINGS = /** @type {RestSettings} */ ({
  schemas: ['public', 'graphql_public'],
  extraSearchPath: ['public', 'extensions'],
  maxRows: 1000,
  txEnd: 'commit',
  aggregatesEnabled: false,
  planEnabled: false,
});

const TX_END = new Set(['commit', 'commit-allow-override', 'rollback', 'rollback-allow-override']);

/** A TOML array, or a pgrst setting `"a, b"` / `["a", "b"]`, as a list. @param {unknown} v */
function list(v) {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  const t = String(v).trim();
  const inner = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  return inner
    .split(',')
    .map((s) =>
      s
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/^'(.*)'$/, '$1')
        .trim(),
    )
    .filter(Boolean);
}

/**
 * The `[api]` table of `<supabase dir>/config.toml` (the folder holding `migrations/`).
 * @param {string} migrationsDir @returns {Record<string, unknown>}
 */
export function readApiToml(migrationsDir) {
  return projectTomlTable(path.dirname(migrationsDir), 'api');
}

/**
 * Settings from config.toml's `[api]` and the authenticator's `pgrst.*` settings (these win).
 * @param {Record<string, unknown>} toml @param {Record<string, string>} pgrst settings of the authenticator role
 * @param {(m: string) => void} [log]
 * @returns {RestSettings}
 */
export function resolveSettings(toml, pgrst, log = () => {}) {
  const s = { ...DEFAULT_SETTINGS };
  if (toml.schemas) s.schemas = list(toml.schemas);
  if (toml.extra_search_path) s.extraSearchPath = list(toml.extra_search_path);
  if (toml.max_rows !== undefined) s.maxRows = positiveOrNull(toml.max_rows);
  const get = (/** @type {string} */ k) => pgrst[`pgrst.${k}`] ?? pgrst[`pgrst.${k.replace(/_/g, '-')}`];
  const schemas = get('db_schemas');
  if (schemas !== undefined) s.schemas = list(schemas);
  const extra = get('db_extra_search_path');
  if (extra !== undefined) s.extraSearchPath = list(extra);
  const maxRows = get('db_max_rows');
  if (maxRows !== undefined) s.maxRows = positiveOrNull(maxRows);
  const txEnd = get('db_tx_end');
  if (txEnd !== undefined) {
    if (TX_END.has(txEnd)) s.txEnd = /** @type {TxEnd} */ (txEnd);
    else log(`rest: ignoring pgrst.db_tx_end = ${txEnd}`);
  }
  const agg = get('db_aggregates_enabled');
  if (agg !== undefined) s.aggregatesEnabled = agg === 'true' || agg === 'on';
  const plan = get('db_plan_enabled');
  if (plan !== undefined) s.planEnabled = plan === 'true' || plan === 'on';
  if (!s.schemas.length) s.schemas = [...DEFAULT_SETTINGS.schemas];
  return s;
}

/** @param {unknown} v */
function positiveOrNull(v) {
  const n = Number(String(v).replace(/^"(.*)"$/, '$1'));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Whether the transaction ends in a rollback, and whether `tx=` counts as applied, per
 * db-tx-end: the `Prefer: tx` header is honoured only with an `-allow-override` setting.
 * @param {TxEnd} txEnd @param {string | null} preferTx
 */
export function txOutcome(txEnd, preferTx) {
  const override = txEnd.endsWith('-allow-override');
  const base = txEnd.startsWith('rollback');
  if (override && preferTx) return { rollback: preferTx === 'rollback', applied: preferTx };
  return { rollback: base, applied: null };
}
