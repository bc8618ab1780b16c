// postgres_changes filters beyond a single comparison, through unmodified supabase-js: several
// filters on one subscription (AND), quoted values, like/ilike/is/match/isdistinct, not., the
// subscription's column selection, and unsupported filters refused at subscribe time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { applyRealtimeFixture, client, closeClients, sql, subscribe, uniq, waitFor } from './helpers/realtime-fixture';

beforeAll(applyRealtimeFixture);
afterEach(closeClients);
afterAll(closeClients);

async function subscribeChanges(ch: RealtimeChannel): Promise<void> {
  let ready = false;
  ch.on('system', {}, (m: any) => {
    if (m.extension === 'postgres_changes' && m.status === 'ok') ready = true;
  });
  expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
  await waitFor(() => (ready ? true : undefined), 'Subscribed to PostgreSQL');
}

describe('postgres_changes filters', () => {
  it('applies every comma-separated filter of one subscription, with quoted values and the newer operators', async () => {
    const plain = uniq('multi');
    // A value with a comma and quotes must be quoted (backslash escapes) in the filter.
    const kind = `${plain}, "q"`;
    const quoted = `"${kind.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    const hits: Record<string, number[]> = {};
    const bind = (name: string) => (p: any) => void (hits[name] ??= []).push(p.new.qty);
    const specs: Array<[string, string]> = [
      ['range', `kind=eq.${quoted},qty=gte.2,qty=lte.3`],
      ['notIn', `kind=eq.${quoted},qty=not.in.(1,2)`],
      ['like', `kind=like.${plain}%,qty=eq.1`],
      ['ilike', `kind=ilike.${plain.toUpperCase()}%,qty=lt.2`],
      ['isNull', `kind=eq.${quoted},tags=is.null`],
      ['match', `kind=eq.${quoted},qty=match.^[24]$`],
      ['distinct', `kind=eq.${quoted},qty=isdistinct.2`],
    ];
    let ch = client('2.0.0').channel(uniq('filters'));
    for (const [name, filter] of specs)
      ch = ch.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_fx_items', filter }, bind(name));
    await subscribeChanges(ch);
    await sql(
      `insert into rt_fx_items (kind, qty, tags) values ($1, 1, null), ($1, 2, '{}'), ($1, 3, null), ($1, 4, null)`,
      [kind],
    );
    await waitFor(() => (hits.distinct?.length === 3 ? true : undefined), 'the deliveries');
    // The last row's delivery to `distinct` comes after every earlier row's deliveries.
    const sorted = (n: string) => (hits[n] ?? []).sort();
    expect(sorted('range')).toEqual([2, 3]);
    expect(sorted('notIn')).toEqual([3, 4]);
    expect(sorted('like')).toEqual([1]);
    expect(sorted('ilike')).toEqual([1]);
    expect(sorted('isNull')).toEqual([1, 3, 4]);
    expect(sorted('match')).toEqual([2, 4]);
    expect(sorted('distinct')).toEqual([1, 3, 4]);
  });

  it('delivers only the selected columns (and the primary key) of a subscription with select', async () => {
    const kind = uniq('sel');
    const got: any[] = [];
    const ch = client('2.0.0')
      .channel(uniq('select'))
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'rt_fx_items', filter: `kind=eq.${kind}`, select: ['qty'] } as any,
        (p) => got.push(p),
      );
    await subscribeChanges(ch);
    await sql(`insert into rt_fx_items (kind, qty, tags) values ($1, 7, '{"x":1}')`, [kind]);
    await waitFor(() => (got.length ? true : undefined), 'the insert');
    expect(Object.keys(got[0].new).sort()).toEqual(['id', 'qty']);
    expect(got[0].new.qty).toBe(7);
  });

  it('refuses an unsupported operator, a malformed in-list and an unknown column when subscribing', async () => {
    const systemFor = async (filter: string) => {
      const systems: any[] = [];
      const ch = client('2.0.0')
        .channel(uniq('bad'))
        .on('postgres_changes', { event: '*', schema: 'public', table: 'rt_fx_items', filter }, () => {})
        .on('system', {}, (m: any) => systems.push(m));
      await subscribe(ch);
      return waitFor(() => systems.find((m) => m.extension === 'postgres_changes'), 'system message');
    };
    expect(await systemFor('qty=fts.3')).toMatchObject({
      status: 'error',
      message: 'Error parsing `filter` params: ["fts", "3"]',
    });
    expect((await systemFor('qty=in.1,2')).message).toBe(
      'Error parsing `filter` params: `in` filter value must be wrapped by parentheses',
    );
    expect((await systemFor('qty=gt.1,nope=eq.2')).message).toMatch(/invalid column for filter nope$/);
  });
});
