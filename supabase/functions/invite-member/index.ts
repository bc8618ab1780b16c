// invite-member (issue 16): mails the branded invitation of an invitation an admin has just
// recorded (Settings → People). Called by the SPA with the user's JWT: POST {invitation_id,
// redirect_to}. The user-scoped client proves the caller may manage it: RLS shows an open
// invitation only to admins and organisation admins of its organisation. The email is Auth's
// invite email (supabase/config.toml [auth.email.template.invite]) with the organisation's
// name and the inviter's as user metadata; sending it creates the invited user, which needs
// the service role: that is the only call made with it. An address that already has a
// confirmed account gets Auth's magic link instead (the app then offers to join).
import { createClient } from '@supabase/supabase-js';
import { CORS, env, json, refuse, subjectOf, UUID } from '../_shared/spa-call.ts';
import type { Database } from '../_shared/database.types.ts';

Deno.serve(async (req) => {
  if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
  if (req.method !== 'POST') return refuse(405, 'method_not_allowed', 'Use POST.');
  const auth = req.headers.get('Authorization') ?? '';
  let body: { invitation_id?: unknown; redirect_to?: unknown };
  try {
    body = JSON.parse((await req.text()).slice(0, 4096) || '{}');
  } catch {
    return refuse(400, 'bad_json', 'The request body is not valid JSON.');
  }
  const invitationId = typeof body?.invitation_id === 'string' ? body.invitation_id : '';
  if (!UUID.test(invitationId)) return refuse(400, 'bad_request', 'invitation_id must be an invitation id.');
  const redirectTo =
    typeof body.redirect_to === 'string' && body.redirect_to.length <= 2048 ? body.redirect_to : undefined;
  const userId = subjectOf(auth);
  if (!userId) return refuse(401, 'not_signed_in', 'Sign in first.');

  const url = env('SUPABASE_URL');
  const user = createClient<Database>(url, env('SUPABASE_ANON_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: auth } },
  });
  const { data: invitation, error } = await user
    .from('member_invitations')
    .select('email, organization_id, accepted_at')
    .eq('id', invitationId)
    .maybeSingle();
  if (error) return refuse(503, 'unavailable', 'Could not read the invitation; try again.');
  if (!invitation || invitation.accepted_at !== null) return refuse(404, 'not_found', 'No such open invitation.');
  const [{ data: org }, { data: me }] = await Promise.all([
    user.from('organizations').select('name').eq('id', invitation.organization_id).maybeSingle(),
    user.from('members').select('display_name, sender_name').eq('user_id', userId).maybeSingle(),
  ]);
  if (!org || !me) return refuse(404, 'not_found', 'No such open invitation.');

  // Creating the invited user and mailing Auth's invite email crosses users: service role.
  const admin = createClient<Database>(url, env('SUPABASE_SERVICE_ROLE_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const data = { organization_name: org.name, invited_by_name: me.sender_name || me.display_name };
  const invited = await admin.auth.admin.inviteUserByEmail(invitation.email, { data, redirectTo });
  if (!invited.error) return json(200, { mailed: 'invite' });
  if (invited.error.code !== 'email_exists') {
    console.error(`invite-member: ${invited.error.message}`);
    return refuse(502, 'not_sent', 'The invitation email could not be sent; try again.');
  }
  const existing = await admin.auth.signInWithOtp({
    email: invitation.email,
    options: { shouldCreateUser: false, emailRedirectTo: redirectTo },
  });
  if (existing.error) {
    console.error(`invite-member: ${existing.error.message}`);
    return refuse(502, 'not_sent', 'The invitation email could not be sent; try again.');
  }
  return json(200, { mailed: 'magiclink' });
});
