// Issue 11 items 3, 5 and 9 as the attacking user would try them, through supabase-js against
// the local stack (the SPA's own client), and the provider-verified sending domains of S13.
// Each test is named after what it prevents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  enroll,
  makeDue,
  stagesOf,
  stackEnv,
  uniq,
} from './helpers/factories.ts';
import { invokeSender, messagesTo, setCronActive } from './helpers/sending.ts';

beforeAll(async () => {
  await setCronActive(false);
});
afterAll(async () => {
  await setCronActive(true);
  await closeDb();
});

const planOf = async (orgId: string) =>
  (await db().query(`select plan::text from public.organizations where id = $1`, [orgId])).rows[0].plan as string;

describe('an organisation cannot change its own plan (issue 11 item 3)', () => {
  it('refuses PATCH organizations {plan} from an organisation admin and keeps the plan', async () => {
    const org = await createOrg({ plan: 'free' });
    const admin = await createMember(org, { level: 'organization_admin' });
    const { error } = await admin.client.from('organizations').update({ plan: 'enterprise' }).eq('id', org.id);
    expect(error?.code).toBe('42501');
    expect(await planOf(org.id)).toBe('free');
    // …while the settings the organisation owns stay writable.
    const ok = await admin.client.from('organizations').update({ outreach_frequency_days: 21 }).eq('id', org.id);
    expect(ok.error).toBeNull();
  });
});

describe('a member cannot raise their own daily send cap (issue 11 item 9)', () => {
  it('refuses the member and accepts an admin', async () => {
    const org = await createOrg();
    const member = await createMember(org, { level: 'elevated', dailySendCap: 50 });
    const admin = await createMember(org, { level: 'admin' });
    const own = await member.client.from('members').update({ daily_send_cap: 100000 }).eq('user_id', member.id);
    expect(own.error?.message).toBe('not_admin');
    const byAdmin = await admin.client.from('members').update({ daily_send_cap: 80 }).eq('user_id', member.id);
    expect(byAdmin.error).toBeNull();
    const cap = (await db().query(`select daily_send_cap from public.members where user_id = $1`, [member.id])).rows[0];
    expect(cap.daily_send_cap).toBe(80);
  });
});

describe('sender addresses only on a verified domain of the sender’s own organisation (issue 11 item 5)', () => {
  it('refuses a sender address on another organisation’s verified domain', async () => {
    const victim = await createOrg();
    const victimSender = await createMember(victim);
    const attackerOrg = await createOrg();
    const attacker = await createMember(attackerOrg, { level: 'organization_admin' });
    const stolen = `ceo@${victimSender.senderEmail!.split('@')[1]}`;
    const { error } = await attacker.client.from('members').update({ sender_email: stolen }).eq('user_id', attacker.id);
    expect(error?.message).toBe('sender_domain_unverified');
    // Nor can the attacker claim the domain: a domain belongs to one organisation.
    const claim = await attacker.client
      .from('sending_domains')
      .insert({ organization_id: attackerOrg.id, domain: stolen.split('@')[1]!, created_by: attacker.id });
    expect(claim.error?.code).toBe('23505');
  });

  it('refuses to write a domain’s verification state, even for an organisation admin', async () => {
    const org = await createOrg();
    const admin = await createMember(org, { level: 'organization_admin' });
    const domain = `${uniq('d')}.example.test`;
    const added = await admin.client
      .from('sending_domains')
      .insert({ organization_id: org.id, domain, created_by: admin.id })
      .select('id, status')
      .single();
    expect(added.error).toBeNull();
    expect(added.data?.status).toBe('not_started');
    const forged = await admin.client.from('sending_domains').update({ status: 'verified' }).eq('id', added.data!.id);
    expect(forged.error?.code).toBe('42501');
  });

  it('does not send from a sender whose domain is no longer verified, and records why', async () => {
    const org = await createOrg();
    const sender = await createMember(org);
    const seq = await createSequence(org, sender);
    const cand = await createCandidate(org);
    const [row] = await enroll(sender, seq.id, [cand.id], true);
    expect(row?.ok).toBe(true);
    // The domain fails verification after the sender chose it (or an operator wrote the address).
    await db().query(`update public.sending_domains set status = 'failed' where domain = $1`, [
      sender.senderEmail!.split('@')[1],
    ]);
    await makeDue([row!.enrollment_id!], [0]);
    expect((await invokeSender()).status).toBe(200);
    const [stage] = await stagesOf([row!.enrollment_id!]);
    expect(stage).toMatchObject({ status: 'failed', end_reason: 'sender_domain_unverified' });
    expect(await messagesTo(cand.email!)).toEqual([]);
  });
});

describe('sending-domains function (Resend Domains API; the mail catcher locally)', () => {
  it('registers a domain for an organisation admin, follows the provider’s verification, and then allows senders on it', async () => {
    const org = await createOrg();
    const admin = await createMember(org, { level: 'organization_admin' });
    const elevated = await createMember(org, { level: 'elevated' });
    const domain = `${uniq('mail')}.acme-hiring.test`;
    const { data: row } = await admin.client
      .from('sending_domains')
      .insert({ organization_id: org.id, domain, created_by: admin.id })
      .select('id')
      .single();

    const refused = await elevated.client.functions.invoke('sending-domains', { body: { domain_id: row!.id } });
    expect((refused.error as { context?: Response } | null)?.context?.status).toBe(403);

    const first = await admin.client.functions.invoke('sending-domains', { body: { domain_id: row!.id } });
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ domain, status: 'pending' });
    expect(first.data.records.length).toBeGreaterThan(0);

    // Not verified yet: nobody may send from it.
    const early = await elevated.client
      .from('members')
      .update({ sender_email: `me@${domain}` })
      .eq('user_id', elevated.id);
    expect(early.error?.message).toBe('sender_domain_unverified');

    // The DNS records "appear": the catcher's inbox page marks the domain verified.
    const provider = (
      await db().query(`select provider_domain_id from public.sending_domains where id = $1`, [row!.id])
    ).rows[0].provider_domain_id as string;
    const marked = await fetch(`${stackEnv.mailUrl}/inbox/domains/${provider}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=verified',
      redirect: 'manual',
    });
    expect(marked.status).toBe(303);
    const second = await admin.client.functions.invoke('sending-domains', { body: { domain_id: row!.id } });
    expect(second.data).toMatchObject({ domain, status: 'verified' });

    const now = await elevated.client
      .from('members')
      .update({ sender_email: `me@${domain}` })
      .eq('user_id', elevated.id);
    expect(now.error).toBeNull();
  });
});
