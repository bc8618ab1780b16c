// Phoenix channel frames as realtime-js speaks them (reference §3 "Connection and frames").
// vsn 1.0.0: JSON objects. vsn 2.0.0: JSON arrays `[join_ref, ref, topic, event, payload]`
// plus binary user broadcasts (client kind 3 in, server kind 4 out), mirroring
// @supabase/realtime-js lib/serializer.js byte for byte.

export const VSN_1 = '1.0.0';
export const VSN_2 = '2.0.0';

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const ENC_BINARY = 0;
const ENC_JSON = 1;

export class FrameError extends Error {}

/**
 * @typedef {object} Message
 * @property {string|null} join_ref
 * @property {string|null} ref
 * @property {string} topic
 * @property {string} event
 * @property {any} payload
 */

/**
 * A user broadcast's payload kept as the bytes the client sent when that is cheaper than
 * re-encoding: `json` is the UTF-8 JSON text (encoding 1), `binary` raw bytes (encoding 0).
 * @typedef {{ event: string, json?: Buffer, binary?: Buffer, value?: unknown, meta?: Record<string, unknown> }} UserBroadcast
 */

/**
 * Decodes one frame. Text frames become a Message; binary kind-3 frames become a Message
 * whose payload is `{type:'broadcast', event, payload}` with `userBroadcast` attached.
 * @param {Buffer|string} data @param {boolean} isBinary @param {string} vsn
 * @returns {Message & { userBroadcast?: UserBroadcast }}
 */
export function decodeFrame(data, isBinary, vsn) {
  if (isBinary) {
    if (vsn !== VSN_2) throw new FrameError('binary frames need vsn 2.0.0');
    return decodeUserBroadcastPush(/** @type {Buffer} */ (data));
  }
  let parsed;
  try {
    parsed = JSON.parse(String(data));
  } catch {
    throw new FrameError('frame is not JSON');
  }
  /** @type {any} */
  let m;
  if (vsn === VSN_2) {
    if (!Array.isArray(parsed) || parsed.length !== 5)
      throw new FrameError('expected [join_ref, ref, topic, event, payload]');
    const [join_ref, ref, topic, event, payload] = parsed;
    m = { join_ref, ref, topic, event, payload };
  } else {
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new FrameError('expected a message object');
    m = {
      join_ref: parsed.join_ref ?? null,
      ref: parsed.ref ?? null,
      topic: parsed.topic,
      event: parsed.event,
      payload: parsed.payload,
    };
  }
  if (typeof m.topic !== 'string' || typeof m.event !== 'string')
    throw new FrameError('topic and event must be strings');
  for (const k of ['join_ref', 'ref']) {
    if (m[k] !== null && m[k] !== undefined && typeof m[k] !== 'string' && typeof m[k] !== 'number')
      throw new FrameError(`${k} must be a string`);
    m[k] = m[k] === undefined || m[k] === null ? null : String(m[k]);
  }
  if (m.payload === undefined || m.payload === null) m.payload = {};
  return m;
}

/** @param {Buffer} buf */
function decodeUserBroadcastPush(buf) {
  if (buf.length < 7 || buf[0] !== KIND_USER_BROADCAST_PUSH) throw new FrameError('unsupported binary frame kind');
  const lens = [buf[1], buf[2], buf[3], buf[4], buf[5]];
  const encoding = buf[6];
  let off = 7;
  const parts = lens.map((n) => {
    if (off + n > buf.length) throw new FrameError('binary frame shorter than its header says');
    const s = buf.subarray(off, off + n).toString('utf8');
    off += n;
    return s;
  });
  const [joinRef, ref, topic, event, metadata] = /** @type {string[]} */ (parts);
  const body = buf.subarray(off);
  /** @type {UserBroadcast} */
  const ub = { event };
  if (encoding === ENC_JSON) {
    try {
      ub.value = JSON.parse(body.toString('utf8'));
    } catch {
      throw new FrameError('binary broadcast payload is not JSON');
    }
    ub.json = Buffer.from(body);
  } else if (encoding === ENC_BINARY) {
    ub.binary = Buffer.from(body);
  } else throw new FrameError('unknown payload encoding');
  if (metadata) {
    try {
      const meta = JSON.parse(metadata);
      if (meta && typeof meta === 'object' && !Array.isArray(meta)) ub.meta = meta;
    } catch {
      throw new FrameError('binary broadcast metadata is not JSON');
    }
  }
  return {
    join_ref: joinRef || null,
    ref: ref || null,
    topic,
    event: 'broadcast',
    payload: { type: 'broadcast', event, payload: ub.value },
    userBroadcast: ub,
  };
}

/**
 * Encodes a server message as a text frame for the connection's vsn.
 * @param {string} vsn @param {string|null} joinRef @param {string|null} ref @param {string} topic @param {string} event @param {unknown} payload
 */
export function encodeText(vsn, joinRef, ref, topic, event, payload) {
  if (vsn === VSN_2) return JSON.stringify([joinRef, ref, topic, event, payload]);
  return JSON.stringify({ topic, event, payload, ref, join_ref: joinRef });
}

/**
 * Builds what a receiver gets for a user broadcast: for vsn 2.0.0 a binary kind-4 frame (the
 * only binary kind realtime-js decodes), for 1.0.0 the JSON broadcast message. Binary payloads
 * cannot travel in a 1.0.0 JSON frame, so those return null for 1.0.0 receivers.
 * Lengths are byte lengths, as the client slices the buffer by them.
 * @param {string} vsn @param {string} topic @param {UserBroadcast} ub
 * @returns {string|Buffer|null}
 */
export function encodeUserBroadcast(vsn, topic, ub) {
  if (vsn !== VSN_2) {
    if (ub.binary) return null;
    /** @type {Record<string, unknown>} */
    const payload = { type: 'broadcast', event: ub.event, payload: ub.value };
    if (ub.meta) payload.meta = ub.meta;
    return encodeText(vsn, null, null, topic, 'broadcast', payload);
  }
  const t = Buffer.from(topic, 'utf8');
  const e = Buffer.from(ub.event, 'utf8');
  const m = Buffer.from(ub.meta ? JSON.stringify(ub.meta) : '', 'utf8');
  // Longer fields do not fit the one-byte lengths: fall back to the JSON text frame, which
  // the client always accepts.
  if (t.length > 255 || e.length > 255 || m.length > 255) {
    if (ub.binary) return null;
    /** @type {Record<string, unknown>} */
    const payload = { type: 'broadcast', event: ub.event, payload: ub.value };
    if (ub.meta) payload.meta = ub.meta;
    return encodeText(vsn, null, null, topic, 'broadcast', payload);
  }
  const body = ub.binary ?? ub.json ?? Buffer.from(JSON.stringify(ub.value ?? null), 'utf8');
  const header = Buffer.from([KIND_USER_BROADCAST, t.length, e.length, m.length, ub.binary ? ENC_BINARY : ENC_JSON]);
  return Buffer.concat([header, t, e, m, body]);
}

/** Size in bytes of a user broadcast's payload, for the payload limit. @param {UserBroadcast} ub */
export function userBroadcastSize(ub) {
  if (ub.binary) return ub.binary.length;
  if (ub.json) return ub.json.length;
  return Buffer.byteLength(JSON.stringify(ub.value ?? null), 'utf8');
}
