// /rest/v1 behaviours where the gateway used to answer differently from PostgREST 12–14:
// upserts of only the conflict column, Prefer tx/count/max-affected on /rpc and db-tx-end,
// empty and duplicate embeds, overloads made ambiguous by defaults, CSV as PostgREST renders
// it, schema reloads from DDL event triggers, and pgrst.* settings on the authenticator role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { anon, raw, service, serviceToken, tag } from './helpers/rest-env';
import { ensureFidelityFixture, setPgrst, sql, until } from './helpers/rest-fidelity-fixture';

let admin: SupabaseClient;
let svc: string;
const T = tag('fd');
const json = (extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${svc}`,
  'Content-Type': 'application/json',
  ...extra,
});

beforeAll(async () => {
  await ensureFidelityFixture();
  admin = await service();
  svc = await serviceToken();
});
afterAll(async () => {
  await admin?.from('rest_fd_items').delete().like('code', `${T}%`);
  await admin?.from('rest_fx_authors').delete().like('name', `${T}%`);
});

const codes = async (prefix: string) =>
  ((await admin.from('rest_fd_items').select('code').like('code', `${prefix}%`).order('id')).data ?? []).map(
    (r) => r.code,
  );

describe('upsert', () => {
  it('an upsert whose payload holds only the conflict column updates and returns the existing row', async () => {
    const code = `${T}-only-key`;
    const first = await admin.from('rest_fd_items').insert({ code, note: 'kept' }).select('id,code,note').single();
    const up = await admin.from('rest_fd_items').upsert({ code }, { onConflict: 'code' }).select('id,code,note');
    expect(up.error).toBeNull();
    expect(up.data).toEqual([{ id: first.data!.id, code, note: 'kept' }]);
  });
});

describe('transaction end (db-tx-end) and Prefer: tx', () => {
  it('by default (db-tx-end=commit) ignores tx=rollback on tables and on /rpc: the write stays', async () => {
    const t = await raw('/rest_fd_items', {
      method: 'POST',
      headers: json({ Prefer: 'tx=rollback' }),
      body: JSON.stringify({ code: `${T}-kept-table` }),
    });
    expect(t.status).toBe(201);
    expect(t.headers.get('preference-applied') ?? '').not.toContain('tx=');
    const r = await raw('/rpc/rest_fd_add_items', {
      method: 'POST',
      headers: json({ Prefer: 'tx=rollback' }),
      body: JSON.stringify({ prefix: `${T}-kept-rpc`, n: 2 }),
    });
    expect(r.status).toBe(200);
    expect(await codes(`${T}-kept`)).toEqual([`${T}-kept-table`, `${T}-kept-rpc-1`, `${T}-kept-rpc-2`]);
  });

  it('with pgrst.db_tx_end = commit-allow-override, tx=rollback undoes table writes and /rpc writes but answers', async () => {
    const probe = async () =>
      (await raw('/rpc/rest_fd_codes?prefix=none', { headers: { Prefer: 'tx=rollback' } })).headers.get(
        'preference-applied',
      ) === 'tx=rollback';
    await setPgrst('db_tx_end', 'commit-allow-override', probe);
    try {
      const t = await raw('/rest_fd_items?select=code', {
        method: 'POST',
        headers: json({ Prefer: 'return=representation, tx=rollback' }),
        body: JSON.stringify({ code: `${T}-ghost-table` }),
      });
      expect(t.status).toBe(201);
      expect(t.json).toEqual([{ code: `${T}-ghost-table` }]);
      expect(t.headers.get('preference-applied')).toContain('tx=rollback');
      const r = await admin.rpc('rest_fd_add_items', { prefix: `${T}-ghost-rpc`, n: 2 }).select('code');
      expect(r.data).toHaveLength(2);
      const rolled = await raw('/rpc/rest_fd_add_items?select=code', {
        method: 'POST',
        headers: json({ Prefer: 'tx=rollback' }),
        body: JSON.stringify({ prefix: `${T}-ghost-rb`, n: 2 }),
      });
      expect(rolled.json).toEqual([{ code: `${T}-ghost-rb-1` }, { code: `${T}-ghost-rb-2` }]);
      expect(rolled.headers.get('preference-applied')).toContain('tx=rollback');
      expect(await codes(`${T}-ghost`)).toEqual([`${T}-ghost-rpc-1`, `${T}-ghost-rpc-2`]);
    } finally {
      await setPgrst('db_tx_end', null, async () => !(await probe()));
    }
  });
});

describe('/rpc Prefer count and max-affected', () => {
  it('counts the rows of a set-returning function with count=exact (Content-Range total, 206 for a page)', async () => {
    await admin.rpc('rest_fd_add_items', { prefix: `${T}-count`, n: 3 });
    const r = await anon()
      .rpc('rest_fd_items_like', { prefix: `${T}-count` }, { count: 'exact' })
      .range(0, 0);
    expect(r.status).toBe(206);
    expect(r.count).toBe(3);
    expect(r.data).toHaveLength(1);
    const scalars = await raw(`/rpc/rest_fd_codes?prefix=${T}-count&limit=2`, { headers: { Prefer: 'count=exact' } });
    expect(scalars.status).toBe(206);
    expect(scalars.headers.get('content-range')).toBe('0-1/3');
  });

  it('refuses a call returning more rows than max-affected with handling=strict (400 PGRST124) and keeps nothing', async () => {
    const r = await raw('/rpc/rest_fd_add_items', {
      method: 'POST',
      headers: json({ Prefer: 'handling=strict, max-affected=2' }),
      body: JSON.stringify({ prefix: `${T}-max`, n: 3 }),
    });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      code: 'PGRST124',
      message: 'Query result exceeds max-affected preference constraint',
      details: 'The query affects 3 rows',
    });
    expect(await codes(`${T}-max`)).toEqual([]);
    const ok = await raw('/rpc/rest_fd_add_items', {
      method: 'POST',
      headers: json({ Prefer: 'handling=strict, max-affected=2' }),
      body: JSON.stringify({ prefix: `${T}-max`, n: 2 }),
    });
    expect(ok.status).toBe(200);
    expect(await codes(`${T}-max`)).toEqual([`${T}-max-1`, `${T}-max-2`]);
  });
});

describe('embeds', () => {
  let authorWith: number;
  beforeAll(async () => {
    const a = await admin
      .from('rest_fx_authors')
      .insert([{ name: `${T} with` }, { name: `${T} without` }])
      .select('id,name')
      .order('id');
    authorWith = a.data![0]!.id;
    await admin.from('rest_fx_books').insert({ title: `${T} book`, author_id: authorWith, is_public: true });
  });

  it('an empty embed rel() filters (with !inner) but adds no key to the rows', async () => {
    const r = await anon()
      .from('rest_fx_authors')
      .select('name, rest_fx_books!rest_fx_books_author_fk!inner()')
      .like('name', `${T}%`);
    expect(r.error).toBeNull();
    expect(r.data).toEqual([{ name: `${T} with` }]);
  });

  it('refuses the same embed alias twice with 42712', async () => {
    const r = await raw(
      `/rest_fx_authors?select=name,b:rest_fx_books!rest_fx_books_author_fk(title),b:rest_fx_books!rest_fx_books_editor_fk(title)`,
    );
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      code: '42712',
      message: 'table name "rest_fx_authors_b_1" specified more than once',
    });
  });
});

describe('more grammar', () => {
  it('spreads a to-many embed into arrays of values (PostgREST 13)', async () => {
    const r = await anon()
      .from('rest_fx_authors')
      .select('name, ...rest_fx_books!rest_fx_books_author_fk(titles:title)')
      .like('name', `${T}%`)
      .order('name');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([
      { name: `${T} with`, titles: [`${T} book`] },
      { name: `${T} without`, titles: [] },
    ]);
  });

  it('PATCH with columns= sets listed columns the body lacks to NULL, or to their DEFAULT with missing=default', async () => {
    const code = `${T}-patch-default`;
    await admin.from('rest_fd_items').insert({ code, note: 'old', made_at: '2000-01-01T00:00:00Z' });
    const path = `/rest_fd_items?code=eq.${code}&columns=note,made_at&select=note,made_at`;
    const nulls = await raw(path, {
      method: 'PATCH',
      headers: json({ Prefer: 'return=representation' }),
      body: JSON.stringify({ note: 'new' }),
    });
    expect(nulls.status).toBe(400);
    expect(nulls.json.code).toBe('23502');
    const defaults = await raw(path, {
      method: 'PATCH',
      headers: json({ Prefer: 'return=representation, missing=default' }),
      body: JSON.stringify({ note: 'new' }),
    });
    expect(defaults.status).toBe(200);
    expect(defaults.json[0].note).toBe('new');
    expect(Date.parse(defaults.json[0].made_at)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(defaults.headers.get('preference-applied')).toContain('missing=default');
  });

  it('leaves out null-valued keys with nulls=stripped', async () => {
    await admin.from('rest_fd_items').insert({ code: `${T}-nulls`, note: null, data: { a: null, b: 1 } });
    const r = await anon().from('rest_fd_items').select('code,note,data').eq('code', `${T}-nulls`).stripNulls();
    expect(r.data).toEqual([{ code: `${T}-nulls`, data: { b: 1 } }]);
    const one = await anon().from('rest_fd_items').select('code,note').eq('code', `${T}-nulls`).single().stripNulls();
    expect(one.data).toEqual({ code: `${T}-nulls` });
  });

  it("answers count=planned with the planner's estimate and count=estimated exactly below max-rows", async () => {
    await admin.rpc('rest_fd_add_items', { prefix: `${T}-plan`, n: 3 });
    await sql('analyze public.rest_fd_items');
    const [plan] = await sql<{ 'QUERY PLAN': any }>(
      `explain (format json) select 1 from public.rest_fd_items where code like $1`,
      [`${T}-plan%`],
    );
    const estimate = plan!['QUERY PLAN'][0].Plan['Plan Rows'];
    const planned = await anon()
      .from('rest_fd_items')
      .select('code', { count: 'planned' })
      .like('code', `${T}-plan%`)
      .limit(1);
    expect(planned.count).toBe(estimate);
    const estimated = await anon()
      .from('rest_fd_items')
      .select('code', { count: 'estimated' })
      .like('code', `${T}-plan%`)
      .limit(1);
    expect(estimated.count).toBe(3);
    expect(estimated.status).toBe(206);
  });

  it('answers .explain() only when pgrst.db_plan_enabled is on', async () => {
    const off = await anon().from('rest_fd_items').select('code').limit(1).explain({ format: 'json' });
    expect(off.status).toBe(406);
    const probe = async () =>
      (await raw('/rest_fd_items?limit=1', { headers: { Accept: 'application/vnd.pgrst.plan+json' } })).status === 200;
    await setPgrst('db_plan_enabled', 'true', probe);
    try {
      const json = await anon().from('rest_fd_items').select('code').eq('code', 'x').explain({ format: 'json' });
      expect(json.error).toBeNull();
      expect((json.data as any)[0].Plan['Node Type']).toBeTruthy();
      const text = await anon().from('rest_fd_items').select('code').eq('code', 'x').explain();
      expect(String(text.data)).toMatch(/rest_fd_items/);
    } finally {
      await setPgrst('db_plan_enabled', null, async () => !(await probe()));
    }
  });
});

describe('functions', () => {
  it('answers 300 PGRST203 when a default argument makes two overloads match', async () => {
    const r = await anon().rpc('rest_fd_pick', { a: 1 });
    expect(r.status).toBe(300);
    expect(r.error).toMatchObject({
      code: 'PGRST203',
      message:
        'Could not choose the best candidate function between: public.rest_fd_pick(a => integer), public.rest_fd_pick(a => integer, b => integer)',
    });
    expect((await anon().rpc('rest_fd_pick', { a: 1, b: 2 })).data).toBe('two');
    const none = await anon().rpc('rest_fd_pick', { z: 1, b: 2 });
    expect(none.status).toBe(404);
    expect(none.error).toMatchObject({
      code: 'PGRST202',
      message: 'Could not find the function public.rest_fd_pick(b, z) in the schema cache',
      details:
        'Searched for the function public.rest_fd_pick with parameters b, z or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
    });
  });
});

describe('error texts', () => {
  it('suggests the closest table, function or relationship as PostgREST does', async () => {
    const table = await raw('/rest_fd_itemz');
    expect(table.status).toBe(404);
    expect(table.json).toEqual({
      code: 'PGRST205',
      message: "Could not find the table 'public.rest_fd_itemz' in the schema cache",
      details: null,
      hint: "Perhaps you meant the table 'public.rest_fd_items'",
    });
    const fn = await anon().rpc('rest_fd_add_itemz', { prefix: 'x', n: 1 });
    expect(fn.error?.hint).toBe('Perhaps you meant to call the function public.rest_fd_add_items');
    const rel = await anon().from('rest_fx_authors').select('name, rest_fx_bookz(title)');
    expect(rel.error).toMatchObject({
      code: 'PGRST200',
      message: "Could not find a relationship between 'rest_fx_authors' and 'rest_fx_bookz' in the schema cache",
      hint: "Perhaps you meant 'rest_fx_books' instead of 'rest_fx_bookz'.",
    });
  });
});

describe('CSV', () => {
  it('renders values as PostgREST does: quoted when they hold spaces, commas or quotes, jsonb as text, NULL empty', async () => {
    await admin.from('rest_fd_items').insert([
      { code: `${T}-csv-1`, note: 'he said "hi", twice', data: { a: [1, 2], b: 'x y' } },
      { code: `${T}-csv-2`, note: null, data: null },
      { code: `${T}-csv-3`, note: '', data: 'plain' },
    ]);
    const { data } = await anon()
      .from('rest_fd_items')
      .select('code,note,data')
      .like('code', `${T}-csv-%`)
      .order('id')
      .csv();
    expect(data).toBe(
      [
        'code,note,data',
        `${T}-csv-1,"he said ""hi"", twice","{""a"": [1, 2], ""b"": ""x y""}"`,
        `${T}-csv-2,,`,
        `${T}-csv-3,"","""plain"""`,
      ].join('\n'),
    );
    const none = await anon().from('rest_fd_items').select('code').eq('code', 'nothing').csv();
    expect(none.data).toBe('\n');
  });
});

describe('schema cache', () => {
  it('serves a table created with SQL at runtime without a manual NOTIFY (pgrst_ddl_watch), and forgets it when dropped (pgrst_drop_watch)', async () => {
    const name = `rest_fd_runtime_${T.replace(/-/g, '_')}`;
    await sql(`create table public.${name} (id int primary key, label text)`);
    await sql(`insert into public.${name} values (1, 'made at runtime')`);
    try {
      const got = await until('the runtime table', async () => {
        const r = await raw(`/${name}?select=label`, { headers: { Authorization: `Bearer ${svc}` } });
        return r.status === 200 ? r.json : undefined;
      });
      expect(got).toEqual([{ label: 'made at runtime' }]);
    } finally {
      await sql(`drop table public.${name}`);
    }
    const gone = await until('the dropped table to disappear', async () => {
      const r = await raw(`/${name}`);
      return r.json?.code === 'PGRST205' ? r.json : undefined;
    });
    expect(gone.message).toBe(`Could not find the table 'public.${name}' in the schema cache`);
    const triggers = await sql<{ evtname: string }>(
      `select evtname from pg_event_trigger where evtname in ('pgrst_ddl_watch', 'pgrst_drop_watch') order by 1`,
    );
    expect(triggers.map((t) => t.evtname)).toEqual(['pgrst_ddl_watch', 'pgrst_drop_watch']);
  });
});

describe('pgrst.* settings on the authenticator', () => {
  it('pgrst.db_max_rows caps every read', async () => {
    await admin.rpc('rest_fd_add_items', { prefix: `${T}-cap`, n: 3 });
    const count = async () =>
      (await anon().from('rest_fd_items').select('code').like('code', `${T}-cap%`)).data?.length;
    await setPgrst('db_max_rows', '2', async () => (await count()) === 2);
    try {
      expect(await count()).toBe(2);
    } finally {
      await setPgrst('db_max_rows', null, async () => (await count()) === 3);
    }
  });

  it('pgrst.db_schemas exposes another schema to Accept-Profile', async () => {
    await admin.from('rest_fd_items').insert({ code: `${T}-schema` });
    const read = () => raw(`/codes?code=eq.${T}-schema`, { headers: { 'Accept-Profile': 'rest_fd_api' } });
    const before = await read();
    expect(before.status).toBe(406);
    expect(before.json).toMatchObject({
      code: 'PGRST106',
      message: 'The schema must be one of the following: public, graphql_public',
    });
    await setPgrst('db_schemas', 'public, graphql_public, rest_fd_api', async () => (await read()).status === 200);
    try {
      expect((await read()).json).toEqual([{ code: `${T}-schema` }]);
    } finally {
      await setPgrst('db_schemas', null, async () => (await read()).status === 406);
    }
  });
});
