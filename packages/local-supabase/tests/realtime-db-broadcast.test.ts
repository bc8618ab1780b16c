// Broadcast from the database as supabase-js users see it: the replication_ready system
// message, realtime.send_binary, delivery in the order sent, and replay of a private topic's stored messages
// (`config.broadcast.replay`), oldest first, marked `meta.replayed`, within the limit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRealtimeFixture,
  client,
  closeClients,
  mintUser,
  sql,
  subscribe,
  uniq,
  waitFor,
} from './helpers/realtime-fixture';

beforeAll(applyRealtimeFixture);
afterEach(closeClients);
afterAll(closeClients);

describe('broadcast from the database', () => {
  it('sends the replication_ready system message when asked for it', async () => {
    const systems: any[] = [];
    const ch = client('2.0.0')
      .channel(uniq('ready'), { config: { broadcast: { replication_ready: true } } })
      .on('system', {}, (m: any) => systems.push(m));
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    const m = await waitFor(() => systems.find((s) => s.extension === 'system'), 'replication_ready');
    expect(m).toMatchObject({ status: 'ok', message: 'Replication connection established' });
    const plain: any[] = [];
    const other = client('2.0.0')
      .channel(uniq('plain'))
      .on('system', {}, (s: any) => plain.push(s));
    await subscribe(other);
    await sql(`select realtime.send('{}'::jsonb, 'x', $1, false)`, [uniq('nobody')]);
    expect(plain.filter((s) => s.extension === 'system')).toEqual([]);
  });

  it('delivers realtime.send_binary to a 2.0.0 client as an ArrayBuffer', async () => {
    const topic = uniq('bin');
    const got: any[] = [];
    const ch = client('2.0.0')
      .channel(topic)
      .on('broadcast', { event: 'blob' }, (m) => got.push(m));
    await subscribe(ch);
    await sql(`select realtime.send_binary('\\x00ff10'::bytea, 'blob', $1, false)`, [topic]);
    await waitFor(() => (got.length ? true : undefined), 'binary broadcast');
    expect(got[0].payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(got[0].payload)]).toEqual([0, 255, 16]);
  });

  it('delivers messages in the order they were sent, whatever their size', async () => {
    // A message may carry a row's state (the live board does): an older one must never arrive
    // after a newer one. Large and small payloads alternate, so reading them back takes uneven time.
    const topic = uniq('order');
    const got: number[] = [];
    const ch = client('2.0.0')
      .channel(topic)
      .on('broadcast', { event: 'n' }, (m) => got.push(m.payload.n));
    await subscribe(ch);
    await sql(
      `select realtime.send(jsonb_build_object('n', g, 'pad', case when g % 2 = 1 then repeat('x', 200000) else '' end),
                            'n', $1, false)
       from generate_series(1, 60) g`,
      [topic],
    );
    await waitFor(() => (got.length === 60 ? true : undefined), 'sixty messages');
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('replays stored messages of a private topic since a time, oldest first, within the limit', async () => {
    const user = await mintUser();
    const topic = `rt_fx_open:${uniq('replay')}`;
    const before = Date.now() - 1000;
    for (const n of [1, 2, 3]) await sql(`select realtime.send($1::jsonb, 'note', $2, true)`, [{ n }, topic]);
    const got: any[] = [];
    const ch = client('2.0.0', user)
      .channel(topic, { config: { private: true, broadcast: { replay: { since: before, limit: 2 } } } })
      .on('broadcast', { event: 'note' }, (m) => got.push(m));
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    await waitFor(() => (got.length === 2 ? true : undefined), 'two replayed messages');
    expect(got.map((m) => m.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(got.every((m) => m.meta?.replayed === true && typeof m.meta?.id === 'string')).toBe(true);

    const none: any[] = [];
    const later = client('2.0.0', user)
      .channel(topic, { config: { private: true, broadcast: { replay: { since: Date.now() + 60_000 } } } })
      .on('broadcast', { event: 'note' }, (m) => none.push(m));
    await subscribe(later);
    await sql(`select realtime.send('{"n":4}'::jsonb, 'note', $1, true)`, [topic]);
    await waitFor(() => (none.length ? true : undefined), 'the live message');
    expect(none.map((m) => [m.payload, m.meta?.replayed])).toEqual([[{ n: 4 }, undefined]]);
  });
});
