// Sessions, access tokens and refresh-token rotation, following Supabase Auth's rules:
// a session row per sign-in, a chain of refresh tokens per session (each `parent` is the
// token it replaced), reuse detection on refresh (see refresh() below), and access tokens
// that carry the session id so signing out invalidates them for /user.
import crypto from 'node:crypto';
import { badRequest, forbidden, AuthError } from './errors.js';
import { userJson, findUserById, isBanned } from './users.js';

/** refresh_token_reuse_interval in supabase/config.toml. */
export const REUSE_INTERVAL_S = 10;

/** Access token lifetime; JWT_EXPIRY (seconds) overrides it for tests of expiry. */
export function jwtExpiry() {
  const v = Number(process.env.JWT_EXPIRY);
  return Number.isInteger(v) && v > 0 ? v : 3600;
}

function newRefreshToken() {
  return crypto.randomBytes(24).toString('base64url');
}

/**
 * @param {import('pg').ClientBase} c @param {string} sessionId
 * @returns {Promise<Array<{ method: string, timestamp: number }>>}
 */
async function amrOf(c, sessionId) {
  const r = await c.query(
    'select authentication_method, created_at from auth.mfa_amr_claims where session_id = $1 order by updated_at desc',
    [sessionId],
  );
  return r.rows.map((x) => ({
    method: x.authentication_method,
    timestamp: Math.floor(new Date(x.created_at).getTime() / 1000),
  }));
}

/**
 * Signs the access token with the claims Supabase Auth puts in it.
 * @param {import('../server.js').ApiContext} ctx
 * @param {import('pg').ClientBase} c
 * @param {Record<string, any>} user @param {string} sessionId
 */
async function accessToken(ctx, c, user, sessionId) {
  const expiresIn = jwtExpiry();
  const now = Math.floor(Date.now() / 1000);
  const apiUrl = `http://${ctx.config.host}:${ctx.config.apiPort}`;
  const token = await ctx.jwt.sign({
    iss: `${apiUrl}/auth/v1`,
    sub: user.id,
    aud: user.aud ?? 'authenticated',
    exp: now + expiresIn,
    iat: now,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role || 'authenticated',
    aal: 'aal1',
    amr: await amrOf(c, sessionId),
    session_id: sessionId,
    is_anonymous: user.is_anonymous ?? false,
  });
  return { token, expiresIn, expiresAt: now + expiresIn };
}

/**
 * The Session JSON that every sign-in path answers with.
 * @param {import('../server.js').ApiContext} ctx @param {import('pg').ClientBase} c
 * @param {Record<string, any>} user @param {string} sessionId @param {string} refreshToken
 */
export async function sessionJson(ctx, c, user, sessionId, refreshToken) {
  const fresh = /** @type {Record<string, any>} */ (await findUserById(c, user.id));
  const at = await accessToken(ctx, c, fresh, sessionId);
  return {
    access_token: at.token,
    token_type: 'bearer',
    expires_in: at.expiresIn,
    expires_at: at.expiresAt,
    refresh_token: refreshToken,
    user: await userJson(c, fresh),
  };
}

/**
 * Starts a session for a user who just proved who they are.
 * @param {import('../server.js').ApiContext} ctx @param {import('pg').ClientBase} c
 * @param {Record<string, any>} user
 * @param {string} method  the `amr` method: password, otp, magiclink, recovery, invite, email/signup
 * @param {import('node:http').IncomingMessage} req
 */
export async function startSession(ctx, c, user, method, req) {
  if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
  const sessionId = crypto.randomUUID();
  const ua = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 1000) : null;
  await c.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
     values ($1, $2, now(), now(), 'aal1', $3, $4::inet)`,
    [sessionId, user.id, ua, req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null],
  );
  await c.query(
    `insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method, id)
     values ($1, now(), now(), $2, gen_random_uuid())`,
    [sessionId, method],
  );
  const token = newRefreshToken();
  await c.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), null, $3)`,
    [token, user.id, sessionId],
  );
  await c.query('update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1', [user.id]);
  await c.query("update auth.identities set last_sign_in_at = now() where user_id = $1 and provider = 'email'", [
    user.id,
  ]);
  return sessionJson(ctx, c, user, sessionId, token);
}

/**
 * The refresh_token grant, with Supabase Auth's rotation rules:
 * - an active token is revoked and replaced by a child;
 * - a revoked token whose child is the session's active token returns that child (the client
 *   lost the answer to its last refresh);
 * - any other revoked token is accepted only within the reuse interval after its revocation;
 *   later it is treated as stolen: every token of the session is revoked and the answer is
 *   `refresh_token_already_used`.
 * @param {import('../server.js').ApiContext} ctx @param {import('pg').ClientBase} c @param {string} tokenValue
 */
export async function refresh(ctx, c, tokenValue) {
  const r = await c.query(
    `select rt.*, extract(epoch from now() - rt.updated_at) as age_s from auth.refresh_tokens rt where token = $1 for update`,
    [tokenValue],
  );
  const token = r.rows[0];
  if (!token) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  const session = token.session_id
    ? (await c.query('select * from auth.sessions where id = $1 for update', [token.session_id])).rows[0]
    : null;
  if (!session) throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
  if (session.not_after && new Date(session.not_after) < new Date())
    throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired');
  const user = await findUserById(c, session.user_id);
  if (!user) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');

  /** @type {string | null} */
  let issued = null;
  if (token.revoked) {
    const active = (
      await c.query(
        'select token, parent from auth.refresh_tokens where session_id = $1 and revoked = false order by id desc limit 1',
        [session.id],
      )
    ).rows[0];
    if (active && active.parent === token.token) {
      issued = active.token;
    } else if (Number(token.age_s) > REUSE_INTERVAL_S) {
      await c.query(
        'update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and revoked = false',
        [session.id],
      );
      const err = badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
      err.commitAnyway = true; // the family's revocation must stick although the call fails
      throw err;
    }
  }
  if (!issued) {
    issued = newRefreshToken();
    await c.query('update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1', [token.id]);
    await c.query(
      `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
       values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), $3, $4)`,
      [issued, user.id, token.token, session.id],
    );
  }
  await c.query("update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now() where id = $1", [
    session.id,
  ]);
  return sessionJson(ctx, c, user, session.id, issued);
}

/**
 * Resolves the caller of a user endpoint from `Authorization: Bearer <jwt>`: the token must
 * verify (no clock skew, as GoTrue), name an existing user and an existing session.
 * @param {import('../server.js').ApiContext} ctx @param {import('pg').ClientBase} c
 * @param {import('node:http').IncomingMessage} req
 */
export async function requireUser(ctx, c, req) {
  const claims = await requireClaims(ctx, req);
  if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(claims.sub)) {
    throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
  }
  const user = await findUserById(c, claims.sub);
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
  let session = null;
  if (typeof claims.session_id === 'string' && /^[0-9a-f-]{36}$/i.test(claims.session_id)) {
    session =
      (await c.query('select * from auth.sessions where id = $1 and user_id = $2', [claims.session_id, user.id]))
        .rows[0] ?? null;
  }
  if (!session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
  return { claims, user, session };
}

/** @param {import('../server.js').ApiContext} ctx @param {import('node:http').IncomingMessage} req */
export async function requireClaims(ctx, req) {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  if (!m) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  /** @type {Record<string, any>} */
  let claims;
  try {
    claims = await ctx.jwt.verify(/** @type {string} */ (m[1]));
  } catch (e) {
    throw forbidden(
      'bad_jwt',
      `invalid JWT: unable to parse or verify signature, ${/** @type {any} */ (e)?.message ?? e}`,
    );
  }
  // ctx.jwt allows PostgREST's 30 s skew; Supabase Auth allows none.
  if (typeof claims.exp === 'number' && claims.exp <= Math.floor(Date.now() / 1000)) {
    throw forbidden(
      'bad_jwt',
      'invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired',
    );
  }
  return claims;
}
