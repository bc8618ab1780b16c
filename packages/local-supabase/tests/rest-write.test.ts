// /rest/v1 writes through supabase-js and raw fetch: insert (single, bulk, columns=,
// missing=default), upsert (on_conflict, merge/ignore duplicates), update, delete, the
// Prefer values (return, count, tx, handling/max-affected), .single() on writes and the
// statuses and headers PostgREST answers with.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { ensureRestFixture } from './helpers/rest-fixture';
import { anon, env, raw, service, serviceToken, tag } from './helpers/rest-env';

let admin: SupabaseClient;
let svc: string;
const T = tag('write');
const mine = `${T}%`;
const json = (token: string, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
  ...extra,
});

beforeAll(async () => {
  await ensureRestFixture(env.dbUrl);
  admin = await service();
  svc = await serviceToken();
});
afterAll(async () => {
  await admin?.from('rest_fx_authors').delete().like('name', mine);
  await admin?.from('rest_fx_tags').delete().like('name', mine);
  await admin?.from('rest_fx_inbox').delete().like('message', mine);
});

const names = async () =>
  (await admin.from('rest_fx_authors').select('name').like('name', mine).order('name')).data!.map((a) =>
    a.name.slice(T.length + 1),
  );

describe('insert', () => {
  it('inserts one row: 201, no body by default, the row with return=representation', async () => {
    const r = await admin.from('rest_fx_authors').insert({ name: `${T} one` });
    expect(r.status).toBe(201);
    expect(r.data).toBeNull();
    const rep = await admin
      .from('rest_fx_authors')
      .insert({ name: `${T} two`, tags: ['a'] })
      .select('name,tags,bio');
    expect(rep.status).toBe(201);
    expect(rep.data).toEqual([{ name: `${T} two`, tags: ['a'], bio: null }]);
    const single = await admin
      .from('rest_fx_authors')
      .insert({ name: `${T} three` })
      .select('name')
      .single();
    expect(single.data).toEqual({ name: `${T} three` });
  });

  it('bulk inserts with columns= (missing keys NULL) or missing=default (missing keys take defaults)', async () => {
    const r = await admin
      .from('rest_fx_tags')
      .insert([{ name: `${T} t1` }, { name: `${T} t2` }])
      .select('name');
    expect(r.data?.map((t) => t.name)).toEqual([`${T} t1`, `${T} t2`]);
    const nul = await admin
      .from('rest_fx_authors')
      .insert([{ name: `${T} n1`, born: '2000-01-01' }, { name: `${T} n2` }])
      .select('name,born');
    expect(nul.data).toEqual([
      { name: `${T} n1`, born: '2000-01-01' },
      { name: `${T} n2`, born: null },
    ]);
    const def = await admin
      .from('rest_fx_authors')
      .insert([{ name: `${T} d1`, tags: ['x'] }, { name: `${T} d2` }], { defaultToNull: false })
      .select('name,tags');
    expect(def.data).toEqual([
      { name: `${T} d1`, tags: ['x'] },
      { name: `${T} d2`, tags: [] },
    ]);
  });

  it('answers 400 PGRST204 for an unknown column and PGRST102 for keys that differ', async () => {
    const unknown = await admin.from('rest_fx_authors').insert({ name: `${T} x`, nope: 1 } as any);
    expect(unknown.status).toBe(400);
    expect(unknown.error?.code).toBe('PGRST204');
    const cols = await raw('/rest_fx_authors?columns=name,nope', {
      method: 'POST',
      headers: json(svc),
      body: JSON.stringify([{ name: `${T} y` }]),
    });
    expect(cols.json.code).toBe('PGRST204');
    const differ = await raw('/rest_fx_authors', {
      method: 'POST',
      headers: json(svc),
      body: JSON.stringify([{ name: `${T} a` }, { name: `${T} b`, born: null }]),
    });
    expect(differ.status).toBe(400);
    expect(differ.json.code).toBe('PGRST102');
    expect(await names()).not.toContain('x');
  });

  it('answers headers-only with a Location and Content-Range */n with count=exact', async () => {
    const r = await raw('/rest_fx_authors', {
      method: 'POST',
      headers: json(svc, { Prefer: 'return=headers-only,count=exact' }),
      body: JSON.stringify({ name: `${T} located` }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toMatch(/^\/rest_fx_authors\?id=eq\.\d+$/);
    expect(r.headers.get('content-range')).toBe('*/1');
    const { count } = await admin
      .from('rest_fx_tags')
      .insert([{ name: `${T} c1` }, { name: `${T} c2` }], { count: 'exact' });
    expect(count).toBe(2);
  });

  it('reports a unique violation as 409 23505 and a bad foreign key as 409 23503', async () => {
    await admin.from('rest_fx_tags').insert({ name: `${T} dup` });
    const dup = await admin.from('rest_fx_tags').insert({ name: `${T} dup` });
    expect(dup.status).toBe(409);
    expect(dup.error?.code).toBe('23505');
    const fk = await admin.from('rest_fx_books').insert({ title: `${T} orphan`, author_id: -1 });
    expect(fk.status).toBe(409);
    expect(fk.error?.code).toBe('23503');
  });

  it('lets an insert-only policy insert with return=minimal', async () => {
    const r = await anon()
      .from('rest_fx_inbox')
      .insert({ message: `${T} hello` });
    expect(r.status).toBe(201);
    const read = await anon().from('rest_fx_inbox').select('*').like('message', mine);
    expect(read.data).toEqual([]);
    const { count } = await admin
      .from('rest_fx_inbox')
      .select('*', { count: 'exact', head: true })
      .like('message', mine);
    expect(count).toBe(1);
  });
});

describe('upsert', () => {
  it('merges duplicates on the primary key (201 when inserting, 200 when only updating)', async () => {
    const { data } = await admin
      .from('rest_fx_authors')
      .insert({ name: `${T} up` })
      .select('id')
      .single();
    const id = data!.id;
    const upd = await admin
      .from('rest_fx_authors')
      .upsert({ id, name: `${T} up2` })
      .select('name');
    expect(upd.status).toBe(200);
    expect(upd.data).toEqual([{ name: `${T} up2` }]);
    const ins = await admin
      .from('rest_fx_authors')
      .upsert({ name: `${T} up3` }, { onConflict: 'name', ignoreDuplicates: false })
      .select('name');
    expect(ins.error?.code).toBe('42P10'); // no unique constraint on name: Postgres refuses the conflict target
    const tagUp = await admin
      .from('rest_fx_tags')
      .upsert([{ name: `${T} u1` }, { name: `${T} u2` }], { onConflict: 'name' })
      .select('name');
    expect(tagUp.status).toBe(201);
  });

  it('ignores duplicates with resolution=ignore-duplicates', async () => {
    await admin.from('rest_fx_tags').insert({ name: `${T} keep` });
    const r = await admin
      .from('rest_fx_tags')
      .upsert([{ name: `${T} keep` }, { name: `${T} new` }], { onConflict: 'name', ignoreDuplicates: true })
      .select('name');
    expect(r.data).toEqual([{ name: `${T} new` }]);
  });
});

describe('update and delete', () => {
  it('updates filtered rows: 204 by default, 200 with the rows on representation, count in Content-Range', async () => {
    await admin.from('rest_fx_authors').insert([{ name: `${T} u-a` }, { name: `${T} u-b` }]);
    const r = await admin.from('rest_fx_authors').update({ born: '1999-09-09' }).like('name', `${T} u-%`);
    expect(r.status).toBe(204);
    const rep = await admin
      .from('rest_fx_authors')
      .update({ bio: { x: 1 } }, { count: 'exact' })
      .like('name', `${T} u-%`)
      .select('name,born,bio')
      .order('name');
    expect(rep.status).toBe(200);
    expect(rep.count).toBe(2);
    expect(rep.data).toEqual([
      { name: `${T} u-a`, born: '1999-09-09', bio: { x: 1 } },
      { name: `${T} u-b`, born: '1999-09-09', bio: { x: 1 } },
    ]);
  });

  it('refuses an unfiltered update or delete with 400 21000', async () => {
    const u = await raw('/rest_fx_authors', { method: 'PATCH', headers: json(svc), body: '{"bio":null}' });
    expect(u.status).toBe(400);
    expect(u.json).toEqual({ code: '21000', message: 'UPDATE requires a WHERE clause', details: null, hint: null });
    const d = await raw('/rest_fx_tags', { method: 'DELETE', headers: json(svc) });
    expect(d.status).toBe(400);
    expect(d.json.message).toBe('DELETE requires a WHERE clause');
    expect(
      (await admin.from('rest_fx_tags').select('*', { count: 'exact', head: true }).like('name', mine)).count,
    ).toBeGreaterThan(0);
  });

  it('deletes filtered rows and returns them on representation', async () => {
    await admin.from('rest_fx_tags').insert([{ name: `${T} del1` }, { name: `${T} del2` }]);
    const r = await admin.from('rest_fx_tags').delete().like('name', `${T} del%`).select('name').order('name');
    expect(r.status).toBe(200);
    expect(r.data).toEqual([{ name: `${T} del1` }, { name: `${T} del2` }]);
    const gone = await admin.from('rest_fx_tags').delete().like('name', `${T} del%`);
    expect(gone.status).toBe(204);
  });

  it('rolls back a write whose .single() check fails (406 PGRST116)', async () => {
    await admin.from('rest_fx_authors').insert([{ name: `${T} s-a` }, { name: `${T} s-b` }]);
    const r = await admin
      .from('rest_fx_authors')
      .update({ born: '2001-01-01' })
      .like('name', `${T} s-%`)
      .select()
      .single();
    expect(r.status).toBe(406);
    expect(r.error?.code).toBe('PGRST116');
    const after = await admin.from('rest_fx_authors').select('born').like('name', `${T} s-%`);
    expect(after.data).toEqual([{ born: null }, { born: null }]);
  });

  it("ignores Prefer tx=rollback under Supabase's default db-tx-end=commit (the row is kept)", async () => {
    const r = await raw(`/rest_fx_tags?select=name`, {
      method: 'POST',
      headers: json(svc, { Prefer: 'return=representation, tx=rollback' }),
      body: JSON.stringify({ name: `${T} ghost` }),
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual([{ name: `${T} ghost` }]);
    expect(r.headers.get('preference-applied') ?? '').not.toContain('tx=');
    const { count } = await admin
      .from('rest_fx_tags')
      .select('*', { count: 'exact', head: true })
      .eq('name', `${T} ghost`);
    expect(count).toBe(1);
  });

  it('refuses more affected rows than max-affected with handling=strict (400 PGRST124), changing nothing', async () => {
    await admin.from('rest_fx_authors').insert([{ name: `${T} m-a` }, { name: `${T} m-b` }]);
    const r = await raw(`/rest_fx_authors?name=like.${encodeURIComponent(T)}%20m-*`, {
      method: 'PATCH',
      headers: json(svc, { Prefer: 'handling=strict,max-affected=1' }),
      body: '{"born":"2010-10-10"}',
    });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('PGRST124');
    const after = await admin.from('rest_fx_authors').select('born').like('name', `${T} m-%`);
    expect(after.data).toEqual([{ born: null }, { born: null }]);
    const ok = await raw(`/rest_fx_authors?name=eq.${encodeURIComponent(T)}%20m-a`, {
      method: 'PATCH',
      headers: json(svc, { Prefer: 'handling=strict, max-affected=1' }),
      body: '{"born":"2010-10-10"}',
    });
    expect(ok.status).toBe(204);
  });
});
