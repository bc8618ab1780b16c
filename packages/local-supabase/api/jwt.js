// HS256 JWTs signed with the stack's secret, as Supabase Auth issues and PostgREST verifies.
import { SignJWT, jwtVerify, errors } from 'jose';

/** Allowed clock skew in seconds (PostgREST allows 30 s). */
export const CLOCK_SKEW_S = 30;

/** @param {string} secret */
export function createJwt(secret) {
  const key = new TextEncoder().encode(secret);
  return {
    /** @param {Record<string, unknown>} claims @param {number} [expiresInS] */
    async sign(claims, expiresInS) {
      const now = Math.floor(Date.now() / 1000);
      const body = { iat: now, ...claims };
      if (expiresInS !== undefined) body.exp = now + expiresInS;
      return new SignJWT(body).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
    },
    /**
     * Verifies signature and time claims. Resolves to the claims, or rejects with
     * `{ kind: 'format' | 'signature' | 'claims', message }` so callers map it to their protocol's error.
     * @param {string} token
     * @returns {Promise<Record<string, any>>}
     */
    async verify(token) {
      if (typeof token !== 'string' || token.split('.').length !== 3) {
        throw {
          kind: 'format',
          message: 'Expected 3 parts in JWT; got ' + (typeof token === 'string' ? token.split('.').length : 0),
        };
      }
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], clockTolerance: CLOCK_SKEW_S });
        return /** @type {Record<string, any>} */ (payload);
      } catch (e) {
        if (e instanceof errors.JWTExpired) throw { kind: 'claims', message: 'JWT expired' };
        if (e instanceof errors.JWTClaimValidationFailed) throw { kind: 'claims', message: e.message };
        if (e instanceof errors.JWSSignatureVerificationFailed)
          throw { kind: 'signature', message: 'JWSError JWSInvalidSignature' };
        throw { kind: 'format', message: e instanceof Error ? e.message : 'Invalid JWT' };
      }
    },
  };
}
