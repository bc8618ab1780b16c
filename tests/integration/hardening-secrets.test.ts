// Issue 11, item 17: the app's local secrets (Resend webhook signing, the cron job's bearer, link
// signing) are generated per install and kept in the stack's data folder, so a fixed default
// published in the repository opens nothing. The Supabase CLI's well-known JWT secret and
// anon/service-role keys stay (README, "Configuration": clients' suites and docs rely on them).
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { appSecrets, loadConfig } from 'local-supabase';
import { API_URL, deliver, emailEvent } from './helpers/inbound.ts';
import { invokeSender } from './helpers/sending.ts';

/** What the repository used to hard-code for every install. */
const OLD_WEBHOOK_SECRET = 'whsec_bG9jYWwtb3V0cmVhY2gtd2ViaG9vay1zZWNyZXQtbm90LWZvci1wcm9k';
const OLD_CRON_SECRET = 'local-send-due-stages-secret-not-for-production';

describe('per-install secrets of the local stack', () => {
  it('are random, kept in the data folder and readable by the owner only', () => {
    const file = path.join(loadConfig().dataDir, 'app-secrets.json');
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(stored).toEqual(appSecrets());
    expect(stored.RESEND_WEBHOOK_SECRET).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(stored.SEND_DUE_STAGES_SECRET.length).toBeGreaterThanOrEqual(40);
    expect(stored.LINK_SIGNING_SECRET.length).toBeGreaterThanOrEqual(40);
    expect(stored.LINK_SIGNING_SECRET).not.toBe(stored.SEND_DUE_STAGES_SECRET);
  });

  it('the webhook refuses a delivery signed with the old published default and accepts this install’s', async () => {
    const raw = JSON.stringify(emailEvent('email.delivered', `unknown-${randomUUID()}`));
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const forged = await fetch(`${API_URL}/functions/v1/resend-webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'svix-id': id,
        'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
        'svix-signature': new Webhook(OLD_WEBHOOK_SECRET).sign(id, now, raw),
      },
      body: raw,
    });
    expect(forged.status).toBe(401);
    const genuine = await deliver(JSON.parse(raw));
    expect(genuine.status).toBe(200);
  });

  it('send-due-stages refuses the old published cron bearer', async () => {
    const r = await invokeSender({ bearer: OLD_CRON_SECRET });
    expect(r.status).toBe(401);
  });
});
