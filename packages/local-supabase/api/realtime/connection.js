// One websocket: decodes frames, answers heartbeats, routes messages to its channels by topic
// and tears everything down when the socket goes away. A frame that cannot be decoded at all
// closes the socket (1007), as a Phoenix socket crashes on one; anything decodable gets a
// phx_reply error and the connection lives on.
import { Channel } from './channel.js';
import { decodeFrame, encodeText, FrameError } from './protocol.js';

/** Phoenix closes a socket that sent nothing (not even a heartbeat) for this long. */
export const IDLE_TIMEOUT_MS = 60_000;

/**
 * @typedef {import('./protocol.js').Message} Message
 * @typedef {import('./index.js').Realtime} Realtime
 */

export class Connection {
  /**
   * @param {Realtime} rt @param {import('ws').WebSocket} ws
   * @param {{ vsn: string, apikey: string }} opts
   */
  constructor(rt, ws, opts) {
    this.rt = rt;
    this.ws = ws;
    this.vsn = opts.vsn;
    this.apikey = opts.apikey;
    /** @type {Map<string, Channel>} */
    this.channels = new Map();
    this.lastSeen = Date.now();
    ws.on('message', (data, isBinary) => this.onFrame(/** @type {Buffer} */ (data), isBinary));
    ws.on('close', () => this.cleanup());
    ws.on('error', () => this.cleanup());
  }

  /** @param {Buffer} data @param {boolean} isBinary */
  onFrame(data, isBinary) {
    this.lastSeen = Date.now();
    let msg;
    try {
      msg = decodeFrame(isBinary ? data : data.toString('utf8'), isBinary, this.vsn);
    } catch (e) {
      if (!(e instanceof FrameError)) this.rt.ctx.log(`realtime: decoding a frame failed: ${e}`);
      this.ws.close(1007, e instanceof FrameError ? e.message.slice(0, 120) : 'invalid frame');
      return;
    }
    if (msg.topic === 'phoenix') {
      if (msg.event === 'heartbeat') this.reply(msg, 'ok', {});
      else if (msg.ref) this.reply(msg, 'error', { reason: 'unmatched topic' });
      return;
    }
    if (msg.event === 'phx_join') {
      if (!msg.topic.startsWith('realtime:')) {
        this.reply(msg, 'error', { reason: 'unmatched topic' });
        return;
      }
      // Joining a joined topic again replaces the old channel, as Phoenix does.
      const old = this.channels.get(msg.topic);
      if (old) {
        old.push('phx_close', {});
        this.dropChannel(old);
      }
      const ch = new Channel(this.rt, this, msg.topic, msg.join_ref ?? msg.ref);
      this.channels.set(msg.topic, ch);
      ch.enqueue(msg);
      return;
    }
    const ch = this.channels.get(msg.topic);
    // A push for a channel the client no longer has (stale join_ref) is ignored like Phoenix.
    if (!ch || (msg.join_ref && ch.joinRef && msg.join_ref !== ch.joinRef)) {
      if (msg.ref) this.reply(msg, 'error', { reason: 'unmatched topic' });
      return;
    }
    ch.enqueue(msg);
  }

  /** @param {string|null} joinRef @param {string|null} ref @param {string} topic @param {string} event @param {unknown} payload */
  send(joinRef, ref, topic, event, payload) {
    this.sendRaw(encodeText(this.vsn, joinRef, ref, topic, event, payload));
  }

  /** @param {string|Buffer} frame */
  sendRaw(frame) {
    if (this.ws.readyState !== 1) return;
    this.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  /** @param {Message} msg @param {'ok'|'error'} status @param {unknown} response */
  reply(msg, status, response) {
    this.send(msg.join_ref, msg.ref, msg.topic, 'phx_reply', { status, response });
  }

  /** @param {Channel} ch */
  dropChannel(ch) {
    if (this.channels.get(ch.topic) === ch) this.channels.delete(ch.topic);
    ch.cleanup();
  }

  cleanup() {
    for (const ch of this.channels.values()) ch.cleanup();
    this.channels.clear();
    this.rt.connections.delete(this);
  }
}
