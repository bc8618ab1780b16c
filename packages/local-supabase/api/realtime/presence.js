// Presence for one topic, shaped as Phoenix.Presence sends it: state `{key: {metas: [...]}}`
// and diffs `{joins, leaves}`. Each joined channel contributes at most one meta (its last
// track) under its presence key; several channels may share a key.
import crypto from 'node:crypto';

/** A short unique ref per tracked meta, like Phoenix's phx_ref. */
function newRef() {
  return crypto.randomBytes(9).toString('base64url');
}

export class TopicPresence {
  constructor() {
    /** @type {Map<object, { key: string, meta: Record<string, unknown> }>} channel → its entry */
    this.entries = new Map();
  }

  /** The full state for presence_state. */
  state() {
    /** @type {Record<string, { metas: Record<string, unknown>[] }>} */
    const out = {};
    for (const { key, meta } of this.entries.values()) (out[key] ??= { metas: [] }).metas.push(meta);
    return out;
  }

  /**
   * Tracks (or re-tracks) a channel's meta. Returns the diff to send.
   * @param {object} channel @param {string} key @param {Record<string, unknown>} payload
   */
  track(channel, key, payload) {
    const prev = this.entries.get(channel);
    /** @type {Record<string, unknown>} */
    const meta = { ...payload, phx_ref: newRef() };
    if (prev) meta.phx_ref_prev = prev.meta.phx_ref;
    this.entries.set(channel, { key, meta });
    const diff = { joins: { [key]: { metas: [meta] } }, leaves: /** @type {Record<string, any>} */ ({}) };
    if (prev) diff.leaves[prev.key] = { metas: [prev.meta] };
    return diff;
  }

  /** Removes a channel's meta; returns the diff, or null when it had none. @param {object} channel */
  untrack(channel) {
    const prev = this.entries.get(channel);
    if (!prev) return null;
    this.entries.delete(channel);
    return { joins: {}, leaves: { [prev.key]: { metas: [prev.meta] } } };
  }

  get size() {
    return this.entries.size;
  }
}
