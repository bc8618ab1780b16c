// /rest/v1/rpc and the gateway's security model: function calls (named args, whole-body
// json, overloads, result shapes, read-only GET) and per-request role/claims so that RLS
// and grants decide: anon and two users against owned rows, and every JWT failure mode.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { ensureRestFixture } from './helpers/rest-fixture';
import { anon, env, makeUser, mintJwt, raw, service, tag, type TestUser } from './helpers/rest-env';

let admin: SupabaseClient;
let alice: TestUser;
let bob: TestUser;
const T = tag('sec');
let authorId: number;

beforeAll(async () => {
  await ensureRestFixture(env.dbUrl);
  admin = await service();
  alice = await makeUser('alice');
  bob = await makeUser('bob');
  const { data } = await admin
    .from('rest_fx_authors')
    .insert({ name: `${T} author` })
    .select('id')
    .single();
  authorId = data!.id;
  await admin.from('rest_fx_books').insert([
    { title: `${T} b1`, author_id: authorId, pages: 10, is_public: true },
    { title: `${T} b2`, author_id: authorId, pages: 20, is_public: true },
  ]);
});
afterAll(async () => {
  await admin?.from('rest_fx_authors').delete().like('name', `${T}%`);
  await admin?.from('rest_fx_notes').delete().in('owner_id', [alice.id, bob.id]);
  await admin?.from('rest_fx_inbox').delete().like('message', `${T}%`);
});

describe('rpc', () => {
  it('calls with named arguments by POST and GET and returns a bare scalar', async () => {
    expect((await anon().rpc('rest_fx_add', { a: 2, b: 3 })).data).toBe(5);
    expect((await anon().rpc('rest_fx_add', { a: 2 }, { get: true })).data).toBe(2);
    const head = await anon().rpc('rest_fx_add', { a: 1 }, { head: true });
    expect(head.status).toBe(200);
    expect(head.data).toBeNull();
  });

  it('passes the whole body to a single unnamed jsonb parameter', async () => {
    const body = { deep: { list: [1, 'two', null] } };
    expect((await anon().rpc('rest_fx_echo', body)).data).toEqual(body);
  });

  it('returns a composite as an object, a TABLE/SETOF as an array with select/filter/order applied', async () => {
    const one = await anon().rpc('rest_fx_author', { author: authorId }).select('name');
    expect(one.data).toEqual({ name: `${T} author` });
    const set = await anon()
      .rpc('rest_fx_books_of', { author: authorId })
      .select('title,pages,author:rest_fx_authors!author_id(name)')
      .gt('pages', 10)
      .order('pages', { ascending: false });
    expect(set.data).toEqual([{ title: `${T} b2`, pages: 20, author: { name: `${T} author` } }]);
    const table = await anon().rpc('rest_fx_counts', { prefix: T });
    expect(table.data).toEqual([{ author: `${T} author`, books: 2 }]);
    const single = await anon().rpc('rest_fx_books_of', { author: authorId }).eq('pages', 10).single();
    expect(single.data).toMatchObject({ title: `${T} b1` });
    expect((await anon().rpc('rest_fx_series', { n: 3 })).data).toEqual([1, 2, 3]);
  });

  it('answers 204 for void', async () => {
    const r = await anon().rpc('rest_fx_noop');
    expect(r.status).toBe(204);
    expect(r.error).toBeNull();
  });

  it('resolves overloads by argument names; 300 PGRST203 when names cannot decide; 404 PGRST202 when nothing matches', async () => {
    expect((await anon().rpc('rest_fx_greet', { name: 'x' })).data).toBe('hello x');
    expect((await anon().rpc('rest_fx_greet', { first: 'a', last: 'b' })).data).toBe('hello a b');
    const amb = await anon().rpc('rest_fx_ambiguous', { x: 1 });
    expect(amb.status).toBe(300);
    expect(amb.error?.code).toBe('PGRST203');
    const none = await anon().rpc('rest_fx_greet', { nobody: 1 });
    expect(none.status).toBe(404);
    expect(none.error?.code).toBe('PGRST202');
    const missing = await anon().rpc('rest_fx_missing_fn');
    expect(missing.error?.code).toBe('PGRST202');
  });

  it('runs GET in a read-only transaction (a write answers 405 25006) and POST read-write', async () => {
    const get = await anon().rpc('rest_fx_drop_message', { msg: `${T} get` }, { get: true });
    expect(get.status).toBe(405);
    expect(get.error?.code).toBe('25006');
    const post = await anon().rpc('rest_fx_drop_message', { msg: `${T} post` });
    expect(post.status).toBe(204);
    const { count } = await admin
      .from('rest_fx_inbox')
      .select('*', { count: 'exact', head: true })
      .like('message', `${T}%`);
    expect(count).toBe(1);
  });

  it('refuses other methods with 405 PGRST101', async () => {
    const r = await raw('/rpc/rest_fx_add', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(405);
    expect(r.json.code).toBe('PGRST101');
  });

  it('maps RAISE SQLSTATE PTxyz to status xyz and P0001 to 400', async () => {
    const pay = await anon().rpc('rest_fx_fail', { kind: 'payment' });
    expect(pay.status).toBe(402);
    expect(pay.error).toMatchObject({ code: 'PT402', message: 'Payment required', details: 'upgrade', hint: 'pay' });
    const plain = await anon().rpc('rest_fx_fail', { kind: 'x' });
    expect(plain.status).toBe(400);
    expect(plain.error).toMatchObject({ code: 'P0001', message: 'failed: x' });
  });

  it('sets role, claims, method, path, headers and cookies for the transaction', async () => {
    const r = await raw('/rpc/rest_fx_whoami', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${alice.token}`,
        'Content-Type': 'application/json',
        'X-Fx-Probe': 'probe',
        Cookie: 'k=v; other=2',
      },
      body: '{}',
    });
    expect(r.json).toMatchObject({
      role: 'authenticated',
      uid: alice.id,
      method: 'POST',
      path: '/rpc/rest_fx_whoami',
      header: 'probe',
      cookies: { k: 'v', other: '2' },
    });
    expect(r.json.claims).toMatchObject({ sub: alice.id, role: 'authenticated', email: alice.email });
    const a = await anon().rpc('rest_fx_whoami', {}, { get: true });
    expect(a.data).toMatchObject({ role: 'anon', uid: null, read_only: 'on', method: 'GET' });
  });
});

describe('row level security', () => {
  let aliceNote: number;
  beforeAll(async () => {
    const a = await alice.client
      .from('rest_fx_notes')
      .insert([
        { body: `${T} alice private`, is_public: false },
        { body: `${T} alice public`, is_public: true },
      ])
      .select('id')
      .order('id');
    expect(a.error).toBeNull();
    aliceNote = a.data![0]!.id;
    await bob.client
      .from('rest_fx_notes')
      .insert({ body: `${T} bob private` })
      .throwOnError();
  });

  const bodies = async (c: SupabaseClient) =>
    ((await c.from('rest_fx_notes').select('body').like('body', `${T}%`).order('id')).data ?? []).map((n) =>
      n.body.slice(T.length + 1),
    );

  it('shows each reader only what the policies allow', async () => {
    expect(await bodies(anon())).toEqual(['alice public']);
    expect(await bodies(alice.client)).toEqual(['alice private', 'alice public']);
    expect(await bodies(bob.client)).toEqual(['alice public', 'bob private']);
    expect(await bodies(admin)).toEqual(['alice private', 'alice public', 'bob private']);
  });

  it('refuses anon inserts with 401 and another owner with 403 42501', async () => {
    const a = await anon()
      .from('rest_fx_notes')
      .insert({ body: `${T} anon`, owner_id: alice.id });
    expect(a.status).toBe(401);
    expect(a.error?.code).toBe('42501');
    const b = await bob.client.from('rest_fx_notes').insert({ body: `${T} forged`, owner_id: alice.id });
    expect(b.status).toBe(403);
    expect(b.error?.message).toBe('new row violates row-level security policy for table "rest_fx_notes"');
    expect(await bodies(admin)).toEqual(['alice private', 'alice public', 'bob private']);
  });

  it("updates and deletes of another user's rows touch nothing", async () => {
    const u = await bob.client
      .from('rest_fx_notes')
      .update({ body: `${T} hacked` })
      .eq('id', aliceNote)
      .select();
    expect(u.data).toEqual([]);
    const d = await bob.client.from('rest_fx_notes').delete().eq('id', aliceNote);
    expect(d.status).toBe(204);
    const own = await alice.client
      .from('rest_fx_notes')
      .update({ body: `${T} alice edited` })
      .eq('id', aliceNote)
      .select('body');
    expect(own.data).toEqual([{ body: `${T} alice edited` }]);
    expect(await bodies(admin)).toEqual(['alice edited', 'alice public', 'bob private']);
  });

  it('applies RLS inside embeds: private books are absent from an embedded list', async () => {
    const { data } = await bob.client
      .from('rest_fx_books')
      .insert({ title: `${T} bob secret`, author_id: authorId, is_public: false })
      .select('id')
      .single();
    const asAnon = await anon()
      .from('rest_fx_authors')
      .select('rest_fx_books!author_id(title)')
      .eq('id', authorId)
      .single();
    expect(asAnon.data?.rest_fx_books).toHaveLength(2);
    const asBob = await bob.client
      .from('rest_fx_authors')
      .select('rest_fx_books!author_id(title)')
      .eq('id', authorId)
      .single();
    expect(asBob.data?.rest_fx_books).toHaveLength(3);
    await admin.from('rest_fx_books').delete().eq('id', data!.id);
  });
});

describe('JWT handling', () => {
  const call = (auth: Record<string, string>) => raw('/rest_fx_authors?select=id&limit=1', { headers: auth });

  it('uses the apikey JWT when there is no Authorization header', async () => {
    const r = await raw('/rpc/rest_fx_whoami', { headers: { apikey: await mintJwt({ role: 'service_role' }) } });
    expect(r.json.role).toBe('service_role');
  });

  it('answers 401 PGRST301 for a bad signature or a malformed token', async () => {
    const forged = (await mintJwt({ role: 'service_role' })).slice(0, -4) + 'AAAA';
    for (const token of [forged, 'not-a-jwt', 'a.b.c']) {
      const r = await call({ Authorization: `Bearer ${token}` });
      expect(r.status).toBe(401);
      expect(r.json.code).toBe('PGRST301');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it('answers 401 PGRST303 for an expired token, allowing 30 s of clock skew', async () => {
    const expired = await mintJwt({ role: 'authenticated', sub: alice.id }, -120);
    const r = await call({ Authorization: `Bearer ${expired}` });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
    const skewed = await mintJwt({ role: 'authenticated', sub: alice.id }, -10);
    expect((await call({ Authorization: `Bearer ${skewed}` })).status).toBe(200);
  });

  it('answers 401 for a role that does not exist and 403 for a role the gateway may not assume', async () => {
    const ghost = await call({ Authorization: `Bearer ${await mintJwt({ role: 'ghost_role' })}` });
    expect(ghost.status).toBe(401);
    expect(ghost.json).toMatchObject({ code: '22023', message: 'role "ghost_role" does not exist' });
    const su = await call({ Authorization: `Bearer ${await mintJwt({ role: 'postgres' })}` });
    expect(su.status).toBe(403);
    expect(su.json.code).toBe('42501');
  });
});

describe('schema cache', () => {
  it("picks up a new table after NOTIFY pgrst, 'reload schema' and forgets it after a drop", async () => {
    const name = `rest_fx_tmp_${T.replace(/\W/g, '_')}`;
    const db = new pg.Client({ connectionString: env.dbUrl });
    await db.connect();
    // Until the reload lands the old cache answers (a dropped table gives 42P01), so wait for the new answer.
    const waitFor = async (status: number, code?: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const r = await raw(`/${name}?select=id`);
        if (r.status === status && (code === undefined || r.json?.code === code)) return r;
        if (Date.now() > deadline) throw new Error(`still ${r.status}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    };
    try {
      expect((await raw(`/${name}`)).json.code).toBe('PGRST205');
      await db.query(
        `create table public.${name} (id int primary key); insert into public.${name} values (7); grant select on public.${name} to anon`,
      );
      await db.query(`notify pgrst, 'reload schema'`);
      expect((await waitFor(200)).json).toEqual([{ id: 7 }]);
      await db.query(`drop table public.${name}`);
      await db.query(`notify pgrst, 'reload schema'`);
      expect((await waitFor(404, 'PGRST205')).json.message).toBe(
        `Could not find the table 'public.${name}' in the schema cache`,
      );
    } finally {
      await db.query(`drop table if exists public.${name}`);
      await db.end();
    }
  });
});
