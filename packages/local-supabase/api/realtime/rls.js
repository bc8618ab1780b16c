// Per-subscriber visibility of a changed row, as Supabase Realtime (walrus) decides it: in a
// transaction on an `authenticator` connection with the subscriber's role and
// request.jwt.claims set, the row must be selectable by primary key (RLS tables only), and
// only the columns that role may select are sent. One round trip per change per distinct
// claims: the statements travel as one simple query and end in a rollback.
import pg from 'pg';

const INFO_TTL_MS = 2000;

/**
 * @typedef {{ oid: number, rls: boolean, columns: Array<{ name: string, type: string, sqlType: string }> }} TableInfo
 */

/** @param {unknown} v */
function asText(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export class RlsChecker {
  /** @param {import('../server.js').ApiContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    /** @type {Map<string, { at: number, info: Promise<TableInfo|null> }>} */
    this.infos = new Map();
  }

  /** Table facts, cached briefly (a policy change is seen within INFO_TTL_MS). @param {string} schema @param {string} table */
  tableInfo(schema, table) {
    const key = `${schema}.${table}`;
    const hit = this.infos.get(key);
    if (hit && Date.now() - hit.at < INFO_TTL_MS) return hit.info;
    const info = this.ctx.adminPool
      .query(
        `select c.oid::int as oid, c.relrowsecurity as rls,
           coalesce((select json_agg(json_build_object('name', a.attname, 'type', t.typname, 'sqlType', format_type(a.atttypid, null)) order by a.attnum)
              from pg_attribute a join pg_type t on t.oid = a.atttypid
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2`,
        [schema, table],
      )
      .then((r) => /** @type {TableInfo|null} */ (r.rows[0] ?? null));
    info.catch(() => this.infos.delete(key));
    this.infos.set(key, { at: Date.now(), info });
    return info;
  }

  /**
   * @param {Record<string, any>} claims @param {string} schema @param {string} table
   * @param {TableInfo|null} info
   * @param {Array<[string, unknown]>|null} pk  key of the new row to look up; null = no row check (DELETE)
   * @returns {Promise<{ visible: boolean, columns: Set<string> }>}
   */
  async check(claims, schema, table, info, pk) {
    if (!info) return { visible: false, columns: new Set() };
    const lit = pg.escapeLiteral;
    const rel = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
    let visibleExpr = 'true';
    if (pk && info.rls) {
      if (pk.length === 0 || pk.some(([, v]) => v === null || v === undefined))
        return { visible: false, columns: new Set() };
      const conds = pk.map(([name, v]) => {
        const col = info.columns.find((c) => c.name === name);
        const cast = col ? `::${col.sqlType}` : '';
        return `${pg.escapeIdentifier(name)} = ${lit(/** @type {string} */ (asText(v)))}${cast}`;
      });
      visibleExpr = `exists(select 1 from ${rel} where ${conds.join(' and ')})`;
    }
    const sql = [
      'begin',
      `select set_config('role', ${lit(String(claims.role))}, true), set_config('request.jwt.claims', ${lit(JSON.stringify(claims))}, true), set_config('statement_timeout', '5s', true)`,
      `select ${visibleExpr} as visible, array(select attname::text from pg_attribute where attrelid = ${info.oid} and attnum > 0 and not attisdropped and has_column_privilege(${info.oid}::oid, attnum, 'SELECT')) as cols`,
      'rollback',
    ].join(';\n');
    const client = await this.ctx.apiPool.connect();
    try {
      const results = /** @type {any} */ (await client.query(sql));
      const row = results[2]?.rows?.[0];
      return { visible: !!row?.visible, columns: new Set(row?.cols ?? []) };
    } catch (e) {
      // A role the claims name but authenticator may not become, a policy that errors, …:
      // the subscriber simply does not see the row, as with Realtime.
      await client.query('rollback').catch(() => {});
      const code = /** @type {any} */ (e)?.code;
      if (code !== '42501' && code !== '22023')
        this.ctx.log(`realtime: row visibility check failed: ${/** @type {Error} */ (e).message}`);
      return { visible: false, columns: new Set() };
    } finally {
      client.release();
    }
  }
}
