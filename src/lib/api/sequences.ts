// Typed data access for sequences: the list of Sourcing → Sequences and one sequence's page.
// What a user may see is decided by row-level security; these queries never filter for it.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database } from '$lib/database.types';

export type SequenceAccess = Database['public']['Enums']['sequence_access'];
export type StageType = Database['public']['Enums']['stage_type'];

export interface SequenceFilter {
  search: string;
  /** `mine`: sequences the user created; `everyone`: all the user may see. */
  scope: 'mine' | 'everyone';
  access: SequenceAccess | 'all';
  jobId: string | 'all';
}

export interface SequenceListItem {
  id: string;
  title: string;
  access: SequenceAccess;
  ownerId: string;
  ownerName: string;
  job: { id: string; title: string } | null;
  stageCount: number;
  updatedAt: string;
}

/** Largest page the list loads at once (the REST API caps at 1000 too). */
export const LIST_LIMIT = 200;

export async function listSequences(filter: SequenceFilter, userId: string): Promise<Result<SequenceListItem[]>> {
  let q = supabase
    .from('sequences')
    .select(
      'id, title, access, owner_id, updated_at, owner:members!sequences_owner_id_organization_id_fkey(display_name), job:jobs!sequences_job_id_organization_id_fkey(id, title), stages:sequence_stages(count)',
    )
    .is('archived_at', null)
    .order('updated_at', { ascending: false })
    .limit(LIST_LIMIT);
  const search = filter.search.trim();
  if (search) q = q.ilike('title', `%${search.replace(/[%_\\]/g, (c) => '\\' + c)}%`);
  if (filter.scope === 'mine') q = q.eq('owner_id', userId);
  if (filter.access !== 'all') q = q.eq('access', filter.access);
  if (filter.jobId !== 'all') q = q.eq('job_id', filter.jobId);
  const { data, error } = await q;
  if (error) return fail(error, 'Could not load sequences.');
  return ok(
    data.map((r) => ({
      id: r.id,
      title: r.title,
      access: r.access,
      ownerId: r.owner_id,
      ownerName: r.owner?.display_name ?? '',
      job: r.job,
      stageCount: r.stages[0]?.count ?? 0,
      updatedAt: r.updated_at,
    })),
  );
}

export interface JobOption {
  id: string;
  title: string;
  confidential: boolean;
}

export async function listJobs(): Promise<Result<JobOption[]>> {
  const { data, error } = await supabase.from('jobs').select('id, title, confidential').order('title');
  if (error) return fail(error, 'Could not load jobs.');
  return ok(data);
}

export interface StageRow {
  id: string;
  position: number;
  type: StageType;
  delayDays: number;
  delayHours: number;
  sendWindow: { days: number[]; start: string; end: string } | null;
  subject: string;
  body: unknown;
  threadMode: Database['public']['Enums']['thread_mode'];
  sender: { userId: string; name: string; email: string | null; title: string | null; signature: string | null } | null;
}

export interface SequenceDetail {
  id: string;
  title: string;
  access: SequenceAccess;
  ownerId: string;
  ownerName: string;
  job: { id: string; title: string } | null;
  includeUnsubscribeLink: boolean;
  autoArchiveAfterDays: number | null;
  createdAt: string;
  stages: StageRow[];
}

/** One sequence with its stages, or `null` when it does not exist or the user may not see it. */
export async function getSequence(id: string): Promise<Result<SequenceDetail | null>> {
  const { data, error } = await supabase
    .from('sequences')
    .select(
      'id, title, access, owner_id, include_unsubscribe_link, auto_archive_after_days, created_at, owner:members!sequences_owner_id_organization_id_fkey(display_name), job:jobs!sequences_job_id_organization_id_fkey(id, title), stages:sequence_stages(id, position, type, delay_days, delay_hours, send_window, subject, body, thread_mode, sender_user_id)',
    )
    .eq('id', id)
    .order('position', { referencedTable: 'sequence_stages' })
    .maybeSingle();
  if (error) {
    // An id that is not a uuid is simply not a sequence.
    if (error.code === '22P02') return ok(null);
    return fail(error, 'Could not load the sequence.');
  }
  if (!data) return ok(null);
  const senderIds = [...new Set(data.stages.map((s) => s.sender_user_id).filter((v): v is string => v !== null))];
  const senders = new Map<string, NonNullable<StageRow['sender']>>();
  if (senderIds.length) {
    const { data: people, error: e2 } = await supabase
      .from('members')
      .select('user_id, display_name, sender_name, sender_email, sender_title, signature')
      .in('user_id', senderIds);
    if (e2) return fail(e2, 'Could not load the senders.');
    for (const p of people) {
      senders.set(p.user_id, {
        userId: p.user_id,
        name: p.sender_name || p.display_name,
        email: p.sender_email,
        title: p.sender_title,
        signature: p.signature,
      });
    }
  }
  return ok({
    id: data.id,
    title: data.title,
    access: data.access,
    ownerId: data.owner_id,
    ownerName: data.owner?.display_name ?? '',
    job: data.job,
    includeUnsubscribeLink: data.include_unsubscribe_link,
    autoArchiveAfterDays: data.auto_archive_after_days,
    createdAt: data.created_at,
    stages: data.stages.map((s) => ({
      id: s.id,
      position: s.position,
      type: s.type,
      delayDays: s.delay_days,
      delayHours: s.delay_hours,
      // jsonb (generated as Json): {days, start, end} as the stage editor writes it.
      sendWindow: s.send_window as StageRow['sendWindow'],
      subject: s.subject,
      body: s.body,
      threadMode: s.thread_mode,
      sender: s.sender_user_id ? (senders.get(s.sender_user_id) ?? null) : null,
    })),
  });
}

export interface HomeSummary {
  mySequences: number;
  visibleSequences: number;
  inProgress: number;
  replied: number;
}

/** Counts for Sourcing → Home, as the user may see them. */
export async function homeSummary(userId: string): Promise<Result<HomeSummary>> {
  const head = { count: 'exact' as const, head: true };
  const [mine, all, running, replied] = await Promise.all([
    supabase.from('sequences').select('id', head).eq('owner_id', userId).is('archived_at', null),
    supabase.from('sequences').select('id', head).is('archived_at', null),
    supabase.from('enrollments').select('id', head).in('status', ['running', 'paused']),
    supabase.from('enrollments').select('id', head).neq('response_status', 'none'),
  ]);
  for (const r of [mine, all, running, replied]) if (r.error) return fail(r.error, 'Could not load the overview.');
  return ok({
    mySequences: mine.count ?? 0,
    visibleSequences: all.count ?? 0,
    inProgress: running.count ?? 0,
    replied: replied.count ?? 0,
  });
}

/**
 * Presents a personal sequence's direct-link secret; the database records a lasting grant for
 * elevated users. Resolves to false when the link is wrong or does not give this user access.
 */
export async function redeemLink(sequenceId: string, secret: string): Promise<Result<boolean>> {
  const { data, error } = await supabase.rpc('redeem_sequence_link', { sequence_id: sequenceId, secret });
  if (error) return fail(error, 'Could not open the link.');
  return ok(data === true);
}

/** The direct-link secret of a sequence the user may see (creators share it for personal sequences). */
export async function directLinkSecret(sequenceId: string): Promise<Result<string | null>> {
  const { data, error } = await supabase
    .from('sequences')
    .select('direct_link_secret')
    .eq('id', sequenceId)
    .maybeSingle();
  if (error) return fail(error, 'Could not load the link.');
  return ok(data?.direct_link_secret ?? null);
}

// Authoring ------------------------------------------------------------------------------------

export type AccessLevel = Database['public']['Enums']['access_level'];
export type OrganizationPlan = Database['public']['Enums']['organization_plan'];

/** Plans that include confidential sequences (the database's guard_sequence_access agrees). */
export const CONFIDENTIAL_PLANS: readonly OrganizationPlan[] = ['legacy_plus', 'plus', 'enterprise'];

export interface Me {
  userId: string;
  displayName: string;
  /** Effective for sequences: agency users count as limited (S1). */
  accessLevel: AccessLevel;
  plan: OrganizationPlan;
  orgTimeZone: string;
}

export async function getMe(userId: string): Promise<Result<Me | null>> {
  const { data, error } = await supabase
    .from('members')
    .select('user_id, display_name, access_level, agency_id, organization:organizations(plan, time_zone)')
    .eq('user_id', userId)
    .maybeSingle()
    .overrideTypes<
      {
        user_id: string;
        display_name: string;
        access_level: AccessLevel;
        agency_id: string | null;
        organization: { plan: OrganizationPlan; time_zone: string } | null;
      },
      { merge: false }
    >();
  if (error) return fail(error, 'Could not load your account.');
  if (!data || !data.organization) return ok(null);
  return ok({
    userId: data.user_id,
    displayName: data.display_name,
    accessLevel: data.agency_id ? 'limited' : data.access_level,
    plan: data.organization.plan,
    orgTimeZone: data.organization.time_zone,
  });
}

export interface SenderOption {
  userId: string;
  name: string;
  email: string | null;
  timeZone: string | null;
}

/** The people of the organisation, as possible senders (email) or prompted users (LinkedIn). */
export async function listSenders(): Promise<Result<SenderOption[]>> {
  const { data, error } = await supabase
    .from('members')
    .select('user_id, display_name, sender_name, sender_email, time_zone')
    .order('display_name');
  if (error) return fail(error, 'Could not load the senders.');
  return ok(
    data.map((m) => ({
      userId: m.user_id,
      name: m.sender_name || m.display_name,
      email: m.sender_email,
      timeZone: m.time_zone,
    })),
  );
}

export interface NewSequence {
  title: string;
  access: SequenceAccess;
  jobId: string | null;
}

/** Creates a sequence owned by the user; resolves to its id. */
export async function createSequence(input: NewSequence, organizationId: string): Promise<Result<string>> {
  // The id is chosen here and the row is not read back: RLS only shows the row once it exists.
  const id = crypto.randomUUID();
  const { error } = await supabase.from('sequences').insert({
    id,
    organization_id: organizationId,
    title: input.title.trim(),
    access: input.access,
    job_id: input.jobId,
  });
  if (error) {
    if (error.hint === 'confidential_not_allowed')
      return { ok: false, error: 'Confidential sequences are not available on your plan.' };
    return fail(error, 'Could not create the sequence.');
  }
  return ok(id);
}

export async function myOrganizationId(userId: string): Promise<Result<string | null>> {
  const { data, error } = await supabase.from('members').select('organization_id').eq('user_id', userId).maybeSingle();
  if (error) return fail(error, 'Could not load your organisation.');
  return ok(data?.organization_id ?? null);
}

export interface SequenceSettingsPatch {
  include_unsubscribe_link?: boolean;
  auto_archive_after_days?: number | null;
  job_id?: string | null;
  access?: SequenceAccess;
}

export async function updateSequenceSettings(id: string, patch: SequenceSettingsPatch): Promise<Result<null>> {
  const { error, count } = await supabase.from('sequences').update(patch, { count: 'exact' }).eq('id', id);
  if (error) {
    if (error.hint === 'access_change_not_allowed')
      return { ok: false, error: 'Only the creator of a sequence can change its access.' };
    if (error.hint === 'confidential_not_allowed')
      return { ok: false, error: 'Confidential sequences are not available on your plan.' };
    return fail(error, 'Could not save the settings.');
  }
  if (count === 0) return { ok: false, error: 'You cannot change this sequence’s settings.' };
  return ok(null);
}

export interface RunningEnrollment {
  id: string;
  candidateName: string;
  status: string;
}

/** Enrolments of a sequence that are still running or paused (what archiving would cancel). */
export async function listRunningEnrollments(sequenceId: string): Promise<Result<RunningEnrollment[]>> {
  const { data, error } = await supabase
    .from('enrollments')
    .select('id, status, candidate:candidates!enrollments_candidate_id_organization_id_fkey(first_name, last_name)')
    .eq('sequence_id', sequenceId)
    .in('status', ['running', 'paused'])
    .order('created_at')
    .overrideTypes<
      Array<{ id: string; status: string; candidate: { first_name: string; last_name: string } | null }>,
      { merge: false }
    >();
  if (error) return fail(error, 'Could not load the running enrolments.');
  return ok(
    data.map((e) => ({
      id: e.id,
      status: e.status,
      candidateName: e.candidate ? `${e.candidate.first_name} ${e.candidate.last_name}`.trim() : 'Candidate',
    })),
  );
}

export interface EditReport {
  enrollmentId: string;
  ok: boolean;
  reason: string | null;
  detail: string | null;
}

/** "Apply edits" for running enrolments: the template's stages replace their unsent ones. */
export async function applyTemplateToRunning(sequenceId: string): Promise<Result<EditReport[]>> {
  const { data, error } = await supabase.rpc('apply_template_to_running', { sequence_id: sequenceId });
  if (error) return fail(error, 'Could not apply the edits.');
  return ok(data.map((r) => ({ enrollmentId: r.enrollment_id, ok: r.ok, reason: r.reason, detail: r.detail })));
}

/** Archives a sequence after cancelling its running enrolments. */
export async function archiveSequence(sequenceId: string, running: readonly string[]): Promise<Result<null>> {
  if (running.length) {
    const { data, error } = await supabase.rpc('cancel_enrollments', { enrollment_ids: [...running] });
    if (error) return fail(error, 'Could not cancel the running enrolments.');
    const failed = data.filter((r) => !r.ok);
    if (failed.length)
      return {
        ok: false,
        error: `${failed.length} enrolment(s) could not be cancelled: ${failed[0]?.detail ?? failed[0]?.reason}`,
      };
  }
  const { error } = await supabase
    .from('sequences')
    .update({ archived_at: new Date().toISOString() })
    .eq('id', sequenceId);
  if (error) return fail(error, 'Could not archive the sequence.');
  return ok(null);
}
