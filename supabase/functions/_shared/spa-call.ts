// What the functions the SPA calls with the user's JWT share (sending-domains, invite-member):
// CORS for the browser, JSON answers with a machine-readable error and a readable message, the
// caller's user id, and required settings. verify_jwt (config.toml, the default) has checked
// the token's signature at the gateway, and PostgREST checks it again for every query the
// user-scoped client makes, so its subject can be read here without verifying it twice.

export const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...CORS, 'Content-Type': 'application/json' } });
}

export const refuse = (status: number, error: string, message: string): Response => json(status, { error, message });

/** The `sub` claim of a Bearer JWT, or null. */
export function subjectOf(authorization: string): string | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof claims.sub === 'string' && UUID.test(claims.sub) ? claims.sub : null;
  } catch {
    return null;
  }
}

/** A required setting (`supabase secrets set` / the platform's SUPABASE_* variables). */
export function env(name: string): string {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} must be set`);
  return v;
}
