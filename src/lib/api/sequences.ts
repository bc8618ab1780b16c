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
