// /realtime/v1: a Supabase Realtime-compatible server for the local stack (reference §3).
//   GET  /realtime/v1/websocket?apikey=<jwt>&vsn=1.0.0|2.0.0   Phoenix channels over ws
//   POST /realtime/v1/api/broadcast[/<topic>/events/<event>]    REST broadcast (rest.js)
// Pieces: connection.js (frames, routing), channel.js (join, broadcast, presence, tokens),
// hub.js (topics and fan-out), changes.js + rls.js (postgres_changes from a wal2json slot),
// authz.js (tokens, private channels), sql-send.js (realtime.send from SQL).
import { WebSocketServer } from 'ws';
import { verifyToken } from './authz.js';
import { ChangeFeed } from './changes.js';
import { Connection, IDLE_TIMEOUT_MS } from './connection.js';
import { Hub } from './hub.js';
import { VSN_1, VSN_2 } from './protocol.js';
import { handleRest } from './rest.js';
import { startSqlSendListener } from './sql-send.js';

/**
 * Largest broadcast/presence payload accepted, in KB. Default 256 (hosted Supabase's free-plan
 * limit, so code that fits here fits there); env REALTIME_MAX_PAYLOAD_KB overrides.
 */
const DEFAULT_MAX_PAYLOAD_KB = 256;
/** Frames beyond this close the socket (1009) before being parsed at all. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * @typedef {object} Realtime
 * @property {import('../server.js').ApiContext} ctx
 * @property {Hub} hub
 * @property {ChangeFeed} feed
 * @property {Set<Connection>} connections
 * @property {number} maxPayloadBytes
 * @property {() => number} nextBindingId
 * @property {ReturnType<typeof startSqlSendListener>} [sqlSend]  the realtime.send listener (database broadcasts)
 */

/**
 * How long broadcast messages stay in realtime.messages. Hosted Realtime keeps them in daily
 * partitions for a few days only (replay reaches back at most that far); the local server
 * deletes older rows at start and every PRUNE_EVERY_MS, so the table does not grow forever.
 */
export const MESSAGE_RETENTION = '3 days';
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** @param {import('../server.js').ApiContext} ctx */
export async function create(ctx) {
  let bindingSeq = 0;
  const kb = Number(process.env.REALTIME_MAX_PAYLOAD_KB || DEFAULT_MAX_PAYLOAD_KB);
  /** @type {Realtime} */
  const rt = {
    ctx,
    hub: new Hub(),
    feed: new ChangeFeed(ctx),
    connections: new Set(),
    maxPayloadBytes: (Number.isFinite(kb) && kb > 0 ? kb : DEFAULT_MAX_PAYLOAD_KB) * 1024,
    // Binding ids only need to be unique per channel; a global counter keeps them so.
    nextBindingId: () => (bindingSeq = (bindingSeq % 2_000_000_000) + 1),
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const sqlSend = startSqlSendListener(rt);
  rt.sqlSend = sqlSend;
  const prune = () =>
    ctx.adminPool
      .query(`delete from realtime.messages where inserted_at < now() - $1::interval`, [MESSAGE_RETENTION])
      .catch((e) => ctx.log(`realtime: pruning realtime.messages failed: ${e.message}`));
  void prune();
  const pruner = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruner.unref();
  const idle = setInterval(() => {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const c of rt.connections) if (c.lastSeen < cutoff) c.ws.close(1000, 'heartbeat timeout');
  }, 10_000);
  idle.unref();

  return {
    /** @param {import('node:http').IncomingMessage} req @param {import('node:stream').Duplex} socket @param {Buffer} head */
    upgrade(req, socket, head) {
      void upgrade(rt, wss, req, socket, head).catch((e) => {
        ctx.log(`realtime: upgrade failed: ${e?.stack ?? e}`);
        socket.destroy();
      });
    },
    /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} subpath */
    handle(req, res, subpath) {
      return handleRest(rt, req, res, subpath);
    },
    async close() {
      clearInterval(idle);
      clearInterval(pruner);
      for (const c of rt.connections) c.ws.terminate();
      rt.connections.clear();
      await new Promise((r) => wss.close(() => r(undefined)));
      await Promise.all([rt.feed.close(), sqlSend.close()]);
    },
  };
}

/**
 * @param {Realtime} rt @param {WebSocketServer} wss
 * @param {import('node:http').IncomingMessage} req @param {import('node:stream').Duplex} socket @param {Buffer} head
 */
async function upgrade(rt, wss, req, socket, head) {
  const url = new URL(req.url ?? '/', 'http://local');
  if (url.pathname !== '/realtime/v1/websocket' && url.pathname !== '/realtime/v1/websocket/') {
    return refuse(socket, 404, 'Not found');
  }
  const vsn = url.searchParams.get('vsn') || VSN_1;
  if (vsn !== VSN_1 && vsn !== VSN_2) return refuse(socket, 400, `Unsupported vsn ${vsn}; use 1.0.0 or 2.0.0`);
  const header = req.headers.apikey;
  const apikey = url.searchParams.get('apikey') || (typeof header === 'string' ? header : '');
  if (!apikey) return refuse(socket, 401, 'You must provide an apikey');
  try {
    await verifyToken(rt.ctx, apikey);
  } catch (e) {
    return refuse(socket, 401, /** @type {any} */ (e).reason ?? 'Invalid apikey');
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    rt.connections.add(new Connection(rt, ws, { vsn, apikey }));
  });
}

/** Answers an upgrade request with a plain HTTP error, as Realtime does before the handshake. */
/** @param {import('node:stream').Duplex} socket @param {number} status @param {string} error */
function refuse(socket, status, error) {
  const body = JSON.stringify({ error });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
