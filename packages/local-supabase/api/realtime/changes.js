// postgres_changes: reads row changes from a wal2json (format-version 2) logical slot, as
// Supabase Realtime does, and hands each change to the channels whose bindings match, after
// checking per subscriber what its role may see (rls.js).
//
// The slot is temporary and uniquely named, owned by one dedicated connection: it exists only
// while some channel listens to postgres_changes, and Postgres drops it when that connection
// ends, so a crashed stack never leaves a slot that pins WAL. Polling with
// pg_logical_slot_get_changes every POLL_MS keeps commit→client latency low without the
// streaming replication protocol, which node-postgres does not speak.
import crypto from 'node:crypto';
import pg from 'pg';
import { matchFilters } from './filters.js';
import { RlsChecker } from './rls.js';

const POLL_MS = 10;
const BATCH = 1000;
/** Records larger than this are replaced by an error, as walrus does (max_record_bytes). */
const MAX_RECORD_BYTES = 1024 * 1024;
/** Changes prepared concurrently; bounds how much of the API pool one burst may take. */
const PREPARE_WINDOW = 32;

// Decoding reads only flushed WAL. With asynchronous commits (the local cluster runs with
// synchronous_commit = off) a commit may wait up to wal_writer_delay (200 ms) before it can be
// decoded, so when WAL is pending the poller commits a tiny transactional logical message with
// synchronous_commit on: its flush carries every earlier commit with it. wal2json is told to
// leave those messages out.
const FLUSH_PREFIX = 'realtime-local-flush';
const FLUSH_PENDING_WAL = `do $$ begin
  if pg_current_wal_insert_lsn() > pg_current_wal_flush_lsn() then
    perform pg_logical_emit_message(true, '${FLUSH_PREFIX}', '');
  end if;
end $$`;

const GET_CHANGES = `select data from pg_logical_slot_get_changes($1, null, $2,
  'format-version', '2', 'include-timestamp', '1', 'include-type-oids', '1', 'include-typmod', '0',
  'include-pk', '1', 'include-transaction', '0', 'actions', 'insert,update,delete',
  'filter-msg-prefixes', '${FLUSH_PREFIX}')`;

/**
 * @typedef {{ id: number, event: string, schema: string, table?: string, filterText?: string, filters: import('./filters.js').Filter[],
 *   select: string[] | null }} PgBinding
 * @typedef {{ pgBindings: PgBinding[], claims: Record<string, any>, pushChange(payload: unknown): void }} ChangeListener
 * @typedef {{ name: string, type: string, typeoid?: number, value: unknown }} WalColumn
 */

/** wal2json's `2026-01-01 10:00:00.123456+00` → `2026-01-01T10:00:00.123Z`. @param {unknown} ts */
export function commitTimestamp(ts) {
  if (typeof ts !== 'string') return new Date().toISOString();
  const iso = ts.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

export class ChangeFeed {
  /** @param {import('../server.js').ApiContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    /** @type {Set<ChangeListener>} */
    this.listeners = new Set();
    this.rls = new RlsChecker(ctx);
    /** @type {pg.Client|null} */
    this.client = null;
    this.slot = '';
    this.running = false;
    /** @type {Promise<void>} serialises start/stop so a quick leave+join never races */
    this.op = Promise.resolve();
    /** @type {Promise<void>|null} */
    this.loopDone = null;
    /** @type {Set<string>} */
    this.published = new Set();
    this.closed = false;
  }

  /** Registers a listener; resolves once the slot exists, so later commits reach it. @param {ChangeListener} l */
  add(l) {
    this.listeners.add(l);
    return this.serial(() => this.ensureStarted());
  }

  /** @param {ChangeListener} l */
  remove(l) {
    if (!this.listeners.delete(l)) return;
    if (this.listeners.size === 0) void this.serial(() => this.stopIfIdle());
  }

  /** @param {() => Promise<void>} fn */
  serial(fn) {
    const next = this.op.then(fn, fn);
    this.op = next.catch(() => {});
    return next;
  }

  async ensureStarted() {
    if (this.running || this.closed || this.listeners.size === 0) return;
    const { config } = this.ctx;
    const client = new pg.Client({
      host: config.host,
      port: config.dbPort,
      database: 'postgres',
      user: 'postgres',
      password: config.dbPassword,
      application_name: 'local-realtime-cdc',
    });
    client.on('error', (e) => this.ctx.log(`realtime: cdc connection error: ${e.message}`));
    await client.connect();
    await client.query('set synchronous_commit = on');
    // Unique per start: several stacks may share a machine, and a slot name is per cluster.
    const slot = `realtime_local_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    try {
      await client.query("select pg_create_logical_replication_slot($1, 'wal2json', true)", [slot]);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    this.client = client;
    this.slot = slot;
    this.running = true;
    this.loopDone = this.loop(client, slot);
  }

  async stopIfIdle() {
    if (!this.running || this.listeners.size > 0) return;
    await this.stop();
  }

  async stop() {
    this.running = false;
    await this.loopDone;
    this.loopDone = null;
    const c = this.client;
    this.client = null;
    if (c) {
      await c.query('select pg_drop_replication_slot($1)', [this.slot]).catch(() => {});
      await c.end().catch(() => {});
    }
  }

  async close() {
    this.closed = true;
    this.listeners.clear();
    await this.serial(() => this.stop());
  }

  /** @param {pg.Client} client @param {string} slot */
  async loop(client, slot) {
    while (this.running) {
      /** @type {string[]} */
      let rows;
      try {
        await client.query(FLUSH_PENDING_WAL);
        rows = (await client.query(GET_CHANGES, [slot, BATCH])).rows.map((r) => r.data);
      } catch (e) {
        if (!this.running) return;
        this.ctx.log(`realtime: reading changes failed: ${/** @type {Error} */ (e).message}; restarting the slot`);
        // The connection (and so the temporary slot) is gone: start over with a new slot.
        this.running = false;
        void this.serial(async () => {
          await client.end().catch(() => {});
          if (this.client === client) this.client = null;
          await new Promise((r) => setTimeout(r, 500));
          await this.ensureStarted().catch((err) =>
            this.ctx.log(`realtime: restarting the slot failed: ${err.message}`),
          );
        });
        return;
      }
      if (rows.length > 0) {
        try {
          await this.dispatch(rows);
        } catch (e) {
          this.ctx.log(`realtime: dispatching changes failed: ${/** @type {Error} */ (e).stack ?? e}`);
        }
      }
      if (rows.length < BATCH && this.running) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async refreshPublication() {
    const r = await this.ctx.adminPool.query(
      "select schemaname, tablename from pg_publication_tables where pubname = 'supabase_realtime'",
    );
    this.published = new Set(r.rows.map((x) => `${x.schemaname}.${x.tablename}`));
  }

  /** @param {string[]} rows */
  async dispatch(rows) {
    // Membership is read after the changes so a table added just before its first insert counts.
    await this.refreshPublication();
    const changes = [];
    for (const text of rows) {
      let c;
      try {
        c = JSON.parse(text);
      } catch {
        continue;
      }
      if (!c || !['I', 'U', 'D'].includes(c.action)) continue;
      if (!this.published.has(`${c.schema}.${c.table}`)) continue;
      changes.push(c);
    }
    for (let i = 0; i < changes.length; i += PREPARE_WINDOW) {
      const prepared = changes.slice(i, i + PREPARE_WINDOW).map((c) => this.prepare(c));
      for (const p of prepared) {
        let deliveries;
        try {
          deliveries = await p;
        } catch (e) {
          this.ctx.log(`realtime: preparing a change failed: ${/** @type {Error} */ (e).message}`);
          continue;
        }
        for (const [listener, payload] of deliveries) listener.pushChange(payload);
      }
    }
  }

  /**
   * Works out who receives one change and what each receives.
   * @param {any} c a wal2json v2 change
   * @returns {Promise<Array<[ChangeListener, unknown]>>}
   */
  async prepare(c) {
    const type = c.action === 'I' ? 'INSERT' : c.action === 'U' ? 'UPDATE' : 'DELETE';
    /** @type {WalColumn[]} */
    const columns = c.columns ?? [];
    /** @type {WalColumn[]} */
    const identity = c.identity ?? [];
    const info = await this.rls.tableInfo(c.schema, c.table);
    // wal2json names types as format_type does ("bigint"); Realtime sends pg_type names ("int8"),
    // which is what realtime-js converts values by.
    /** @type {Record<string, string>} */
    const types = {};
    for (const col of info?.columns ?? []) types[col.name] = col.type;
    for (const col of [...columns, ...identity]) types[col.name] ??= col.type;
    /** @type {Record<string, unknown>} */
    const record = {};
    for (const col of columns) record[col.name] = col.value;
    /** @type {Record<string, unknown>} */
    let oldRecord = {};
    for (const col of identity) oldRecord[col.name] = col.value;
    const pkNames = (c.pk ?? []).map((/** @type {{name: string}} */ p) => p.name);
    // Without a key change wal2json sends no old tuple; the key is then the new row's.
    if (type === 'UPDATE' && identity.length === 0) for (const k of pkNames) if (k in record) oldRecord[k] = record[k];
    const filterRow = type === 'DELETE' ? oldRecord : record;

    /** @type {Map<string, { claims: Record<string, any>, items: Array<[ChangeListener, number[]]> }>} */
    const groups = new Map();
    for (const l of this.listeners) {
      /** @type {number[]} */
      const ids = [];
      for (const b of l.pgBindings) {
        if (b.schema !== '*' && b.schema !== c.schema) continue;
        if (b.table && b.table !== '*' && b.table !== c.table) continue;
        if (b.event !== '*' && b.event !== type) continue;
        if (b.filters.length && !matchFilters(b.filters, filterRow, types)) continue;
        ids.push(b.id);
      }
      if (ids.length === 0) continue;
      const key = JSON.stringify(l.claims);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { claims: l.claims, items: [] }));
      g.items.push([l, ids]);
    }
    if (groups.size === 0) return [];

    if (type === 'DELETE' && info?.rls) {
      // Supabase sends only the key of a deleted row on an RLS table (deletes are not checked).
      const keyOnly = /** @type {Record<string, unknown>} */ ({});
      for (const k of pkNames) if (k in oldRecord) keyOnly[k] = oldRecord[k];
      oldRecord = keyOnly;
    }
    const tooLarge =
      Buffer.byteLength(JSON.stringify(record)) + Buffer.byteLength(JSON.stringify(oldRecord)) > MAX_RECORD_BYTES;
    const commit_timestamp = commitTimestamp(c.timestamp);
    /** @type {Array<[ChangeListener, unknown]>} */
    const out = [];
    await Promise.all(
      [...groups.values()].map(async (g) => {
        const pk = type === 'DELETE' ? null : pkNames.map((n) => /** @type {[string, unknown]} */ ([n, record[n]]));
        const verdict = await this.rls.check(g.claims, c.schema, c.table, info, pk);
        if (!verdict.visible) return;
        const allowed = verdict.columns;
        /** @type {string[]} */
        let errors = [];
        const pick = (/** @type {Record<string, unknown>} */ row) => {
          /** @type {Record<string, unknown>} */
          const o = {};
          for (const [k, v] of Object.entries(row)) if (allowed.has(k)) o[k] = v;
          return o;
        };
        const data = {
          schema: c.schema,
          table: c.table,
          commit_timestamp,
          type,
          columns: columns
            .filter((col) => allowed.has(col.name))
            .map((col) => ({ name: col.name, type: types[col.name] ?? col.type })),
          /** @type {Record<string, unknown>|undefined} */ record: undefined,
          /** @type {Record<string, unknown>|undefined} */ old_record: undefined,
          /** @type {string[]|null} */ errors: null,
        };
        if (allowed.size === 0) errors.push('Error 401: Unauthorized');
        if (tooLarge) errors.push('Error 413: Payload Too Large');
        if (type !== 'DELETE') data.record = tooLarge ? {} : pick(record);
        if (type !== 'INSERT') data.old_record = tooLarge ? {} : pick(oldRecord);
        // wal2json sends no column list for a delete; Realtime still describes the table's columns.
        if (type === 'DELETE')
          data.columns = (info?.columns ?? [])
            .filter((col) => allowed.has(col.name))
            .map((col) => ({ name: col.name, type: col.type }));
        data.errors = errors.length ? errors : null;
        for (const [l, ids] of g.items) {
          // Bindings with a column selection get only those columns (and the primary key).
          /** @type {Map<string, number[]>} */
          const bySelection = new Map();
          for (const id of ids) {
            const sel = l.pgBindings.find((b) => b.id === id)?.select ?? null;
            const k = sel === null ? '' : JSON.stringify([...new Set([...pkNames, ...sel])].sort());
            bySelection.set(k, [...(bySelection.get(k) ?? []), id]);
          }
          for (const [k, sids] of bySelection) {
            if (k === '') {
              out.push([l, { ids: sids, data }]);
              continue;
            }
            const keep = new Set(/** @type {string[]} */ (JSON.parse(k)));
            const only = (/** @type {Record<string, unknown> | undefined} */ row) =>
              row && Object.fromEntries(Object.entries(row).filter(([c]) => keep.has(c)));
            out.push([
              l,
              {
                ids: sids,
                data: {
                  ...data,
                  columns: data.columns.filter((c) => keep.has(c.name)),
                  record: only(data.record),
                  old_record: only(data.old_record),
                },
              },
            ]);
          }
        }
      }),
    );
    return out;
  }
}
