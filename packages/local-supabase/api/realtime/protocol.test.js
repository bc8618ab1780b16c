// Frames round-trip with realtime-js's own serializer (vsn 2.0.0) and JSON (vsn 1.0.0).
import { describe, expect, it } from 'vitest';
import Serializer from '@supabase/realtime-js/dist/main/lib/serializer.js';
import { decodeFrame, encodeText, encodeUserBroadcast, FrameError } from './protocol.js';

const serializer = new (Serializer.default ?? Serializer)();
/** @param {any} msg */
const clientEncode = (msg) => serializer.encode(msg, (/** @type {any} */ x) => x);
/** @param {any} raw */
const clientDecode = (raw) => serializer.decode(raw, (/** @type {any} */ x) => x);
/** @param {Buffer} b */
const toArrayBuffer = (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);

describe('vsn 2.0.0 frames', () => {
  it('decodes a client kind-3 JSON broadcast push', () => {
    const raw = clientEncode({
      join_ref: '1',
      ref: '2',
      topic: 'realtime:room',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'hi', payload: { a: 'é' } },
    });
    const m = decodeFrame(Buffer.from(raw), true, '2.0.0');
    expect(m).toMatchObject({
      join_ref: '1',
      ref: '2',
      topic: 'realtime:room',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'hi', payload: { a: 'é' } },
    });
  });

  it('decodes a client kind-3 binary broadcast push', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const raw = clientEncode({
      join_ref: '1',
      ref: '2',
      topic: 'realtime:room',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'bin', payload: bytes.buffer },
    });
    const m = decodeFrame(Buffer.from(raw), true, '2.0.0');
    expect([...(m.userBroadcast?.binary ?? [])]).toEqual([1, 2, 3]);
  });

  it('encodes kind-4 broadcasts the client decodes, with metadata and multibyte names', () => {
    const frame = /** @type {Buffer} */ (
      encodeUserBroadcast('2.0.0', 'realtime:ünï', { event: 'évt', value: { x: 1 }, meta: { id: 'abc' } })
    );
    expect(clientDecode(toArrayBuffer(frame))).toEqual({
      join_ref: null,
      ref: null,
      topic: 'realtime:ünï',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'évt', payload: { x: 1 }, meta: { id: 'abc' } },
    });
  });

  it('decodes and encodes JSON arrays', () => {
    expect(decodeFrame('["1","2","realtime:a","phx_join",{}]', false, '2.0.0')).toEqual({
      join_ref: '1',
      ref: '2',
      topic: 'realtime:a',
      event: 'phx_join',
      payload: {},
    });
    expect(encodeText('2.0.0', '1', '2', 't', 'phx_reply', { status: 'ok' })).toBe(
      '["1","2","t","phx_reply",{"status":"ok"}]',
    );
  });

  it('rejects malformed frames with FrameError', () => {
    for (const [data, bin] of [
      ['nope', false],
      ['{"a":1}', false],
      ['[1,2]', false],
      [Buffer.from([4, 0, 0]), true],
      [Buffer.from([3, 9, 9, 9, 9, 9, 1]), true],
    ]) {
      expect(() => decodeFrame(/** @type {any} */ (data), /** @type {boolean} */ (bin), '2.0.0')).toThrow(FrameError);
    }
  });
});

describe('vsn 1.0.0 frames', () => {
  it('uses JSON objects both ways and refuses binary frames', () => {
    expect(decodeFrame('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"3"}', false, '1.0.0')).toEqual({
      join_ref: null,
      ref: '3',
      topic: 'phoenix',
      event: 'heartbeat',
      payload: {},
    });
    expect(
      JSON.parse(/** @type {string} */ (encodeUserBroadcast('1.0.0', 'realtime:a', { event: 'e', value: [1] }))),
    ).toEqual({
      topic: 'realtime:a',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'e', payload: [1] },
      ref: null,
      join_ref: null,
    });
    expect(() => decodeFrame(Buffer.from([3]), true, '1.0.0')).toThrow(FrameError);
  });
});
