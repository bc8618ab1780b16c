// Issue 16: the invitation email is Auth's invite email in the product's look, naming the
// organisation and the inviter (supabase/config.toml [auth.email.template.invite], mailed by
// the invite-member function), and only an admin of the organisation can have one sent.
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, createMember, createOrg, db, uniq } from './helpers/factories.ts';
import { messagesTo, waitFor } from './helpers/sending.ts';

afterAll(async () => {
  await closeDb();
});

async function invitation(org: { id: string }, inviter: { client: any }, email: string) {
  const { data, error } = await inviter.client
    .from('member_invitations')
    .insert({ organization_id: org.id, email, access_level: 'elevated' })
    .select('id')
    .single();
  if (error) throw new Error(error.message);
  return data.id as string;
}

describe('invite-member', () => {
  it('mails Auth’s invitation with the organisation, the inviter and a working invite link', async () => {
    const org = await createOrg();
    const admin = await createMember(org, { level: 'admin', senderName: 'Ines <Inviter>' });
    const email = `${uniq('invitee')}@invites.test`;
    const id = await invitation(org, admin, email);

    const { data, error } = await admin.client.functions.invoke('invite-member', {
      body: { invitation_id: id, redirect_to: 'http://127.0.0.1:5173/sequences' },
    });
    expect(error).toBeNull();
    expect(data).toEqual({ mailed: 'invite' });

    const mail = await waitFor(async () => (await messagesTo(email))[0] ?? null, 10_000, 'the invitation');
    expect(mail.subject).toBe(`Ines <Inviter> invited you to ${org.name} on Outreach Sequences`);
    // Candidate-free, but still user-typed: the inviter's name is escaped in the HTML.
    expect(mail.html).toContain('Ines &lt;Inviter&gt; invited you');
    expect(mail.html).toContain(`Join ${org.name}`);
    expect(mail.text).toContain(`Join ${org.name}`);
    const link = /href="([^"]+\/auth\/v1\/verify[^"]+)"/.exec(mail.html)?.[1]?.replaceAll('&amp;', '&');
    expect(new URL(link!).searchParams.get('type')).toBe('invite');

    // The invited person's account exists, invited, and has joined the organisation.
    const joined = await db().query(
      `select m.access_level, u.invited_at is not null as invited from auth.users u
       join public.members m on m.user_id = u.id where lower(u.email) = $1`,
      [email],
    );
    expect(joined.rows).toEqual([{ access_level: 'elevated', invited: true }]);
  });

  it('refuses someone who may not manage the invitation, and mails nothing', async () => {
    const org = await createOrg();
    const admin = await createMember(org, { level: 'admin' });
    const elevated = await createMember(org, { level: 'elevated' });
    const email = `${uniq('invitee')}@invites.test`;
    const id = await invitation(org, admin, email);

    const { error } = await elevated.client.functions.invoke('invite-member', { body: { invitation_id: id } });
    expect((error as { context?: Response } | null)?.context?.status).toBe(404);
    const bad = await admin.client.functions.invoke('invite-member', { body: { invitation_id: 'nope' } });
    expect((bad.error as { context?: Response } | null)?.context?.status).toBe(400);
    expect(await messagesTo(email)).toEqual([]);
  });
});
