// The stack a suite runs against, from the environment `npm test` sets (or, by hand, from
// `node scripts/cli.js status`), and user tokens minted with its JWT secret as Supabase Auth
// would issue them. Every integration helper reads the stack through here.
import { SignJWT } from 'jose';

function must(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} must be set: start a stack and export its URLs and keys (see scripts/cli.js status)`);
  return v;
}

/** Read lazily, so a suite that starts its own stack can point these at it. */
export const stackEnv = {
  get api() {
    return must('API_URL');
  },
  get anonKey() {
    return must('ANON_KEY');
  },
  get serviceRoleKey() {
    return must('SERVICE_ROLE_KEY');
  },
  get jwtSecret() {
    return must('JWT_SECRET');
  },
  get dbUrl() {
    return must('DB_URL');
  },
  get mailUrl() {
    return must('MAIL_URL');
  },
};

/** Signs claims with the stack's JWT secret (HS256), valid for `expiresInS` seconds. */
export async function mintJwt(claims: Record<string, unknown>, expiresInS = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + expiresInS, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(stackEnv.jwtSecret));
}
