// The public API of the local Supabase stand-in: what a project's `start` and `test` commands
// (this repository's scripts/cli.js) and its benchmarks use. Everything else is internal.
export {
  ROOT,
  PACKAGE_DIR,
  loadConfig,
  statusObject,
  urls,
  appSecrets,
  DEFAULT_JWT_SECRET,
  DEFAULT_ANON_KEY,
  DEFAULT_SERVICE_ROLE_KEY,
} from './lib/config.js';
export { startStack } from './lib/stack.js';
// What `deploy:check` compares a hosted project with: each function's settings from config.toml
// and the secrets the local stack gives the functions.
export { functionSettings, projectSecrets, writeFunctionsEnv } from './api/functions/project.js';
export { PgCluster, ensureSystemPackages } from './lib/pg-cluster.js';
export { startMail } from './mail/server.js';
export { createJwt } from './api/jwt.js';
export { create as createRestHandler } from './api/rest/index.js';
