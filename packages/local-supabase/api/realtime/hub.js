// The in-process registry of joined channels by topic: fan-out of broadcasts (from sockets,
// the REST endpoint and realtime.send) and presence per topic. Public and private channels
// of the same topic are separate audiences, as in Supabase Realtime.
import { encodeUserBroadcast } from './protocol.js';
import { TopicPresence } from './presence.js';

/**
 * @typedef {import('./channel.js').Channel} Channel
 * @typedef {import('./protocol.js').UserBroadcast} UserBroadcast
 */

export class Hub {
  constructor() {
    /** @type {Map<string, Set<Channel>>} */
    this.topics = new Map();
    /** @type {Map<string, TopicPresence>} keyed by `${private}|${topic}` */
    this.presences = new Map();
  }

  /** @param {Channel} ch */
  add(ch) {
    let set = this.topics.get(ch.topic);
    if (!set) this.topics.set(ch.topic, (set = new Set()));
    set.add(ch);
  }

  /** @param {Channel} ch */
  remove(ch) {
    const set = this.topics.get(ch.topic);
    if (!set) return;
    set.delete(ch);
    if (set.size === 0) this.topics.delete(ch.topic);
  }

  /**
   * Sends a user broadcast to the topic's channels of the given privacy that may read it.
   * The frame is encoded once per protocol version.
   * @param {string} topic full topic (`realtime:<name>`)
   * @param {UserBroadcast} ub
   * @param {{ isPrivate: boolean, except?: Channel|null }} opts
   */
  broadcast(topic, ub, opts) {
    const set = this.topics.get(topic);
    if (!set) return 0;
    /** @type {Map<string, string|Buffer|null>} */
    const frames = new Map();
    let n = 0;
    for (const ch of set) {
      if (ch === opts.except || ch.isPrivate !== opts.isPrivate || !ch.joined) continue;
      if (ch.isPrivate && !ch.policies.broadcastRead) continue;
      const vsn = ch.conn.vsn;
      let frame = frames.get(vsn);
      if (frame === undefined) frames.set(vsn, (frame = encodeUserBroadcast(vsn, topic, ub)));
      if (frame === null) continue;
      ch.conn.sendRaw(frame);
      n++;
    }
    return n;
  }

  /** @param {string} topic @param {boolean} isPrivate */
  presence(topic, isPrivate) {
    const key = `${isPrivate}|${topic}`;
    let p = this.presences.get(key);
    if (!p) this.presences.set(key, (p = new TopicPresence()));
    return p;
  }

  /** Drops a topic's presence once nobody is tracked there. @param {string} topic @param {boolean} isPrivate */
  gcPresence(topic, isPrivate) {
    const key = `${isPrivate}|${topic}`;
    if (this.presences.get(key)?.size === 0) this.presences.delete(key);
  }

  /**
   * Sends a presence_diff to the topic's channels (of that privacy) that listen to presence.
   * @param {string} topic @param {boolean} isPrivate @param {unknown} diff
   */
  presenceDiff(topic, isPrivate, diff) {
    const set = this.topics.get(topic);
    if (!set) return;
    for (const ch of set) {
      if (ch.isPrivate !== isPrivate || !ch.joined || !ch.presenceEnabled) continue;
      if (ch.isPrivate && !ch.policies.presenceRead) continue;
      ch.push('presence_diff', diff);
    }
  }
}
