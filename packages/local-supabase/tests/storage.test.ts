// /storage/v1 through unmodified supabase-js: buckets (public/private, size and MIME limits),
// upload (multipart Blob, raw body, upsert, update), download, signed URLs and signed uploads,
// list, move/copy, remove, public URLs and object info, with storage.objects RLS policies of
// the kind a project writes (packages/local-supabase/tests/fixtures/storage/fixture.sql) deciding every user request,
// and the files kept in the stack's data directory.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { SupabaseClient } from '@supabase/supabase-js';
import { anon, env, makeUser, service, tag, type TestUser } from './helpers/rest-env';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), './fixtures/storage/fixture.sql');
const STORAGE = () => `${env.api}/storage/v1`;
const T = tag('st');

let admin: SupabaseClient;
let alice: TestUser;
let bob: TestUser;
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: env.dbUrl });
  await db.connect();
  await db.query('begin');
  await db.query(`select pg_advisory_xact_lock(hashtext('storage_fixture'))`);
  await db.query(fs.readFileSync(FIXTURE, 'utf8'));
  await db.query('commit');
  admin = await service();
  alice = await makeUser('alice');
  bob = await makeUser('bob');
});
afterAll(async () => {
  await db.query(`delete from storage.objects where bucket_id like 'stfx-%' and name like $1`, [`%${T}%`]);
  await db.end();
});

const text = async (blob: Blob | null) => (blob ? await blob.text() : null);
const own = (u: TestUser, file: string) => `${u.id}/${T}/${file}`;

describe('buckets', () => {
  it('the service role creates, reads, lists, updates, empties and deletes a bucket', async () => {
    const id = `${T}-bucket`;
    const c = await admin.storage.createBucket(id, {
      public: false,
      fileSizeLimit: '1MB',
      allowedMimeTypes: ['text/plain'],
    });
    expect(c).toEqual({ data: { name: id }, error: null });
    const got = await admin.storage.getBucket(id);
    expect(got.data).toMatchObject({
      id,
      name: id,
      public: false,
      file_size_limit: 1_000_000,
      allowed_mime_types: ['text/plain'],
    });
    const list = await admin.storage.listBuckets();
    expect(list.data?.map((b) => b.id)).toContain(id);

    const again = await admin.storage.createBucket(id);
    expect(again.error).toMatchObject({ status: 400, statusCode: '409', message: 'The resource already exists' });

    expect((await admin.storage.updateBucket(id, { public: true })).data).toEqual({ message: 'Successfully updated' });
    expect((await admin.storage.getBucket(id)).data?.public).toBe(true);

    await admin.storage.from(id).upload('a.txt', 'hello', { contentType: 'text/plain' });
    const notEmpty = await admin.storage.deleteBucket(id);
    expect(notEmpty.error).toMatchObject({ statusCode: '409', message: 'The bucket you tried to delete is not empty' });
    expect((await admin.storage.emptyBucket(id)).data).toEqual({ message: 'Successfully emptied' });
    expect((await admin.storage.deleteBucket(id)).data).toEqual({ message: 'Successfully deleted' });
    expect((await admin.storage.getBucket(id)).error).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });

  it('a signed-in user without a bucket policy cannot create buckets or see them', async () => {
    const r = await alice.client.storage.createBucket(`${T}-nope`);
    expect(r.error).toMatchObject({ status: 400, statusCode: '403' });
    expect(r.error?.message).toMatch(/row-level security policy for table "buckets"/);
    expect((await alice.client.storage.listBuckets()).data).toEqual([]);
  });

  it('rejects invalid bucket names and size formats', async () => {
    const bad = await admin.storage.createBucket('no/slashes');
    expect(bad.error).toMatchObject({ statusCode: '400', message: 'Bucket name invalid' });
    const size = await admin.storage.createBucket(`${T}-size`, { public: false, fileSizeLimit: 'lots' });
    expect(size.error?.message).toMatch(/Invalid file size format/);
  });
});

describe('objects under RLS', () => {
  it('uploads a Blob as a multipart form and downloads the same bytes with its type', async () => {
    const p = own(alice, 'note.txt');
    const up = await alice.client.storage
      .from('stfx-private')
      .upload(p, new Blob(['hello from alice'], { type: 'text/markdown' }));
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({ path: p, fullPath: `stfx-private/${p}` });
    expect(up.data?.id).toMatch(/^[0-9a-f-]{36}$/);
    const down = await alice.client.storage.from('stfx-private').download(p);
    expect(await text(down.data)).toBe('hello from alice');
    expect(down.data?.type).toBe('text/markdown');
    const row = await db.query(
      `select owner, owner_id, metadata->>'size' as size, path_tokens from storage.objects where bucket_id = 'stfx-private' and name = $1`,
      [p],
    );
    expect(row.rows[0]).toEqual({ owner: alice.id, owner_id: alice.id, size: '16', path_tokens: p.split('/') });
  });

  it('a second upload to the same path is a 409 unless upsert; update() replaces', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    const p = own(alice, 'dup.txt');
    expect((await bucket.upload(p, 'one', { contentType: 'text/plain' })).error).toBeNull();
    const dup = await bucket.upload(p, 'two', { contentType: 'text/plain' });
    expect(dup.error).toMatchObject({ status: 400, statusCode: '409', message: 'The resource already exists' });
    expect(await text((await bucket.download(p)).data)).toBe('one');
    expect((await bucket.upload(p, 'three', { contentType: 'text/plain', upsert: true })).error).toBeNull();
    expect(await text((await bucket.download(p)).data)).toBe('three');
    expect((await bucket.update(p, 'four', { contentType: 'text/plain' })).error).toBeNull();
    expect(await text((await bucket.download(p)).data)).toBe('four');
    const missing = await bucket.update(own(alice, 'never.txt'), 'x');
    expect(missing.error).toMatchObject({ statusCode: '404', message: 'Object not found' });
  });

  it('policies decide: another user can neither read, overwrite nor list it, and cannot write into a foreign folder', async () => {
    const p = own(alice, 'secret.txt');
    await alice.client.storage.from('stfx-private').upload(p, 'secret', { contentType: 'text/plain' });
    const read = await bob.client.storage.from('stfx-private').download(p);
    expect(read.error).toMatchObject({ status: 400, statusCode: '404', message: 'Object not found' });
    const write = await bob.client.storage.from('stfx-private').upload(p, 'mine now', { upsert: true });
    expect(write.error).toMatchObject({ status: 400, statusCode: '403' });
    expect(write.error?.message).toMatch(/row-level security/);
    const foreign = await bob.client.storage.from('stfx-private').upload(own(alice, 'planted.txt'), 'x');
    expect(foreign.error?.message).toMatch(/new row violates row-level security policy/);
    const list = await bob.client.storage.from('stfx-private').list(`${alice.id}/${T}`);
    expect(list.data).toEqual([]);
    const anonRead = await anon().storage.from('stfx-private').download(p);
    expect(anonRead.error).toMatchObject({ statusCode: '404' });
    expect(await text((await alice.client.storage.from('stfx-private').download(p)).data)).toBe('secret');
  });

  it('lists one level: folders first (no id), then files with their metadata, sorted and paged', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    for (const f of ['list/b.txt', 'list/a.txt', 'list/sub/c.txt', 'list/sub/deeper/d.txt'])
      await bucket.upload(own(alice, f), f, { contentType: 'text/plain' });
    const top = await bucket.list(`${alice.id}/${T}/list`);
    expect(top.data?.map((o) => [o.name, o.id === null])).toEqual([
      ['sub', true],
      ['a.txt', false],
      ['b.txt', false],
    ]);
    expect(top.data?.[1]?.metadata).toMatchObject({ size: 10, mimetype: 'text/plain' });
    const desc = await bucket.list(`${alice.id}/${T}/list/`, { sortBy: { column: 'name', order: 'desc' }, limit: 2 });
    expect(desc.data?.map((o) => o.name)).toEqual(['sub', 'b.txt']);
    const search = await bucket.list(`${alice.id}/${T}/list`, { search: 'b' });
    expect(search.data?.map((o) => o.name)).toEqual(['b.txt']);
  });

  it('moves and copies inside the user folder; the old name is gone after a move', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    await bucket.upload(own(alice, 'm/from.txt'), 'moving', { contentType: 'text/plain' });
    const mv = await bucket.move(own(alice, 'm/from.txt'), own(alice, 'm/to.txt'));
    expect(mv).toEqual({ data: { message: 'Successfully moved' }, error: null });
    expect((await bucket.download(own(alice, 'm/from.txt'))).error).toMatchObject({ statusCode: '404' });
    expect(await text((await bucket.download(own(alice, 'm/to.txt'))).data)).toBe('moving');
    const cp = await bucket.copy(own(alice, 'm/to.txt'), own(alice, 'm/copy.txt'));
    expect(cp.data).toEqual({ path: `stfx-private/${own(alice, 'm/copy.txt')}` });
    expect(await text((await bucket.download(own(alice, 'm/copy.txt'))).data)).toBe('moving');
    const outside = await bucket.move(own(alice, 'm/copy.txt'), `${bob.id}/stolen.txt`);
    expect(outside.error?.message).toMatch(/row-level security/);
    expect(await text((await bucket.download(own(alice, 'm/copy.txt'))).data)).toBe('moving');
  });

  it('removes several objects, answering the removed rows, and deletes their files from the data directory', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    await bucket.upload(own(alice, 'r/1.txt'), '1', { contentType: 'text/plain' });
    await bucket.upload(own(alice, 'r/2.txt'), '2', { contentType: 'text/plain' });
    const dir = path.join(process.env.STACK_DATA_DIR ?? '', 'storage', 'stfx-private', alice.id, T, 'r');
    expect(fs.readdirSync(dir).sort()).toEqual(['1.txt', '2.txt']);
    const rm = await bucket.remove([own(alice, 'r/1.txt'), own(alice, 'r/2.txt'), own(alice, 'r/none.txt')]);
    expect(rm.data?.map((o) => o.name).sort()).toEqual([own(alice, 'r/1.txt'), own(alice, 'r/2.txt')]);
    expect((await bucket.download(own(alice, 'r/1.txt'))).error).toMatchObject({ statusCode: '404' });
    expect(fs.existsSync(dir)).toBe(false);
    const bobs = await bob.client.storage.from('stfx-private').remove([own(alice, 'secret.txt')]);
    expect(bobs.data).toEqual([]);
  });

  it('reports info and existence as the caller may see them', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    const p = own(alice, 'info.txt');
    await bucket.upload(p, 'info!', { contentType: 'text/plain', metadata: { label: 'x' } });
    const info = await bucket.info(p);
    expect(info.data).toMatchObject({
      name: p,
      bucketId: 'stfx-private',
      size: 5,
      contentType: 'text/plain',
      metadata: { label: 'x' },
    });
    expect((await bucket.exists(p)).data).toBe(true);
    expect((await bob.client.storage.from('stfx-private').exists(p)).data).toBe(false);
  });
});

describe('limits', () => {
  it('refuses objects over the bucket size limit and MIME types it does not allow', async () => {
    const images = alice.client.storage.from('stfx-images');
    const big = await images.upload(`${T}/big.png`, new Uint8Array(65), { contentType: 'image/png' });
    expect(big.error).toMatchObject({
      status: 400,
      statusCode: '413',
      message: 'The object exceeded the maximum allowed size',
    });
    const mime = await images.upload(`${T}/doc.png`, 'text', { contentType: 'text/plain' });
    expect(mime.error).toMatchObject({ statusCode: '415', message: 'mime type text/plain is not supported' });
    const ext = await images.upload(`${T}/doc.gif`, new Uint8Array(4), { contentType: 'image/png' });
    expect(ext.error?.message).toMatch(/row-level security/);
    const ok = await images.upload(`${T}/ok.png`, new Uint8Array(64), { contentType: 'image/png' });
    expect(ok.error).toBeNull();
  });
});

describe('signed and public URLs', () => {
  it('a signed URL downloads without a token until it expires; another path or a forged token is refused', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    const p = own(alice, 'signed file.txt');
    await bucket.upload(p, 'signed content', { contentType: 'text/plain' });
    const s = await bucket.createSignedUrl(p, 60);
    expect(s.error).toBeNull();
    const res = await fetch(s.data!.signedUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('signed content');
    const dl = await fetch(s.data!.signedUrl + '&download=report.txt');
    expect(dl.headers.get('content-disposition')).toMatch(/attachment; filename=report\.txt/);

    const token = new URL(s.data!.signedUrl).searchParams.get('token')!;
    const other = await fetch(`${STORAGE()}/object/sign/stfx-private/${own(alice, 'dup.txt')}?token=${token}`);
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' });
    const forged = await fetch(`${STORAGE()}/object/sign/stfx-private/${p}?token=${token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(400);

    const part = await fetch(s.data!.signedUrl, { headers: { Range: 'bytes=7-13' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 7-13/14');
    expect(await part.text()).toBe('content');
    const tail = await fetch(s.data!.signedUrl, { headers: { Range: 'bytes=-7' } });
    expect(await tail.text()).toBe('content');
    const beyond = await fetch(s.data!.signedUrl, { headers: { Range: 'bytes=99-' } });
    expect(beyond.status).toBe(400);
    expect(await beyond.json()).toMatchObject({ code: 'InvalidRange', message: 'invalid range provided' });

    const bobs = await bob.client.storage.from('stfx-private').createSignedUrl(p, 60);
    expect(bobs.error).toMatchObject({ statusCode: '404' });
    const many = await bucket.createSignedUrls([p, own(alice, 'missing.txt')], 60);
    expect(many.data?.[0]?.signedUrl).toMatch(/token=/);
    expect(many.data?.[1]).toMatchObject({ signedUrl: null, path: own(alice, 'missing.txt') });
    expect(many.data?.[1]?.error).toBeTruthy();
  });

  it('an expired signed URL is refused', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    const p = own(alice, 'expiring.txt');
    await bucket.upload(p, 'x', { contentType: 'text/plain' });
    // The token carries exp; a token minted already expired beyond the 30 s skew stands in for waiting.
    const { mintJwt } = await import('./helpers/rest-env');
    const token = await mintJwt({ url: `stfx-private/${p}` }, -120);
    const res = await fetch(`${STORAGE()}/object/sign/stfx-private/${p}?token=${token}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'InvalidJWT', message: 'jwt expired' });
  });

  it('a signed upload URL lets someone without rights upload exactly that path, once', async () => {
    const bucket = alice.client.storage.from('stfx-private');
    const p = own(alice, 'via-signed-upload.txt');
    const s = await bucket.createSignedUploadUrl(p);
    expect(s.error).toBeNull();
    const up = await anon().storage.from('stfx-private').uploadToSignedUrl(p, s.data!.token, 'uploaded by a guest', {
      contentType: 'text/plain',
    });
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({ path: p, fullPath: `stfx-private/${p}` });
    expect(await text((await bucket.download(p)).data)).toBe('uploaded by a guest');
    const again = await anon().storage.from('stfx-private').uploadToSignedUrl(p, s.data!.token, 'again');
    expect(again.error).toMatchObject({ statusCode: '409' });
    const denied = await bob.client.storage.from('stfx-private').createSignedUploadUrl(own(alice, 'bob.txt'));
    expect(denied.error?.message).toMatch(/row-level security/);
  });

  it('public URLs serve objects of public buckets to anyone; a private bucket answers Bucket not found', async () => {
    const p = `${T}/shared/pic.txt`;
    const up = await alice.client.storage.from('stfx-public').upload(p, 'public words', { contentType: 'text/plain' });
    expect(up.error).toBeNull();
    const url = anon().storage.from('stfx-public').getPublicUrl(p).data.publicUrl;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('public words');
    const hidden = await alice.client.storage.from('stfx-public').upload(`${T}/.hidden`, 'x');
    expect(hidden.error?.message).toMatch(/row-level security/);

    const priv = anon().storage.from('stfx-private').getPublicUrl(own(alice, 'note.txt')).data.publicUrl;
    const r2 = await fetch(priv);
    expect(r2.status).toBe(400);
    expect(await r2.json()).toMatchObject({ statusCode: '404', message: 'Bucket not found' });
  });
});
