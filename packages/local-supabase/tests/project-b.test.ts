// The stack as another Supabase project uses it: a second stack of its own, started with
// STACK_MIGRATIONS_DIR / STACK_SEED_FILE pointing at packages/local-supabase/tests/fixtures/project-b (a library schema,
// not the app's), exercised through unmodified supabase-js: computed fields and relationships,
// self-references, embedding through a view and by foreign-key constraint name, aggregates
// enabled by the project's migration, overloads with defaults, a single unnamed parameter with
// a raw body, and a Storage bucket and policies created by the migration.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import ws from 'ws';
import pg from 'pg';
import { loadConfig, ROOT, urls } from '../lib/config.js';
import { startStack } from '../lib/stack.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(HERE, './fixtures/project-b/supabase');
const OFFSET = Number(process.env.TEST_PORT_OFFSET ?? 0);
const config = loadConfig({
  ...process.env,
  API_PORT: process.env.PROJECT_B_API_PORT ?? String(25380 + OFFSET),
  DB_PORT: process.env.PROJECT_B_DB_PORT ?? String(25381 + OFFSET),
  MAIL_PORT: process.env.PROJECT_B_MAIL_PORT ?? String(25382 + OFFSET),
  STACK_DATA_DIR: path.join(ROOT, '.local', 'test-project-b'),
  STACK_MIGRATIONS_DIR: path.join(PROJECT, 'migrations'),
  STACK_SEED_FILE: path.join(PROJECT, 'seed.sql'),
  STACK_FUNCTIONS_DIR: path.join(PROJECT, 'functions'),
  STACK_EXTRA_FUNCTIONS_DIRS: '',
});

let stack: Awaited<ReturnType<typeof startStack>> | null = null;
let anon: SupabaseClient;
const API = urls(config).API_URL;

const clientFor = (token: string | null) =>
  createClient(API, config.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
    global: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
const userToken = (sub: string) =>
  new SignJWT({ sub, role: 'authenticated', aud: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(config.jwtSecret));

beforeAll(async () => {
  stack = await startStack(config, { fresh: true, installPackages: false, log: () => {} });
  anon = clientFor(null);
}, 240_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('a second project on the local stack', () => {
  it('selects, filters and orders by a computed field', async () => {
    const r = await anon.from('authors').select('id, full_name').like('full_name', '%Butler').order('full_name');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([{ id: 2, full_name: 'Octavia Butler' }]);
    const star = await anon.from('authors').select('*').eq('id', 1).single();
    expect(Object.keys(star.data!)).toEqual(['id', 'first_name', 'last_name']);
  });

  it('embeds a computed relationship and self-references through computed relationships', async () => {
    const r = await anon.from('authors').select('last_name, long_books(title)').order('id');
    expect(r.data).toEqual([
      { last_name: 'Le Guin', long_books: [{ title: 'The Dispossessed' }, { title: 'The Left Hand of Darkness' }] },
      { last_name: 'Butler', long_books: [{ title: 'Parable of the Sower' }] },
    ]);
    const e = await anon.from('employees').select('name, manager(name), reports(name)').order('id');
    expect(e.data).toEqual([
      { name: 'Ada', manager: null, reports: [{ name: 'Grace' }, { name: 'Linus' }] },
      { name: 'Grace', manager: { name: 'Ada' }, reports: [{ name: 'Ken' }] },
      { name: 'Linus', manager: { name: 'Ada' }, reports: [] },
      { name: 'Ken', manager: { name: 'Grace' }, reports: [] },
    ]);
    const ambiguous = await anon.from('employees').select('name, employees(name)');
    expect(ambiguous.status).toBe(300);
    expect(ambiguous.error?.code).toBe('PGRST201');
    const byColumn = await anon.from('employees').select('name, boss:manager_id(name)').eq('id', 4).single();
    expect(byColumn.data).toEqual({ name: 'Ken', boss: { name: 'Grace' } });
  });

  it('embeds by foreign-key constraint name when two keys point at the same table', async () => {
    const r = await anon
      .from('users')
      .select(
        'username, first_friend:best_friends_first_user_fkey(second_user), second_friend:best_friends_second_user_fkey(first_user)',
      )
      .order('id');
    expect(r.data).toEqual([
      { username: 'ann', first_friend: [{ second_user: 2 }, { second_user: 3 }], second_friend: [] },
      { username: 'ben', first_friend: [], second_friend: [{ first_user: 1 }] },
      { username: 'cat', first_friend: [], second_friend: [{ first_user: 1 }] },
    ]);
  });

  it('embeds through a view in both directions', async () => {
    const fromView = await anon.from('book_list').select('title, authors(last_name)').eq('title', 'Kindred').single();
    expect(fromView.data).toEqual({ title: 'Kindred', authors: { last_name: 'Butler' } });
    const toView = await anon.from('authors').select('last_name, book_list(title)').eq('id', 2).single();
    expect(toView.data).toEqual({
      last_name: 'Butler',
      book_list: [{ title: 'Kindred' }, { title: 'Parable of the Sower' }],
    });
  });

  it('aggregates (enabled by the migration through pgrst.db_aggregates_enabled), grouped by the other columns', async () => {
    const r = await anon.from('books').select('genre, pages.sum(), price.avg()::numeric, books:count()').order('genre');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([
      { genre: 'fantasy', sum: 183, avg: 10, books: 1 },
      { genre: 'sf', sum: 1300, avg: 11.75, books: 4 },
    ]);
    const embedded = await anon.from('authors').select('last_name, books(longest:pages.max())').order('id');
    expect(embedded.data).toEqual([
      { last_name: 'Le Guin', books: [{ longest: 387 }] },
      { last_name: 'Butler', books: [{ longest: 345 }] },
    ]);
  });

  it('resolves overloads by argument names, defaults included, and passes a raw text body to a single unnamed parameter', async () => {
    expect((await anon.rpc('area', { side: 4 })).data).toBe(16);
    expect((await anon.rpc('area', { width: 2, height: 3 })).data).toBe(6);
    expect((await anon.rpc('area', { width: 2, height: 3, scale: 10 })).data).toBe(60);
    const res = await fetch(`${API}/rest/v1/rpc/shout`, {
      method: 'POST',
      headers: { apikey: config.anonKey, 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(await res.json()).toBe('HELLO!');
  });

  it("applies the migration's Storage bucket and policies to supabase-js uploads", async () => {
    const id = randomUUID();
    const me = clientFor(await userToken(id));
    const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    const ok = await me.storage.from('covers').upload(`${id}/cover.png`, png);
    expect(ok.error).toBeNull();
    expect((await me.storage.from('covers').list(id)).data?.map((o) => o.name)).toEqual(['cover.png']);
    const elsewhere = await me.storage.from('covers').upload(`${randomUUID()}/cover.png`, png);
    expect(elsewhere.error?.message).toMatch(/row-level security/);
    const notImage = await me.storage.from('covers').upload(`${id}/notes.txt`, 'text', { contentType: 'text/plain' });
    expect(notImage.error).toMatchObject({ statusCode: '415' });
  });

  it('returns computed fields and computed relationships in the rows a write returns', async () => {
    const svc = createClient(API, config.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: ws as never },
    });
    const r = await svc
      .from('authors')
      .insert({ first_name: 'Iain', last_name: 'Banks' })
      .select('full_name, long_books(title)')
      .single();
    expect(r.error).toBeNull();
    expect(r.data).toEqual({ full_name: 'Iain Banks', long_books: [] });
    await svc.from('authors').delete().eq('last_name', 'Banks');
  });

  it("applies the project's config.toml: [api] max_rows, [storage] file_size_limit and [storage.buckets.*]", async () => {
    const rows = await anon.from('readings').select('id');
    expect(rows.data).toHaveLength(100);
    const svc = createClient(API, config.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: ws as never },
    });
    const bucket = await svc.storage.getBucket('thumbnails');
    expect(bucket.data).toMatchObject({ public: true, file_size_limit: 64 * 1024, allowed_mime_types: ['image/png'] });
    const small = await svc.storage
      .from('thumbnails')
      .upload('t.png', new Uint8Array(10), { contentType: 'image/png' });
    expect(small.error).toBeNull();
    const publicRes = await fetch(svc.storage.from('thumbnails').getPublicUrl('t.png').data.publicUrl);
    expect(publicRes.status).toBe(200);
    const big = await svc.storage
      .from('thumbnails')
      .upload('big.png', new Uint8Array(65 * 1024), { contentType: 'image/png' });
    expect(big.error).toMatchObject({ statusCode: '413' });
    const overGlobal = await svc.storage
      .from('covers')
      .upload('x/huge.png', new Uint8Array(1024 * 1024 + 1), { contentType: 'image/png' });
    expect(overGlobal.error).toMatchObject({ statusCode: '413' });
  });

  it('prunes broadcast messages older than Realtime keeps them when the stack starts', async () => {
    const db = new pg.Client({ connectionString: urls(config).DB_URL });
    await db.connect();
    try {
      const deadline = Date.now() + 10_000;
      let topics: string[] = [];
      for (;;) {
        topics = (
          await db.query(`select topic from realtime.messages where topic like 'library:%' order by topic`)
        ).rows.map((r) => r.topic);
        if (!topics.includes('library:old') || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(topics).toEqual(['library:recent']);
    } finally {
      await db.end();
    }
  });
});
