// /auth/v1: a Supabase Auth (GoTrue)-compatible server for the local stack. It speaks what
// auth-js sends (see reference/supabase-protocols.md §2) over the same tables Supabase Auth
// uses (auth.users, identities, sessions, refresh_tokens, one_time_tokens), so the app's
// triggers and RLS see exactly what they would see on hosted Supabase.
//   user-routes.js  sign-up/in, refresh, user, logout, OTP/magic link, verify
//   admin.js        /admin/* (service role)
//   sessions.js     sessions, access tokens, refresh-token rotation
//   users.js        auth.users rows and their JSON
//   otp.js          one-time tokens and the emails that carry them
import { AuthError, OAuthError, send, sendError, API_VERSION } from './errors.js';
import * as user from './user-routes.js';
import * as admin from './admin.js';
import { loadRedirectConfig } from './redirect.js';
import { jwtExpiry, REUSE_INTERVAL_S } from './sessions.js';
import { MIN_PASSWORD_LENGTH } from './validate.js';

/** @param {import('../server.js').ApiContext} ctx */
export async function create(ctx) {
  /** @type {import('./user-routes.js').Env} */
  const env = {
    ctx,
    apiUrl: `http://${ctx.config.host}:${ctx.config.apiPort}`,
    redirects: loadRedirectConfig(ctx.config),
  };

  /** @type {Array<[string, RegExp, (req: any, res: any, q: URLSearchParams, m: RegExpExecArray) => Promise<void> | void]>} */
  const routes = [
    [
      'GET',
      /^\/health$/,
      (req, res) =>
        send(req, res, 200, { version: 'local', name: 'GoTrue', description: 'GoTrue-compatible local Auth server' }),
    ],
    ['GET', /^\/settings$/, (req, res) => send(req, res, 200, settings())],
    ['POST', /^\/signup$/, (req, res) => user.signup(env, req, res)],
    ['POST', /^\/token$/, (req, res, q) => user.token(env, req, res, q)],
    ['GET', /^\/user$/, (req, res) => user.getUser(env, req, res)],
    ['PUT', /^\/user$/, (req, res) => user.updateUser(env, req, res)],
    ['POST', /^\/logout$/, (req, res, q) => user.logout(env, req, res, q)],
    ['POST', /^\/otp$/, (req, res, q) => user.otp(env, req, res, q, false)],
    ['POST', /^\/magiclink$/, (req, res, q) => user.otp(env, req, res, q, true)],
    ['POST', /^\/recover$/, (req, res, q) => user.recover(env, req, res, q)],
    ['POST', /^\/verify$/, (req, res) => user.verifyPost(env, req, res)],
    ['GET', /^\/verify$/, (req, res, q) => user.verifyGet(env, req, res, q)],
    ['POST', /^\/admin\/users$/, (req, res) => admin.createUserAdmin(env, req, res)],
    ['GET', /^\/admin\/users$/, (req, res, q) => admin.listUsers(env, req, res, q)],
    [
      'GET',
      /^\/admin\/users\/([^/]+)$/,
      (req, res, _q, m) => admin.getUserAdmin(env, req, res, decodeURIComponent(m[1] ?? '')),
    ],
    [
      'PUT',
      /^\/admin\/users\/([^/]+)$/,
      (req, res, _q, m) => admin.updateUserAdmin(env, req, res, decodeURIComponent(m[1] ?? '')),
    ],
    [
      'DELETE',
      /^\/admin\/users\/([^/]+)$/,
      (req, res, _q, m) => admin.deleteUserAdmin(env, req, res, decodeURIComponent(m[1] ?? '')),
    ],
    ['POST', /^\/admin\/generate_link$/, (req, res, q) => admin.generateLink(env, req, res, q)],
    ['POST', /^\/invite$/, (req, res, q) => admin.invite(env, req, res, q)],
  ];

  function settings() {
    return {
      external: {
        email: true,
        phone: false,
        anonymous_users: false,
        google: false,
        github: false,
        apple: false,
        azure: false,
      },
      disable_signup: false,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
      jwt_expiry: jwtExpiry(),
      refresh_token_reuse_interval: REUSE_INTERVAL_S,
      password_min_length: MIN_PASSWORD_LENGTH,
    };
  }

  return {
    /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} subpath */
    async handle(req, res, subpath) {
      const url = new URL(subpath, 'http://local');
      const path = url.pathname.replace(/\/+$/, '') || '/';
      let pathMatched = false;
      for (const [method, re, fn] of routes) {
        const m = re.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (method !== req.method) continue;
        try {
          await fn(req, res, url.searchParams, m);
        } catch (e) {
          if (e instanceof AuthError || e instanceof OAuthError) return sendError(req, res, e);
          ctx.log(`auth: ${req.method} ${path}: ${e instanceof Error ? e.stack : e}`);
          if (!res.headersSent)
            sendError(
              req,
              res,
              new AuthError(
                500,
                'unexpected_failure',
                'Unexpected failure, please check server logs for more information',
              ),
            );
          else res.end();
        }
        return;
      }
      if (pathMatched)
        return sendError(req, res, new AuthError(405, 'method_not_allowed', `Method ${req.method} not allowed`));
      res.setHeader('X-Supabase-Api-Version', API_VERSION);
      sendError(req, res, new AuthError(404, 'not_found', 'Not found'));
    },
    async close() {},
  };
}
