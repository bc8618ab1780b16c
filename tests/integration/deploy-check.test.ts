// `npm run deploy:check` (SPEC S11) against the local stack, which answers the questions a
// hosted project does: a database URL, an API URL, the functions' secrets. Each check must pass
// on a correctly set-up stack and name what is wrong when something is missing; the hosted
// path's Management API calls are answered by a small server playing that API.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localTarget, managementApi, REQUIRED_SECRETS, runDeployChecks } from '../../scripts/deploy-check.js';

type Check = { name: string; ok: boolean; detail: string };
const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.name, c]));
const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-check-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('deploy:check', () => {
  it('passes every check on the running stack', async () => {
    const checks: Check[] = await runDeployChecks(localTarget());
    expect(checks.map((c) => c.name).sort()).toEqual(
      ['cron jobs', 'functions', 'migrations', 'resend webhook', 'secrets', 'vault'].sort(),
    );
    for (const c of checks) expect(c, c.detail).toMatchObject({ ok: true });
  });

  it('names a migration not applied, a cron job not scheduled and a function not deployed', async () => {
    const migrations = path.join(tmp, 'migrations');
    fs.cpSync(path.join(ROOT, 'supabase/migrations'), migrations, { recursive: true });
    fs.writeFileSync(
      path.join(migrations, '20991231000000_later.sql'),
      `select cron.schedule('nightly-report', '0 3 * * *', 'select 1');\n`,
    );
    const project = path.join(tmp, 'project');
    fs.cpSync(path.join(ROOT, 'supabase/functions'), path.join(project, 'functions'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'supabase/config.toml'), path.join(project, 'config.toml'));
    fs.mkdirSync(path.join(project, 'functions', 'weekly-digest'));
    fs.writeFileSync(
      path.join(project, 'functions', 'weekly-digest', 'index.ts'),
      'Deno.serve(() => new Response());\n',
    );

    const c = byName(
      await runDeployChecks({
        ...localTarget(),
        migrationsDir: migrations,
        functionsDir: path.join(project, 'functions'),
      }),
    );
    expect(c.migrations).toMatchObject({ ok: false });
    expect(c.migrations!.detail).toContain('not applied: 20991231000000 — run: npx supabase db push');
    expect(c['cron jobs']!.detail).toBe('nightly-report is not scheduled');
    expect(c.functions!.detail).toBe('not deployed: weekly-digest — deploy with: npx supabase functions deploy');
    expect(c.secrets).toMatchObject({ ok: true });
  });

  it('names missing secrets and a Vault entry that does not match the function secret', async () => {
    const local = localTarget();
    const digests: Record<string, string> = await local.secretDigests();
    delete digests.RESEND_API_KEY;
    digests.SEND_DUE_STAGES_SECRET = crypto.createHash('sha256').update('rotated-but-vault-not-updated').digest('hex');
    const c = byName(await runDeployChecks({ ...local, secretDigests: async () => digests }));
    expect(c.secrets!.detail).toBe(
      'missing: RESEND_API_KEY — set them with: npx supabase secrets set RESEND_API_KEY=…',
    );
    expect(c.vault).toMatchObject({ ok: false });
    expect(c.vault!.detail).toContain('send_due_stages_secret differs from the SEND_DUE_STAGES_SECRET function secret');
  });

  it('says when the API does not answer: the webhook is unreachable and Vault points elsewhere', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const c = byName(await runDeployChecks({ ...localTarget(), apiUrl: `http://127.0.0.1:${port}` }));
    expect(c['resend webhook']!.detail).toMatch(/is not reachable/);
    expect(c.vault!.detail).toMatch(new RegExp(`project_url is .*, expected http://127\\.0\\.0\\.1:${port}`));
  });

  it('reads a hosted project’s secrets and functions through the Management API', async () => {
    const ref = 'abcdefghijklmnopqrst';
    const seen: string[] = [];
    const api = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.setHeader('Content-Type', 'application/json');
      if (req.url === `/v1/projects/${ref}/secrets`) {
        res.end(
          JSON.stringify(
            REQUIRED_SECRETS.filter((n: string) => n !== 'APP_URL').map((name: string) => ({ name, value: 'digest' })),
          ),
        );
      } else if (req.url === `/v1/projects/${ref}/functions`) {
        res.end(
          JSON.stringify([
            { slug: 'ai-tokens', verify_jwt: true, status: 'ACTIVE' },
            { slug: 'invite-member', verify_jwt: true, status: 'ACTIVE' },
            { slug: 'purge-attachments', verify_jwt: false, status: 'ACTIVE' },
            { slug: 'resend-webhook', verify_jwt: true, status: 'ACTIVE' },
            { slug: 'send-due-stages', verify_jwt: false, status: 'ACTIVE' },
            { slug: 'sending-domains', verify_jwt: true, status: 'ACTIVE' },
            { slug: 'sequence-doc', verify_jwt: false, status: 'ACTIVE' },
            { slug: 'track', verify_jwt: false, status: 'ACTIVE' },
          ]),
        );
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    try {
      const mgmt = managementApi(ref, 'sbp_test_token', `http://127.0.0.1:${(api.address() as { port: number }).port}`);
      const c = byName(
        await runDeployChecks({
          ...localTarget(),
          secretDigests: mgmt.secretDigests,
          listFunctions: mgmt.listFunctions,
        }),
      );
      expect(c.secrets!.detail).toBe('missing: APP_URL — set them with: npx supabase secrets set APP_URL=…');
      expect(c.functions!.detail).toBe(
        'resend-webhook has verify_jwt=true, config.toml says false; unsubscribe is not deployed — deploy with: npx supabase functions deploy',
      );
      expect(seen).toContain(`GET /v1/projects/${ref}/secrets Bearer sbp_test_token`);
    } finally {
      await new Promise((r) => api.close(r));
    }
  });
});
