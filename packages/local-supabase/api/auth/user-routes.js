// The endpoints a signed-out or signed-in user calls: sign-up, sign-in, refresh, the user
// itself, sign-out, magic link / OTP and verification. Sign-up auto-confirms (the Supabase
// CLI's local default, `enable_confirmations = false`) and answers with a session.
import { AuthError, OAuthError, badRequest, validation, unprocessable, send } from './errors.js';
import * as v from './validate.js';
import {
  authTx,
  createUser,
  findUserByEmail,
  findUserById,
  checkPassword,
  hashPassword,
  userJson,
  mergeMeta,
  changeEmail,
  isBanned,
} from './users.js';
import { startSession, refresh, requireUser } from './sessions.js';
import { issueOtp, consumeOtp, actionLink, sendAuthMail, VERIFY_TYPES } from './otp.js';
import { resolveRedirect } from './redirect.js';

/**
 * @typedef {{ ctx: import('../server.js').ApiContext, apiUrl: string, redirects: { siteUrl: string, allowed: string[] } }} Env
 * @typedef {import('node:http').IncomingMessage} Req
 * @typedef {import('node:http').ServerResponse} Res
 */

/** @param {Env} env @param {Req} req @param {Res} res */
export async function signup(env, req, res) {
  const body = await v.readJson(req);
  v.refusePhone(body);
  if ((body.email === undefined || body.email === '') && (body.password === undefined || body.password === '')) {
    throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
  }
  const email = v.email(body.email);
  const password = v.newPassword(body.password);
  const userMeta = v.metadata(body.data, 'data') ?? {};
  const session = await authTx(env.ctx.adminPool, async (c) => {
    const user = await createUser(c, { email, password, userMeta, confirmed: true });
    return startSession(env.ctx, c, user, 'password', req);
  });
  send(req, res, 200, session);
}

/** @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query */
export async function token(env, req, res, query) {
  const grant = query.get('grant_type');
  const body = await v.readJson(req);
  if (grant === 'password') {
    v.refusePhone(body);
    if (typeof body.password !== 'string' || body.password === '')
      throw badRequest('validation_failed', 'missing email or phone');
    const email = v.email(body.email);
    const session = await authTx(env.ctx.adminPool, async (c) => {
      const user = await findUserByEmail(c, email);
      // The same answer for an unknown email and a wrong password, so accounts cannot be probed.
      if (!user || !(await checkPassword(body.password, user.encrypted_password))) {
        throw badRequest('invalid_credentials', 'Invalid login credentials');
      }
      if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed');
      if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
      return startSession(env.ctx, c, user, 'password', req);
    });
    return send(req, res, 200, session);
  }
  if (grant === 'refresh_token') {
    const rt = body.refresh_token;
    if (typeof rt !== 'string' || rt === '') throw new OAuthError('invalid_request', 'refresh_token required');
    if (rt.length > 255) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
    const session = await authTx(env.ctx.adminPool, (c) => refresh(env.ctx, c, rt));
    return send(req, res, 200, session);
  }
  if (grant === 'pkce' || grant === 'id_token' || grant === 'web3') {
    throw badRequest('validation_failed', `grant_type=${grant} is not supported by the local stack`);
  }
  throw new OAuthError('unsupported_grant_type', 'unsupported_grant_type');
}

/** @param {Env} env @param {Req} req @param {Res} res */
export async function getUser(env, req, res) {
  const out = await authTx(env.ctx.adminPool, async (c) => {
    const { user } = await requireUser(env.ctx, c, req);
    return userJson(c, user);
  });
  send(req, res, 200, out);
}

/** @param {Env} env @param {Req} req @param {Res} res */
export async function updateUser(env, req, res) {
  const body = await v.readJson(req);
  v.refusePhone(body);
  const email = body.email === undefined || body.email === null ? undefined : v.email(body.email);
  const password = body.password === undefined || body.password === null ? undefined : v.newPassword(body.password);
  const data = v.metadata(body.data, 'data');
  const out = await authTx(env.ctx.adminPool, async (c) => {
    const { user } = await requireUser(env.ctx, c, req);
    if (password !== undefined) {
      if (await checkPassword(password, user.encrypted_password)) {
        throw unprocessable('same_password', 'New password should be different from the old password.');
      }
      await c.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [
        user.id,
        await hashPassword(password),
      ]);
    }
    if (data !== undefined) {
      await c.query('update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1', [
        user.id,
        mergeMeta(user.raw_user_meta_data, data),
      ]);
    }
    // Locally email changes need no confirmation (mailer_autoconfirm), like the CLI's stack.
    if (email !== undefined) await changeEmail(c, user, email, 'email_exists');
    return userJson(c, /** @type {Record<string, any>} */ (await findUserById(c, user.id)));
  });
  send(req, res, 200, out);
}

/** @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query */
export async function logout(env, req, res, query) {
  const scope = query.get('scope') ?? 'global';
  if (!['global', 'local', 'others'].includes(scope))
    throw badRequest('validation_failed', 'Unsupported logout scope "' + scope + '"');
  await authTx(env.ctx.adminPool, async (c) => {
    const { user, session } = await requireUser(env.ctx, c, req);
    // Refresh tokens go with their session (on delete cascade).
    if (scope === 'local') await c.query('delete from auth.sessions where id = $1', [session.id]);
    else if (scope === 'others')
      await c.query('delete from auth.sessions where user_id = $1 and id <> $2', [user.id, session.id]);
    else await c.query('delete from auth.sessions where user_id = $1', [user.id]);
  });
  send(req, res, 204, undefined);
}

/**
 * POST /otp and the legacy POST /magiclink: emails a code and a link. Unknown addresses get
 * a new (unconfirmed) user unless `create_user` is false.
 * @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query @param {boolean} legacy
 */
export async function otp(env, req, res, query, legacy) {
  const body = await v.readJson(req);
  v.refusePhone(body);
  const email = v.email(body.email);
  const createUserToo = legacy ? true : (v.optBool(body.create_user, 'create_user') ?? true);
  const data = v.metadata(body.data, 'data') ?? {};
  const redirectTo = resolveRedirect(env.redirects, query.get('redirect_to') ?? body.redirect_to);
  const mail = await authTx(env.ctx.adminPool, async (c) => {
    let user = await findUserByEmail(c, email);
    if (!user) {
      if (!createUserToo) throw unprocessable('otp_disabled', 'Signups not allowed for otp');
      user = await createUser(c, { email, userMeta: data, confirmed: false });
    }
    if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
    // An unconfirmed user gets a sign-up confirmation, a confirmed one a magic link (as GoTrue).
    const type = user.email_confirmed_at ? 'magiclink' : 'signup';
    const { otp: code, hash } = await issueOtp(c, user, type === 'signup' ? 'confirmation' : 'recovery');
    return { to: email, type, otp: code, link: actionLink(env.apiUrl, hash, type, redirectTo) };
  });
  await sendAuthMail(env.ctx, mail);
  send(req, res, 200, {});
}

/** POST /recover: a password-recovery email (always 200, so addresses cannot be probed). */
/** @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query */
export async function recover(env, req, res, query) {
  const body = await v.readJson(req);
  const email = v.email(body.email);
  const redirectTo = resolveRedirect(env.redirects, query.get('redirect_to') ?? body.redirect_to);
  const mail = await authTx(env.ctx.adminPool, async (c) => {
    const user = await findUserByEmail(c, email);
    if (!user) return null;
    const { otp: code, hash } = await issueOtp(c, user, 'recovery');
    return { to: email, type: 'recovery', otp: code, link: actionLink(env.apiUrl, hash, 'recovery', redirectTo) };
  });
  if (mail) await sendAuthMail(env.ctx, mail);
  send(req, res, 200, {});
}

/** @param {Record<string, any>} body */
function verifyParams(body) {
  const type = v.optString(body.type, 'type');
  if (!type) throw validation('Verify requires a verification type');
  if (!VERIFY_TYPES[type]) throw validation(`Unsupported verification type "${type}"`);
  const tokenHash = v.optString(body.token_hash, 'token_hash');
  const tok = v.optString(body.token, 'token');
  if (tokenHash) {
    if (!/^[0-9a-f]{56}$/.test(tokenHash)) return { type, tokenHash: 'invalid' };
    return { type, tokenHash };
  }
  if (!tok) throw validation('Verify requires either a token or a token hash');
  if (body.phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  const email = v.email(body.email);
  return { type, email, token: tok.trim() };
}

/** POST /verify: a code or token hash for a session. */
/** @param {Env} env @param {Req} req @param {Res} res */
export async function verifyPost(env, req, res) {
  const p = verifyParams(await v.readJson(req));
  const session = await authTx(env.ctx.adminPool, async (c) => {
    const { userId, method } = await consumeOtp(c, p);
    const user = /** @type {Record<string, any>} */ (await findUserById(c, userId));
    return startSession(env.ctx, c, user, method, req);
  });
  send(req, res, 200, session);
}

/**
 * GET /verify (the link in the email): redirects to redirect_to with the session, or with the
 * error, in the fragment (implicit flow), with 303 as Supabase Auth.
 * @param {Env} env @param {Req} req @param {Res} res @param {URLSearchParams} query
 */
export async function verifyGet(env, req, res, query) {
  const redirectTo = resolveRedirect(env.redirects, query.get('redirect_to'));
  const type = query.get('type') ?? '';
  try {
    const p = verifyParams({
      type,
      token_hash: query.get('token') ?? undefined,
      token: query.get('token') ? undefined : '',
    });
    const session = await authTx(env.ctx.adminPool, async (c) => {
      const { userId, method } = await consumeOtp(c, p);
      const user = /** @type {Record<string, any>} */ (await findUserById(c, userId));
      return startSession(env.ctx, c, user, method, req);
    });
    const frag = new URLSearchParams({
      access_token: session.access_token,
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      refresh_token: session.refresh_token,
      token_type: 'bearer',
      type,
    });
    res.writeHead(303, { Location: `${redirectTo}#${frag}` });
    res.end();
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    const frag = new URLSearchParams({
      error: e.status === 403 ? 'access_denied' : 'invalid_request',
      error_code: e.code,
      error_description: e.message,
    });
    res.writeHead(303, { Location: `${redirectTo}#${frag}`, 'x-sb-error-code': e.code });
    res.end();
  }
}
