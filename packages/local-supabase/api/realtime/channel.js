// One joined topic on one socket: join (token, private-channel read policies,
// postgres_changes bindings), broadcast, presence, access_token refresh and token expiry.
// Messages for a channel are handled one after another (a promise chain), so a broadcast
// sent right after phx_join waits for the join's authorisation instead of racing it.
import crypto from 'node:crypto';
import { verifyToken, readPolicies, canWrite } from './authz.js';
import { parseFilters } from './filters.js';
import { encodeUserBroadcast, userBroadcastSize } from './protocol.js';
import { storedBroadcast } from './sql-send.js';

/** How long a channel waits for the database broadcast connection before reporting an error. */
const REPLICATION_READY_TIMEOUT_MS = 5_000;
/** Most messages a replay sends (Realtime's limit). */
const REPLAY_MAX = 25;

/** Longest delay setTimeout accepts; later expiries need no timer during a run. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const PG_EVENTS = new Set(['*', 'INSERT', 'UPDATE', 'DELETE']);

/**
 * @typedef {import('./connection.js').Connection} Connection
 * @typedef {import('./protocol.js').Message} Message
 * @typedef {import('./protocol.js').UserBroadcast} UserBroadcast
 * @typedef {import('./index.js').Realtime} Realtime
 */

/** @param {unknown} v */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Channel {
  /** @param {Realtime} rt @param {Connection} conn @param {string} topic @param {string|null} joinRef */
  constructor(rt, conn, topic, joinRef) {
    this.rt = rt;
    this.conn = conn;
    this.topic = topic;
    this.subTopic = topic.replace(/^realtime:/, '');
    this.joinRef = joinRef;
    this.joined = false;
    this.closed = false;
    this.isPrivate = false;
    this.self = false;
    this.ack = false;
    this.presenceEnabled = false;
    this.presenceKey = '';
    /** @type {Record<string, any>} */
    this.claims = {};
    /** Read decided at join; write decided on first use (undefined = not asked yet). */
    this.policies = {
      broadcastRead: false,
      presenceRead: false,
      /** @type {boolean|undefined} */ broadcastWrite: undefined,
      /** @type {boolean|undefined} */ presenceWrite: undefined,
    };
    /** @type {import('./changes.js').PgBinding[]} */
    this.pgBindings = [];
    /** @type {NodeJS.Timeout|null} */
    this.expiryTimer = null;
    /** @type {Promise<void>} */
    this.chain = Promise.resolve();
  }

  /** Queues a message for this channel. @param {Message & { userBroadcast?: UserBroadcast }} msg */
  enqueue(msg) {
    this.chain = this.chain
      .then(() => (this.closed ? undefined : msg.event === 'phx_join' ? this.join(msg) : this.handle(msg)))
      .catch((e) => {
        this.rt.ctx.log(`realtime: ${this.topic} ${msg.event}: ${e?.stack ?? e}`);
        if (msg.ref) this.conn.reply(msg, 'error', { reason: 'Internal error handling the message' });
      });
  }

  /** Server push to this channel's client. @param {string} event @param {unknown} payload */
  push(event, payload) {
    this.conn.send(this.joinRef, null, this.topic, event, payload);
  }

  /** Called by the change feed. @param {unknown} payload */
  pushChange(payload) {
    if (this.joined && !this.closed) this.push('postgres_changes', payload);
  }

  /** @param {string} status @param {string} message @param {string} [extension] */
  system(status, message, extension = 'system') {
    this.push('system', { extension, status, message, channel: this.subTopic });
  }

  /** @param {Message} msg */
  async join(msg) {
    const p = msg.payload;
    if (!isObject(p)) return this.refuse(msg, 'Join payload must be an object');
    const config = p.config === undefined ? {} : p.config;
    if (!isObject(config)) return this.refuse(msg, 'config must be an object');
    const broadcast = config.broadcast ?? {};
    const presence = config.presence ?? {};
    if (!isObject(broadcast) || !isObject(presence))
      return this.refuse(msg, 'config.broadcast and config.presence must be objects');
    const pgChanges = config.postgres_changes ?? [];
    if (!Array.isArray(pgChanges) || !pgChanges.every(isObject))
      return this.refuse(msg, 'config.postgres_changes must be a list of objects');

    let claims;
    try {
      claims = await verifyToken(this.rt.ctx, p.access_token ?? this.conn.apikey);
    } catch (e) {
      return this.refuse(msg, /** @type {any} */ (e).reason ?? 'Invalid JWT');
    }
    this.claims = claims;
    this.isPrivate = config.private === true;
    this.self = broadcast.self === true;
    this.ack = broadcast.ack === true;
    // Clients before presence.enabled existed expect presence always on.
    this.presenceEnabled = presence.enabled === undefined ? true : presence.enabled === true;
    this.presenceKey = typeof presence.key === 'string' && presence.key !== '' ? presence.key : crypto.randomUUID();

    if (this.isPrivate) {
      const read = await readPolicies(this.rt.ctx, claims, this.subTopic, this.presenceEnabled);
      if (!read.broadcast && !read.presence) {
        return this.refuse(
          msg,
          `Unauthorized: You do not have permissions to read from this Channel topic: ${this.subTopic}`,
        );
      }
      this.policies.broadcastRead = read.broadcast;
      this.policies.presenceRead = read.presence;
    } else {
      this.policies.broadcastRead = true;
      this.policies.presenceRead = true;
    }
    if (this.closed) return;

    const { bindings, error } = await this.parseBindings(pgChanges);
    if (this.closed) return;
    this.pgBindings = error ? [] : bindings;
    this.joined = true;
    this.rt.hub.add(this);
    let feedError = null;
    if (this.pgBindings.length > 0) {
      // Wait for the slot so that a commit made after SUBSCRIBED is always delivered.
      try {
        await this.rt.feed.add(this);
      } catch (e) {
        feedError = /** @type {Error} */ (e).message;
        this.rt.feed.remove(this);
      }
    }
    this.conn.reply(msg, 'ok', {
      postgres_changes: bindings.map((b) => {
        /** @type {Record<string, unknown>} */
        const o = { id: b.id, event: b.event, schema: b.schema };
        if (b.table !== undefined) o.table = b.table;
        if (b.filterText !== undefined) o.filter = b.filterText;
        return o;
      }),
    });
    this.scheduleExpiry();
    if (this.presenceEnabled && this.policies.presenceRead) {
      this.push('presence_state', this.rt.hub.presence(this.topic, this.isPrivate).state());
    }
    if (error || feedError) {
      this.system(
        'error',
        error ??
          `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${feedError}`,
        'postgres_changes',
      );
    } else if (this.pgBindings.length > 0) {
      this.system('ok', 'Subscribed to PostgreSQL', 'postgres_changes');
    }
    if (broadcast.replication_ready === true) void this.announceReplicationReady();
    if (this.isPrivate && this.policies.broadcastRead && isObject(broadcast.replay))
      await this.replay(broadcast.replay);
  }

  /**
   * `config.broadcast.replication_ready`: tells the client (system message) once the database
   * connection that carries realtime.send / broadcast_changes messages is listening.
   */
  async announceReplicationReady() {
    const sqlSend = this.rt.sqlSend;
    const ready = await Promise.race([
      (sqlSend?.ready ?? Promise.resolve()).then(() => sqlSend?.connected() ?? false),
      new Promise((r) => setTimeout(() => r(false), REPLICATION_READY_TIMEOUT_MS).unref()),
    ]);
    if (this.closed) return;
    if (ready) this.system('ok', 'Replication connection established');
    else this.system('error', 'Replication connection is not ready');
  }

  /**
   * `config.broadcast.replay: { since, limit }` on a private channel: the topic's broadcasts
   * stored in realtime.messages since `since` (ms epoch), oldest first, at most REPLAY_MAX,
   * each with `meta.replayed: true`, before any live message.
   * @param {Record<string, any>} opts
   */
  async replay(opts) {
    const since = Number(opts.since);
    if (!Number.isFinite(since) || since < 0) return;
    const limit = Math.min(Math.max(1, Number.isInteger(opts.limit) ? opts.limit : REPLAY_MAX), REPLAY_MAX);
    const r = await this.rt.ctx.adminPool.query(
      `select id, event, payload, binary_payload from realtime.messages
       where topic = $1 and extension = 'broadcast' and private is true
         and inserted_at >= to_timestamp($2::double precision / 1000)::timestamp
       order by inserted_at asc, id limit $3`,
      [this.subTopic, since, limit],
    );
    for (const m of r.rows) {
      if (this.closed) return;
      const frame = encodeUserBroadcast(this.conn.vsn, this.topic, storedBroadcast(m, { replayed: true }));
      if (frame !== null) this.conn.sendRaw(frame);
    }
  }

  /**
   * Validates postgres_changes bindings and assigns ids (in the client's order). Returns an
   * error message for the first binding Realtime could not subscribe to.
   * @param {Record<string, any>[]} list
   */
  async parseBindings(list) {
    /** @type {import('./changes.js').PgBinding[]} */
    const bindings = [];
    /** @type {string|null} */
    let error = null;
    for (const b of list) {
      const binding = {
        id: this.rt.nextBindingId(),
        event: typeof b.event === 'string' ? b.event : '*',
        schema: typeof b.schema === 'string' ? b.schema : '',
        table: typeof b.table === 'string' ? b.table : undefined,
        filterText: typeof b.filter === 'string' ? b.filter : undefined,
        /** @type {import('./filters.js').Filter[]} */ filters: [],
        /** @type {string[] | null} */ select: null,
      };
      bindings.push(binding);
      if (error) continue;
      const desc = `[event: ${b.event}, schema: ${b.schema}, table: ${b.table ?? '*'}, filters: ${b.filter ?? '[]'}]`;
      const unable = (/** @type {string} */ why) =>
        `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${desc} (${why})`;
      if (!PG_EVENTS.has(binding.event) || binding.schema === '') {
        error = unable('event must be one of *, INSERT, UPDATE, DELETE and schema is required');
        continue;
      }
      // Realtime's own parse errors are the whole system message ("Error parsing `filter` params: …").
      if (b.select !== undefined) {
        if (!Array.isArray(b.select)) {
          error =
            'Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]';
          continue;
        }
        if (!binding.table || binding.table === '*' || binding.schema === '*') {
          error =
            'Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.';
          continue;
        }
        binding.select = b.select.filter((/** @type {unknown} */ c) => typeof c === 'string');
      }
      try {
        binding.filters = parseFilters(b.filter);
      } catch (e) {
        error = /** @type {Error} */ (e).message;
        continue;
      }
      if (binding.filters.length && (!binding.table || binding.table === '*')) {
        error = unable('a filter needs a table');
        continue;
      }
      if (binding.table && binding.table !== '*' && binding.schema !== '*') {
        const r = await this.rt.ctx.adminPool.query(
          `select a.attname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           where n.nspname = $1 and c.relname = $2`,
          [binding.schema, binding.table],
        );
        if (r.rowCount === 0) {
          error = unable(`relation ${binding.schema}.${binding.table} does not exist`);
          continue;
        }
        const columns = new Set(r.rows.map((x) => x.attname));
        // As realtime.subscription's check trigger refuses them when the subscription is stored.
        const bad =
          binding.filters.find((f) => !columns.has(f.column))?.column ??
          (binding.select ?? []).find((c) => !columns.has(c));
        if (bad !== undefined) {
          const which = binding.filters.some((f) => f.column === bad) ? 'filter' : 'select';
          error = `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: ${desc}. Exception: ERROR P0001 (raise_exception) invalid column for ${which} ${bad}`;
        }
      }
    }
    return { bindings, error };
  }

  /** @param {Message} msg @param {string} reason */
  refuse(msg, reason) {
    this.conn.reply(msg, 'error', { reason });
    this.conn.dropChannel(this);
  }

  /** Closes the channel at the token's exp, as Realtime does. */
  scheduleExpiry() {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const ms = this.claims.exp * 1000 - Date.now();
    if (!(ms < MAX_TIMER_MS)) return;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = null;
        if (this.closed) return;
        this.system('error', 'Token has expired 0 seconds ago');
        this.shutdown();
      },
      Math.max(0, ms),
    );
    this.expiryTimer.unref?.();
  }

  /** Server-side close: phx_close to the client, then cleanup. */
  shutdown() {
    this.push('phx_close', {});
    this.conn.dropChannel(this);
  }

  /** @param {Message & { userBroadcast?: UserBroadcast }} msg */
  async handle(msg) {
    if (!this.joined) {
      if (msg.ref) this.conn.reply(msg, 'error', { reason: 'unmatched topic' });
      return;
    }
    switch (msg.event) {
      case 'broadcast':
        return this.onBroadcast(msg);
      case 'presence':
        return this.onPresence(msg);
      case 'access_token':
        return this.onAccessToken(msg);
      case 'phx_leave':
        this.conn.reply(msg, 'ok', {});
        this.conn.dropChannel(this);
        return;
      default:
        if (msg.ref) this.conn.reply(msg, 'error', { reason: `unknown event: ${msg.event}` });
    }
  }

  /** @param {Message & { userBroadcast?: UserBroadcast }} msg */
  async onBroadcast(msg) {
    /** @type {UserBroadcast} */
    let ub;
    if (msg.userBroadcast) ub = msg.userBroadcast;
    else {
      const p = msg.payload;
      if (!isObject(p) || typeof p.event !== 'string') {
        if (msg.ref)
          this.conn.reply(msg, 'error', { reason: 'broadcast payload must be {type: "broadcast", event, payload}' });
        return;
      }
      ub = { event: p.event, value: p.payload ?? {} };
      ub.json = Buffer.from(JSON.stringify(ub.value), 'utf8');
    }
    if (userBroadcastSize(ub) > this.rt.maxPayloadBytes) {
      this.conn.reply(msg, 'error', {
        reason: `Payload size exceeded tenant limit of ${this.rt.maxPayloadBytes / 1024} KB`,
      });
      return;
    }
    if (this.isPrivate) {
      if (this.policies.broadcastWrite === undefined) {
        this.policies.broadcastWrite = await canWrite(this.rt.ctx, this.claims, this.subTopic, 'broadcast', ub.event);
      }
      // Supabase drops a broadcast the policies do not allow, without a reply.
      if (!this.policies.broadcastWrite) return;
    }
    this.rt.hub.broadcast(this.topic, ub, { isPrivate: this.isPrivate, except: this.self ? null : this });
    if (this.ack && msg.ref) this.conn.reply(msg, 'ok', {});
  }

  /** @param {Message} msg */
  async onPresence(msg) {
    const p = msg.payload;
    if (!isObject(p) || (p.event !== 'track' && p.event !== 'untrack')) {
      if (msg.ref)
        this.conn.reply(msg, 'error', {
          reason: 'presence payload must be {type: "presence", event: "track"|"untrack", payload}',
        });
      return;
    }
    const presence = this.rt.hub.presence(this.topic, this.isPrivate);
    if (p.event === 'untrack') {
      this.conn.reply(msg, 'ok', {});
      const diff = presence.untrack(this);
      if (diff) this.rt.hub.presenceDiff(this.topic, this.isPrivate, diff);
      this.rt.hub.gcPresence(this.topic, this.isPrivate);
      return;
    }
    const meta = p.payload === undefined || p.payload === null ? {} : p.payload;
    if (!isObject(meta)) {
      this.conn.reply(msg, 'error', { reason: 'presence payload must be an object' });
      return;
    }
    if (Buffer.byteLength(JSON.stringify(meta)) > this.rt.maxPayloadBytes) {
      this.conn.reply(msg, 'error', {
        reason: `Payload size exceeded tenant limit of ${this.rt.maxPayloadBytes / 1024} KB`,
      });
      return;
    }
    if (this.isPrivate) {
      if (this.policies.presenceWrite === undefined) {
        this.policies.presenceWrite = await canWrite(this.rt.ctx, this.claims, this.subTopic, 'presence');
      }
      if (!this.policies.presenceWrite) {
        this.conn.reply(msg, 'error', {
          reason: `Unauthorized: You do not have permissions to track presence on this Channel topic: ${this.subTopic}`,
        });
        return;
      }
    }
    this.conn.reply(msg, 'ok', {});
    this.rt.hub.presenceDiff(this.topic, this.isPrivate, presence.track(this, this.presenceKey, meta));
  }

  /** A refreshed token: re-verify, re-check policies, move the expiry. @param {Message} msg */
  async onAccessToken(msg) {
    const token = isObject(msg.payload) ? msg.payload.access_token : undefined;
    let claims;
    try {
      claims = await verifyToken(this.rt.ctx, token);
    } catch (e) {
      this.system('error', /** @type {any} */ (e).reason ?? 'Invalid JWT');
      this.shutdown();
      return;
    }
    this.claims = claims;
    this.policies.broadcastWrite = undefined;
    this.policies.presenceWrite = undefined;
    if (this.isPrivate) {
      const read = await readPolicies(this.rt.ctx, claims, this.subTopic, this.presenceEnabled);
      if (this.closed) return;
      if (!read.broadcast && !read.presence) {
        this.system(
          'error',
          `Unauthorized: You do not have permissions to read from this Channel topic: ${this.subTopic}`,
        );
        this.shutdown();
        return;
      }
      this.policies.broadcastRead = read.broadcast;
      this.policies.presenceRead = read.presence;
    }
    this.scheduleExpiry();
    if (msg.ref) this.conn.reply(msg, 'ok', {});
  }

  /** Removes every trace of the channel (leave, close or disconnect). */
  cleanup() {
    if (this.closed) return;
    this.closed = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (!this.joined) return;
    this.joined = false;
    this.rt.hub.remove(this);
    if (this.pgBindings.length > 0) this.rt.feed.remove(this);
    const diff = this.rt.hub.presence(this.topic, this.isPrivate).untrack(this);
    if (diff) this.rt.hub.presenceDiff(this.topic, this.isPrivate, diff);
    this.rt.hub.gcPresence(this.topic, this.isPrivate);
  }
}
