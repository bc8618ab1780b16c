// The gateway's view of the database: tables, views, columns, keys, foreign keys and
// functions of the exposed schemas, read from pg_catalog once at start and again on
// `NOTIFY pgrst, 'reload schema'` (as PostgREST does), so no request queries the catalog.
// Identifiers in generated SQL always come from here, never from the request text.

import { resolveSettings } from './settings.js';

/**
 * @typedef {{ name: string, type: string, typeOid: number, nullable: boolean, hasDefault: boolean, defaultExpr: string | null, generated: boolean,
 *   computed?: { schema: string, name: string } }} Column   `computed`: a computed field (a function of the row), not stored
 * @typedef {{ schema: string, name: string, kind: string, columns: Map<string, Column>, columnList: string[], pk: string[], uniques: string[][], insertable: boolean }} Table
 * @typedef {{ name: string, schema: string, table: string, columns: string[], refSchema: string, refTable: string, refColumns: string[] }} ForeignKey
 * @typedef {{ name: string, type: string, hasDefault: boolean }} FuncArg
 * @typedef {{ schema: string, name: string, oid: number, args: FuncArg[], requiredCount: number, returnType: string, returnsSet: boolean,
 *   returnKind: 'void' | 'scalar' | 'composite', returnTable: { schema: string, name: string } | null, outColumns: { name: string, type: string }[],
 *   volatility: string, variadic: boolean, firstArgTable: { schema: string, name: string } | null, rows: number }} Func
 * @typedef {{ tables: Map<string, Table>, fks: ForeignKey[], funcs: Map<string, Func[]>, roleSettings: Map<string, Record<string,string>>,
 *   settings: import('./settings.js').RestSettings, loadedAt: number }} SchemaCache
 */

const key = (/** @type {string} */ s, /** @type {string} */ n) => `${s}.${n}`;
export { key as qualifiedKey };

const TABLES_SQL = `
select n.nspname as schema, c.relname as name, c.relkind as kind, c.oid,
  coalesce((select json_agg(json_build_object(
      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'typeOid', a.atttypid,
      'nullable', not a.attnotnull, 'hasDefault', a.atthasdef or a.attidentity <> '',
      'defaultExpr', pg_get_expr(d.adbin, d.adrelid), 'generated', a.attgenerated <> '') order by a.attnum)
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
  coalesce((select json_agg(json_build_object('pk', con.contype = 'p', 'cols',
      (select json_agg(a.attname order by k.ord) from unnest(con.conkey) with ordinality k(num, ord)
        join pg_attribute a on a.attrelid = c.oid and a.attnum = k.num)))
    from pg_constraint con where con.conrelid = c.oid and con.contype in ('p', 'u')), '[]') as keys,
  c.relkind in ('r', 'p') or pg_relation_is_updatable(c.oid, true) & 8 = 8 as insertable
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1) and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

const FKS_SQL = `
select con.conname as name, n.nspname as schema, c.relname as table, rn.nspname as "refSchema", rc.relname as "refTable",
  (select json_agg(a.attname order by k.ord) from unnest(con.conkey) with ordinality k(num, ord)
     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num) as columns,
  (select json_agg(a.attname order by k.ord) from unnest(con.confkey) with ordinality k(num, ord)
     join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num) as "refColumns"
from pg_constraint con
join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
join pg_class rc on rc.oid = con.confrelid join pg_namespace rn on rn.oid = rc.relnamespace
where con.contype = 'f' and n.nspname = any($1) and rn.nspname = any($1)`;

const FUNCS_SQL = `
select n.nspname as schema, p.proname as name, p.oid, p.proretset as "returnsSet", p.provolatile as volatility,
  p.provariadic <> 0 as variadic, p.pronargs as nargs, p.pronargdefaults as ndefaults,
  coalesce(p.proargnames, '{}') as argnames, coalesce(p.proargmodes::text[], '{}') as argmodes,
  (select coalesce(json_agg(format_type(t, null) order by o), '[]') from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality x(t, o)) as argtypes,
  format_type(p.prorettype, null) as "returnType", rt.typtype, rt.typrelid,
  (select json_build_object('schema', rn.nspname, 'name', rc.relname) from pg_class rc join pg_namespace rn on rn.oid = rc.relnamespace
     where rc.oid = rt.typrelid) as "returnTable",
  (select json_build_object('schema', an.nspname, 'name', ac.relname) from pg_type at join pg_class ac on ac.oid = at.typrelid
     join pg_namespace an on an.oid = ac.relnamespace where p.pronargs > 0 and at.oid = p.proargtypes[0]) as "firstArgTable",
  p.prorows as rows
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_type rt on rt.oid = p.prorettype
where n.nspname = any($1) and p.prokind = 'f'`;

// Columns of views that are columns of a base table under the same name (PostgREST follows
// view definitions to embed through views; renamed columns are not followed here).
const VIEW_COLUMNS_SQL = `
select distinct vn.nspname as "viewSchema", v.relname as "view", tn.nspname as "tableSchema", t.relname as "table",
  ta.attname as "column"
from pg_rewrite r
join pg_class v on v.oid = r.ev_class and v.relkind in ('v', 'm')
join pg_namespace vn on vn.oid = v.relnamespace
join pg_depend d on d.objid = r.oid and d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
  and d.refobjsubid > 0
join pg_class t on t.oid = d.refobjid and t.relkind in ('r', 'p', 'f') and t.oid <> v.oid
join pg_namespace tn on tn.oid = t.relnamespace
join pg_attribute ta on ta.attrelid = t.oid and ta.attnum = d.refobjsubid
join pg_attribute va on va.attrelid = v.oid and va.attname = ta.attname and not va.attisdropped
where vn.nspname = any($1)`;

const ROLE_SETTINGS_SQL = `
select r.rolname as role, s.setconfig from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
where s.setdatabase = 0 or s.setdatabase = (select oid from pg_database where datname = current_database())`;

/**
 * @param {import('pg').Pool | import('pg').PoolClient} db
 * @param {Record<string, unknown>} [apiToml] the `[api]` table of config.toml
 * @param {(m: string) => void} [log]
 * @returns {Promise<SchemaCache>}
 */
export async function loadSchemaCache(db, apiToml = {}, log = () => {}) {
  const r = await db.query(ROLE_SETTINGS_SQL);
  /** @type {Map<string, Record<string,string>>} */
  const roleSettings = new Map();
  for (const row of r.rows) {
    const settings = roleSettings.get(row.role) ?? {};
    for (const s of row.setconfig ?? []) {
      const i = s.indexOf('=');
      if (i > 0) settings[s.slice(0, i)] = s.slice(i + 1);
    }
    roleSettings.set(row.role, settings);
  }
  const settings = resolveSettings(apiToml, roleSettings.get('authenticator') ?? {}, log);
  const [t, f, p, vc] = await Promise.all([
    db.query(TABLES_SQL, [settings.schemas]),
    db.query(FKS_SQL, [settings.schemas]),
    db.query(FUNCS_SQL, [settings.schemas]),
    db.query(VIEW_COLUMNS_SQL, [settings.schemas]),
  ]);
  /** @type {Map<string, Table>} */
  const tables = new Map();
  for (const row of t.rows) {
    /** @type {Column[]} */
    const cols = row.columns;
    const keys = /** @type {{pk: boolean, cols: string[]}[]} */ (row.keys);
    tables.set(key(row.schema, row.name), {
      schema: row.schema,
      name: row.name,
      kind: row.kind,
      columns: new Map(cols.map((c) => [c.name, c])),
      columnList: cols.map((c) => c.name),
      pk: keys.find((k) => k.pk)?.cols ?? [],
      uniques: keys.map((k) => k.cols),
      insertable: row.insertable,
    });
  }
  /** @type {Map<string, Func[]>} */
  const funcs = new Map();
  for (const row of p.rows) {
    /** @type {string[]} */ const names = row.argnames;
    /** @type {string[]} */ const modes = row.argmodes;
    /** @type {string[]} */ const types = row.argtypes;
    /** @type {FuncArg[]} */ const args = [];
    /** @type {{name: string, type: string}[]} */ const outColumns = [];
    const inputIdx = [];
    types.forEach((type, i) => {
      const mode = modes[i] ?? 'i';
      if (mode === 'i' || mode === 'b' || mode === 'v') inputIdx.push(i);
      if (mode === 'o' || mode === 'b' || mode === 't') outColumns.push({ name: names[i] ?? `column${i + 1}`, type });
    });
    inputIdx.forEach((i, pos) => {
      args.push({ name: names[i] ?? '', type: types[i], hasDefault: pos >= row.nargs - row.ndefaults });
    });
    const returnKind =
      row.returnType === 'void'
        ? 'void'
        : row.typtype === 'c' || (row.returnType === 'record' && outColumns.length)
          ? 'composite'
          : 'scalar';
    /** @type {Func} */
    const fn = {
      schema: row.schema,
      name: row.name,
      oid: row.oid,
      args,
      requiredCount: row.nargs - row.ndefaults,
      returnType: row.returnType,
      returnsSet: row.returnsSet,
      returnKind,
      returnTable: row.returnTable,
      outColumns,
      volatility: row.volatility,
      variadic: row.variadic,
      firstArgTable: row.firstArgTable,
      rows: Number(row.rows),
    };
    const k = key(row.schema, row.name);
    funcs.set(k, [...(funcs.get(k) ?? []), fn]);
  }
  // Computed fields (PostgREST): a function of one argument of a table's row type returning a
  // scalar is selectable, filterable and orderable as a column of that table (not part of `*`).
  for (const list of funcs.values()) {
    for (const fn of list) {
      if (!fn.firstArgTable || fn.args.length !== 1 || fn.returnsSet || fn.returnKind !== 'scalar') continue;
      const t = tables.get(key(fn.firstArgTable.schema, fn.firstArgTable.name));
      if (!t || t.schema !== fn.schema || t.columns.has(fn.name)) continue;
      t.columns.set(fn.name, {
        name: fn.name,
        type: fn.returnType,
        typeOid: 0,
        nullable: true,
        hasDefault: false,
        defaultExpr: null,
        generated: true,
        computed: { schema: fn.schema, name: fn.name },
      });
    }
  }
  return { tables, fks: withViewKeys(f.rows, vc.rows), funcs, roleSettings, settings, loadedAt: Date.now() };
}

/**
 * Foreign keys as seen through views: a view that shows all of a key's columns (under their
 * names) takes part in the relationship in place of its base table, on either side.
 * @param {ForeignKey[]} fks @param {{ viewSchema: string, view: string, tableSchema: string, table: string, column: string }[]} viewCols
 */
function withViewKeys(fks, viewCols) {
  /** @type {Map<string, { schema: string, name: string, columns: Set<string> }[]>} */
  const viewsOf = new Map();
  /** @type {Map<string, { schema: string, name: string, columns: Set<string> }>} */
  const byView = new Map();
  for (const r of viewCols) {
    const vk = `${key(r.viewSchema, r.view)}|${key(r.tableSchema, r.table)}`;
    let v = byView.get(vk);
    if (!v) {
      v = { schema: r.viewSchema, name: r.view, columns: new Set() };
      byView.set(vk, v);
      const tk = key(r.tableSchema, r.table);
      viewsOf.set(tk, [...(viewsOf.get(tk) ?? []), v]);
    }
    v.columns.add(r.column);
  }
  if (!byView.size) return fks;
  const out = [...fks];
  for (const fk of fks) {
    const self = { schema: fk.schema, name: fk.table, columns: null };
    const ref = { schema: fk.refSchema, name: fk.refTable, columns: null };
    const sources = [
      self,
      ...(viewsOf.get(key(fk.schema, fk.table)) ?? []).filter((v) => fk.columns.every((c) => v.columns.has(c))),
    ];
    const targets = [
      ref,
      ...(viewsOf.get(key(fk.refSchema, fk.refTable)) ?? []).filter((v) =>
        fk.refColumns.every((c) => v.columns.has(c)),
      ),
    ];
    for (const s of sources) {
      for (const t of targets) {
        if (s === self && t === ref) continue;
        out.push({ ...fk, schema: s.schema, table: s.name, refSchema: t.schema, refTable: t.name });
      }
    }
  }
  return out;
}

/**
 * Keeps the cache fresh: LISTENs on channel `pgrst` on a dedicated superuser connection and
 * reloads on 'reload schema' (or an empty payload), reconnecting if the connection drops.
 * @param {import('pg').Pool} adminPool
 * @param {(m: string) => void} log
 * @param {() => Record<string, unknown>} [readToml] reads config.toml's `[api]` (at every reload)
 */
export async function createSchemaCacheHolder(adminPool, log, readToml = () => ({})) {
  const holder = {
    /** @type {SchemaCache} */
    current: await loadSchemaCache(adminPool, readToml(), log),
    closed: false,
    /** @type {import('pg').PoolClient | null} */
    client: null,
    /** @type {Promise<void> | null} */
    reloading: null,
    async reload() {
      // Reloads that arrive while one runs collapse into one more run after it.
      if (this.reloading) {
        await this.reloading;
      }
      this.reloading = (async () => {
        try {
          this.current = await loadSchemaCache(adminPool, readToml(), log);
        } catch (e) {
          log(`rest: schema cache reload failed: ${/** @type {Error} */ (e).message}`);
        } finally {
          this.reloading = null;
        }
      })();
      return this.reloading;
    },
    async listen() {
      if (this.closed) return;
      try {
        const client = await adminPool.connect();
        this.client = client;
        client.on('notification', (msg) => {
          const payload = (msg.payload ?? '').trim();
          if (msg.channel === 'pgrst' && ['', 'reload schema', 'reload config'].includes(payload)) void this.reload();
        });
        client.on('error', () => {
          // Released once: after close() gave it back to the pool (where a stopping database can
          // still fail it) this listener has nothing to do.
          if (this.client !== client) return;
          client.release(true);
          this.client = null;
          if (!this.closed) setTimeout(() => void this.listen().then(() => this.reload()), 1000);
        });
        await client.query('listen pgrst');
      } catch (e) {
        log(`rest: listen failed: ${/** @type {Error} */ (e).message}`);
        if (!this.closed) setTimeout(() => void this.listen(), 1000);
      }
    },
    async close() {
      this.closed = true;
      const c = this.client;
      this.client = null;
      if (c) {
        try {
          await c.query('unlisten pgrst');
        } catch {
          /* connection already gone */
        }
        c.release();
      }
    },
  };
  await holder.listen();
  return holder;
}
