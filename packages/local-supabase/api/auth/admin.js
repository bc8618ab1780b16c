// The admin API (`supabase.auth.admin.*`): only a JWT whose role is service_role (or
// supabase_admin) may call it; anything else is 403 `not_admin`, as on Supabase.
import { AuthError, forbidden, notFound, validation, send } from './errors.js';
import * as v from './validate.js';
import {
  authTx,
  createUser,
  findUserByEmail,
  findUserById,
  hashPassword,
  userJson,
  mergeMeta,
  changeEmail,
  confirmEmail,
} from './users.js';
import { requireClaims } from './sessions.js';
import { issueOtp, actionLink, sendAuthMail } from './otp.js';
import { resolveRedirect } from './redirect.js';

/** @typedef {import('./user-routes.js').Env} Env */
/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */

/** @param {Env} env @param {Req} req */
async function requireAdmin(env, req) {
  const claims = await requireClaims(env.ctx, req);
  if (claims.role !== 'service_role' && claims.role !== 'supabase_admin')
    throw forbidden('not_admin', 'User not allowed');
}

/**
 * `ban_duration`: "none" lifts a ban; otherwise a Go duration such as "24h" or "1h30m".
 * @param {unknown} d @returns {Date | null | undefined}
 */
function banUntil(d) {
  if (d === undefined) return undefined;
  if (d === 'none') return null;
  if (typeof d !== 'string') throw validation('ban_duration must be a string');
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit = /** @type {Record<string, number>} */ ({ ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 36e5 });
  let ms = 0;
  let m;
  let consumed = 0;
  while ((m = re.exec(d))) {
    ms += Number(m[1]) * /** @type {number} */ (unit[/** @type {string} */ (m[2])]);
    consumed = re.lastIndex;
  }
  if (consumed !== d.length || d.length === 0) throw validation('invalid format for ban duration: ' + d);
  return new Date(Date.now() + ms);
}

/** @param {Env} env @param {Req} req @param {Res} res */
export async function createUserAdmin(env, req, res) {
  await requireAdmin(env, req);
  const body = await v.readJson(req);
  v.refusePhone(body);
  const email = v.email(body.email);
  const password = body.password === undefined || body.password === null ? undefined : v.newPassword(body.password);
  const userMeta = v.metadata(body.user_metadata ?? body.data, 'user_metadata');
  const appMeta = v.metadata(body.app_metadata, 'app_metadata');
  const confirmed = v.optBool(body.email_confirm, 'email_confirm') ?? false;
  const ban = banUntil(body.ban_duration);
  const role = v.optString(body.role, 'role');
  const out = await authTx(env.ctx.adminPool, async (c) => {
    const user = await createUser(c, {
      email,
      password,
      userMeta,
      appMeta,
      confirmed,
      role,
      duplicateCode: 'email_exists',
    });
    if (ban !== undefined) await c.query('update auth.users set banned_until = $2 where id = $1', [user.id, ban]);
    return userJson(c, /** @type {Record<string, any>} */ (await findUserById(c, user.id)));
  });
  send(req, res, 200, out);
}

/** GET /admin/users?page=&per_page= with GoTrue's `x-total-count` and `link` headers. */
/** @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query */
export async function listUsers(env, req, res, query) {
  await requireAdmin(env, req);
  const page = Number(query.get('page') ?? '1');
  const perPage = Number(query.get('per_page') ?? '50');
  if (!Number.isInteger(page) || page < 1) throw validation('page must be a positive integer');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000)
    throw validation('per_page must be between 1 and 1000');
  const out = await authTx(env.ctx.adminPool, async (c) => {
    const total = Number((await c.query('select count(*) from auth.users where deleted_at is null')).rows[0].count);
    const rows = (
      await c.query(
        'select * from auth.users where deleted_at is null order by created_at desc, id limit $1 offset $2',
        [perPage, (page - 1) * perPage],
      )
    ).rows;
    const users = [];
    for (const u of rows) users.push(await userJson(c, u));
    return { total, users };
  });
  const last = Math.max(1, Math.ceil(out.total / perPage));
  const base = `${env.apiUrl}/auth/v1/admin/users`;
  const links = [];
  if (page < last) links.push(`<${base}?page=${page + 1}&per_page=${perPage}>; rel="next"`);
  links.push(`<${base}?page=${last}&per_page=${perPage}>; rel="last"`);
  send(
    req,
    res,
    200,
    { users: out.users, aud: 'authenticated' },
    { 'x-total-count': String(out.total), link: links.join(', ') },
  );
}

/** @param {Env} env @param {Req} req @param {Res} res @param {string} id */
export async function getUserAdmin(env, req, res, id) {
  await requireAdmin(env, req);
  const out = await authTx(env.ctx.adminPool, async (c) => {
    const user = v.isUuid(id) ? await findUserById(c, id) : null;
    if (!user) throw notFound('user_not_found', 'User not found');
    return userJson(c, user);
  });
  send(req, res, 200, out);
}

/** @param {Env} env @param {Req} req @param {Res} res @param {string} id */
export async function updateUserAdmin(env, req, res, id) {
  await requireAdmin(env, req);
  const body = await v.readJson(req);
  v.refusePhone(body);
  const email = body.email === undefined || body.email === null ? undefined : v.email(body.email);
  const password = body.password === undefined || body.password === null ? undefined : v.newPassword(body.password);
  const userMeta = v.metadata(body.user_metadata ?? body.data, 'user_metadata');
  const appMeta = v.metadata(body.app_metadata, 'app_metadata');
  const confirm = v.optBool(body.email_confirm, 'email_confirm');
  const ban = banUntil(body.ban_duration);
  const role = v.optString(body.role, 'role');
  const out = await authTx(env.ctx.adminPool, async (c) => {
    const user = v.isUuid(id) ? await findUserById(c, id, { forUpdate: true }) : null;
    if (!user) throw notFound('user_not_found', 'User not found');
    if (email !== undefined) await changeEmail(c, user, email, 'email_exists');
    if (password !== undefined)
      await c.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [
        id,
        await hashPassword(password),
      ]);
    if (userMeta !== undefined)
      await c.query('update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1', [
        id,
        mergeMeta(user.raw_user_meta_data, userMeta),
      ]);
    if (appMeta !== undefined)
      await c.query('update auth.users set raw_app_meta_data = $2, updated_at = now() where id = $1', [
        id,
        mergeMeta(user.raw_app_meta_data, appMeta),
      ]);
    if (confirm === true) await confirmEmail(c, id);
    if (role !== undefined)
      await c.query('update auth.users set role = $2, updated_at = now() where id = $1', [id, role]);
    if (ban !== undefined) {
      await c.query('update auth.users set banned_until = $2, updated_at = now() where id = $1', [id, ban]);
      // A banned user's sessions end now, as on Supabase.
      if (ban) await c.query('delete from auth.sessions where user_id = $1', [id]);
    }
    return userJson(c, /** @type {Record<string, any>} */ (await findUserById(c, id)));
  });
  send(req, res, 200, out);
}

/** @param {Env} env @param {Req} req @param {Res} res @param {string} id */
export async function deleteUserAdmin(env, req, res, id) {
  await requireAdmin(env, req);
  const body = await v.readJson(req);
  const soft = v.optBool(body.should_soft_delete, 'should_soft_delete') ?? false;
  await authTx(env.ctx.adminPool, async (c) => {
    const user = v.isUuid(id) ? await findUserById(c, id, { forUpdate: true }) : null;
    if (!user) throw notFound('user_not_found', 'User not found');
    if (soft) {
      // GoTrue's soft delete: the row stays (for foreign keys) but can no longer sign in.
      await c.query(
        `update auth.users set deleted_at = now(), email = null, phone = null, encrypted_password = '',
           raw_user_meta_data = '{}', updated_at = now() where id = $1`,
        [id],
      );
      await c.query('delete from auth.identities where user_id = $1', [id]);
      await c.query('delete from auth.sessions where user_id = $1', [id]);
    } else {
      await c.query('delete from auth.users where id = $1', [id]);
    }
  });
  send(req, res, 200, {});
}

/**
 * POST /admin/generate_link: the link and code an email would carry, without sending it.
 * @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query
 */
export async function generateLink(env, req, res, query) {
  await requireAdmin(env, req);
  const body = await v.readJson(req);
  const type = v.optString(body.type, 'type');
  if (!type || !['signup', 'invite', 'magiclink', 'recovery'].includes(type)) {
    if (type === 'email_change_current' || type === 'email_change_new') {
      throw validation(
        'email change links are not supported by the local stack; update the email with PUT /admin/users/:id',
      );
    }
    throw validation('Invalid email action link type requested: ' + (type ?? ''));
  }
  const email = v.email(body.email);
  const password = type === 'signup' ? v.newPassword(body.password) : undefined;
  const userMeta = v.metadata(body.data, 'data');
  // auth-js sends redirectTo as the `redirect_to` query parameter (GoTrue reads it there).
  const redirectTo = resolveRedirect(env.redirects, query.get('redirect_to') ?? body.redirect_to);
  const out = await authTx(env.ctx.adminPool, async (c) => {
    let user = await findUserByEmail(c, email);
    if (type === 'signup' || type === 'invite') {
      if (user && user.email_confirmed_at)
        throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
      if (!user)
        user = await createUser(c, {
          email,
          password,
          userMeta,
          confirmed: false,
          invited: type === 'invite',
          duplicateCode: 'email_exists',
        });
    } else if (!user) {
      throw notFound('user_not_found', 'User with this email not found');
    }
    const { otp, hash } = await issueOtp(c, user, type === 'signup' || type === 'invite' ? 'confirmation' : 'recovery');
    const fresh = /** @type {Record<string, any>} */ (await findUserById(c, user.id));
    return {
      ...(await userJson(c, fresh)),
      action_link: actionLink(env.apiUrl, hash, type, redirectTo),
      email_otp: otp,
      hashed_token: hash,
      verification_type: type,
      redirect_to: redirectTo,
    };
  });
  send(req, res, 200, out);
}

/**
 * POST /invite (`supabase.auth.admin.inviteUserByEmail`): creates the user (unconfirmed,
 * `invited_at` set, `data` as user metadata) and mails the `invite` email, from the project's
 * `[auth.email.template.invite]` template when config.toml has one (otp.js). An address whose
 * user is already confirmed is refused with 422 `email_exists`, as GoTrue does; an invited user
 * who has not accepted yet is mailed again.
 * @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query
 */
export async function invite(env, req, res, query) {
  await requireAdmin(env, req);
  const body = await v.readJson(req);
  const email = v.email(body.email);
  const userMeta = v.metadata(body.data, 'data');
  const redirectTo = resolveRedirect(env.redirects, query.get('redirect_to') ?? body.redirect_to);
  const out = await authTx(env.ctx.adminPool, async (c) => {
    let user = await findUserByEmail(c, email);
    if (user && user.email_confirmed_at)
      throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    if (!user) {
      user = await createUser(c, { email, userMeta, confirmed: false, invited: true, duplicateCode: 'email_exists' });
    } else if (userMeta) {
      await c.query('update auth.users set raw_user_meta_data = $2, invited_at = now() where id = $1', [
        user.id,
        mergeMeta(user.raw_user_meta_data, userMeta),
      ]);
    }
    const { otp, hash } = await issueOtp(c, user, 'confirmation');
    const fresh = /** @type {Record<string, any>} */ (await findUserById(c, user.id));
    return {
      user: await userJson(c, fresh),
      mail: {
        to: email,
        type: 'invite',
        otp,
        link: actionLink(env.apiUrl, hash, 'invite', redirectTo),
        data: fresh.raw_user_meta_data ?? {},
        redirectTo,
      },
    };
  });
  await sendAuthMail(env.ctx, out.mail);
  send(req, res, 200, out.user);
}
