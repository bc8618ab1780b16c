// /rest/v1 reads through unmodified supabase-js (raw fetch where it has no API): the select
// grammar, embeds over foreign keys, every filter operator, logic trees, order, paging,
// counts, Accept types and schema profiles, against the rest_fx_ fixture.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { ensureRestFixture } from './helpers/rest-fixture';
import { anon, env, raw, service, tag } from './helpers/rest-env';

let admin: SupabaseClient;
const T = tag('read');
const ids: Record<string, number> = {};

beforeAll(async () => {
  await ensureRestFixture(env.dbUrl);
  admin = await service();
  const { data: pubs } = await admin
    .from('rest_fx_publishers')
    .insert([{ name: `${T} press` }])
    .select('id')
    .throwOnError();
  ids.pub = pubs![0]!.id;
  const { data: authors } = await admin
    .from('rest_fx_authors')
    .insert([
      {
        name: `${T} Ann`,
        tags: ['poetry', 'prose'],
        bio: { city: { name: 'Oslo' }, langs: ['no', 'en'] },
        born: '1970-01-02',
        'Weird Name': 'odd',
      },
      { name: `${T} Bob`, tags: ['prose'], bio: { city: { name: 'Rome' } }, born: null },
      { name: `${T} Cy, Jr.`, tags: [], bio: null, born: '1990-05-06' },
    ])
    .select('id,name')
    .throwOnError();
  [ids.ann, ids.bob, ids.cy] = authors!.map((a) => a.id as number) as [number, number, number];
  await admin.from('rest_fx_author_profiles').insert({ author_id: ids.ann, website: 'ann.example' }).throwOnError();
  const { data: books } = await admin
    .from('rest_fx_books')
    .insert([
      {
        title: `${T} Winter poems`,
        author_id: ids.ann,
        editor_id: ids.bob,
        publisher_id: ids.pub,
        pages: 120,
        price: 10.5,
        status: 'published',
        meta: { isbn: 'A1', dims: { h: 20 } },
        during: '[1,10)',
        is_public: true,
      },
      {
        title: `${T} Summer prose`,
        author_id: ids.ann,
        editor_id: null,
        publisher_id: null,
        pages: 300,
        price: 20,
        status: 'draft',
        meta: { isbn: 'A2' },
        during: '[20,30)',
        is_public: true,
      },
      {
        title: `${T} Roman roads`,
        author_id: ids.bob,
        editor_id: ids.ann,
        publisher_id: ids.pub,
        pages: null,
        price: 15,
        status: 'published',
        meta: {},
        during: '[10,20)',
        is_public: true,
      },
      {
        title: `${T} Hidden draft`,
        author_id: ids.bob,
        editor_id: null,
        publisher_id: null,
        pages: 50,
        price: 1,
        status: 'draft',
        is_public: false,
        meta: {},
        during: null,
      },
    ])
    .select('id')
    .throwOnError();
  [ids.winter, ids.summer, ids.roman, ids.hidden] = books!.map((b) => b.id as number) as [
    number,
    number,
    number,
    number,
  ];
  const { data: tags } = await admin
    .from('rest_fx_tags')
    .insert([{ name: `${T} cold` }, { name: `${T} warm` }])
    .select('id')
    .throwOnError();
  [ids.cold, ids.warm] = tags!.map((t) => t.id as number) as [number, number];
  await admin
    .from('rest_fx_book_tags')
    .insert([
      { book_id: ids.winter, tag_id: ids.cold },
      { book_id: ids.summer, tag_id: ids.warm },
      { book_id: ids.roman, tag_id: ids.warm },
    ])
    .throwOnError();
});

afterAll(async () => {
  await admin?.from('rest_fx_authors').delete().like('name', `${T}%`);
  await admin?.from('rest_fx_publishers').delete().like('name', `${T}%`);
  await admin?.from('rest_fx_tags').delete().like('name', `${T}%`);
});

const A = () => anon();
const mine = `${T}%`;

describe('select grammar', () => {
  it('returns all columns for * and only the named ones otherwise', async () => {
    const { data, error } = await A().from('rest_fx_authors').select('*').eq('id', ids.ann).single();
    expect(error).toBeNull();
    expect(Object.keys(data!).sort()).toEqual(['Weird Name', 'bio', 'born', 'created_at', 'id', 'name', 'tags']);
    const r = await A().from('rest_fx_authors').select('name').eq('id', ids.ann);
    expect(r.data).toEqual([{ name: `${T} Ann` }]);
  });

  it('renames with alias:col, casts with ::type and reads JSON paths', async () => {
    const { data } = await A()
      .from('rest_fx_authors')
      .select('who:name, id::text, town:bio->city->>name, bio->city, first_lang:bio->langs->>0, "Weird Name"')
      .eq('id', ids.ann)
      .single();
    expect(data).toEqual({
      who: `${T} Ann`,
      id: String(ids.ann),
      town: 'Oslo',
      city: { name: 'Oslo' },
      first_lang: 'no',
      'Weird Name': 'odd',
    });
  });

  it('embeds a to-one relation as an object and a to-many relation as an array', async () => {
    const { data } = await A()
      .from('rest_fx_books')
      .select('title, rest_fx_publishers(name), author:rest_fx_authors!author_id(name)')
      .eq('id', ids.winter)
      .single();
    expect(data).toEqual({
      title: `${T} Winter poems`,
      rest_fx_publishers: { name: `${T} press` },
      author: { name: `${T} Ann` },
    });
    const many = await A()
      .from('rest_fx_authors')
      .select('name, books:rest_fx_books!author_id(title)')
      .eq('id', ids.ann)
      .order('id', { referencedTable: 'books', ascending: true });
    expect(many.data).toEqual([
      { name: `${T} Ann`, books: [{ title: `${T} Winter poems` }, { title: `${T} Summer prose` }] },
    ]);
  });

  it('gives a to-one embed null when there is no related row', async () => {
    const { data } = await A()
      .from('rest_fx_books')
      .select('title, rest_fx_publishers(name)')
      .eq('id', ids.summer)
      .single();
    expect(data).toEqual({ title: `${T} Summer prose`, rest_fx_publishers: null });
  });

  it('embeds one-to-one (unique fk) as an object from either side', async () => {
    const { data } = await A()
      .from('rest_fx_authors')
      .select('name, rest_fx_author_profiles(website)')
      .eq('id', ids.ann)
      .single();
    expect(data).toEqual({ name: `${T} Ann`, rest_fx_author_profiles: { website: 'ann.example' } });
    const back = await A()
      .from('rest_fx_author_profiles')
      .select('website, rest_fx_authors(name)')
      .eq('author_id', ids.ann)
      .single();
    expect(back.data).toEqual({ website: 'ann.example', rest_fx_authors: { name: `${T} Ann` } });
  });

  it('embeds many-to-many through the junction table', async () => {
    const { data } = await A()
      .from('rest_fx_tags')
      .select('name, rest_fx_books(title)')
      .eq('id', ids.warm)
      .order('id', { referencedTable: 'rest_fx_books' });
    expect(data).toEqual([
      { name: `${T} warm`, rest_fx_books: [{ title: `${T} Summer prose` }, { title: `${T} Roman roads` }] },
    ]);
  });

  it('picks a relationship by fk constraint name or column hint', async () => {
    const byName = await A()
      .from('rest_fx_books')
      .select('title, ed:rest_fx_authors!rest_fx_books_editor_fk(name)')
      .eq('id', ids.winter)
      .single();
    expect(byName.data).toEqual({ title: `${T} Winter poems`, ed: { name: `${T} Bob` } });
    const byCol = await A()
      .from('rest_fx_books')
      .select('title, ed:rest_fx_authors!editor_id(name)')
      .eq('id', ids.roman)
      .single();
    expect(byCol.data).toEqual({ title: `${T} Roman roads`, ed: { name: `${T} Ann` } });
    const byFkColumnName = await A()
      .from('rest_fx_books')
      .select('title, editor_id(name)')
      .eq('id', ids.roman)
      .single();
    expect(byFkColumnName.data).toEqual({ title: `${T} Roman roads`, editor_id: { name: `${T} Ann` } });
  });

  it('answers 300 PGRST201 for an ambiguous embed and 400 PGRST200 for none', async () => {
    const amb = await A().from('rest_fx_books').select('title, rest_fx_authors(name)').limit(1);
    expect(amb.status).toBe(300);
    expect(amb.error?.code).toBe('PGRST201');
    expect(amb.error?.hint).toContain('rest_fx_authors!rest_fx_books_author_fk');
    const none = await A().from('rest_fx_tags').select('name, rest_fx_publishers(name)');
    expect(none.status).toBe(400);
    expect(none.error?.code).toBe('PGRST200');
    const badHint = await A().from('rest_fx_books').select('title, rest_fx_authors!nope(name)');
    expect(badHint.error?.code).toBe('PGRST200');
  });

  it('keeps only parents with a match for !inner and all parents for !left', async () => {
    const inner = await A()
      .from('rest_fx_books')
      .select('title, rest_fx_publishers!inner(name)')
      .like('title', mine)
      .order('id');
    expect(inner.data?.map((b) => b.title)).toEqual([`${T} Winter poems`, `${T} Roman roads`]);
    const left = await A()
      .from('rest_fx_books')
      .select('title, rest_fx_publishers!left(name)')
      .like('title', mine)
      .order('id');
    expect(left.data).toHaveLength(3);
  });

  it('spreads a to-one embed into the parent row', async () => {
    const { data } = await A()
      .from('rest_fx_books')
      .select('title, ...rest_fx_publishers(publisher:name)')
      .eq('id', ids.winter)
      .single();
    expect(data).toEqual({ title: `${T} Winter poems`, publisher: `${T} press` });
    // PostgREST 13 spreads to-many embeds too: each column becomes an array (rest-fidelity.test.ts).
    const toMany = await raw(`/rest_fx_authors?select=name,...rest_fx_books!author_id(title)&limit=1`);
    expect(toMany.status).toBe(200);
    expect(Array.isArray(toMany.json[0].title)).toBe(true);
  });

  it('counts embedded rows with rel(count)', async () => {
    const { data } = await A()
      .from('rest_fx_authors')
      .select('name, rest_fx_books!author_id(count)')
      .like('name', mine)
      .order('id');
    // Bob's hidden draft is invisible to anon: RLS applies inside embeds too.
    expect(data).toEqual([
      { name: `${T} Ann`, rest_fx_books: [{ count: 2 }] },
      { name: `${T} Bob`, rest_fx_books: [{ count: 1 }] },
      { name: `${T} Cy, Jr.`, rest_fx_books: [{ count: 0 }] },
    ]);
  });

  it('refuses aggregates with 400 PGRST123', async () => {
    const r = await raw('/rest_fx_books?select=pages.sum()');
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('PGRST123');
  });
});

describe('filters', () => {
  const titles = async (build: (q: any) => any) => {
    const { data, error } = await build(A().from('rest_fx_books').select('title').like('title', mine).order('id'));
    expect(error).toBeNull();
    return (data as { title: string }[]).map((b) => b.title.slice(T.length + 1));
  };
  it.each([
    ['eq', (q: any) => q.eq('pages', 120), ['Winter poems']],
    ['neq', (q: any) => q.neq('pages', 120), ['Summer prose']],
    ['gt', (q: any) => q.gt('pages', 120), ['Summer prose']],
    ['gte', (q: any) => q.gte('pages', 120), ['Winter poems', 'Summer prose']],
    ['lt', (q: any) => q.lt('price', 15), ['Winter poems']],
    ['lte', (q: any) => q.lte('price', 15), ['Winter poems', 'Roman roads']],
    ['like', (q: any) => q.like('title', '%poems'), ['Winter poems']],
    ['ilike', (q: any) => q.ilike('title', '%ROMAN%'), ['Roman roads']],
    ['match', (q: any) => q.filter('title', 'match', 'r (po|pr)'), ['Winter poems', 'Summer prose']],
    ['imatch', (q: any) => q.filter('title', 'imatch', 'ROADS$'), ['Roman roads']],
    ['is null', (q: any) => q.is('pages', null), ['Roman roads']],
    ['not is null', (q: any) => q.not('publisher_id', 'is', null), ['Winter poems', 'Roman roads']],
    ['isdistinct', (q: any) => q.filter('pages', 'isdistinct', 120), ['Summer prose', 'Roman roads']],
    ['in', (q: any) => q.in('status', ['published']), ['Winter poems', 'Roman roads']],
    ['not in', (q: any) => q.not('pages', 'in', '(120,300)'), []],
    ['cs jsonb', (q: any) => q.contains('meta', { isbn: 'A1' }), ['Winter poems']],
    ['cd jsonb', (q: any) => q.containedBy('meta', { isbn: 'A2', x: 1 }), ['Summer prose', 'Roman roads']],
    ['ov range', (q: any) => q.overlaps('during', '[5,12)'), ['Winter poems', 'Roman roads']],
    ['sl', (q: any) => q.rangeLt('during', '[10,20)'), ['Winter poems']],
    ['sr', (q: any) => q.rangeGt('during', '[10,20)'), ['Summer prose']],
    ['nxr', (q: any) => q.rangeLte('during', '[10,20)'), ['Winter poems', 'Roman roads']],
    ['nxl', (q: any) => q.rangeGte('during', '[10,20)'), ['Summer prose', 'Roman roads']],
    ['adj', (q: any) => q.rangeAdjacent('during', '[10,20)'), ['Winter poems', 'Summer prose']],
    ['fts', (q: any) => q.textSearch('search', 'poem & winter', { config: 'english' }), ['Winter poems']],
    ['plfts', (q: any) => q.textSearch('search', 'summer prose', { type: 'plain' }), ['Summer prose']],
    [
      'phfts',
      (q: any) => q.textSearch('search', 'roman roads', { type: 'phrase', config: 'english' }),
      ['Roman roads'],
    ],
    [
      'wfts',
      (q: any) => q.textSearch('search', '"winter poems" or roads', { type: 'websearch' }),
      ['Winter poems', 'Roman roads'],
    ],
    ['not.eq', (q: any) => q.not('status', 'eq', 'draft'), ['Winter poems', 'Roman roads']],
    ['like(any)', (q: any) => q.likeAnyOf('title', ['%roads', '%prose']), ['Summer prose', 'Roman roads']],
    ['ilike(all)', (q: any) => q.ilikeAllOf('title', ['%O%', '%S']), ['Winter poems', 'Roman roads']],
    ['json path', (q: any) => q.eq('meta->>isbn', 'A2'), ['Summer prose']],
    ['json path nested', (q: any) => q.eq('meta->dims->>h', '20'), ['Winter poems']],
  ])('%s', async (_name, build, expected) => {
    expect(await titles(build)).toEqual(expected);
  });

  it('filters arrays with cs/cd/ov and in-lists with quoted values', async () => {
    const cs = await A()
      .from('rest_fx_authors')
      .select('name')
      .like('name', mine)
      .contains('tags', ['prose'])
      .order('id');
    expect(cs.data?.length).toBe(2);
    const ov = await A().from('rest_fx_authors').select('name').like('name', mine).overlaps('tags', ['poetry', 'x']);
    expect(ov.data?.length).toBe(1);
    const cd = await A()
      .from('rest_fx_authors')
      .select('name')
      .like('name', mine)
      .containedBy('tags', ['prose'])
      .order('id');
    expect(cd.data?.map((a) => a.name)).toEqual([`${T} Bob`, `${T} Cy, Jr.`]);
    const quoted = await A()
      .from('rest_fx_authors')
      .select('name')
      .in('name', [`${T} Cy, Jr.`, `${T} Bob`])
      .order('id');
    expect(quoted.data?.map((a) => a.name)).toEqual([`${T} Bob`, `${T} Cy, Jr.`]);
    const is = await raw(
      `/rest_fx_books?select=title&title=like.${encodeURIComponent(T)}*&is_public=is.true&pages=not.is.null`,
    );
    expect(is.json).toHaveLength(2);
  });

  it('combines or/and trees, nested and negated', async () => {
    expect(await titles((q) => q.or('pages.eq.120,and(price.gt.14,status.eq.published)'))).toEqual([
      'Winter poems',
      'Roman roads',
    ]);
    expect(await titles((q) => q.or('pages.is.null,title.ilike.*"summer prose"*'))).toEqual(['Roman roads']);
    const notOr = await raw(
      `/rest_fx_books?select=title&title=like.${encodeURIComponent(T)}*&not.or=(pages.eq.120,pages.is.null)`,
    );
    expect(notOr.json).toEqual([{ title: `${T} Summer prose` }]);
    const r = await raw(
      `/rest_fx_books?select=title&title=like.${encodeURIComponent(T)}*&and=(status.eq.draft,or(pages.gt.200,pages.not.is.null))`,
    );
    expect(r.json.map((b: any) => b.title)).toEqual([`${T} Summer prose`]);
    const inTree = await raw(
      `/rest_fx_authors?select=name&or=(name.in.("${encodeURIComponent(T)} Cy, Jr.","x"),name.eq.nobody)`,
    );
    expect(inTree.json).toEqual([{ name: `${T} Cy, Jr.` }]);
  });

  it('filters embedded rows with rel.col and rel.or, and parents with !inner or rel=not.is.null', async () => {
    const embedOnly = await A()
      .from('rest_fx_authors')
      .select('name, books:rest_fx_books!author_id(title)')
      .like('name', mine)
      .eq('books.pages', 300)
      .order('id');
    expect(embedOnly.data).toEqual([
      { name: `${T} Ann`, books: [{ title: `${T} Summer prose` }] },
      { name: `${T} Bob`, books: [] },
      { name: `${T} Cy, Jr.`, books: [] },
    ]);
    const inner = await A()
      .from('rest_fx_authors')
      .select('name, books:rest_fx_books!author_id!inner(title)')
      .like('name', mine)
      .eq('books.pages', 300);
    expect(inner.data).toEqual([{ name: `${T} Ann`, books: [{ title: `${T} Summer prose` }] }]);
    const scopedOr = await A()
      .from('rest_fx_authors')
      .select('name, books:rest_fx_books!author_id(title)')
      .eq('id', ids.ann)
      .or('pages.eq.120,pages.gt.1000', { referencedTable: 'books' });
    expect(scopedOr.data).toEqual([{ name: `${T} Ann`, books: [{ title: `${T} Winter poems` }] }]);
    const notNull = await raw(
      `/rest_fx_books?select=title,rest_fx_publishers(name)&title=like.${encodeURIComponent(T)}*&rest_fx_publishers=not.is.null&order=id`,
    );
    expect(notNull.json.map((b: any) => b.title)).toEqual([`${T} Winter poems`, `${T} Roman roads`]);
    const isNull = await raw(
      `/rest_fx_books?select=title,rest_fx_publishers(name)&title=like.${encodeURIComponent(T)}*&rest_fx_publishers=is.null`,
    );
    expect(isNull.json.map((b: any) => b.title)).toEqual([`${T} Summer prose`]);
  });

  it('answers 400 PGRST108 for a filter on a relation that is not embedded', async () => {
    const { error, status } = await A().from('rest_fx_authors').select('name').eq('rest_fx_books.pages', 1);
    expect(status).toBe(400);
    expect(error?.code).toBe('PGRST108');
  });
});

describe('order and paging', () => {
  it('orders by several columns with nulls first/last', async () => {
    const r = await A()
      .from('rest_fx_books')
      .select('title,pages')
      .like('title', mine)
      .order('pages', { ascending: false, nullsFirst: true });
    expect(r.data?.map((b) => b.pages)).toEqual([null, 300, 120]);
    const r2 = await A()
      .from('rest_fx_books')
      .select('pages')
      .like('title', mine)
      .order('status')
      .order('pages', { ascending: true, nullsFirst: false });
    expect(r2.data?.map((b) => b.pages)).toEqual([300, 120, null]);
    const byPath = await raw(
      `/rest_fx_books?select=title&title=like.${encodeURIComponent(T)}*&order=meta->>isbn.desc.nullslast,id`,
    );
    expect(byPath.json.map((b: any) => b.title.slice(T.length + 1))).toEqual([
      'Summer prose',
      'Winter poems',
      'Roman roads',
    ]);
  });

  it('orders embedded rows and parents by a to-one embed; refuses to-many with PGRST118', async () => {
    const emb = await A()
      .from('rest_fx_authors')
      .select('name, books:rest_fx_books!author_id(pages)')
      .eq('id', ids.ann)
      .order('pages', { referencedTable: 'books', ascending: false });
    expect(emb.data?.[0]?.books).toEqual([{ pages: 300 }, { pages: 120 }]);
    const parent = await raw(
      `/rest_fx_books?select=title,author:rest_fx_authors!author_id(name)&title=like.${encodeURIComponent(T)}*&order=author(name).desc,id.asc`,
    );
    expect(parent.json.map((b: any) => b.author.name)).toEqual([`${T} Bob`, `${T} Ann`, `${T} Ann`]);
    const toMany = await raw(`/rest_fx_authors?select=name,books:rest_fx_books!author_id(pages)&order=books(pages)`);
    expect(toMany.status).toBe(400);
    expect(toMany.json.code).toBe('PGRST118');
  });

  it('pages with range/limit and embedded limit/offset', async () => {
    const r = await A().from('rest_fx_books').select('title').like('title', mine).order('id').range(1, 2);
    expect(r.data?.map((b) => b.title.slice(T.length + 1))).toEqual(['Summer prose', 'Roman roads']);
    const l = await A().from('rest_fx_books').select('title').like('title', mine).order('id').limit(1);
    expect(l.data).toHaveLength(1);
    const emb = await A()
      .from('rest_fx_authors')
      .select('name, books:rest_fx_books!author_id(title)')
      .eq('id', ids.ann)
      .order('id', { referencedTable: 'books' })
      .range(1, 1, { referencedTable: 'books' });
    expect(emb.data?.[0]?.books).toEqual([{ title: `${T} Summer prose` }]);
  });

  it('honours Range headers and counts with Content-Range (200, 206, 416)', async () => {
    const q = `/rest_fx_books?select=title&title=like.${encodeURIComponent(T)}*&order=id`;
    const full = await raw(q, { headers: { Prefer: 'count=exact' } });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-range')).toBe('0-2/3');
    const part = await raw(q, { headers: { Prefer: 'count=exact', Range: '1-1', 'Range-Unit': 'items' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('1-1/3');
    expect(part.json).toEqual([{ title: `${T} Summer prose` }]);
    const past = await raw(`${q}&offset=10`, { headers: { Prefer: 'count=exact' } });
    expect(past.status).toBe(416);
    expect(past.json.code).toBe('PGRST103');
    const noCount = await raw(`${q}&limit=2`);
    expect(noCount.headers.get('content-range')).toBe('0-1/*');
    // count=estimated is exact below max-rows (count=planned is the planner's guess: rest-fidelity.test.ts).
    const { count } = await A()
      .from('rest_fx_books')
      .select('*', { count: 'estimated', head: true })
      .like('title', mine);
    expect(count).toBe(3);
    const empty = await raw(`/rest_fx_books?select=title&title=eq.nothing-${T}`, {
      headers: { Prefer: 'count=exact' },
    });
    expect(empty.headers.get('content-range')).toBe('*/0');
  });

  it('caps every page at 1000 rows', async () => {
    const r = await raw('/rpc/rest_fx_series?n=1500&limit=5000');
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(1000);
    expect(r.json[999]).toBe(1000);
    const tail = await raw('/rpc/rest_fx_series?n=1500&offset=1400');
    expect(tail.json).toHaveLength(100);
    const rows = await raw(`/rpc/rest_fx_counts?prefix=${encodeURIComponent(T)}&limit=5000`);
    expect(rows.json).toHaveLength(3);
  });
});

describe('Accept and profiles', () => {
  it('answers .single() with an object, and 406 PGRST116 unless exactly one row', async () => {
    const one = await A().from('rest_fx_authors').select('name').eq('id', ids.bob).single();
    expect(one.data).toEqual({ name: `${T} Bob` });
    const many = await A().from('rest_fx_authors').select('name').like('name', mine).single();
    expect(many.status).toBe(406);
    expect(many.error?.code).toBe('PGRST116');
    expect(many.error?.details).toBe('The result contains 3 rows');
    const maybe = await A().from('rest_fx_authors').select('name').eq('name', 'nobody').maybeSingle();
    expect(maybe.data).toBeNull();
    expect(maybe.error).toBeNull();
  });

  it('answers text/csv (values with spaces or commas quoted, as PostgREST renders rows)', async () => {
    const { data } = await A().from('rest_fx_authors').select('name,born').like('name', mine).order('id').csv();
    expect(data).toBe(`name,born\n"${T} Ann",1970-01-02\n"${T} Bob",\n"${T} Cy, Jr.",1990-05-06`);
  });

  it('refuses an unsupported Accept with 406 PGRST107', async () => {
    const r = await raw('/rest_fx_authors?select=name', { headers: { Accept: 'application/xml' } });
    expect(r.status).toBe(406);
    expect(r.json.code).toBe('PGRST107');
  });

  it('serves public and graphql_public, and refuses other schemas with 406 PGRST106', async () => {
    const ok = await raw('/rest_fx_authors?select=name&limit=1', { headers: { 'Accept-Profile': 'public' } });
    expect(ok.status).toBe(200);
    const gql = await raw('/rest_fx_authors', { headers: { 'Accept-Profile': 'graphql_public' } });
    expect(gql.status).toBe(404);
    expect(gql.json.code).toBe('PGRST205');
    const { error, status } = await A().schema('auth').from('users').select('*');
    expect(status).toBe(406);
    expect(error?.code).toBe('PGRST106');
    const write = await raw('/rest_fx_inbox', {
      method: 'POST',
      headers: { 'Content-Profile': 'private', 'Content-Type': 'application/json' },
      body: '{"message":"x"}',
    });
    expect(write.status).toBe(406);
  });

  it('answers 404 PGRST205 for an unknown table and 400 42703 for an unknown column', async () => {
    const t = await A().from('rest_fx_nope').select('*');
    expect(t.status).toBe(404);
    expect(t.error?.code).toBe('PGRST205');
    const c = await A().from('rest_fx_authors').select('nope');
    expect(c.status).toBe(400);
    expect(c.error?.code).toBe('42703');
  });
});
