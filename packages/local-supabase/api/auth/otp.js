// One-time tokens for magic links, email OTPs, sign-up confirmation, invites and recovery.
// As in Supabase Auth, the user receives a 6-digit code and a link whose `token` is the hash
// sha224(email + code); only that hash is stored (auth.users.*_token and auth.one_time_tokens),
// so a database leak does not reveal usable codes. Mail goes to the local Resend-compatible
// mail catcher, the way the project sends all mail.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectTomlTable } from '../../lib/project-toml.js';
import { forbidden, validation } from './errors.js';
import { confirmEmail } from './users.js';

/** mailer_otp_exp in supabase/config.toml ([auth.email] otp_expiry). */
export const OTP_EXPIRY_S = 3600;

/** @typedef {'confirmation' | 'recovery'} OtpKind */
const COLUMN = /** @type {const} */ ({
  confirmation: ['confirmation_token', 'confirmation_sent_at'],
  recovery: ['recovery_token', 'recovery_sent_at'],
});

/** Which stored token a verification type may consume, and the `amr` method it grants. */
export const VERIFY_TYPES = /** @type {Record<string, { kinds: OtpKind[], method: string }>} */ ({
  signup: { kinds: ['confirmation'], method: 'email/signup' },
  invite: { kinds: ['confirmation'], method: 'invite' },
  magiclink: { kinds: ['recovery', 'confirmation'], method: 'magiclink' },
  recovery: { kinds: ['recovery'], method: 'recovery' },
  email: { kinds: ['recovery', 'confirmation'], method: 'otp' },
});

/** @param {string} email @param {string} otp */
export const tokenHash = (email, otp) =>
  crypto
    .createHash('sha224')
    .update(email + otp)
    .digest('hex');

/**
 * Creates (replacing any previous one) a token of `kind` for the user.
 * @param {import('pg').ClientBase} c @param {Record<string, any>} user @param {OtpKind} kind
 */
export async function issueOtp(c, user, kind) {
  const otp = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  const hash = tokenHash(user.email, otp);
  const [col, sentCol] = COLUMN[kind];
  await c.query(`update auth.users set ${col} = $2, ${sentCol} = now(), updated_at = now() where id = $1`, [
    user.id,
    hash,
  ]);
  await c.query(`delete from auth.one_time_tokens where user_id = $1 and token_type = $2`, [user.id, col]);
  await c.query(
    `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to) values (gen_random_uuid(), $1, $2, $3, $4)`,
    [user.id, col, hash, user.email],
  );
  return { otp, hash };
}

/**
 * Consumes a token and returns the user it belongs to. Accepts `{email, token}` (the code) or
 * `{tokenHash}` (from a link); unknown, used or expired tokens are all `otp_expired`, so the
 * answer reveals nothing about which it was.
 * @param {import('pg').ClientBase} c
 * @param {{ type: string, email?: string, token?: string, tokenHash?: string }} p
 */
export async function consumeOtp(c, p) {
  const spec = VERIFY_TYPES[p.type];
  if (!spec) throw validation(`Verify requires a verification type`);
  const hash = p.tokenHash ?? tokenHash(/** @type {string} */ (p.email), /** @type {string} */ (p.token));
  const types = spec.kinds.map((k) => COLUMN[k][0]);
  const r = await c.query(
    `select ott.id, ott.user_id, ott.token_type from auth.one_time_tokens ott
     join auth.users u on u.id = ott.user_id and u.deleted_at is null
     where ott.token_hash = $1 and ott.token_type::text = any($2)
       and ($3::text is null or lower(ott.relates_to) = $3)
       and ott.created_at > (now() at time zone current_setting('TimeZone')) - make_interval(secs => $4)
     for update of ott`,
    [hash, types, p.tokenHash ? null : p.email, OTP_EXPIRY_S],
  );
  const row = r.rows[0];
  if (!row) {
    throw forbidden(
      'otp_expired',
      p.tokenHash ? 'Email link is invalid or has expired' : 'Token has expired or is invalid',
    );
  }
  await c.query('delete from auth.one_time_tokens where id = $1', [row.id]);
  await c.query(`update auth.users set ${row.token_type} = '' where id = $1`, [row.user_id]);
  // Any email token proves the address, so it confirms it (GoTrue does the same).
  await confirmEmail(c, row.user_id);
  return { userId: /** @type {string} */ (row.user_id), method: spec.method };
}

/**
 * The link the email carries: GET /auth/v1/verify, which redirects with the session.
 * @param {string} apiUrl @param {string} hash @param {string} type @param {string} redirectTo
 */
export function actionLink(apiUrl, hash, type, redirectTo) {
  const q = new URLSearchParams({ token: hash, type, redirect_to: redirectTo });
  return `${apiUrl}/auth/v1/verify?${q}`;
}

const SUBJECTS = /** @type {Record<string, string>} */ ({
  signup: 'Confirm Your Signup',
  magiclink: 'Your Magic Link',
  recovery: 'Reset Your Password',
  invite: 'You have been invited',
});

/**
 * The project's template for an email type, as hosted Auth takes it from
 * `[auth.email.template.<type>]` in supabase/config.toml: `subject`, and `content_path` (an
 * HTML file, relative to the project folder as the Supabase CLI reads it). Null when absent.
 * @param {import('../../lib/config.js').StackConfig} config @param {string} type
 * @returns {{ subject: string | null, html: string | null } | null}
 */
export function projectTemplate(config, type) {
  const supabaseDir = path.dirname(config.migrationsDir);
  const t = projectTomlTable(supabaseDir, `auth.email.template.${type}`);
  if (typeof t.subject !== 'string' && typeof t.content_path !== 'string') return null;
  let html = null;
  if (typeof t.content_path === 'string') {
    const file = path.resolve(path.dirname(supabaseDir), t.content_path);
    html = fs.readFileSync(file, 'utf8');
  }
  return { subject: typeof t.subject === 'string' ? t.subject : null, html };
}

/**
 * Fills a GoTrue email template: `{{ .ConfirmationURL }}`, `{{ .Token }}`, `{{ .TokenHash }}`,
 * `{{ .SiteURL }}`, `{{ .RedirectTo }}`, `{{ .Email }}`, `{{ .Data.<key> }}` (the user's
 * metadata), and `{{ if <value> }}…{{ else }}…{{ end }}` (not nested). Values are HTML-escaped
 * when `html` is set, as Go's html/template does. Anything else in `{{ }}` is an error, so a
 * template that would fail on hosted Auth fails here too.
 * @param {string} template @param {Record<string, unknown>} vars @param {boolean} html
 */
export function fillTemplate(template, vars, html) {
  const value = (/** @type {string} */ expr) => {
    const m = /^\.([A-Za-z]+)(?:\.([A-Za-z0-9_]+))?$/.exec(expr.trim());
    if (!m) throw new Error(`email template: unsupported expression {{ ${expr.trim()} }}`);
    const top = vars[/** @type {string} */ (m[1])];
    if (top === undefined) throw new Error(`email template: unknown field .${m[1]}`);
    const v = m[2] === undefined ? top : top && typeof top === 'object' ? /** @type {any} */ (top)[m[2]] : undefined;
    return v === undefined || v === null ? '' : String(v);
  };
  const withIfs = template.replace(
    /\{\{-?\s*if\s+([^}]+?)\s*-?\}\}([\s\S]*?)(?:\{\{-?\s*else\s*-?\}\}([\s\S]*?))?\{\{-?\s*end\s*-?\}\}/g,
    (_all, cond, yes, no) => (value(cond) !== '' ? yes : (no ?? '')),
  );
  return withIfs.replace(/\{\{-?\s*([^}]+?)\s*-?\}\}/g, (_all, expr) => {
    const v = value(expr);
    return html ? escapeHtml(v) : v;
  });
}

/**
 * Sends the email through the mail catcher's Resend-compatible API, from the project's
 * template for its type when config.toml names one (projectTemplate), else Auth's default
 * text. A mail catcher that is not running is logged, not fatal: the token stays valid and
 * admin/generate_link still works.
 * @param {import('../server.js').ApiContext} ctx
 * @param {{ to: string, type: string, otp: string, link: string, data?: Record<string, unknown>, redirectTo?: string, hash?: string }} m
 */
export async function sendAuthMail(ctx, m) {
  const mailUrl = `http://${ctx.config.host}:${ctx.config.mailPort}`;
  let subject = SUBJECTS[m.type] ?? 'Your login code';
  let html = `<h2>${subject}</h2><p>Follow this link:</p><p><a href="${escapeHtml(m.link)}">${escapeHtml(m.link)}</a></p><p>Alternatively, enter the code: ${m.otp}</p>`;
  let text = `${subject}\n\nFollow this link: ${m.link}\n\nAlternatively, enter the code: ${m.otp}\n`;
  const template = projectTemplate(ctx.config, m.type);
  if (template) {
    const vars = {
      ConfirmationURL: m.link,
      Token: m.otp,
      TokenHash: m.hash ?? new URL(m.link).searchParams.get('token') ?? '',
      SiteURL: `http://${ctx.config.host}:${ctx.config.appPort}`,
      RedirectTo: m.redirectTo ?? '',
      Email: m.to,
      Data: m.data ?? {},
    };
    if (template.subject !== null) subject = fillTemplate(template.subject, vars, false);
    if (template.html !== null) {
      html = fillTemplate(template.html, vars, true);
      text = htmlText(html);
    }
  }
  try {
    const res = await fetch(`${mailUrl}/emails`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer re_local' },
      body: JSON.stringify({ from: 'Supabase Auth <noreply@mail.app.supabase.io>', to: [m.to], subject, html, text }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) ctx.log(`auth: mail catcher answered ${res.status} for ${m.type} mail to ${m.to}`);
  } catch (e) {
    ctx.log(
      `auth: warning: could not send ${m.type} mail to ${m.to} (${e instanceof Error ? e.message : e}); is the mail catcher running?`,
    );
  }
}

/** A readable text part of a template's HTML (the catcher's inbox shows it; links kept in brackets). */
function htmlText(/** @type {string} */ html) {
  return html
    .replace(/<(style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<br\s*\/?>|<\/(p|div|h\d|tr|li)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n\n')
    .trim();
}

/** @param {string} s */
function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
