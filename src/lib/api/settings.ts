// Settings and administration (S13): the organisation, its people, jobs, custom fields, sending
// domains, and the signed-in user's own settings. Every write here may be refused by the
// database (RLS, column grants, guards in 20261129160000_settings.sql); the refusal's reason
// comes back as the Result's error.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database } from '$lib/database.types';

type Tables = Database['public']['Tables'];
export type AccessLevel = Database['public']['Enums']['access_level'];
export type JobRole = Database['public']['Enums']['job_role'];
export type Plan = Database['public']['Enums']['organization_plan'];
export type ClassificationPreference = Database['public']['Enums']['classification_preference'];

export const ACCESS_LEVELS: readonly AccessLevel[] = ['limited', 'elevated', 'admin', 'organization_admin'];
export const JOB_ROLES: readonly JobRole[] = [
  'external_recruiter',
  'analyst',
  'hiring_team_member',
  'hiring_manager',
  'admin',
  'admin_private',
];

export interface SendWindow {
  days: number[];
  start: string;
  end: string;
}

export type Organization = Tables['organizations']['Row'];
/** What an organisation admin may change (never the plan: billing decides). */
export type OrganizationPatch = Partial<
  Pick<
    Organization,
    | 'name'
    | 'time_zone'
    | 'outreach_frequency_days'
    | 'reply_classification_enabled'
    | 'ai_tokens_enabled'
    | 'exclude_hired_candidate_emails'
    | 'exclude_confidential_job_candidate_emails'
    | 'exclude_internal_candidate_emails'
    | 'default_include_unsubscribe_link'
    | 'daily_send_cap'
  >
> & { default_send_window?: SendWindow | null };

export type Member = Tables['members']['Row'] & { email: string | null };

/** The signed-in user's member row. */
export async function loadMe(userId: string): Promise<Result<Tables['members']['Row'] | null>> {
  const { data, error } = await supabase.from('members').select('*').eq('user_id', userId).maybeSingle();
  return error ? fail(error, 'Could not load your settings.') : ok(data);
}

export async function loadOrganization(): Promise<Result<Organization | null>> {
  const { data, error } = await supabase.from('organizations').select('*').maybeSingle();
  return error ? fail(error, 'Could not load the organisation.') : ok(data);
}

export async function updateOrganization(id: string, patch: OrganizationPatch): Promise<Result<Organization>> {
  const { data, error } = await supabase
    .from('organizations')
    .update(patch as Tables['organizations']['Update'])
    .eq('id', id)
    .select('*')
    .maybeSingle();
  if (error) return fail(error, 'Could not save the organisation settings.');
  if (!data) return { ok: false, error: 'Only organisation admins change these settings.' };
  return ok(data);
}

export type PersonalPatch = Partial<
  Pick<
    Tables['members']['Row'],
    'sender_name' | 'sender_email' | 'sender_title' | 'signature_doc' | 'tracking_enabled' | 'classification_preference'
  >
>;

export async function updateMe(userId: string, patch: PersonalPatch): Promise<Result<Tables['members']['Row']>> {
  const { data, error } = await supabase.from('members').update(patch).eq('user_id', userId).select('*').maybeSingle();
  if (error) return fail(error, 'Could not save your settings.');
  if (!data) return { ok: false, error: 'Your settings could not be saved.' };
  return ok(data);
}

export type AdminMemberPatch = Partial<
  Pick<Tables['members']['Row'], 'access_level' | 'agency_id' | 'daily_send_cap' | 'deactivated_at'>
>;

export async function listMembers(): Promise<Result<Tables['members']['Row'][]>> {
  const { data, error } = await supabase.from('members').select('*').order('display_name').limit(1000);
  return error ? fail(error, 'Could not load the people of your organisation.') : ok(data);
}

export async function updateMember(userId: string, patch: AdminMemberPatch): Promise<Result<Tables['members']['Row']>> {
  const { data, error } = await supabase.from('members').update(patch).eq('user_id', userId).select('*').maybeSingle();
  if (error) return fail(error, 'Could not change this person.');
  if (!data) return { ok: false, error: 'You cannot change this person.' };
  return ok(data);
}

export async function listAgencies(): Promise<Result<Tables['agencies']['Row'][]>> {
  const { data, error } = await supabase.from('agencies').select('*').order('name');
  return error ? fail(error, 'Could not load agencies.') : ok(data);
}

export type Invitation = Tables['member_invitations']['Row'];

export async function listInvitations(): Promise<Result<Invitation[]>> {
  const { data, error } = await supabase
    .from('member_invitations')
    .select('*')
    .is('accepted_at', null)
    .order('created_at', { ascending: false });
  return error ? fail(error, 'Could not load invitations.') : ok(data);
}

/**
 * Invites an address: records the invitation (the database checks the level), then has the
 * invite-member function mail Auth's invitation, branded with the organisation and the
 * inviter (locally it lands in the mail catcher). Their account, made by that invitation,
 * joins the organisation at the invited level.
 */
export async function invite(
  organizationId: string,
  email: string,
  level: AccessLevel,
  agencyId: string | null,
  redirectTo: string,
): Promise<Result<Invitation>> {
  const address = email.trim().toLowerCase();
  const { data, error } = await supabase
    .from('member_invitations')
    .insert({ organization_id: organizationId, email: address, access_level: level, agency_id: agencyId })
    .select('*')
    .single();
  if (error) {
    if (error.code === '42501')
      return { ok: false, error: 'You can invite people at most at your own access level.', code: error.code };
    if (error.code === '23505' && !error.details?.includes('already has'))
      return { ok: false, error: `${address} already has an open invitation.`, code: error.code };
    return fail(error, 'Could not invite this person.');
  }
  const sent = await mailInvitation(data.id, redirectTo);
  if (!sent.ok) return sent;
  return ok(data);
}

/** Mails an open invitation (invite-member function: Auth's branded invite email). */
export async function mailInvitation(invitationId: string, redirectTo: string): Promise<Result<null>> {
  const { error } = await supabase.functions.invoke('invite-member', {
    body: { invitation_id: invitationId, redirect_to: redirectTo },
  });
  return error ? fail(error, 'The invitation was saved, but its email could not be sent.') : ok(null);
}

export async function withdrawInvitation(id: string): Promise<Result<null>> {
  const { error } = await supabase.from('member_invitations').delete().eq('id', id);
  return error ? fail(error, 'Could not withdraw the invitation.') : ok(null);
}

/** For a user who had an account before being invited: joins the inviting organisation. */
export async function acceptInvitation(): Promise<Result<boolean>> {
  const { data, error } = await supabase.rpc('accept_invitation');
  return error ? fail(error, 'Could not accept the invitation.') : ok(Boolean(data));
}

// Jobs -------------------------------------------------------------------------------------

export type Job = Tables['jobs']['Row'];
export type JobStage = Tables['job_stages']['Row'];
export type JobMember = Tables['job_members']['Row'];

export interface JobDetail extends Job {
  stages: JobStage[];
  members: JobMember[];
}

export async function listJobs(): Promise<Result<JobDetail[]>> {
  const { data, error } = await supabase
    .from('jobs')
    .select('*, stages:job_stages(*), members:job_members(*)')
    .order('title');
  if (error) return fail(error, 'Could not load jobs.');
  return ok(data.map((j) => ({ ...j, stages: [...j.stages].sort((a, b) => a.position - b.position) })));
}

export async function createJob(organizationId: string, title: string, confidential: boolean): Promise<Result<Job>> {
  const { data, error } = await supabase
    .from('jobs')
    .insert({ organization_id: organizationId, title: title.trim(), confidential })
    .select('*')
    .single();
  return error ? fail(error, 'Could not create the job. Only admins create jobs.') : ok(data);
}

export async function updateJob(id: string, patch: { title?: string; confidential?: boolean }): Promise<Result<Job>> {
  const { data, error } = await supabase.from('jobs').update(patch).eq('id', id).select('*').maybeSingle();
  if (error) return fail(error, 'Could not save the job.');
  if (!data) return { ok: false, error: 'Only admins change jobs.' };
  return ok(data);
}

/** Gives a person a role on a job (or changes it); null removes their role. */
export async function setJobRole(job: Job, userId: string, role: JobRole | null): Promise<Result<null>> {
  const { error } =
    role === null
      ? await supabase.from('job_members').delete().eq('job_id', job.id).eq('user_id', userId)
      : await supabase.from('job_members').upsert(
          { job_id: job.id, user_id: userId, organization_id: job.organization_id, role },
          {
            onConflict: 'job_id,user_id',
          },
        );
  return error ? fail(error, 'Could not change the job role. Only admins assign job roles.') : ok(null);
}

export async function addJobStage(job: Job, name: string, position: number): Promise<Result<JobStage>> {
  const { data, error } = await supabase
    .from('job_stages')
    .insert({ job_id: job.id, organization_id: job.organization_id, name: name.trim(), position })
    .select('*')
    .single();
  return error ? fail(error, 'Could not add the stage.') : ok(data);
}

export async function renameJobStage(id: string, name: string): Promise<Result<null>> {
  const { error } = await supabase.from('job_stages').update({ name: name.trim() }).eq('id', id);
  return error ? fail(error, 'Could not rename the stage.') : ok(null);
}

export async function removeJobStage(id: string): Promise<Result<null>> {
  const { error } = await supabase.from('job_stages').delete().eq('id', id);
  return error ? fail(error, 'Could not remove the stage.') : ok(null);
}

export interface CandidateHit {
  id: string;
  name: string;
  email: string | null;
}

export async function findCandidates(term: string): Promise<Result<CandidateHit[]>> {
  const t = term.trim().replace(/[%,()]/g, ' ');
  let q = supabase.from('candidates').select('id, first_name, last_name, email').order('last_name').limit(20);
  if (t) q = q.or(`first_name.ilike.%${t}%,last_name.ilike.%${t}%,email.ilike.%${t}%`);
  const { data, error } = await q;
  if (error) return fail(error, 'Could not search candidates.');
  return ok(data.map((c) => ({ id: c.id, name: `${c.first_name} ${c.last_name}`.trim(), email: c.email })));
}

/** Adds a candidate to a job's pipeline (its Lead stage); what "Converted" counts. */
export async function addCandidateToJob(job: Job, candidateId: string): Promise<Result<null>> {
  const { error } = await supabase
    .from('considerations')
    .insert({ organization_id: job.organization_id, job_id: job.id, candidate_id: candidateId });
  if (error?.code === '23505') return { ok: false, error: 'This candidate is already on this job.' };
  return error ? fail(error, 'Could not add the candidate to the job.') : ok(null);
}

// Custom fields ----------------------------------------------------------------------------

export type CustomField = Tables['custom_fields']['Row'];
export type CustomFieldType = 'text' | 'number' | 'date' | 'single_choice';

export async function listCustomFields(): Promise<Result<CustomField[]>> {
  const { data, error } = await supabase.from('custom_fields').select('*').order('created_at');
  return error ? fail(error, 'Could not load custom fields.') : ok(data);
}

export async function createCustomField(
  organizationId: string,
  f: { key: string; label: string; type: CustomFieldType; options: string[] },
): Promise<Result<CustomField>> {
  const { data, error } = await supabase
    .from('custom_fields')
    .insert({ organization_id: organizationId, ...f })
    .select('*')
    .single();
  if (error?.code === '23505') return { ok: false, error: `A field with the key “${f.key}” already exists.` };
  if (error?.code === '23514')
    return {
      ok: false,
      error:
        'Check the field: the key is lower-case letters, digits and _ (starting with a letter), the label is not empty, and only single choice fields have options.',
    };
  return error ? fail(error, 'Could not create the field.') : ok(data);
}

export async function renameCustomField(id: string, label: string): Promise<Result<null>> {
  const { error } = await supabase.from('custom_fields').update({ label: label.trim() }).eq('id', id);
  return error ? fail(error, 'Could not rename the field.') : ok(null);
}

export async function retireCustomField(id: string): Promise<Result<null>> {
  const { error } = await supabase.rpc('retire_custom_field', { field_id: id });
  return error ? fail(error, 'Could not retire the field.') : ok(null);
}

// Sending domains --------------------------------------------------------------------------

export type SendingDomain = Tables['sending_domains']['Row'];

export async function listDomains(): Promise<Result<SendingDomain[]>> {
  const { data, error } = await supabase.from('sending_domains').select('*').order('domain');
  return error ? fail(error, 'Could not load sending domains.') : ok(data);
}

export async function addDomain(
  organizationId: string,
  userId: string,
  domain: string,
): Promise<Result<SendingDomain>> {
  const name = domain.trim().toLowerCase();
  const { data, error } = await supabase
    .from('sending_domains')
    .insert({ organization_id: organizationId, domain: name, created_by: userId })
    .select('*')
    .single();
  if (error?.code === '23505') return { ok: false, error: `${name} is already registered by an organisation.` };
  if (error?.code === '23514') return { ok: false, error: `“${name}” is not a domain name (like mail.example.com).` };
  return error ? fail(error, 'Could not add the domain.') : ok(data);
}

export async function removeDomain(id: string): Promise<Result<null>> {
  const { error } = await supabase.from('sending_domains').delete().eq('id', id);
  return error ? fail(error, 'Could not remove the domain.') : ok(null);
}

/** Registers the domain with the provider if needed and asks it to check the DNS records. */
export async function checkDomain(id: string): Promise<Result<SendingDomain>> {
  const { data, error } = await supabase.functions.invoke<SendingDomain>('sending-domains', {
    body: { domain_id: id },
  });
  if (error) {
    const ctx = (error as { context?: Response }).context;
    if (ctx && typeof ctx.json === 'function') {
      try {
        const body = (await ctx.json()) as { message?: string };
        if (body.message) return { ok: false, error: body.message };
      } catch {
        /* fall through */
      }
    }
    return fail(error, 'Could not check the domain with the provider.');
  }
  return data ? ok(data) : { ok: false, error: 'The provider did not answer.' };
}

// Sessions ---------------------------------------------------------------------------------

/** Signs the user out on every device (all refresh tokens revoked). */
export async function signOutEverywhere(): Promise<Result<null>> {
  const { error } = await supabase.auth.signOut({ scope: 'global' });
  return error ? fail(error, 'Could not sign out everywhere.') : ok(null);
}
