// /storage/v1: a Supabase Storage-compatible server for the local stack, speaking the HTTP
// API that supabase-js's storage client calls (buckets, objects, signed URLs, list, move,
// copy, remove, public URLs). Metadata lives in the `storage` schema (local/sql/60-storage.sql);
// every request that acts for a user runs as that user's role with the JWT's claims set, as
// Storage does, so RLS policies on storage.objects / storage.buckets decide what is allowed.
// Only public-bucket downloads and signed-URL downloads/uploads run as the superuser (their
// authority is the bucket's flag or the signed token). Files are stored under
// <data dir>/storage/<bucket>/<name>/<version>; a new version is written before the row
// points at it and the old file is removed after the commit, so a failed request loses nothing.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID, createHash } from 'node:crypto';
import { readBody } from '../http.js';
import { ERR, StorageError, fromDbError } from './errors.js';
import { readStorageConfig } from './config.js';

/** Largest object accepted when config.toml's [storage] file_size_limit does not say (the CLI's "50MiB"). */
export const DEFAULT_FILE_SIZE_LIMIT = 50 * 1024 * 1024;
/** Signed URL lifetime when the request gives none (seconds). */
const DEFAULT_SIGN_EXPIRES_S = 60;
/** Lifetime of a signed upload URL (Storage: 2 hours). */
const UPLOAD_SIGN_EXPIRES_S = 2 * 60 * 60;

const BUCKET_NAME = /^(\w|!|-|\.|\*|'|\(|\)| |&|\$|@|=|;|:|\+|,|\?)*$/;
// file_size_limit is bigint; Storage answers it as a JSON number.
const BUCKET_COLUMNS =
  'id, name, owner, owner_id, public, type, file_size_limit::float8 as file_size_limit, allowed_mime_types, created_at, updated_at';

/**
 * @typedef {{ role: string, claims: Record<string, any>, token: string | null }} Auth
 * @typedef {{ id: string, name: string, public: boolean, file_size_limit: string | number | null, allowed_mime_types: string[] | null }} Bucket
 */

/** @param {import('../server.js').ApiContext} ctx */
export async function create(ctx) {
  const root = path.join(ctx.config.dataDir, 'storage');
  fs.mkdirSync(root, { recursive: true });
  const settings = readStorageConfig(ctx.config.migrationsDir);
  const GLOBAL_FILE_SIZE_LIMIT = settings.fileSizeLimit ?? DEFAULT_FILE_SIZE_LIMIT;
  // [storage.buckets.<name>] of config.toml: created or brought up to date, as the CLI does.
  for (const [id, b] of settings.buckets) {
    await ctx.adminPool.query(
      `insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values ($1, $1, $2, $3, $4)
       on conflict (id) do update set public = excluded.public, file_size_limit = excluded.file_size_limit,
         allowed_mime_types = excluded.allowed_mime_types, updated_at = now()`,
      [id, b.public, b.fileSizeLimit, b.allowedMimeTypes],
    );
  }

  /** Resolves the caller from `Authorization: Bearer` or `apikey`, as Storage does. @param {import('node:http').IncomingMessage} req @returns {Promise<Auth>} */
  async function authenticate(req) {
    const h = req.headers.authorization;
    let token = null;
    if (typeof h === 'string' && /^bearer\s/i.test(h)) token = h.slice(7).trim();
    else if (typeof req.headers.apikey === 'string' && req.headers.apikey) token = req.headers.apikey.trim();
    if (!token) return { role: 'anon', claims: { role: 'anon' }, token: null };
    try {
      const claims = await ctx.jwt.verify(token);
      const role = typeof claims.role === 'string' && claims.role ? claims.role : 'anon';
      return { role, claims: { ...claims, role }, token };
    } catch (e) {
      const err = /** @type {{ kind: string, message: string }} */ (e);
      throw ERR.invalidJwt(
        err.kind === 'claims' && /expired/.test(err.message)
          ? 'jwt expired'
          : err.kind === 'signature'
            ? 'invalid signature'
            : 'jwt malformed',
      );
    }
  }

  /**
   * Runs `fn` in one transaction as the caller's role with the request's claims set, so
   * RLS decides. @template T @param {Auth} auth @param {(c: import('pg').PoolClient) => Promise<T>} fn @returns {Promise<T>}
   */
  async function asUser(auth, fn) {
    const client = await ctx.apiPool.connect();
    let open = false;
    try {
      await client.query('begin');
      open = true;
      await client.query(
        `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
                set_config('request.jwt.claim.role', $1, true), set_config('request.jwt.claim.sub', $3, true),
                set_config('search_path', 'storage, public, extensions', true)`,
        [auth.role, JSON.stringify(auth.claims), typeof auth.claims.sub === 'string' ? auth.claims.sub : ''],
      );
      const value = await fn(client);
      await client.query('commit');
      open = false;
      return value;
    } catch (e) {
      if (open) await client.query('rollback').catch(() => {});
      if (e && typeof e === 'object' && 'code' in e && String(/** @type {any} */ (e).code) === '22023') {
        // A JWT naming a role that does not exist.
        throw ERR.invalidJwt(String(/** @type {any} */ (e).message));
      }
      throw fromDbError(e) ?? e;
    } finally {
      client.release();
    }
  }

  /** Superuser transaction, for what a bucket flag or a signed token authorises. @template T @param {(c: import('pg').PoolClient) => Promise<T>} fn @returns {Promise<T>} */
  async function asAdmin(fn) {
    const client = await ctx.adminPool.connect();
    try {
      await client.query('begin');
      const v = await fn(client);
      await client.query('commit');
      return v;
    } catch (e) {
      await client.query('rollback').catch(() => {});
      throw fromDbError(e) ?? e;
    } finally {
      client.release();
    }
  }

  /** The bucket's settings, read as the superuser (Storage checks limits with its own rights). @param {string} id @returns {Promise<Bucket>} */
  async function bucketById(id) {
    const r = await ctx.adminPool.query(
      'select id, name, public, file_size_limit, allowed_mime_types from storage.buckets where id = $1',
      [id],
    );
    if (!r.rows[0]) throw ERR.noSuchBucket();
    return r.rows[0];
  }

  /** Where a version of an object lives on disk. @param {string} bucket @param {string} name @param {string} version */
  const filePath = (bucket, name, version) => path.join(root, bucket, ...name.split('/'), `.v-${version}`);

  /** Removes a stored version and the folders it leaves empty. @param {string} bucket @param {string} name @param {string | null} version */
  function removeFile(bucket, name, version) {
    if (!version) return;
    const p = filePath(bucket, name, version);
    fs.rmSync(p, { force: true });
    let dir = path.dirname(p);
    const stop = path.join(root, bucket);
    while (dir.startsWith(stop + path.sep)) {
      try {
        fs.rmdirSync(dir);
      } catch {
        break;
      }
      dir = path.dirname(dir);
    }
  }

  /** @param {string} bucket @param {string} name @param {string} version @param {Buffer} data */
  function writeFile(bucket, name, version, data) {
    const p = filePath(bucket, name, version);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
  }

  /** Checks an object key as Storage does (no empty or dot segments, printable characters). @param {string} key */
  function checkKey(key) {
    if (!key || key.length > 1024 || [...key].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127))
      throw ERR.invalidKey(key);
    for (const seg of key.split('/')) if (seg === '' || seg === '.' || seg === '..') throw ERR.invalidKey(key);
    return key;
  }

  /** `{bucket, name}` from `<bucket>/<name…>`. @param {string} rest */
  function splitKey(rest) {
    const i = rest.indexOf('/');
    if (i <= 0) throw ERR.missingParameter(i === 0 ? 'bucketName' : 'wildcard');
    return { bucket: rest.slice(0, i), name: checkKey(rest.slice(i + 1)) };
  }

  const ownerOf = (/** @type {Auth} */ auth) => {
    const sub = typeof auth.claims.sub === 'string' ? auth.claims.sub : null;
    return {
      owner: sub && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sub) ? sub : null,
      ownerId: sub,
    };
  };

  /**
   * The file and its headers from an upload request: a multipart form (supabase-js sends a
   * Blob/File as FormData with `cacheControl`, `metadata` and the file) or a raw body.
   * @param {import('node:http').IncomingMessage} req @param {Bucket} bucket
   */
  async function readUpload(req, bucket) {
    const bucketLimit = bucket.file_size_limit === null ? null : Number(bucket.file_size_limit);
    const limit = Math.min(bucketLimit ?? GLOBAL_FILE_SIZE_LIMIT, GLOBAL_FILE_SIZE_LIMIT);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit + 64 * 1024) throw ERR.tooLarge();
    let body;
    try {
      body = await readBody(req, limit + 64 * 1024);
    } catch {
      throw ERR.tooLarge();
    }
    const ctype = String(req.headers['content-type'] ?? '');
    let data, mimetype, cacheControl, userMetadata;
    if (/^multipart\/form-data/i.test(ctype)) {
      let form;
      try {
        form = await new Request('http://storage.local/', {
          method: 'POST',
          headers: { 'content-type': ctype },
          body,
        }).formData();
      } catch {
        throw ERR.invalidRequest('Invalid multipart form');
      }
      /** @type {Blob | null} */
      let file = null;
      for (const [, v] of form.entries()) {
        if (typeof v !== 'string') {
          file = v;
          break;
        }
      }
      if (!file) throw ERR.noContent();
      data = Buffer.from(await file.arrayBuffer());
      mimetype = file.type || 'text/plain;charset=UTF-8';
      const cc = form.get('cacheControl');
      cacheControl = typeof cc === 'string' && cc ? `max-age=${cc}` : 'no-cache';
      const md = form.get('metadata');
      if (typeof md === 'string' && md) userMetadata = parseJsonObject(md, 'metadata');
    } else {
      data = body;
      mimetype = ctype || 'text/plain;charset=UTF-8';
      cacheControl = String(req.headers['cache-control'] ?? 'no-cache');
      const xm = req.headers['x-metadata'];
      if (typeof xm === 'string' && xm)
        userMetadata = parseJsonObject(Buffer.from(xm, 'base64').toString(), 'metadata');
    }
    if (data.length > limit) throw ERR.tooLarge();
    checkMime(bucket, mimetype);
    return { data, mimetype, cacheControl, userMetadata: userMetadata ?? null };
  }

  /** @param {string} s @param {string} field */
  function parseJsonObject(s, field) {
    try {
      const v = JSON.parse(s);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch {
      /* fall through */
    }
    throw ERR.invalidRequest(`Invalid ${field}: must be a JSON object`);
  }

  /** Enforces the bucket's allowed_mime_types (`image/*` wildcards allowed). @param {Bucket} bucket @param {string} mimetype */
  function checkMime(bucket, mimetype) {
    const allowed = bucket.allowed_mime_types;
    if (!allowed || allowed.length === 0) return;
    const base = (mimetype.split(';')[0] ?? '').trim().toLowerCase();
    const [type] = base.split('/');
    const ok = allowed.some((a) => {
      const t = a.trim().toLowerCase();
      return t === base || (t.endsWith('/*') && t.slice(0, -2) === type);
    });
    if (!ok) throw ERR.invalidMime(base);
  }

  /** @param {Buffer} data @param {string} mimetype @param {string} cacheControl */
  const objectMetadata = (data, mimetype, cacheControl) => ({
    eTag: `"${createHash('md5').update(data).digest('hex')}"`,
    size: data.length,
    mimetype,
    cacheControl,
    lastModified: new Date().toUTCString(),
    contentLength: data.length,
    httpStatusCode: 200,
  });

  /**
   * Stores an upload. `mode`: 'create' (409 if it exists), 'upsert', or 'update' (404 if it
   * does not). `db` runs the row change (as the user, or as the superuser for signed uploads).
   * @param {{ bucket: Bucket, name: string, upload: Awaited<ReturnType<typeof readUpload>>, mode: 'create'|'upsert'|'update',
   *   owner: { owner: string | null, ownerId: string | null }, run: <T>(fn: (c: import('pg').PoolClient) => Promise<T>) => Promise<T> }} o
   */
  async function storeObject(o) {
    const version = randomUUID();
    const metadata = objectMetadata(o.upload.data, o.upload.mimetype, o.upload.cacheControl);
    writeFile(o.bucket.id, o.name, version, o.upload.data);
    let result;
    try {
      result = await o.run(async (c) => {
        const prev = await c.query(
          'select id, version from storage.objects where bucket_id = $1 and name = $2 for update',
          [o.bucket.id, o.name],
        );
        const old = prev.rows[0] ?? null;
        if (o.mode === 'update' && !old) throw ERR.noSuchKey();
        if (o.mode === 'create' && old) throw ERR.keyExists();
        // No RETURNING: it would need a SELECT policy too, and an upload needs only INSERT (as on hosted).
        const id = old ? /** @type {string} */ (old.id) : randomUUID();
        const args = [
          o.bucket.id,
          o.name,
          o.owner.owner,
          o.owner.ownerId,
          version,
          metadata,
          o.upload.userMetadata,
          id,
        ];
        const r = old
          ? await c.query(
              `update storage.objects set owner = $3, owner_id = $4, version = $5, metadata = $6, user_metadata = $7,
                      updated_at = now(), last_accessed_at = now()
               where bucket_id = $1 and name = $2 and id = $8`,
              args,
            )
          : await c.query(
              `insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata, id)
               values ($1, $2, $3, $4, $5, $6, $7, $8)`,
              args,
            );
        // An UPDATE that RLS hides the row from changes nothing: Storage reports it as denied.
        if (!r.rowCount) throw ERR.accessDenied('new row violates row-level security policy for table "objects"');
        return { id, oldVersion: old ? /** @type {string} */ (old.version) : null };
      });
    } catch (e) {
      removeFile(o.bucket.id, o.name, version);
      throw e;
    }
    if (result.oldVersion && result.oldVersion !== version) removeFile(o.bucket.id, o.name, result.oldVersion);
    return { Id: result.id, Key: `${o.bucket.id}/${o.name}` };
  }

  /**
   * Sends an object's bytes with the headers Storage sets.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {{ bucket_id: string, name: string, version: string, metadata: any }} row @param {URL} url
   */
  function sendObject(req, res, row, url) {
    const md = row.metadata ?? {};
    let data;
    try {
      data = fs.readFileSync(filePath(row.bucket_id, row.name, row.version));
    } catch {
      throw ERR.noSuchKey();
    }
    /** @type {Record<string, string | number>} */
    const headers = {
      'Content-Type': md.mimetype ?? 'application/octet-stream',
      'Content-Length': data.length,
      'Cache-Control': md.cacheControl ?? 'no-cache',
      ETag: md.eTag ?? '',
      'Last-Modified': md.lastModified ?? new Date().toUTCString(),
    };
    const download = url.searchParams.get('download');
    if (download !== null) {
      const fname = download || row.name.split('/').pop() || 'download';
      headers['Content-Disposition'] =
        `attachment; filename=${encodeURIComponent(fname)}; filename*=UTF-8''${encodeURIComponent(fname)}`;
    }
    if (req.headers['if-none-match'] && req.headers['if-none-match'] === md.eTag) {
      res.writeHead(304, { ETag: md.eTag });
      return void res.end();
    }
    // `Range: bytes=a-b` / `a-` / `-n` (one range): 206 with that slice, as media players ask for.
    const range = typeof req.headers.range === 'string' ? req.headers.range.trim() : '';
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range);
      if (!m || (m[1] === '' && m[2] === '')) throw ERR.invalidRange();
      const size = data.length;
      const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
      const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
      if (start > end || start >= size) throw ERR.invalidRange();
      res.writeHead(206, {
        ...headers,
        'Content-Length': end - start + 1,
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Accept-Ranges': 'bytes',
      });
      return void res.end(req.method === 'HEAD' ? undefined : data.subarray(start, end + 1));
    }
    res.writeHead(200, { ...headers, 'Accept-Ranges': 'bytes' });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
  const json = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  /** @param {import('node:http').IncomingMessage} req @returns {Promise<Record<string, any>>} */
  async function jsonBody(req) {
    const buf = await readBody(req, 1024 * 1024);
    if (buf.length === 0) return {};
    try {
      const v = JSON.parse(buf.toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch {
      /* fall through */
    }
    throw ERR.invalidRequest('Body must be a JSON object');
  }

  /** Bucket size limits as numbers or Storage's strings ("20MB", "1GB"). @param {unknown} v */
  function parseSizeLimit(v) {
    if (v === undefined || v === null || v === '') return null;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KIB|MIB|GIB)?\s*$/i.exec(v) : null;
    if (!m) throw ERR.invalidRequest('Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B');
    const unit = (m[2] ?? 'B').toUpperCase();
    /** @type {Record<string, number>} */
    const mult = { B: 1, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };
    return Math.floor(Number(m[1]) * (mult[unit] ?? 1));
  }

  /** @param {unknown} v */
  function parseMimeTypes(v) {
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || v.some((t) => typeof t !== 'string' || !/^[\w.+-]+\/[\w.+*-]+$/.test(t)))
      throw ERR.invalidRequest('allowed_mime_types must be a list of MIME types such as image/png or image/*');
    return v;
  }

  /** A signed token for `<bucket>/<name>` (Storage signs with the project's JWT secret). @param {Record<string, unknown>} claims @param {number} expiresIn */
  const signToken = (claims, expiresIn) => ctx.jwt.sign(claims, expiresIn);

  /** @param {string | null} token @param {string} key */
  async function verifyUrlToken(token, key) {
    if (!token) throw ERR.invalidSignature('Missing token');
    let claims;
    try {
      claims = await ctx.jwt.verify(token);
    } catch (e) {
      const err = /** @type {{ kind: string, message: string }} */ (e);
      throw ERR.invalidJwt(/expired/.test(err.message) ? 'jwt expired' : 'invalid signature');
    }
    if (claims.url !== key) throw ERR.invalidSignature();
    return claims;
  }

  // ---- buckets -------------------------------------------------------------------------

  /** @param {Auth} auth @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string[]} seg @param {URL} url */
  async function buckets(auth, req, res, seg, url) {
    const id = seg[1];
    if (req.method === 'GET' && !id) {
      const limit = Number(url.searchParams.get('limit') ?? '') || null;
      const offset = Number(url.searchParams.get('offset') ?? '') || 0;
      const search = url.searchParams.get('search') ?? '';
      const sortCol = ['id', 'name', 'created_at', 'updated_at'].includes(url.searchParams.get('sortColumn') ?? '')
        ? url.searchParams.get('sortColumn')
        : 'name';
      const order = url.searchParams.get('sortOrder') === 'desc' ? 'desc' : 'asc';
      const rows = await asUser(auth, async (c) => {
        const r = await c.query(
          `select ${BUCKET_COLUMNS} from storage.buckets where ($1 = '' or name ilike '%' || $1 || '%')
           order by ${sortCol} ${order} limit $2 offset $3`,
          [search, limit, offset],
        );
        return r.rows;
      });
      return json(res, 200, rows);
    }
    if (req.method === 'GET' && id && seg.length === 2) {
      const row = await asUser(auth, async (c) => {
        const r = await c.query(`select ${BUCKET_COLUMNS} from storage.buckets where id = $1`, [id]);
        return r.rows[0];
      });
      if (!row) throw ERR.noSuchBucket();
      return json(res, 200, row);
    }
    if (req.method === 'POST' && !id) {
      const b = await jsonBody(req);
      const name = typeof b.name === 'string' ? b.name : typeof b.id === 'string' ? b.id : '';
      const bid = typeof b.id === 'string' && b.id ? b.id : name;
      if (!name) throw ERR.missingParameter('name');
      if (!BUCKET_NAME.test(bid) || bid.length > 100 || bid !== bid.trim()) throw ERR.invalidBucketName();
      const owner = ownerOf(auth);
      await asUser(auth, (c) =>
        c
          .query(
            `insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
             values ($1, $2, $3, $4, $5, $6, $7)`,
            [
              bid,
              name,
              owner.owner,
              owner.ownerId,
              b.public === true,
              parseSizeLimit(b.file_size_limit),
              parseMimeTypes(b.allowed_mime_types),
            ],
          )
          .catch((e) => {
            throw fromDbError(e, ERR.bucketExists) ?? e;
          }),
      );
      return json(res, 200, { name: bid });
    }
    if (req.method === 'PUT' && id && seg.length === 2) {
      const b = await jsonBody(req);
      const sets = [];
      /** @type {unknown[]} */
      const args = [id];
      if (typeof b.public === 'boolean') sets.push(`public = $${args.push(b.public)}`);
      if ('file_size_limit' in b) sets.push(`file_size_limit = $${args.push(parseSizeLimit(b.file_size_limit))}`);
      if ('allowed_mime_types' in b)
        sets.push(`allowed_mime_types = $${args.push(parseMimeTypes(b.allowed_mime_types))}`);
      const found = await asUser(auth, async (c) => {
        const r = await c.query(
          `update storage.buckets set ${[...sets, 'updated_at = now()'].join(', ')} where id = $1 returning id`,
          args,
        );
        return r.rowCount;
      });
      if (!found) throw ERR.noSuchBucket();
      return json(res, 200, { message: 'Successfully updated' });
    }
    if (req.method === 'POST' && id && seg[2] === 'empty' && seg.length === 3) {
      const removed = await asUser(auth, async (c) => {
        const bucket = await c.query('select id from storage.buckets where id = $1', [id]);
        if (!bucket.rows[0]) throw ERR.noSuchBucket();
        const r = await c.query('delete from storage.objects where bucket_id = $1 returning name, version', [id]);
        return r.rows;
      });
      for (const o of removed) removeFile(id, o.name, o.version);
      return json(res, 200, { message: 'Successfully emptied' });
    }
    if (req.method === 'DELETE' && id && seg.length === 2) {
      await asUser(auth, async (c) => {
        const any = await ctx.adminPool.query('select 1 from storage.objects where bucket_id = $1 limit 1', [id]);
        if (any.rows[0]) throw ERR.bucketNotEmpty();
        const r = await c.query('delete from storage.buckets where id = $1', [id]);
        if (!r.rowCount) throw ERR.noSuchBucket();
      });
      fs.rmSync(path.join(root, id), { recursive: true, force: true });
      return json(res, 200, { message: 'Successfully deleted' });
    }
    throw ERR.notFoundRoute(req.method ?? 'GET', req.url ?? '');
  }

  // ---- objects -------------------------------------------------------------------------

  /** @param {Auth} auth @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} rest @param {URL} url */
  async function objects(auth, req, res, rest, url) {
    const method = req.method ?? 'GET';
    const [first, ...more] = rest.split('/');
    const tail = more.join('/');

    // Signed URLs: create (POST /object/sign/<bucket>/<name>, or many at /object/sign/<bucket>)
    // and use (GET /object/sign/<bucket>/<name>?token=).
    if (first === 'sign') {
      if (method === 'GET' || method === 'HEAD') {
        const { bucket, name } = splitKey(tail);
        await verifyUrlToken(url.searchParams.get('token'), `${bucket}/${name}`);
        const row = await asAdmin(async (c) => {
          const r = await c.query(
            'select bucket_id, name, version, metadata from storage.objects where bucket_id = $1 and name = $2',
            [bucket, name],
          );
          return r.rows[0];
        });
        if (!row) throw ERR.noSuchKey();
        return sendObject(req, res, row, url);
      }
      if (method !== 'POST') throw ERR.notFoundRoute(method, req.url ?? '');
      const body = await jsonBody(req);
      const expiresIn = Number(body.expiresIn ?? DEFAULT_SIGN_EXPIRES_S);
      if (!Number.isFinite(expiresIn) || expiresIn < 1)
        throw ERR.invalidRequest('expiresIn must be a positive number of seconds');
      if (!tail.includes('/') && Array.isArray(body.paths)) {
        const bucket = tail;
        /** @type {string[]} */
        const paths = body.paths.filter((/** @type {unknown} */ p) => typeof p === 'string');
        const visible = await asUser(auth, async (c) => {
          const r = await c.query('select name from storage.objects where bucket_id = $1 and name = any($2)', [
            bucket,
            paths,
          ]);
          return new Set(r.rows.map((x) => x.name));
        });
        const out = [];
        for (const p of paths) {
          if (!visible.has(p))
            out.push({
              error: 'Either the object does not exist or you do not have access to it',
              path: p,
              signedURL: null,
            });
          else {
            const token = await signToken({ url: `${bucket}/${p}` }, Math.floor(expiresIn));
            out.push({ error: null, path: p, signedURL: `/object/sign/${bucket}/${p}?token=${token}` });
          }
        }
        return json(res, 200, out);
      }
      const { bucket, name } = splitKey(tail);
      const exists = await asUser(auth, async (c) => {
        const r = await c.query('select 1 from storage.objects where bucket_id = $1 and name = $2', [bucket, name]);
        return r.rows.length > 0;
      });
      if (!exists) throw ERR.noSuchKey();
      const token = await signToken({ url: `${bucket}/${name}` }, Math.floor(expiresIn));
      return json(res, 200, { signedURL: `/object/sign/${bucket}/${name}?token=${token}` });
    }

    // Signed uploads: POST creates the URL (the caller must be allowed to insert), PUT uploads with it.
    if (first === 'upload' && more[0] === 'sign') {
      const { bucket: bucketId, name } = splitKey(more.slice(1).join('/'));
      const bucket = await bucketById(bucketId);
      if (method === 'POST') {
        const upsert = String(req.headers['x-upsert'] ?? '') === 'true';
        const owner = ownerOf(auth);
        // Storage tests the insert under the caller's policies and rolls it back.
        await asUser(auth, async (c) => {
          await c.query('savepoint probe');
          await c.query(
            `insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata)
             values ($1, $2, $3, $4, $5, '{}'::jsonb)
             on conflict (bucket_id, name) do ${upsert ? 'update set version = excluded.version' : 'nothing'}`,
            [bucketId, name, owner.owner, owner.ownerId, randomUUID()],
          );
          await c.query('rollback to savepoint probe');
          if (!upsert) {
            const r = await ctx.adminPool.query('select 1 from storage.objects where bucket_id = $1 and name = $2', [
              bucketId,
              name,
            ]);
            if (r.rows[0]) throw ERR.keyExists();
          }
        });
        const token = await signToken(
          { url: `${bucketId}/${name}`, owner: owner.ownerId ?? undefined, upsert },
          UPLOAD_SIGN_EXPIRES_S,
        );
        return json(res, 200, { url: `/object/upload/sign/${bucketId}/${name}?token=${token}`, token });
      }
      if (method === 'PUT') {
        const claims = await verifyUrlToken(url.searchParams.get('token'), `${bucketId}/${name}`);
        const upload = await readUpload(req, bucket);
        const ownerId = typeof claims.owner === 'string' ? claims.owner : null;
        const r = await storeObject({
          bucket,
          name,
          upload,
          mode: claims.upsert === true ? 'upsert' : 'create',
          owner: ownerOf({ role: 'service_role', claims: { sub: ownerId }, token: null }),
          run: asAdmin,
        });
        return json(res, 200, r);
      }
      throw ERR.notFoundRoute(method, req.url ?? '');
    }

    if (first === 'list-v2') throw ERR.notFoundRoute(method, req.url ?? '');
    if (first === 'list' && method === 'POST') {
      const bucket = tail;
      const body = await jsonBody(req);
      let prefix = typeof body.prefix === 'string' ? body.prefix : '';
      if (prefix.length > 0 && !prefix.endsWith('/')) prefix += '/';
      const limit = Number.isInteger(body.limit) && body.limit > 0 ? body.limit : 100;
      const offset = Number.isInteger(body.offset) && body.offset >= 0 ? body.offset : 0;
      const search = typeof body.search === 'string' ? body.search : '';
      const sortBy = body.sortBy && typeof body.sortBy === 'object' ? body.sortBy : {};
      const rows = await asUser(auth, async (c) => {
        const r = await c.query('select * from storage.search($1, $2, $3, $4, $5, $6, $7, $8)', [
          prefix,
          bucket,
          limit,
          prefix.split('/').length,
          offset,
          search,
          typeof sortBy.column === 'string' ? sortBy.column : 'name',
          typeof sortBy.order === 'string' ? sortBy.order : 'asc',
        ]);
        return r.rows;
      });
      return json(res, 200, rows);
    }

    if ((first === 'move' || first === 'copy') && method === 'POST' && !tail) {
      const body = await jsonBody(req);
      for (const k of ['bucketId', 'sourceKey', 'destinationKey'])
        if (typeof body[k] !== 'string' || !body[k]) throw ERR.missingParameter(k);
      const srcBucket = /** @type {string} */ (body.bucketId);
      const dstBucketId =
        typeof body.destinationBucket === 'string' && body.destinationBucket ? body.destinationBucket : srcBucket;
      const src = checkKey(body.sourceKey);
      const dst = checkKey(body.destinationKey);
      const dstBucket = await bucketById(dstBucketId);
      const version = randomUUID();
      const owner = ownerOf(auth);
      const upsert = String(req.headers['x-upsert'] ?? '') === 'true';
      /** @type {{ version: string } | null} */
      let source = null;
      /** @type {string | null} */
      let replaced = null;
      try {
        const result = await asUser(auth, async (c) => {
          const r = await c.query(
            'select id, version, metadata, user_metadata from storage.objects where bucket_id = $1 and name = $2 for update',
            [srcBucket, src],
          );
          source = r.rows[0] ?? null;
          if (!source) throw ERR.noSuchKey();
          checkMime(dstBucket, String(r.rows[0].metadata?.mimetype ?? ''));
          fs.mkdirSync(path.dirname(filePath(dstBucketId, dst, version)), { recursive: true });
          fs.copyFileSync(filePath(srcBucket, src, source.version), filePath(dstBucketId, dst, version));
          if (first === 'move') {
            const existing = await c.query('select 1 from storage.objects where bucket_id = $1 and name = $2', [
              dstBucketId,
              dst,
            ]);
            if (existing.rows[0]) throw ERR.keyExists();
            const u = await c.query(
              `update storage.objects set bucket_id = $3, name = $4, version = $5, updated_at = now()
               where bucket_id = $1 and name = $2`,
              [srcBucket, src, dstBucketId, dst, version],
            );
            if (!u.rowCount) throw ERR.accessDenied('new row violates row-level security policy for table "objects"');
            return { message: 'Successfully moved' };
          }
          const prev = await c.query(
            'select version from storage.objects where bucket_id = $1 and name = $2 for update',
            [dstBucketId, dst],
          );
          if (prev.rows[0] && !upsert) throw ERR.keyExists();
          replaced = prev.rows[0]?.version ?? null;
          const id = randomUUID();
          await c.query(
            `insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata, id)
             values ($1, $2, $3, $4, $5, $6, $7, $8)
             on conflict (bucket_id, name) do update set owner = excluded.owner, owner_id = excluded.owner_id,
               version = excluded.version, metadata = excluded.metadata, user_metadata = excluded.user_metadata,
               updated_at = now()`,
            [dstBucketId, dst, owner.owner, owner.ownerId, version, r.rows[0].metadata, r.rows[0].user_metadata, id],
          );
          return { Id: id, Key: `${dstBucketId}/${dst}`, name: dst, bucket_id: dstBucketId };
        });
        if (first === 'move' && source) removeFile(srcBucket, src, /** @type {{version: string}} */ (source).version);
        if (replaced) removeFile(dstBucketId, dst, replaced);
        return json(res, 200, result);
      } catch (e) {
        removeFile(dstBucketId, dst, version);
        throw e;
      }
    }

    if (first === 'info') {
      let key = tail;
      if (more[0] === 'authenticated' || more[0] === 'public') key = more.slice(1).join('/');
      const { bucket, name } = splitKey(key);
      const row = await (more[0] === 'public' ? publicRow(bucket, name) : userRow(auth, bucket, name));
      const md = row.metadata ?? {};
      return json(res, 200, {
        id: row.id,
        name: row.name,
        version: row.version,
        bucket_id: row.bucket_id,
        size: md.size ?? null,
        content_type: md.mimetype ?? null,
        cache_control: md.cacheControl ?? null,
        etag: md.eTag ?? null,
        metadata: row.user_metadata ?? {},
        last_modified: row.updated_at,
        created_at: row.created_at,
      });
    }

    if (first === 'public' && (method === 'GET' || method === 'HEAD')) {
      const { bucket, name } = splitKey(tail);
      return sendObject(req, res, await publicRow(bucket, name), url);
    }
    if (first === 'authenticated' && (method === 'GET' || method === 'HEAD')) {
      const { bucket, name } = splitKey(tail);
      return sendObject(req, res, await userRow(auth, bucket, name), url);
    }

    // DELETE /object/<bucket> {prefixes}: remove many; answers the removed rows.
    if (method === 'DELETE' && !tail) {
      const body = await jsonBody(req);
      if (!Array.isArray(body.prefixes)) throw ERR.missingParameter('prefixes');
      const names = body.prefixes.filter((/** @type {unknown} */ p) => typeof p === 'string');
      const removed = await asUser(auth, async (c) => {
        const r = await c.query(
          `delete from storage.objects where bucket_id = $1 and name = any($2)
           returning id, bucket_id, name, owner, owner_id, version, metadata, user_metadata, created_at, updated_at, last_accessed_at`,
          [first, names],
        );
        return r.rows;
      });
      for (const o of removed) removeFile(o.bucket_id, o.name, o.version);
      return json(res, 200, removed);
    }

    const { bucket: bucketId, name } = splitKey(rest);
    if (method === 'GET' || method === 'HEAD') return sendObject(req, res, await userRow(auth, bucketId, name), url);
    if (method === 'DELETE') {
      const removed = await asUser(auth, async (c) => {
        const r = await c.query(
          'delete from storage.objects where bucket_id = $1 and name = $2 returning bucket_id, name, version',
          [bucketId, name],
        );
        return r.rows[0];
      });
      if (!removed) throw ERR.noSuchKey();
      removeFile(removed.bucket_id, removed.name, removed.version);
      return json(res, 200, { message: 'Successfully deleted' });
    }
    if (method === 'POST' || method === 'PUT') {
      const bucket = await bucketById(bucketId);
      const upload = await readUpload(req, bucket);
      const upsert = String(req.headers['x-upsert'] ?? '') === 'true';
      const r = await storeObject({
        bucket,
        name,
        upload,
        mode: method === 'PUT' ? 'update' : upsert ? 'upsert' : 'create',
        owner: ownerOf(auth),
        run: (fn) => asUser(auth, fn),
      });
      return json(res, 200, r);
    }
    throw ERR.notFoundRoute(method, req.url ?? '');
  }

  /** The object row as the caller may see it (RLS), or NoSuchKey. @param {Auth} auth @param {string} bucket @param {string} name */
  async function userRow(auth, bucket, name) {
    const row = await asUser(auth, async (c) => {
      const r = await c.query(
        `select id, bucket_id, name, version, metadata, user_metadata, created_at, updated_at
         from storage.objects where bucket_id = $1 and name = $2`,
        [bucket, name],
      );
      return r.rows[0];
    });
    if (!row) throw ERR.noSuchKey();
    return row;
  }

  /** An object of a public bucket (a private bucket answers Bucket not found, as Storage does). @param {string} bucket @param {string} name */
  async function publicRow(bucket, name) {
    const b = await ctx.adminPool.query('select public from storage.buckets where id = $1', [bucket]);
    if (!b.rows[0] || b.rows[0].public !== true) throw ERR.noSuchBucket();
    const r = await ctx.adminPool.query(
      `select id, bucket_id, name, version, metadata, user_metadata, created_at, updated_at
       from storage.objects where bucket_id = $1 and name = $2`,
      [bucket, name],
    );
    if (!r.rows[0]) throw ERR.noSuchKey();
    return r.rows[0];
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} subpath
   */
  async function handle(req, res, subpath) {
    try {
      const url = new URL(subpath, 'http://storage.local');
      let p;
      try {
        p = decodeURIComponent(url.pathname);
      } catch {
        throw ERR.invalidRequest('Malformed URL path');
      }
      p = p.replace(/^\/+/, '');
      const isPublicRead =
        (req.method === 'GET' || req.method === 'HEAD') &&
        (p.startsWith('object/public/') || p.startsWith('object/sign/'));
      const auth = isPublicRead ? { role: 'anon', claims: { role: 'anon' }, token: null } : await authenticate(req);
      const seg = p.split('/');
      if (seg[0] === 'bucket') return await buckets(auth, req, res, seg.filter(Boolean), url);
      if (seg[0] === 'object' && seg.length > 1) return await objects(auth, req, res, seg.slice(1).join('/'), url);
      if (p === 'status' || p === '') return json(res, 200, { status: 'ok' });
      throw ERR.notFoundRoute(req.method ?? 'GET', req.url ?? '');
    } catch (e) {
      const err = e instanceof StorageError ? e : fromDbError(e);
      if (!err) throw e;
      if (res.headersSent) return void res.end();
      res.writeHead(err.httpStatus, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(err.body()));
    }
  }

  return { handle, close: async () => {} };
}
