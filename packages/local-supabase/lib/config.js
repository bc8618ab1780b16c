// The local stack's settings: ports, folders and keys. Defaults match the Supabase CLI's
// local defaults (API 54321, DB 54322, mail 54324, the well-known local JWT secret and the
// anon/service-role keys signed with it), so other Supabase projects' tests can point here;
// those keys are public by design and sign nothing outside a local stack. The app's own
// secrets (webhook, cron, link signing) are generated per install instead (appSecrets).
// Every value can be overridden by an environment variable of the same name.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's folder (its platform SQL lives in sql/). */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The Supabase project the stack serves: STACK_PROJECT_DIR, else the working directory (npm runs
 * scripts in the folder of the root package.json). Its supabase/ folder and node_modules/.bin are used.
 */
export const ROOT = path.resolve(process.env.STACK_PROJECT_DIR || process.cwd());

/** The Supabase CLI's well-known local JWT secret (never used in production). */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const DEFAULT_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const DEFAULT_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';

/**
 * The reply classifier's LLM endpoint is configured only when the stack's own environment says
 * so (REPLY_CLASSIFIER_BASE_URL, _API_KEY, _MODEL, _TIMEOUT_MS): the test runner points it at a
 * fake endpoint a test serves; unset (empty) means the functions use the built-in rules. Read
 * when a function worker starts, not at import, so a runner may set them after importing this.
 */
const REPLY_CLASSIFIER_KEYS = [
  'REPLY_CLASSIFIER_BASE_URL',
  'REPLY_CLASSIFIER_API_KEY',
  'REPLY_CLASSIFIER_MODEL',
  'REPLY_CLASSIFIER_TIMEOUT_MS',
];

/** @typedef {{ RESEND_WEBHOOK_SECRET: string, SEND_DUE_STAGES_SECRET: string, LINK_SIGNING_SECRET: string }} AppSecrets */
const APP_SECRET_KEYS = /** @type {const} */ ([
  'RESEND_WEBHOOK_SECRET',
  'SEND_DUE_STAGES_SECRET',
  'LINK_SIGNING_SECRET',
]);

/**
 * The app's own secrets on this install: the Resend webhook signing secret (Svix format
 * `whsec_<base64>`; the mail catcher's candidate actions sign with it), the cron job's bearer
 * (SEND_DUE_STAGES_SECRET, also stored in Vault) and the link-signing secret. Generated at
 * random the first time an install needs them and kept in `<dataDir>/app-secrets.json` (mode
 * 0600), so no two installs share them, they survive restarts, and `npm run reset` / a fresh
 * test stack (which wipe the data folder) get new ones. An environment variable of the same
 * name wins. Every process of the stack (gateway, mail catcher, tests, benches) reads them
 * from the same file through this function, given the stack's config.
 * @param {{ dataDir: string }} [config] default: the config of this process's environment
 * @returns {AppSecrets}
 */
export function appSecrets(config = loadConfig()) {
  const file = path.join(config.dataDir, 'app-secrets.json');
  /** @type {Record<string, unknown>} */
  let stored = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    const generated = {
      RESEND_WEBHOOK_SECRET: `whsec_${crypto.randomBytes(32).toString('base64')}`,
      SEND_DUE_STAGES_SECRET: crypto.randomBytes(32).toString('base64url'),
      LINK_SIGNING_SECRET: crypto.randomBytes(32).toString('base64url'),
    };
    fs.mkdirSync(config.dataDir, { recursive: true });
    try {
      // Exclusive create: when two processes race, one file wins and both read it back.
      fs.writeFileSync(file, JSON.stringify(generated, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
    }
    stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  const out = /** @type {AppSecrets} */ ({});
  for (const key of APP_SECRET_KEYS) {
    const value = process.env[key] || stored[key];
    if (typeof value !== 'string' || value === '')
      throw new Error(`${file} lacks ${key}; delete the file to regenerate it`);
    out[key] = value;
  }
  return out;
}

/**
 * Local-only values of the app's edge function secrets (production sets its own with
 * `supabase secrets set`): the install's generated secrets (appSecrets) plus fixed local
 * settings. The functions runtime passes them as defaults, below anything in
 * supabase/functions/.env, and the platform step stores SEND_DUE_STAGES_SECRET in Vault as
 * `send_due_stages_secret` for the send-due-stages cron job.
 * @param {{ dataDir: string }} config
 * @returns {Record<string, string>}
 */
export function localFunctionSecrets(config) {
  return { ...appSecrets(config), ...LOCAL_FUNCTION_SETTINGS };
}

/** Fixed local settings of the functions (not secrets). */
export const LOCAL_FUNCTION_SETTINGS = {
  INBOUND_EMAIL_DOMAIN: 'inbound.local',
};
for (const key of REPLY_CLASSIFIER_KEYS) {
  Object.defineProperty(LOCAL_FUNCTION_SETTINGS, key, { enumerable: true, get: () => process.env[key] ?? '' });
}

/**
 * @typedef {object} StackConfig
 * @property {string} host           loopback address every service binds to (default 127.0.0.1)
 * @property {number} apiPort        API gateway: /rest/v1, /auth/v1, /realtime/v1, /functions/v1 (default 54321)
 * @property {number} dbPort         PostgreSQL (default 54322)
 * @property {number} mailPort       Resend-compatible mail catcher and inbox (default 54324)
 * @property {number} appPort        the SPA (default 5173)
 * @property {string} dataDir        where the cluster and logs live (default .local/ in the repo)
 * @property {string} migrationsDir  migrations applied at start (default supabase/migrations)
 * @property {string} functionsDir   edge functions served at /functions/v1 (default supabase/functions)
 * @property {string} seedFile       seed applied after migrations on a new database (default supabase/seed.sql)
 * @property {string | null} functionsEnvFile  extra KEY=VALUE settings for every function, read over
 *   `<functionsDir>/.env` when a worker starts; a worker whose file changed is restarted before its
 *   next request, like `supabase functions serve --env-file` (STACK_FUNCTIONS_ENV_FILE, default none)
 * @property {string} jwtSecret
 * @property {string} anonKey
 * @property {string} serviceRoleKey
 * @property {string} dbPassword     password of postgres and authenticator (default postgres)
 */

/** @param {Record<string, string | undefined>} [env] @returns {StackConfig} */
export function loadConfig(env = process.env) {
  const num = (/** @type {string} */ name, /** @type {number} */ def) => {
    const v = env[name];
    if (v === undefined || v === '') return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${v}`);
    return n;
  };
  const dataDir = path.resolve(env.STACK_DATA_DIR || path.join(ROOT, '.local'));
  return {
    host: env.STACK_HOST || '127.0.0.1',
    apiPort: num('API_PORT', 54321),
    dbPort: num('DB_PORT', 54322),
    mailPort: num('MAIL_PORT', 54324),
    appPort: num('APP_PORT', 5173),
    dataDir,
    migrationsDir: path.resolve(env.STACK_MIGRATIONS_DIR || path.join(ROOT, 'supabase', 'migrations')),
    functionsDir: path.resolve(env.STACK_FUNCTIONS_DIR || path.join(ROOT, 'supabase', 'functions')),
    seedFile: path.resolve(env.STACK_SEED_FILE || path.join(ROOT, 'supabase', 'seed.sql')),
    functionsEnvFile: env.STACK_FUNCTIONS_ENV_FILE ? path.resolve(env.STACK_FUNCTIONS_ENV_FILE) : null,
    jwtSecret: env.JWT_SECRET || DEFAULT_JWT_SECRET,
    anonKey: env.ANON_KEY || DEFAULT_ANON_KEY,
    serviceRoleKey: env.SERVICE_ROLE_KEY || DEFAULT_SERVICE_ROLE_KEY,
    dbPassword: env.STACK_DB_PASSWORD || 'postgres',
  };
}

/** @param {StackConfig} c */
export function urls(c) {
  return {
    API_URL: `http://${c.host}:${c.apiPort}`,
    DB_URL: `postgresql://postgres:${c.dbPassword}@${c.host}:${c.dbPort}/postgres`,
    MAIL_URL: `http://${c.host}:${c.mailPort}`,
    APP_URL: `http://${c.host}:${c.appPort}`,
  };
}

/** The JSON object `npm run --silent status` prints (key names as `supabase status -o json`). */
/** @param {StackConfig} c */
export function statusObject(c) {
  const u = urls(c);
  return {
    API_URL: u.API_URL,
    REST_URL: `${u.API_URL}/rest/v1`,
    GRAPHQL_URL: null,
    FUNCTIONS_URL: `${u.API_URL}/functions/v1`,
    REALTIME_URL: `ws://${c.host}:${c.apiPort}/realtime/v1`,
    DB_URL: u.DB_URL,
    MAIL_URL: u.MAIL_URL,
    INBUCKET_URL: u.MAIL_URL,
    APP_URL: u.APP_URL,
    ANON_KEY: c.anonKey,
    SERVICE_ROLE_KEY: c.serviceRoleKey,
    JWT_SECRET: c.jwtSecret,
  };
}
