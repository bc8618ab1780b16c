// /auth/v1 against unmodified supabase-js: what a user of the app sees when signing up, in
// and out, refreshing, changing their account, using email codes and links, and what an
// admin (service role) may do. Reads the stack from API_URL, ANON_KEY, SERVICE_ROLE_KEY,
// JWT_SECRET and DB_URL.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createClient, AuthApiError, AuthWeakPasswordError, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import pg from 'pg';
import ws from 'ws';

const API_URL = need('API_URL');
const ANON_KEY = need('ANON_KEY');
const SERVICE_ROLE_KEY = need('SERVICE_ROLE_KEY');
const JWT_SECRET = need('JWT_SECRET');
const DB_URL = need('DB_URL');
const MAIL_URL = need('MAIL_URL');

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set (the local stack's ${name})`);
  return v;
}

// Node 20 has no WebSocket: supabase-js needs `ws` for its realtime client even when unused.
const opts = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: ws as any },
};
const anon = (): SupabaseClient => createClient(API_URL, ANON_KEY, opts);
const admin = createClient(API_URL, SERVICE_ROLE_KEY, opts);
const newEmail = () => `auth-${crypto.randomUUID().slice(0, 8)}@example.com`;
const PASSWORD = 'correct-horse-1';

let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: DB_URL });
  await db.connect();
});
afterAll(async () => {
  await db.end();
});

/** A confirmed user with a password, created through sign-up. */
async function signedUpUser() {
  const email = newEmail();
  const c = anon();
  const { data, error } = await c.auth.signUp({ email, password: PASSWORD });
  expect(error).toBeNull();
  return { email, client: c, session: data.session!, user: data.user! };
}

/** POST /auth/v1/token?grant_type=refresh_token as auth-js sends it, answer and body. */
async function refreshRaw(refreshToken: string) {
  const res = await fetch(`${API_URL}/auth/v1/token?grant_type=refresh_token`, {
    method: 'POST',
    headers: { apikey: ANON_KEY, 'Content-Type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
}

/** Makes a refresh token look as if it was used `seconds` ago (the reuse window is measured from then). */
async function ageToken(token: string, seconds: number) {
  await db.query(`update auth.refresh_tokens set updated_at = now() - make_interval(secs => $2) where token = $1`, [
    token,
    seconds,
  ]);
}

describe('sign-up', () => {
  const schema = 'auth_test_' + crypto.randomUUID().slice(0, 8);
  beforeAll(async () => {
    // The usual app pattern: an `after insert` trigger on auth.users creating a profile row.
    await db.query(`
      create schema ${schema};
      create table ${schema}.profiles (id uuid primary key, email text, name text);
      create function ${schema}.on_signup() returns trigger language plpgsql security definer set search_path = '' as $$
      begin
        insert into ${schema}.profiles (id, email, name) values (new.id, new.email, new.raw_user_meta_data ->> 'name');
        return new;
      end $$;
      create trigger ${schema}_on_signup after insert on auth.users for each row execute function ${schema}.on_signup();
    `);
  });
  afterAll(async () => {
    await db.query(`drop trigger if exists ${schema}_on_signup on auth.users; drop schema ${schema} cascade;`);
  });

  it('returns a session for a confirmed user, stores the user and fires the app trigger', async () => {
    const email = newEmail();
    const { data, error } = await anon().auth.signUp({ email, password: PASSWORD, options: { data: { name: 'Ada' } } });
    expect(error).toBeNull();
    const s = data.session!;
    expect(s.access_token).toBeTruthy();
    expect(s.refresh_token).toBeTruthy();
    expect(s.token_type).toBe('bearer');
    expect(s.expires_in).toBe(3600);
    expect(s.user.email).toBe(email);
    expect(s.user.email_confirmed_at).toBeTruthy();
    expect(s.user.user_metadata).toEqual({ name: 'Ada' });
    expect(s.user.app_metadata).toEqual({ provider: 'email', providers: ['email'] });
    expect(s.user.identities?.[0]?.provider).toBe('email');

    const row = await db.query('select email, encrypted_password from auth.users where id = $1', [s.user.id]);
    expect(row.rows[0].email).toBe(email);
    expect(row.rows[0].encrypted_password).toMatch(/^\$2[aby]\$10\$/);
    const profile = await db.query(`select email, name from ${schema}.profiles where id = $1`, [s.user.id]);
    expect(profile.rows).toEqual([{ email, name: 'Ada' }]);
  });

  it('issues an access token with the claims Supabase Auth puts in it', async () => {
    const { session, user } = await signedUpUser();
    const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({
      sub: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      iss: `${API_URL}/auth/v1`,
      email: user.email,
      phone: '',
      aal: 'aal1',
      app_metadata: { provider: 'email', providers: ['email'] },
      is_anonymous: false,
    });
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    expect(claims.exp - claims.iat).toBe(3600);
    const sessions = await db.query('select id from auth.sessions where id = $1 and user_id = $2', [
      claims.session_id,
      user.id,
    ]);
    expect(sessions.rowCount).toBe(1);
  });

  it('refuses an address that is already registered', async () => {
    const { email } = await signedUpUser();
    const { data, error } = await anon().auth.signUp({ email, password: PASSWORD });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error!.status).toBe(422);
    expect(error!.code).toBe('user_already_exists');
    expect(data.session).toBeNull();
  });

  it('refuses a malformed email and a short password without creating anything', async () => {
    const bad = await anon().auth.signUp({ email: 'not-an-email', password: PASSWORD });
    expect(bad.error!.status).toBe(400);
    expect(bad.error!.code).toBe('validation_failed');

    const email = newEmail();
    const weak = await anon().auth.signUp({ email, password: '12345' });
    expect(weak.error).toBeInstanceOf(AuthWeakPasswordError);
    expect(weak.error!.status).toBe(422);
    expect(weak.error!.code).toBe('weak_password');
    expect((await db.query('select 1 from auth.users where email = $1', [email])).rowCount).toBe(0);
  });

  it('answers a malformed JSON body with 400 bad_json and the error code header', async () => {
    const res = await fetch(`${API_URL}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: ANON_KEY, 'Content-Type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' },
      body: '{"email": "x@example.com", "password": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-sb-error-code')).toBe('bad_json');
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(await res.json()).toMatchObject({ code: 'bad_json' });
  });

  it('uses the legacy error shape for clients that send no API version', async () => {
    const res = await fetch(`${API_URL}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: ANON_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: newEmail(), password: 'whatever1' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
  });
});

describe('password sign-in', () => {
  it('signs in with the right password and refuses a wrong one or an unknown email alike', async () => {
    const { email, user } = await signedUpUser();
    const good = await anon().auth.signInWithPassword({ email, password: PASSWORD });
    expect(good.error).toBeNull();
    expect(good.data.user!.id).toBe(user.id);
    expect(good.data.session!.user.last_sign_in_at).toBeTruthy();

    const wrong = await anon().auth.signInWithPassword({ email, password: 'wrong-password' });
    expect(wrong.error).toBeInstanceOf(AuthApiError);
    expect(wrong.error!.status).toBe(400);
    expect(wrong.error!.code).toBe('invalid_credentials');
    expect(wrong.data.session).toBeNull();

    const unknown = await anon().auth.signInWithPassword({ email: newEmail(), password: PASSWORD });
    expect(unknown.error!.code).toBe('invalid_credentials');
    expect(unknown.error!.message).toBe(wrong.error!.message);
  });

  it('treats the email case-insensitively', async () => {
    const { email } = await signedUpUser();
    const { error } = await anon().auth.signInWithPassword({ email: email.toUpperCase(), password: PASSWORD });
    expect(error).toBeNull();
  });
});

describe('refresh tokens', () => {
  it('rotates: a refresh returns a new refresh token and a working access token', async () => {
    const { client, session } = await signedUpUser();
    const { data, error } = await client.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(session.refresh_token);
    const claims = JSON.parse(Buffer.from(data.session!.access_token.split('.')[1]!, 'base64url').toString());
    const old = JSON.parse(Buffer.from(session.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.session_id).toBe(old.session_id);
    const me = await anon().auth.getUser(data.session!.access_token);
    expect(me.data.user!.id).toBe(session.user.id);
  });

  it('gives the same child again when a token is reused within the reuse interval', async () => {
    const { session } = await signedUpUser();
    const first = await refreshRaw(session.refresh_token);
    expect(first.status).toBe(200);
    const again = await refreshRaw(session.refresh_token);
    expect(again.status).toBe(200);
    expect(again.body.refresh_token).toBe(first.body.refresh_token);
  });

  it('still answers with the active child when the lost answer was the last refresh (as Supabase Auth)', async () => {
    const { session } = await signedUpUser();
    const first = await refreshRaw(session.refresh_token);
    await ageToken(session.refresh_token, 60);
    const again = await refreshRaw(session.refresh_token);
    expect(again.status).toBe(200);
    expect(again.body.refresh_token).toBe(first.body.refresh_token);
  });

  it('treats an older token reused after the interval as stolen: refresh_token_already_used and the whole session family revoked', async () => {
    const { session } = await signedUpUser();
    const a = session.refresh_token;
    const b = (await refreshRaw(a)).body.refresh_token as string;
    const c = (await refreshRaw(b)).body.refresh_token as string;
    expect(c).toBeTruthy();
    await ageToken(a, 11);
    const reuse = await refreshRaw(a);
    expect(reuse.status).toBe(400);
    expect(reuse.body.code).toBe('refresh_token_already_used');
    expect(reuse.headers.get('x-sb-error-code')).toBe('refresh_token_already_used');
    const tokens = await db.query(
      'select bool_and(revoked) as all_revoked, count(*)::int as n from auth.refresh_tokens where session_id = (select session_id from auth.refresh_tokens where token = $1)',
      [c],
    );
    expect(tokens.rows[0]).toEqual({ all_revoked: true, n: 3 });
  });

  it('answers an unknown refresh token with refresh_token_not_found', async () => {
    const res = await refreshRaw('no-such-token');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('refresh_token_not_found');
  });
});

describe('sign-out', () => {
  it("global sign-out invalidates the refresh token and the access token's session", async () => {
    const { client, session } = await signedUpUser();
    await client.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    const { error } = await client.auth.signOut();
    expect(error).toBeNull();

    const refreshed = await refreshRaw(session.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.code).toBe('refresh_token_not_found');

    const res = await fetch(`${API_URL}/auth/v1/user`, {
      headers: {
        apikey: ANON_KEY,
        Authorization: `Bearer ${session.access_token}`,
        'X-Supabase-Api-Version': '2024-01-01',
      },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('session_not_found');
  });

  it('scope=others ends the other sessions and keeps this one', async () => {
    const { email, client, session: first } = await signedUpUser();
    const second = (await anon().auth.signInWithPassword({ email, password: PASSWORD })).data.session!;
    await client.auth.setSession({ access_token: first.access_token, refresh_token: first.refresh_token });
    expect((await client.auth.signOut({ scope: 'others' })).error).toBeNull();
    expect((await refreshRaw(second.refresh_token)).body.code).toBe('refresh_token_not_found');
    expect((await refreshRaw(first.refresh_token)).status).toBe(200);
  });

  it('scope=local ends only this session', async () => {
    const { email, client, session: first } = await signedUpUser();
    const second = (await anon().auth.signInWithPassword({ email, password: PASSWORD })).data.session!;
    await client.auth.setSession({ access_token: first.access_token, refresh_token: first.refresh_token });
    expect((await client.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect((await refreshRaw(first.refresh_token)).body.code).toBe('refresh_token_not_found');
    expect((await refreshRaw(second.refresh_token)).status).toBe(200);
  });
});

describe('access tokens', () => {
  it('refuses an expired access token (and REST, when present, answers 401 PGRST303)', async () => {
    const { session } = await signedUpUser();
    const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1]!, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(JWT_SECRET));
    const res = await fetch(`${API_URL}/auth/v1/user`, {
      headers: { apikey: ANON_KEY, Authorization: `Bearer ${expired}`, 'X-Supabase-Api-Version': '2024-01-01' },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('bad_jwt');

    // /rest/v1 is built by a teammate; its answer is checked once it is served.
    const probe = await fetch(`${API_URL}/rest/v1/`, { headers: { apikey: ANON_KEY } });
    const restServed = !(probe.status === 404 && (await probe.text()).includes('no Route matched'));
    if (restServed) {
      const rest = await fetch(`${API_URL}/rest/v1/rpc/does_not_matter`, {
        method: 'POST',
        headers: { apikey: ANON_KEY, Authorization: `Bearer ${expired}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(rest.status).toBe(401);
      expect((await rest.json()).code).toBe('PGRST303');
    }
  });

  it('refuses a token signed with another secret and a request without a token', async () => {
    const forged = await new SignJWT({
      sub: crypto.randomUUID(),
      role: 'authenticated',
      exp: Math.floor(Date.now() / 1000) + 600,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const bad = await anon().auth.getUser(forged);
    expect(bad.error!.status).toBe(403);
    expect(bad.error!.code).toBe('bad_jwt');

    const res = await fetch(`${API_URL}/auth/v1/user`, {
      headers: { apikey: ANON_KEY, 'X-Supabase-Api-Version': '2024-01-01' },
    });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('no_authorization');
  });
});

describe('the user', () => {
  it('gets and updates the user: metadata merge, then a new password that signs in while the old does not', async () => {
    const { email, client, session } = await signedUpUser();
    await client.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    const me = await client.auth.getUser();
    expect(me.data.user!.email).toBe(email);

    const upd = await client.auth.updateUser({ data: { theme: 'dark', team: 'red' } });
    expect(upd.error).toBeNull();
    expect(upd.data.user!.user_metadata).toEqual({ theme: 'dark', team: 'red' });
    const upd2 = await client.auth.updateUser({ data: { team: null } });
    expect(upd2.data.user!.user_metadata).toEqual({ theme: 'dark' });

    const same = await client.auth.updateUser({ password: PASSWORD });
    expect(same.error!.status).toBe(422);
    expect(same.error!.code).toBe('same_password');

    const pw = await client.auth.updateUser({ password: 'a-brand-new-pass' });
    expect(pw.error).toBeNull();
    expect((await anon().auth.signInWithPassword({ email, password: 'a-brand-new-pass' })).error).toBeNull();
    expect((await anon().auth.signInWithPassword({ email, password: PASSWORD })).error!.code).toBe(
      'invalid_credentials',
    );
  });

  it('changes the email (no confirmation locally) and refuses one that is taken', async () => {
    const other = await signedUpUser();
    const { client, session } = await signedUpUser();
    await client.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    const taken = await client.auth.updateUser({ email: other.email });
    expect(taken.error!.status).toBe(422);
    expect(taken.error!.code).toBe('email_exists');
    const fresh = newEmail();
    const ok = await client.auth.updateUser({ email: fresh });
    expect(ok.error).toBeNull();
    expect(ok.data.user!.email).toBe(fresh);
    expect((await anon().auth.signInWithPassword({ email: fresh, password: PASSWORD })).error).toBeNull();
  });

  it('refuses a weak new password and bad metadata without changing anything', async () => {
    const { email, client, session } = await signedUpUser();
    await client.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
    expect((await client.auth.updateUser({ password: '123' })).error!.code).toBe('weak_password');
    const res = await fetch(`${API_URL}/auth/v1/user`, {
      method: 'PUT',
      headers: {
        apikey: ANON_KEY,
        Authorization: `Bearer ${session.access_token}`,
        'Content-Type': 'application/json',
        'X-Supabase-Api-Version': '2024-01-01',
      },
      body: JSON.stringify({ data: ['not', 'an', 'object'] }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('validation_failed');
    expect((await anon().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
  });
});

describe('magic links and email codes', () => {
  it('signInWithOtp accepts a known address and stores only a hash of the code', async () => {
    const { email, user } = await signedUpUser();
    const { error } = await anon().auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    expect(error).toBeNull();
    const t = await db.query('select token_type, token_hash, relates_to from auth.one_time_tokens where user_id = $1', [
      user.id,
    ]);
    expect(t.rows).toEqual([
      { token_type: 'recovery_token', token_hash: expect.stringMatching(/^[0-9a-f]{56}$/), relates_to: email },
    ]);
  });

  it('signInWithOtp creates an unconfirmed user for a new address, unless told not to', async () => {
    const email = newEmail();
    expect((await anon().auth.signInWithOtp({ email })).error).toBeNull();
    const u = await db.query('select email_confirmed_at from auth.users where email = $1', [email]);
    expect(u.rows).toEqual([{ email_confirmed_at: null }]);

    const other = newEmail();
    const refused = await anon().auth.signInWithOtp({ email: other, options: { shouldCreateUser: false } });
    expect(refused.error!.status).toBe(422);
    expect(refused.error!.code).toBe('otp_disabled');
    expect((await db.query('select 1 from auth.users where email = $1', [other])).rowCount).toBe(0);
  });

  /** The newest message the mail catcher (Resend-compatible API) holds for `to`. */
  async function latestMailTo(to: string, notId?: string) {
    const headers = { Authorization: 'Bearer re_local_test' };
    for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      const list = (await (await fetch(`${MAIL_URL}/emails?limit=100`, { headers })).json()) as {
        data: Array<{ id: string; to: string[] }>;
      };
      const hit = list.data.find((m) => m.to.includes(to) && m.id !== notId);
      if (hit)
        return (await (await fetch(`${MAIL_URL}/emails/${hit.id}`, { headers })).json()) as {
          id: string;
          subject: string;
          text: string;
          html: string;
        };
    }
    throw new Error(`no mail to ${to}`);
  }

  it('emails a code and a link through the mail catcher; each signs the user in', async () => {
    const { email, user } = await signedUpUser();
    expect((await anon().auth.signInWithOtp({ email, options: { shouldCreateUser: false } })).error).toBeNull();
    const mail = await latestMailTo(email);
    expect(mail.subject).toBe('Your Magic Link');
    const code = /code: (\d{6})/.exec(mail.text)?.[1];
    expect(code).toBeDefined();
    const viaCode = await anon().auth.verifyOtp({ email, token: code!, type: 'email' });
    expect(viaCode.error).toBeNull();
    expect(viaCode.data.user!.id).toBe(user.id);

    expect((await anon().auth.signInWithOtp({ email, options: { shouldCreateUser: false } })).error).toBeNull();
    const second = await latestMailTo(email, mail.id);
    const link = /(http\S+\/auth\/v1\/verify\?\S+)/.exec(second.text)?.[1];
    expect(link).toBeDefined();
    const res = await fetch(link!, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const frag = new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1));
    expect((await anon().auth.getUser(frag.get('access_token')!)).data.user!.id).toBe(user.id);
  });

  it('verifies the emailed code once, then refuses it as otp_expired', async () => {
    const { email, user } = await signedUpUser();
    const link = await admin.auth.admin.generateLink({ type: 'magiclink', email });
    expect(link.error).toBeNull();
    const code = link.data.properties!.email_otp;
    expect(code).toMatch(/^\d{6}$/);

    const wrong = await anon().auth.verifyOtp({ email, token: code === '000000' ? '111111' : '000000', type: 'email' });
    expect(wrong.error!.status).toBe(403);
    expect(wrong.error!.code).toBe('otp_expired');

    const ok = await anon().auth.verifyOtp({ email, token: code, type: 'email' });
    expect(ok.error).toBeNull();
    expect(ok.data.session!.user.id).toBe(user.id);
    const claims = JSON.parse(Buffer.from(ok.data.session!.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.amr[0].method).toBe('otp');

    const again = await anon().auth.verifyOtp({ email, token: code, type: 'email' });
    expect(again.error!.code).toBe('otp_expired');
  });

  it("verifies a token hash (POST /verify) and confirms a new user's email", async () => {
    const email = newEmail();
    expect((await anon().auth.signInWithOtp({ email })).error).toBeNull();
    const link = await admin.auth.admin.generateLink({ type: 'magiclink', email });
    const ok = await anon().auth.verifyOtp({ token_hash: link.data.properties!.hashed_token, type: 'magiclink' });
    expect(ok.error).toBeNull();
    expect(ok.data.user!.email).toBe(email);
    expect(ok.data.user!.email_confirmed_at).toBeTruthy();
  });

  it('follows the email link: GET /verify redirects (303) with the session in the fragment', async () => {
    const { email, user } = await signedUpUser();
    const redirectTo = 'http://127.0.0.1:5173/welcome';
    const link = await admin.auth.admin.generateLink({ type: 'magiclink', email, options: { redirectTo } });
    const actionLink = link.data.properties!.action_link;
    expect(actionLink.startsWith(`${API_URL}/auth/v1/verify?`)).toBe(true);

    const res = await fetch(actionLink, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectTo);
    const frag = new URLSearchParams(location.hash.slice(1));
    expect(frag.get('token_type')).toBe('bearer');
    expect(frag.get('type')).toBe('magiclink');
    expect(Number(frag.get('expires_in'))).toBe(3600);
    expect(frag.get('refresh_token')).toBeTruthy();
    const me = await anon().auth.getUser(frag.get('access_token')!);
    expect(me.data.user!.id).toBe(user.id);

    const reused = await fetch(actionLink, { redirect: 'manual' });
    expect(reused.status).toBe(303);
    const errFrag = new URLSearchParams(new URL(reused.headers.get('location')!).hash.slice(1));
    expect(errFrag.get('error_code')).toBe('otp_expired');
    expect(errFrag.get('access_token')).toBeNull();
  });

  it('does not redirect to a foreign site: an unlisted redirect_to falls back to the site URL', async () => {
    const { email } = await signedUpUser();
    const link = await admin.auth.admin.generateLink({
      type: 'magiclink',
      email,
      options: { redirectTo: 'https://evil.example/steal' },
    });
    const res = await fetch(link.data.properties!.action_link, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')!.startsWith('https://evil.example')).toBe(false);
  });

  it('refuses a verify without a type or token', async () => {
    const res = await fetch(`${API_URL}/auth/v1/verify`, {
      method: 'POST',
      headers: { apikey: ANON_KEY, 'Content-Type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' },
      body: JSON.stringify({ email: newEmail(), token: '123456' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('validation_failed');
  });
});

describe('admin API', () => {
  it('creates, lists, reads, updates and deletes users with the service role', async () => {
    const email = newEmail();
    const created = await admin.auth.admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { name: 'Grace' },
      app_metadata: { plan: 'pro' },
    });
    expect(created.error).toBeNull();
    const id = created.data.user!.id;
    expect(created.data.user!.email_confirmed_at).toBeTruthy();
    expect(created.data.user!.app_metadata).toMatchObject({ provider: 'email', plan: 'pro' });
    expect((await anon().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();

    const dup = await admin.auth.admin.createUser({ email, password: PASSWORD });
    expect(dup.error!.status).toBe(422);
    expect(dup.error!.code).toBe('email_exists');

    const list = await admin.auth.admin.listUsers({ page: 1, perPage: 1000 });
    expect(list.error).toBeNull();
    expect(list.data.users.some((u) => u.id === id)).toBe(true);

    const got = await admin.auth.admin.getUserById(id);
    expect(got.data.user!.user_metadata).toEqual({ name: 'Grace' });

    const upd = await admin.auth.admin.updateUserById(id, {
      user_metadata: { role: 'lead' },
      password: 'another-pass-9',
    });
    expect(upd.error).toBeNull();
    expect(upd.data.user!.user_metadata).toEqual({ name: 'Grace', role: 'lead' });
    expect((await anon().auth.signInWithPassword({ email, password: 'another-pass-9' })).error).toBeNull();

    expect((await admin.auth.admin.deleteUser(id)).error).toBeNull();
    const gone = await admin.auth.admin.getUserById(id);
    expect(gone.error!.status).toBe(404);
    expect(gone.error!.code).toBe('user_not_found');
    expect((await db.query('select 1 from auth.users where id = $1', [id])).rowCount).toBe(0);
  });

  it('bans a user: their sessions end and sign-in is refused', async () => {
    const { email, user, session } = await signedUpUser();
    expect((await admin.auth.admin.updateUserById(user.id, { ban_duration: '24h' })).error).toBeNull();
    expect((await refreshRaw(session.refresh_token)).body.code).toBe('refresh_token_not_found');
    expect((await anon().auth.signInWithPassword({ email, password: PASSWORD })).error!.code).toBe('user_banned');
    expect((await admin.auth.admin.updateUserById(user.id, { ban_duration: 'none' })).error).toBeNull();
    expect((await anon().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
  });

  it('refuses the admin API to the anon key and to a user (403 not_admin)', async () => {
    const email = newEmail();
    const withAnon = await anon().auth.admin.createUser({ email, password: PASSWORD });
    expect(withAnon.error!.status).toBe(403);
    expect(withAnon.error!.code).toBe('not_admin');

    const { session } = await signedUpUser();
    const asUser = createClient(API_URL, ANON_KEY, {
      ...opts,
      global: { headers: { Authorization: `Bearer ${session.access_token}` } },
    });
    const list = await asUser.auth.admin.listUsers();
    expect(list.error!.status).toBe(403);
    expect((await anon().auth.admin.generateLink({ type: 'magiclink', email: session.user.email! })).error!.code).toBe(
      'not_admin',
    );
    expect((await db.query('select 1 from auth.users where email = $1', [email])).rowCount).toBe(0);
  });

  it('refuses bad admin input with 4xx: unknown user id, bad email, unknown link type, unknown email', async () => {
    expect((await admin.auth.admin.getUserById(crypto.randomUUID())).error!.status).toBe(404);
    const badEmail = await admin.auth.admin.createUser({ email: 'nope', password: PASSWORD });
    expect(badEmail.error!.status).toBe(400);
    expect(badEmail.error!.code).toBe('validation_failed');
    const res = await fetch(`${API_URL}/auth/v1/admin/generate_link`, {
      method: 'POST',
      headers: {
        apikey: SERVICE_ROLE_KEY,
        Authorization: `Bearer ${SERVICE_ROLE_KEY}`,
        'Content-Type': 'application/json',
        'X-Supabase-Api-Version': '2024-01-01',
      },
      body: JSON.stringify({ type: 'teleport', email: newEmail() }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('validation_failed');
    const missing = await admin.auth.admin.generateLink({ type: 'magiclink', email: newEmail() });
    expect(missing.error!.status).toBe(404);
  });
});

describe('settings and health', () => {
  it('reports email sign-up enabled with auto-confirm, and health', async () => {
    const s = await (await fetch(`${API_URL}/auth/v1/settings`, { headers: { apikey: ANON_KEY } })).json();
    expect(s).toMatchObject({
      external: { email: true, phone: false },
      disable_signup: false,
      mailer_autoconfirm: true,
    });
    const h = await fetch(`${API_URL}/auth/v1/health`, { headers: { apikey: ANON_KEY } });
    expect(h.status).toBe(200);
    expect((await h.json()).name).toBe('GoTrue');
  });
});
