// The Realtime server under bad input: refused connections (HTTP 401 before the websocket
// handshake), garbage frames, unknown topics and events, oversized payloads. Each gets the
// protocol's answer and the server keeps serving well-behaved clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import {
  applyRealtimeFixture,
  client,
  closeClients,
  stack,
  subscribe,
  uniq,
  waitFor,
} from './helpers/realtime-fixture';

beforeAll(applyRealtimeFixture);
afterEach(closeClients);
afterAll(closeClients);

/** Opens a raw socket; resolves with it once open, or with the HTTP refusal. */
function open(query: string): Promise<{ ws?: WebSocket; status?: number; body?: any }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${stack.wsUrl}?${query}`);
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    ws.on('error', () => {});
  });
}

/** Collects decoded text frames (vsn 2.0.0 arrays) and the close code. */
function recorder(ws: WebSocket) {
  const frames: any[] = [];
  const state = { closed: null as number | null };
  ws.on('message', (d, isBinary) => frames.push(isBinary ? d : JSON.parse(String(d))));
  ws.on('close', (code) => (state.closed = code));
  const reply = (ref: string) =>
    waitFor(() => frames.find((f) => Array.isArray(f) && f[1] === ref && f[3] === 'phx_reply'), `reply ${ref}`);
  return { frames, state, reply };
}

/** A normal supabase-js exchange works: the server is still up and serving. */
async function stillServes() {
  const topic = uniq('alive');
  const got: unknown[] = [];
  const a = client('2.0.0')
    .channel(topic)
    .on('broadcast', { event: 'x' }, (m) => got.push(m.payload));
  const b = client('1.0.0').channel(topic);
  expect((await subscribe(a)).status).toBe('SUBSCRIBED');
  expect((await subscribe(b)).status).toBe('SUBSCRIBED');
  await b.send({ type: 'broadcast', event: 'x', payload: { ok: true } });
  await waitFor(() => (got.length ? true : undefined), 'broadcast after abuse');
}

describe('connection refusals', () => {
  it('answers 401 {error} without an apikey, with a non-JWT, and with a JWT missing exp', async () => {
    const noExp = await new SignJWT({ role: 'anon' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(stack.jwtSecret));
    for (const q of ['vsn=2.0.0', 'apikey=nonsense&vsn=2.0.0', `apikey=${noExp}&vsn=1.0.0`]) {
      const r = await open(q);
      expect(r.status).toBe(401);
      expect(typeof r.body.error).toBe('string');
    }
    const ok = await open(`apikey=${stack.anonKey}&vsn=2.0.0`);
    expect(ok.ws).toBeDefined();
    ok.ws!.close();
  });
});

describe('bad frames', () => {
  it('closes a socket that sends undecodable frames and keeps serving others', async () => {
    for (const junk of ['not json at all', '{"topic":1}', Buffer.from([9, 9, 9]), '[1,2,3]']) {
      const { ws } = await open(`apikey=${stack.anonKey}&vsn=2.0.0`);
      const rec = recorder(ws!);
      ws!.send(junk);
      await waitFor(() => rec.state.closed ?? undefined, 'close');
      expect(rec.state.closed).toBe(1007);
    }
    await stillServes();
  });

  it('answers heartbeats, and errors for unknown topics and events, on a socket that stays open', async () => {
    const { ws } = await open(`apikey=${stack.anonKey}&vsn=2.0.0`);
    const rec = recorder(ws!);
    ws!.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    expect((await rec.reply('1'))[4]).toEqual({ status: 'ok', response: {} });
    ws!.send(
      JSON.stringify([null, '2', 'realtime:never-joined', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]),
    );
    expect((await rec.reply('2'))[4]).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
    ws!.send(JSON.stringify(['3', '3', 'not-realtime', 'phx_join', {}]));
    expect((await rec.reply('3'))[4]).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
    ws!.send(JSON.stringify(['4', '4', 'realtime:raw', 'phx_join', { config: 'nope' }]));
    expect((await rec.reply('4'))[4].status).toBe('error');
    ws!.send(JSON.stringify(['5', '5', 'realtime:raw', 'phx_join', { config: {} }]));
    expect((await rec.reply('5'))[4].status).toBe('ok');
    ws!.send(JSON.stringify(['5', '6', 'realtime:raw', 'no_such_event', {}]));
    expect((await rec.reply('6'))[4].status).toBe('error');
    ws!.send(JSON.stringify(['5', '7', 'realtime:raw', 'broadcast', { type: 'broadcast', payload: {} }]));
    expect((await rec.reply('7'))[4].status).toBe('error');
    expect(rec.state.closed).toBeNull();
    ws!.close();
    await stillServes();
  });

  it('refuses a broadcast over the payload limit with an error reply', async () => {
    const { ws } = await open(`apikey=${stack.anonKey}&vsn=1.0.0`);
    const frames: any[] = [];
    ws!.on('message', (d) => frames.push(JSON.parse(String(d))));
    ws!.send(
      JSON.stringify({
        topic: 'realtime:big',
        event: 'phx_join',
        payload: { config: { broadcast: { ack: true } } },
        ref: '1',
        join_ref: '1',
      }),
    );
    await waitFor(() => frames.find((f) => f.ref === '1'), 'join');
    ws!.send(
      JSON.stringify({
        topic: 'realtime:big',
        event: 'broadcast',
        payload: { type: 'broadcast', event: 'x', payload: { blob: 'x'.repeat(300 * 1024) } },
        ref: '2',
        join_ref: '1',
      }),
    );
    const r = await waitFor(() => frames.find((f) => f.ref === '2'), 'reply to the oversized broadcast');
    expect(r.payload.status).toBe('error');
    expect(r.payload.response.reason).toContain('Payload size exceeded');
    ws!.close();
  });

  it('drops a socket sending a frame over the frame limit and keeps serving others', async () => {
    const { ws } = await open(`apikey=${stack.anonKey}&vsn=2.0.0`);
    const rec = recorder(ws!);
    ws!.send('x'.repeat(9 * 1024 * 1024));
    await waitFor(() => rec.state.closed ?? undefined, 'close', 10_000);
    expect(rec.state.closed).toBe(1009);
    await stillServes();
  });
});
