// What the Supabase CLI reads about functions from the project: which folders are functions,
// `[functions.<name>]` settings in config.toml (verify_jwt, enabled) and the user secrets in
// `<functionsDir>/.env`. config.toml is parsed by smol-toml (lib/project-toml.js); the env
// reader stays small and hand-written: it must drop SUPABASE_* names with a warning as
// `supabase secrets set` does, which a dotenv package would not.
import fs from 'node:fs';
import path from 'node:path';
import { localFunctionSecrets, urls } from '../../lib/config.js';
import { projectTomlTable } from '../../lib/project-toml.js';

/**
 * The folders whose functions are served: the project's functions folder, then any listed in
 * STACK_EXTRA_FUNCTIONS_DIRS (colon-separated; the test runner adds tests/fixtures/functions).
 * The first folder holding a function of a given name wins.
 * @param {import('../../lib/config.js').StackConfig} config
 * @param {Record<string, string | undefined>} [env]
 */
export function functionDirs(config, env = process.env) {
  const extra = (env.STACK_EXTRA_FUNCTIONS_DIRS ?? '')
    .split(':')
    .filter(Boolean)
    .map((d) => path.resolve(d));
  return [config.functionsDir, ...extra.filter((d) => d !== config.functionsDir)];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * @param {string[]} dirs @param {string} name
 * @returns {{ dir: string, fnDir: string, entry: string } | null}
 */
export function findFunction(dirs, name) {
  if (!NAME_RE.test(name) || name === '_shared') return null;
  for (const dir of dirs) {
    const fnDir = path.join(dir, name);
    for (const file of ['index.ts', 'index.js', 'index.tsx', 'index.mjs']) {
      const entry = path.join(fnDir, file);
      if (fs.existsSync(entry)) return { dir, fnDir, entry };
    }
  }
  return null;
}

/**
 * `[functions.<name>]` tables of `<dirname(functionsDir)>/config.toml`, as
 * `{ name: { verify_jwt: false, … } }` (lib/project-toml.js: re-read when the file changes).
 * @param {string} functionsDir
 * @returns {Record<string, Record<string, unknown>>}
 */
export function functionSettings(functionsDir) {
  return projectTomlTable(path.dirname(functionsDir), 'functions');
}

/**
 * Reads `<functionsDir>/.env`; see readEnvFile.
 * @param {string} functionsDir @param {(m: string) => void} log
 * @returns {Record<string, string>}
 */
export function readDotEnv(functionsDir, log) {
  return readEnvFile(path.join(functionsDir, '.env'), log);
}

/**
 * Reads an env file (KEY=VALUE, `export`, comments, single/double quotes with \n escapes in
 * double quotes); a missing file is empty. Names starting with SUPABASE_ are reserved on
 * Supabase and are dropped with a warning, as `supabase secrets set` refuses them.
 * @param {string} file @param {(m: string) => void} log
 * @returns {Record<string, string>}
 */
export function readEnvFile(file, log) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  /** @type {Record<string, string>} */
  const out = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      log(`functions: ignoring a malformed line in ${file}`);
      continue;
    }
    const key = /** @type {string} */ (m[1]);
    let val = (m[2] ?? '').trim();
    if (val.startsWith('"')) {
      const end = val.lastIndexOf('"');
      val = val
        .slice(1, end > 0 ? end : undefined)
        .replace(/\\n/g, '\n')
        .replace(/\\"/g, '"')
        .replace(/\\\\/g, '\\');
    } else if (val.startsWith("'")) {
      const end = val.lastIndexOf("'");
      val = val.slice(1, end > 0 ? end : undefined);
    } else {
      val = val.replace(/\s+#.*$/, '');
    }
    if (key.startsWith('SUPABASE_')) {
      log(`functions: ${file}: ${key} ignored (names starting with SUPABASE_ are reserved)`);
      continue;
    }
    out[key] = val;
  }
  return out;
}

/**
 * The project's function secrets locally — what `supabase secrets set` holds in production:
 * local mail defaults (the mail catcher), the install's generated secrets, then
 * supabase/functions/.env. The functions runtime passes them to every function; `npm run
 * deploy:check -- --local` checks them like a hosted project's.
 * @param {import('../../lib/config.js').StackConfig} config
 * @param {string} functionsDir
 * @param {(msg: string) => void} [log]
 * @returns {Record<string, string>}
 */
export function projectSecrets(config, functionsDir, log = () => {}) {
  const u = urls(config);
  return {
    // Local defaults for the app's mail, so functions talk to the mail catcher unless .env says otherwise.
    RESEND_BASE_URL: u.MAIL_URL,
    RESEND_API_KEY: 're_local_development_key',
    APP_URL: u.APP_URL,
    ...localFunctionSecrets(config),
    ...readDotEnv(functionsDir, log),
    ...(config.functionsEnvFile ? readEnvFile(config.functionsEnvFile, log) : {}),
  };
}

/**
 * Writes the stack's functions env file (STACK_FUNCTIONS_ENV_FILE) with these settings, for
 * tests and benchmarks that run the functions under other settings: the workers are replaced
 * at their next request. An empty object empties it.
 * @param {Record<string, string | number>} settings
 * @param {string | undefined} [file] default: STACK_FUNCTIONS_ENV_FILE
 */
export function writeFunctionsEnv(settings, file = process.env.STACK_FUNCTIONS_ENV_FILE) {
  if (!file) throw new Error('STACK_FUNCTIONS_ENV_FILE must be set (the same file the stack was started with)');
  for (const [k, v] of Object.entries(settings)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || /[\r\n]/.test(String(v))) throw new Error(`invalid setting ${k}`);
  }
  fs.writeFileSync(
    file,
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
}

/**
 * What the functions' settings files look like now (size and modification time of
 * `<functionsDir>/.env` and the stack's functions env file): a worker started under another
 * stamp is replaced before its next request, so a changed setting takes effect as a new
 * worker, the way `supabase functions serve` restarts on change.
 * @param {import('../../lib/config.js').StackConfig} config @param {string} functionsDir
 */
export function settingsStamp(config, functionsDir) {
  return [path.join(functionsDir, '.env'), config.functionsEnvFile]
    .map((file) => {
      if (!file) return '-';
      try {
        const st = fs.statSync(file);
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}
