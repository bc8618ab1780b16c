// auth.users and auth.identities: reading, creating and changing users, and their JSON shape
// as Supabase Auth returns it. Writes run as supabase_auth_admin with search_path `auth` (as
// GoTrue connects), so the app's triggers on auth.users run with the same rights as on hosted
// Supabase: a trigger that works here because of superuser rights would fail there.
import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import { unprocessable } from './errors.js';

const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';
/** bcrypt.DefaultCost in Go, which GoTrue uses. */
const BCRYPT_COST = 10;

/**
 * Runs fn in a transaction as GoTrue's database role.
 * @template T
 * @param {import('pg').Pool} pool
 * @param {(c: import('pg').PoolClient) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function authTx(pool, fn) {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await c.query('set local role supabase_auth_admin; set local search_path = auth');
    const out = await fn(c);
    await c.query('commit');
    return out;
  } catch (e) {
    await c.query(/** @type {any} */ (e)?.commitAnyway ? 'commit' : 'rollback').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** @param {string} password */
export const hashPassword = (password) => bcrypt.hash(password, BCRYPT_COST);

/** @param {string} password @param {string | null} hash */
export async function checkPassword(password, hash) {
  if (!hash) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}

/** @param {import('pg').ClientBase} c @param {string} id @param {{ forUpdate?: boolean }} [o] */
export async function findUserById(c, id, o = {}) {
  const r = await c.query(
    `select * from auth.users where id = $1 and deleted_at is null${o.forUpdate ? ' for update' : ''}`,
    [id],
  );
  return r.rows[0] ?? null;
}

/** @param {import('pg').ClientBase} c @param {string} email */
export async function findUserByEmail(c, email) {
  const r = await c.query(
    'select * from auth.users where lower(email) = $1 and is_sso_user = false and deleted_at is null',
    [email],
  );
  return r.rows[0] ?? null;
}

/** @param {import('pg').ClientBase} c @param {string} userId */
async function identitiesOf(c, userId) {
  const r = await c.query('select * from auth.identities where user_id = $1 order by created_at', [userId]);
  return r.rows.map((i) => ({
    identity_id: i.id,
    id: i.provider_id,
    user_id: i.user_id,
    identity_data: i.identity_data,
    provider: i.provider,
    last_sign_in_at: i.last_sign_in_at,
    created_at: i.created_at,
    updated_at: i.updated_at,
    email: i.email,
  }));
}

/** @param {Date | null | undefined} d */
const ts = (d) => (d ? new Date(d).toISOString() : undefined);

/**
 * The User object of Supabase Auth; optional timestamps appear only when set.
 * @param {import('pg').ClientBase} c @param {Record<string, any>} u
 */
export async function userJson(c, u) {
  /** @type {Record<string, unknown>} */
  const out = {
    id: u.id,
    aud: u.aud ?? 'authenticated',
    role: u.role ?? 'authenticated',
    email: u.email ?? '',
    email_confirmed_at: ts(u.email_confirmed_at),
    phone: u.phone ?? '',
    phone_confirmed_at: ts(u.phone_confirmed_at),
    confirmation_sent_at: ts(u.confirmation_sent_at),
    recovery_sent_at: ts(u.recovery_sent_at),
    email_change_sent_at: ts(u.email_change_sent_at),
    new_email: u.email_change || undefined,
    invited_at: ts(u.invited_at),
    confirmed_at: ts(u.confirmed_at ?? u.email_confirmed_at),
    last_sign_in_at: ts(u.last_sign_in_at),
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    identities: await identitiesOf(c, u.id),
    created_at: ts(u.created_at),
    updated_at: ts(u.updated_at),
    banned_until: u.banned_until && new Date(u.banned_until) > new Date() ? ts(u.banned_until) : undefined,
    is_anonymous: u.is_anonymous ?? false,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * Inserts a user with an `email` identity. Duplicate emails raise 422 with `duplicateCode`
 * (`user_already_exists` for sign-up, `email_exists` for admin calls, as GoTrue).
 * @param {import('pg').ClientBase} c
 * @param {{ email: string, password?: string, userMeta?: Record<string, unknown>, appMeta?: Record<string, unknown>,
 *   confirmed: boolean, invited?: boolean, role?: string, duplicateCode?: string }} p
 */
export async function createUser(c, p) {
  if (await findUserByEmail(c, p.email)) {
    throw unprocessable(
      p.duplicateCode ?? 'user_already_exists',
      p.duplicateCode === 'email_exists'
        ? 'A user with this email address has already been registered'
        : 'User already registered',
    );
  }
  const id = crypto.randomUUID();
  const hash = p.password ? await hashPassword(p.password) : '';
  // GoTrue owns provider/providers; callers' app_metadata is merged around them.
  const appMeta = { provider: 'email', providers: ['email'], ...(p.appMeta ?? {}) };
  await c.query('savepoint create_user');
  try {
    await c.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
         confirmation_token, recovery_token, email_change_token_new, email_change,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_anonymous, is_sso_user)
       values ($1, $2, 'authenticated', $3, $4, $5, case when $6 then now() end, case when $7 then now() end,
         '', '', '', '', $8, $9, now(), now(), false, false)`,
      [INSTANCE_ID, id, p.role ?? 'authenticated', p.email, hash, p.confirmed, !!p.invited, appMeta, p.userMeta ?? {}],
    );
  } catch (e) {
    await c.query('rollback to savepoint create_user');
    if (/** @type {any} */ (e).code === '23505')
      throw unprocessable(p.duplicateCode ?? 'user_already_exists', 'User already registered');
    throw e;
  }
  await c.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2, $3, 'email', now(), now(), now())`,
    [id, id, { sub: id, email: p.email, email_verified: p.confirmed, phone_verified: false }],
  );
  return /** @type {Record<string, any>} */ (await findUserById(c, id));
}

/** Marks the email confirmed (also in the identity's data, as GoTrue does). */
/** @param {import('pg').ClientBase} c @param {string} userId */
export async function confirmEmail(c, userId) {
  await c.query(
    "update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), confirmation_token = '', updated_at = now() where id = $1",
    [userId],
  );
  await c.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
     where user_id = $1 and provider = 'email'`,
    [userId],
  );
}

/** Changes the email and keeps the `email` identity in step. */
/** @param {import('pg').ClientBase} c @param {Record<string, any>} user @param {string} email @param {string} dupCode */
export async function changeEmail(c, user, email, dupCode) {
  if (email === user.email) return;
  const other = await findUserByEmail(c, email);
  if (other && other.id !== user.id)
    throw unprocessable(dupCode, 'A user with this email address has already been registered');
  await c.query("update auth.users set email = $2, email_change = '', updated_at = now() where id = $1", [
    user.id,
    email,
  ]);
  await c.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text), updated_at = now()
     where user_id = $1 and provider = 'email'`,
    [user.id, email],
  );
}

/** Merges metadata: keys set to null are removed (GoTrue's UpdateUserMetaData). */
/** @param {Record<string, unknown> | null} current @param {Record<string, unknown>} patch */
export function mergeMeta(current, patch) {
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** @param {Record<string, any>} user */
export function isBanned(user) {
  return user.banned_until != null && new Date(user.banned_until) > new Date();
}
