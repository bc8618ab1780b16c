// postgres_changes as supabase-js users see it, over both protocol versions: INSERT, UPDATE
// and DELETE payloads, filters, per-subscriber RLS and column privileges, the 1 MB limit,
// bad bindings, and the replication slot's lifetime.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeChannel } from '@supabase/supabase-js';
import {
  applyRealtimeFixture,
  client,
  closeClients,
  mintUser,
  sql,
  stack,
  subscribe,
  uniq,
  waitFor,
  type Vsn,
} from './helpers/realtime-fixture';

beforeAll(applyRealtimeFixture);
afterEach(closeClients);
afterAll(closeClients);

/** Subscribes and waits for the server's "Subscribed to PostgreSQL" system message. */
async function subscribeChanges(ch: RealtimeChannel): Promise<void> {
  let ready = false;
  ch.on('system', {}, (m: any) => {
    if (m.extension === 'postgres_changes' && m.status === 'ok') ready = true;
  });
  expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
  await waitFor(() => (ready ? true : undefined), 'Subscribed to PostgreSQL');
}

describe.each<Vsn>(['1.0.0', '2.0.0'])('postgres_changes over vsn %s', (vsn) => {
  it('delivers INSERT, UPDATE and DELETE with typed records and the commit time', async () => {
    const kind = uniq('k');
    const got: any[] = [];
    const ch = client(vsn)
      .channel(uniq('pc'))
      .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_fx_items', filter: `kind=eq.${kind}` }, (p) =>
        got.push(p),
      );
    await subscribeChanges(ch);
    const before = Date.now();
    const [row] = await sql<{ id: string }>(
      `insert into rt_fx_items (kind, qty, tags) values ($1, 3, '{"a":[1,2]}') returning id`,
      [kind],
    );
    await sql('update rt_fx_items set qty = 4, done = true where id = $1', [row!.id]);
    await sql('delete from rt_fx_items where id = $1', [row!.id]);
    await waitFor(() => (got.length === 3 ? true : undefined), 'three changes');
    const id = Number(row!.id);
    expect(got.map((p) => p.eventType)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    expect(got[0]).toMatchObject({ schema: 'public', table: 'rt_fx_items', errors: null, old: {} });
    expect(got[0].new).toEqual({ id, kind, qty: 3, tags: { a: [1, 2] }, done: false });
    expect(got[1].new).toEqual({ id, kind, qty: 4, tags: { a: [1, 2] }, done: true });
    // REPLICA IDENTITY FULL: the update and the delete carry the whole previous row.
    expect(got[1].old).toEqual({ id, kind, qty: 3, tags: { a: [1, 2] }, done: false });
    expect(got[2].old).toEqual({ id, kind, qty: 4, tags: { a: [1, 2] }, done: true });
    expect(got[2].new).toEqual({});
    for (const p of got) {
      expect(p.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(p.commit_timestamp) - before)).toBeLessThan(10_000);
    }
  });

  it('routes each change only to the bindings whose event and filter match', async () => {
    const kind = uniq('f');
    const hits: Record<string, number[]> = {};
    const bind = (name: string) => (p: any) => void (hits[name] ??= []).push(p.new.qty);
    let ch = client(vsn).channel(uniq('filters'));
    const specs: Array<[string, string, 'INSERT' | 'UPDATE']> = [
      ['eq', 'qty=eq.2', 'INSERT'],
      ['neq', 'qty=neq.2', 'INSERT'],
      ['lt', 'qty=lt.2', 'INSERT'],
      ['lte', 'qty=lte.2', 'INSERT'],
      ['gt', 'qty=gt.2', 'INSERT'],
      ['gte', 'qty=gte.2', 'INSERT'],
      ['in', 'qty=in.(1,3)', 'INSERT'],
      ['kind', `kind=eq.${kind}`, 'INSERT'],
      ['updates', `kind=eq.${kind}`, 'UPDATE'],
    ];
    for (const [name, filter, event] of specs) {
      ch = ch.on('postgres_changes', { event, schema: 'public', table: 'rt_fx_items', filter }, bind(name));
    }
    await subscribeChanges(ch);
    // Only this test's rows count: every binding but `kind` would also see other suites' rows,
    // so the rows use qty values that identify them and the test reads hits by those values.
    await sql(`insert into rt_fx_items (kind, qty) values ($1, 1), ($1, 2), ($1, 3)`, [kind]);
    await sql(`update rt_fx_items set qty = qty + 100 where kind = $1 and qty = 3`, [kind]);
    await waitFor(() => (hits.kind?.length === 3 && hits.updates?.length === 1 ? true : undefined), 'all deliveries');
    const ours = (name: string) => (hits[name] ?? []).filter((q) => [1, 2, 3].includes(q)).sort();
    expect(ours('eq')).toEqual([2]);
    expect(ours('neq')).toEqual([1, 3]);
    expect(ours('lt')).toEqual([1]);
    expect(ours('lte')).toEqual([1, 2]);
    expect(ours('gt')).toEqual([3]);
    expect(ours('gte')).toEqual([2, 3]);
    expect(ours('in')).toEqual([1, 3]);
    expect(hits.kind!.sort()).toEqual([1, 2, 3]);
    expect(hits.updates).toEqual([103]);
  });

  it('sends a row only to subscribers whose RLS policies let them select it, without hidden columns', async () => {
    const [alice, bob] = [await mintUser(), await mintUser()];
    const seen: Record<string, any[]> = { alice: [], bob: [], service: [] };
    const listen = (name: string, c: ReturnType<typeof client>) =>
      subscribeChanges(
        c
          .channel(uniq('rls'))
          .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_fx_notes' }, (p) =>
            seen[name]!.push(p.new),
          ),
      );
    await listen('alice', client(vsn, alice));
    await listen('bob', client(vsn, bob));
    await listen('service', client(vsn, undefined, stack.serviceRoleKey));

    await sql(`insert into rt_fx_notes (owner, body, secret) values ($1, 'for alice', 's1')`, [alice.id]);
    await sql(`insert into rt_fx_notes (owner, body, secret) values ($1, 'for bob', 's2')`, [bob.id]);
    // Changes arrive in commit order: once bob has his note, alice's would have come before it.
    await waitFor(
      () =>
        seen.alice!.length >= 1 && seen.bob!.length >= 1 && seen.service!.some((n) => n.body === 'for bob')
          ? true
          : undefined,
      'deliveries',
    );
    const mine = (name: string) =>
      seen[name]!.filter((n) => n.owner === alice.id || n.owner === bob.id).map((n) => n.body);
    expect(mine('alice')).toEqual(['for alice']);
    expect(mine('bob')).toEqual(['for bob']);
    expect(mine('service')).toEqual(['for alice', 'for bob']);
    // authenticated may not select `secret`; the service role may.
    expect(Object.keys(seen.alice![0]).sort()).toEqual(['body', 'created_at', 'id', 'n', 'owner']);
    expect(seen.service!.find((n) => n.body === 'for alice').secret).toBe('s1');
  });

  it('sends deletes on an RLS table to every subscriber, with only the primary key', async () => {
    const [alice, bob] = [await mintUser(), await mintUser()];
    const [note] = await sql<{ id: string }>(`insert into rt_fx_notes (owner, body) values ($1, 'bye') returning id`, [
      alice.id,
    ]);
    const olds: Record<string, any[]> = { alice: [], bob: [] };
    for (const [name, user] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      await subscribeChanges(
        client(vsn, user)
          .channel(uniq('del'))
          .on(
            'postgres_changes',
            { event: 'DELETE', schema: 'public', table: 'rt_fx_notes', filter: `id=eq.${note!.id}` },
            (p) => olds[name]!.push(p.old),
          ),
      );
    }
    await sql('delete from rt_fx_notes where id = $1', [note!.id]);
    await waitFor(() => (olds.alice!.length && olds.bob!.length ? true : undefined), 'deletes');
    expect(olds.alice).toEqual([{ id: Number(note!.id) }]);
    expect(olds.bob).toEqual([{ id: Number(note!.id) }]);
  });

  it('replaces a record over 1 MB by an "Error 413" notice', async () => {
    const kind = uniq('big');
    const got: any[] = [];
    await subscribeChanges(
      client(vsn)
        .channel(uniq('big'))
        .on(
          'postgres_changes',
          { event: 'INSERT', schema: 'public', table: 'rt_fx_items', filter: `kind=eq.${kind}` },
          (p) => got.push(p),
        ),
    );
    await sql(`insert into rt_fx_items (kind, tags) values ($1, jsonb_build_object('blob', repeat('x', 1100000)))`, [
      kind,
    ]);
    await waitFor(() => (got.length ? true : undefined), 'the oversized change');
    expect(got[0].errors).toEqual(['Error 413: Payload Too Large']);
    expect(got[0].new).toEqual({});
  });

  it("reports a binding it cannot subscribe to with a system error in Realtime's words", async () => {
    const systems: any[] = [];
    const ch = client(vsn)
      .channel(uniq('bad'))
      .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_fx_items', filter: 'qty=foo.3' }, () => {})
      .on('system', {}, (m: any) => systems.push(m));
    await subscribe(ch);
    await waitFor(() => (systems.length ? true : undefined), 'system message');
    expect(systems[0]).toMatchObject({
      extension: 'postgres_changes',
      status: 'error',
      message: 'Error parsing `filter` params: ["foo", "3"]',
    });
  });
});

describe('replication slot', () => {
  const slots = async () =>
    (
      await sql<{ n: string }>("select count(*) as n from pg_replication_slots where slot_name like 'realtime_local_%'")
    )[0]!.n;

  it('exists only while someone listens to postgres_changes', async () => {
    const c = client('2.0.0');
    const ch = c
      .channel(uniq('slot'))
      .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_fx_items' }, () => {});
    await subscribeChanges(ch);
    expect(Number(await slots())).toBe(1);
    await c.removeChannel(ch);
    const end = Date.now() + 5000;
    while (Number(await slots()) !== 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(Number(await slots())).toBe(0);
  });
});
