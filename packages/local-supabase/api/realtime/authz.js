// Who may do what on Realtime: token checks (apikey and access_token must be JWTs with `role`
// and `exp`) and private-channel authorisation by RLS on realtime.messages, done the way
// Supabase Realtime does it (reference §3 "Private channels"): probe rows in a transaction
// that is always rolled back, so nothing is ever left in realtime.messages.

/** Postgres' insufficient_privilege (also raised for an RLS `with check` violation). */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Verifies a token and returns its claims, or throws `{ reason }` with Realtime's wording.
 * @param {import('../server.js').ApiContext} ctx @param {unknown} token
 * @returns {Promise<Record<string, any>>}
 */
export async function verifyToken(ctx, token) {
  if (typeof token !== 'string' || token === '') throw { reason: 'You must provide a valid JWT' };
  let claims;
  try {
    claims = await ctx.jwt.verify(token);
  } catch (e) {
    const msg = /** @type {any} */ (e)?.message ?? 'Invalid JWT';
    throw { reason: msg === 'JWT expired' ? expiredReason(token) : `Invalid JWT Token: ${msg}` };
  }
  if (typeof claims.role !== 'string' || typeof claims.exp !== 'number') {
    throw { reason: 'Fields `role` and `exp` are required in JWT' };
  }
  // jose allows clock skew; Realtime refuses a token whose exp has passed.
  if (claims.exp * 1000 <= Date.now()) throw { reason: expiredReason(token) };
  return claims;
}

/** @param {string} token */
function expiredReason(token) {
  try {
    const exp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).exp;
    return `Token has expired ${Math.max(0, Math.floor(Date.now() / 1000 - exp))} seconds ago`;
  } catch {
    return 'Token has expired';
  }
}

/**
 * Runs `fn` in a transaction on an admin connection with the user's role, claims and
 * realtime.topic set as Supabase Realtime does, and always rolls back.
 * `beforeRole` runs first, still as the admin (used to insert read probes).
 * @template T
 * @param {import('../server.js').ApiContext} ctx
 * @param {Record<string, any>} claims @param {string} subTopic
 * @param {(c: import('pg').PoolClient) => Promise<T>} fn
 * @param {(c: import('pg').PoolClient) => Promise<void>} [beforeRole]
 * @returns {Promise<T>}
 */
async function asUser(ctx, claims, subTopic, fn, beforeRole) {
  const c = await ctx.adminPool.connect();
  try {
    await c.query('begin');
    if (beforeRole) await beforeRole(c);
    await c.query(
      "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config('realtime.topic', $3, true), set_config('request.jwt.claim.role', $1, true), set_config('request.jwt.claim.sub', coalesce($4, ''), true)",
      [claims.role, JSON.stringify(claims), subTopic, typeof claims.sub === 'string' ? claims.sub : null],
    );
    return await fn(c);
  } finally {
    await c.query('rollback').catch(() => {});
    c.release();
  }
}

/**
 * Which extensions the user may read on a private topic: probe rows are inserted as the
 * admin, then selected back as the user; a visible row grants read for its extension.
 * @param {import('../server.js').ApiContext} ctx @param {Record<string, any>} claims @param {string} subTopic
 * @param {boolean} withPresence
 * @returns {Promise<{ broadcast: boolean, presence: boolean }>}
 */
export async function readPolicies(ctx, claims, subTopic, withPresence) {
  const extensions = withPresence ? ['broadcast', 'presence'] : ['broadcast'];
  /** @type {string[]} */
  let ids = [];
  try {
    const visible = await asUser(
      ctx,
      claims,
      subTopic,
      async (c) => {
        const r = await c.query('select extension from realtime.messages where id = any($1::uuid[])', [ids]);
        return new Set(r.rows.map((row) => row.extension));
      },
      async (c) => {
        const r = await c.query(
          'insert into realtime.messages (topic, extension, private) select $1, unnest($2::text[]), true returning id',
          [subTopic, extensions],
        );
        ids = r.rows.map((row) => row.id);
      },
    );
    return { broadcast: visible.has('broadcast'), presence: visible.has('presence') };
  } catch (e) {
    if (/** @type {any} */ (e)?.code !== INSUFFICIENT_PRIVILEGE && /** @type {any} */ (e)?.code !== '22023') {
      ctx.log(`realtime: read policy check failed: ${/** @type {any} */ (e)?.message}`);
    }
    return { broadcast: false, presence: false };
  }
}

/**
 * Whether the user may write (send broadcasts / track presence) on a private topic: an insert
 * as the user that the policies must let through.
 * @param {import('../server.js').ApiContext} ctx @param {Record<string, any>} claims @param {string} subTopic
 * @param {'broadcast'|'presence'} extension @param {string} [event]
 */
export async function canWrite(ctx, claims, subTopic, extension, event) {
  try {
    await asUser(ctx, claims, subTopic, (c) =>
      c.query('insert into realtime.messages (topic, extension, private, event) values ($1, $2, true, $3)', [
        subTopic,
        extension,
        event ?? null,
      ]),
    );
    return true;
  } catch (e) {
    const code = /** @type {any} */ (e)?.code;
    // 22023: the claims name a role that does not exist.
    if (code !== INSUFFICIENT_PRIVILEGE && code !== '22023')
      ctx.log(`realtime: write policy check failed: ${/** @type {any} */ (e)?.message}`);
    return false;
  }
}
