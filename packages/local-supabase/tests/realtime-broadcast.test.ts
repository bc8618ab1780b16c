// Realtime broadcast as supabase-js users see it, over both protocol versions: messages
// between clients (self, ack), the REST endpoint (send before subscribe, httpSend), binary
// payloads, and fan-out to 200 clients on one topic.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRealtimeFixture,
  client,
  closeClients,
  mintUser,
  stack,
  subscribe,
  uniq,
  waitFor,
  type Vsn,
} from './helpers/realtime-fixture';

beforeAll(applyRealtimeFixture);
afterEach(closeClients);
afterAll(closeClients);

describe.each<Vsn>(['1.0.0', '2.0.0'])('broadcast over vsn %s', (vsn) => {
  it('delivers a message to the other subscribers but not back to the sender by default', async () => {
    const topic = uniq('bc');
    const got: Record<string, unknown[]> = { a: [], b: [], c: [] };
    const chans = (['a', 'b', 'c'] as const).map((name) =>
      client(vsn)
        .channel(topic)
        .on('broadcast', { event: 'hello' }, (m) => got[name]!.push(m)),
    );
    for (const ch of chans) expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    await chans[0]!.send({ type: 'broadcast', event: 'hello', payload: { n: 1, text: 'hi' } });
    // b's second message is the marker: once a has it, a's own message would have arrived too.
    await chans[1]!.send({ type: 'broadcast', event: 'hello', payload: { n: 2 } });
    await waitFor(
      () => (got.a!.length >= 1 && got.b!.length >= 1 && got.c!.length >= 2 ? true : undefined),
      'deliveries',
    );
    expect(got.b).toEqual([{ type: 'broadcast', event: 'hello', payload: { n: 1, text: 'hi' } }]);
    expect(got.c).toEqual([
      { type: 'broadcast', event: 'hello', payload: { n: 1, text: 'hi' } },
      { type: 'broadcast', event: 'hello', payload: { n: 2 } },
    ]);
    expect(got.a).toEqual([{ type: 'broadcast', event: 'hello', payload: { n: 2 } }]);
  });

  it('echoes to the sender with self and acknowledges with ack', async () => {
    const topic = uniq('self');
    const mine: unknown[] = [];
    const ch = client(vsn)
      .channel(topic, { config: { broadcast: { self: true, ack: true } } })
      .on('broadcast', { event: '*' }, (m) => mine.push(m));
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    const res = await ch.send({ type: 'broadcast', event: 'ping', payload: { at: 1 } });
    expect(res).toBe('ok');
    await waitFor(() => (mine.length === 1 ? true : undefined), 'own message');
    expect(mine[0]).toEqual({ type: 'broadcast', event: 'ping', payload: { at: 1 } });
  });

  it('filters by event name on the receiving side', async () => {
    const topic = uniq('ev');
    const onlyA: unknown[] = [];
    const recv = client(vsn)
      .channel(topic)
      .on('broadcast', { event: 'a' }, (m) => onlyA.push(m.event));
    const send = client(vsn).channel(topic);
    await subscribe(recv);
    await subscribe(send);
    await send.send({ type: 'broadcast', event: 'b', payload: {} });
    await send.send({ type: 'broadcast', event: 'a', payload: {} });
    await waitFor(() => (onlyA.length ? true : undefined), 'event a');
    expect(onlyA).toEqual(['a']);
  });

  it('carries an ArrayBuffer payload unchanged to a 2.0.0 receiver', async () => {
    const topic = uniq('bin');
    const got: any[] = [];
    const recv = client('2.0.0')
      .channel(topic)
      .on('broadcast', { event: 'blob' }, (m) => got.push(m));
    const send = client(vsn).channel(topic);
    await subscribe(recv);
    await subscribe(send);
    if (vsn === '2.0.0') {
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await send.send({ type: 'broadcast', event: 'blob', payload: bytes.buffer });
      await waitFor(() => (got.length ? true : undefined), 'binary broadcast');
      expect(got[0].payload).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(got[0].payload)]).toEqual([0, 1, 2, 250, 255]);
    } else {
      // 1.0.0 clients send JSON; a 2.0.0 receiver decodes it from a binary frame just the same.
      await send.send({ type: 'broadcast', event: 'blob', payload: { list: [1, 2] } });
      await waitFor(() => (got.length ? true : undefined), 'json broadcast');
      expect(got[0]).toEqual({ type: 'broadcast', event: 'blob', payload: { list: [1, 2] } });
    }
  });

  it('delivers a REST broadcast sent before the sender subscribed (channel.send fallback)', async () => {
    const topic = uniq('rest');
    const got: unknown[] = [];
    const recv = client(vsn)
      .channel(topic)
      .on('broadcast', { event: 'note' }, (m) => got.push(m));
    await subscribe(recv);
    const sender = client(vsn).channel(topic);
    const res = await sender.send({ type: 'broadcast', event: 'note', payload: { via: 'rest' } });
    expect(res).toBe('ok');
    await waitFor(() => (got.length ? true : undefined), 'REST broadcast');
    expect(got[0]).toEqual({ type: 'broadcast', event: 'note', payload: { via: 'rest' } });
  });

  it('delivers a message sent with httpSend', async () => {
    const topic = uniq('http');
    const got: unknown[] = [];
    const recv = client(vsn)
      .channel(topic)
      .on('broadcast', { event: 'note' }, (m) => got.push(m));
    await subscribe(recv);
    const sender = client(vsn).channel(topic);
    await expect(sender.httpSend('note', { via: 'httpSend' })).resolves.toEqual({ success: true });
    await waitFor(() => (got.length ? true : undefined), 'httpSend broadcast');
    expect(got[0]).toEqual({ type: 'broadcast', event: 'note', payload: { via: 'httpSend' } });
  });
});

describe('REST broadcast endpoint', () => {
  const endpoint = () => `${stack.apiUrl}/realtime/v1/api/broadcast`;

  it('answers 202 and reaches subscribers of each message topic', async () => {
    const [t1, t2] = [uniq('r1'), uniq('r2')];
    const got: string[] = [];
    const a = client('2.0.0')
      .channel(t1)
      .on('broadcast', { event: '*' }, (m) => got.push(`${t1}:${m.payload.i}`));
    const b = client('1.0.0')
      .channel(t2)
      .on('broadcast', { event: '*' }, (m) => got.push(`${t2}:${m.payload.i}`));
    await subscribe(a);
    await subscribe(b);
    const res = await fetch(endpoint(), {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        messages: [
          { topic: t1, event: 'x', payload: { i: 1 } },
          { topic: t2, event: 'x', payload: { i: 2 } },
        ],
      }),
    });
    expect(res.status).toBe(202);
    await waitFor(() => (got.length === 2 ? true : undefined), 'both messages');
    expect(got.sort()).toEqual([`${t1}:1`, `${t2}:2`].sort());
  });

  it('refuses a request without a valid JWT with 401', async () => {
    const res = await fetch(endpoint(), {
      method: 'POST',
      headers: { apikey: 'not-a-jwt', 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [] }),
    });
    expect(res.status).toBe(401);
    expect(typeof (await res.json()).error).toBe('string');
  });

  it('answers 400 for a malformed body and delivers nothing', async () => {
    const topic = uniq('bad');
    const got: unknown[] = [];
    const ch = client('2.0.0')
      .channel(topic)
      .on('broadcast', { event: '*' }, (m) => got.push(m));
    await subscribe(ch);
    for (const body of [
      '{nope',
      JSON.stringify({ messages: [{ topic, payload: {} }] }),
      JSON.stringify({ messages: 'x' }),
    ]) {
      const res = await fetch(endpoint(), {
        method: 'POST',
        headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
      expect(typeof (await res.json()).error).toBe('string');
    }
    // A valid message afterwards is the first (and only) one the subscriber sees.
    await fetch(endpoint(), {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic, event: 'ok', payload: {} }] }),
    });
    await waitFor(() => (got.length ? true : undefined), 'valid message');
    expect(got).toEqual([{ type: 'broadcast', event: 'ok', payload: {} }]);
  });
});

describe('fan-out', () => {
  it('200 clients on one topic each receive every broadcast', async () => {
    const topic = uniq('fan');
    const counts = new Array<number>(200).fill(0);
    const seen = new Array<Set<number>>(200).fill(null as any).map(() => new Set<number>());
    const vsnOf = (i: number): Vsn => (i % 2 ? '1.0.0' : '2.0.0');
    const chans = counts.map((_, i) =>
      client(vsnOf(i))
        .channel(topic)
        .on('broadcast', { event: 'tick' }, (m) => {
          counts[i]!++;
          seen[i]!.add(m.payload.k);
        }),
    );
    for (let i = 0; i < chans.length; i += 50) {
      const results = await Promise.all(chans.slice(i, i + 50).map((ch) => subscribe(ch, 20_000)));
      expect(results.every((r) => r.status === 'SUBSCRIBED')).toBe(true);
    }
    const sender = client('2.0.0').channel(topic);
    await subscribe(sender);
    for (let k = 0; k < 20; k++) await sender.send({ type: 'broadcast', event: 'tick', payload: { k } });
    await waitFor(() => (counts.every((c) => c === 20) ? true : undefined), 'every client to get 20 messages', 20_000);
    expect(seen.every((s) => s.size === 20)).toBe(true);
  }, 60_000);
});

describe('tokens on broadcast channels', () => {
  it('joins with a signed-in user token', async () => {
    const user = await mintUser();
    const ch = client('2.0.0', user).channel(uniq('user'));
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
  });
});
