// Delivers broadcasts sent from SQL with realtime.send() (local/sql/30-realtime.sql): the
// function stores the message in realtime.messages and notifies channel `realtime:send` with
// its id; this listener reads it and fans it out to the topic's public or private channels
// (per the message's `private`) as `{type:'broadcast', event, payload, meta:{id}}`.
import pg from 'pg';

/**
 * A row of realtime.messages as the broadcast it carries (binary from realtime.send_binary).
 * @param {{ id?: string, event: string | null, payload: unknown, binary_payload?: Buffer | null }} m
 * @param {Record<string, unknown>} [extraMeta]
 * @returns {import('./protocol.js').UserBroadcast}
 */
export function storedBroadcast(m, extraMeta = {}) {
  const meta = { id: m.id, ...extraMeta };
  if (m.binary_payload) return { event: m.event ?? '', value: null, binary: m.binary_payload, meta };
  const value = m.payload ?? {};
  return { event: m.event ?? '', value, json: Buffer.from(JSON.stringify(value)), meta };
}

/**
 * @param {import('./index.js').Realtime} rt
 * @returns {{ ready: Promise<void>, connected(): boolean, close(): Promise<void> }}
 */
export function startSqlSendListener(rt) {
  const { ctx } = rt;
  let closed = false;
  /** @type {pg.Client|null} */
  let client = null;
  /** @type {NodeJS.Timeout|null} */
  let retry = null;

  /** Deliveries in notification order. */
  let order = Promise.resolve();

  /** @param {string} id */
  async function readMessage(id) {
    const r = await ctx.adminPool.query(
      'select topic, event, payload, binary_payload, private from realtime.messages where id = $1',
      [id],
    );
    return r.rows[0];
  }

  /** @param {string} id @param {any} m the stored message, or undefined when it is gone */
  function fanOut(id, m) {
    if (!m) return;
    rt.hub.broadcast(`realtime:${m.topic}`, storedBroadcast({ ...m, id }), { isPrivate: m.private === true });
  }

  async function connect() {
    if (closed) return;
    const c = new pg.Client({
      host: ctx.config.host,
      port: ctx.config.dbPort,
      database: 'postgres',
      user: 'postgres',
      password: ctx.config.dbPassword,
      application_name: 'local-realtime-send',
    });
    c.on('notification', (n) => {
      if (n.channel !== 'realtime:send' || !n.payload) return;
      const id = n.payload;
      // Read concurrently, fan out in notification (commit) order, as hosted Realtime delivers
      // in replication order: a message carrying a row's state must never overtake an older one.
      const read = readMessage(id);
      read.catch(() => {}); // handled in turn below
      order = order.then(async () => {
        try {
          fanOut(id, await read);
        } catch (e) {
          ctx.log(`realtime: delivering realtime.send message ${id} failed: ${/** @type {Error} */ (e).message}`);
        }
      });
    });
    const again = () => {
      if (client === c) client = null;
      if (!closed && !retry) retry = setTimeout(() => ((retry = null), void connect()), 1000);
    };
    c.on('error', (e) => {
      ctx.log(`realtime: realtime.send listener error: ${e.message}`);
      again();
    });
    c.on('end', again);
    try {
      await c.connect();
      await c.query('listen "realtime:send"');
      client = c;
      if (closed) await c.end();
    } catch (e) {
      ctx.log(`realtime: realtime.send listener could not connect: ${/** @type {Error} */ (e).message}`);
      await c.end().catch(() => {});
      again();
    }
  }
  const ready = connect();

  return {
    ready,
    connected: () => client !== null,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await ready.catch(() => {});
      await client?.end().catch(() => {});
    },
  };
}
