// Typed data access for one candidate's profile (issue 14): the candidate, the job
// considerations and enrolments the user may see, the subscription state, and the activity
// timeline (activities, stage sends and email events, newest first), kept live through
// Realtime. Row-level security decides what each user sees.
import type { RealtimeChannel } from '@supabase/supabase-js';
import type { Database, Json } from '$lib/database.types';
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import { candidateContext, sameDoc, type DocNode, type RenderContext } from '$shared/email/index.ts';

type Tables = Database['public']['Tables'];
type CandidateRow = Tables['candidates']['Row'];

export type CandidateProfile = Pick<
  CandidateRow,
  | 'id'
  | 'first_name'
  | 'last_name'
  | 'email'
  | 'alternate_emails'
  | 'company'
  | 'title'
  | 'location'
  | 'linkedin_url'
  | 'time_zone'
  | 'reason_for_outreach'
  | 'hired'
  | 'internal'
> & { custom_fields: Record<string, string> };

export interface Consideration {
  id: string;
  jobId: string;
  jobTitle: string;
  stageName: string | null;
  archivedAt: string | null;
  archiveReason: string | null;
}

export interface Subscription {
  currentOutreach: boolean;
  newRoles: boolean;
  suppressedReason: string | null;
  suppressedAt: string | null;
}

export interface CandidateEnrollment {
  id: string;
  sequenceId: string;
  sequenceTitle: string;
  status: Database['public']['Enums']['enrollment_status'];
  responseStatus: Database['public']['Enums']['response_status'];
  endReason: string | null;
  createdAt: string;
}

export interface TimelineEntry {
  /** Unique within the timeline. */
  key: string;
  at: string;
  kind: string;
  /** Sequence title, when the entry concerns a sequence the user sees. */
  sequence: string | null;
  text: string;
  /** The reply's text (plain text; rendered as text, never as HTML). */
  replyText: string | null;
}

const PROFILE_COLUMNS =
  'id, first_name, last_name, email, alternate_emails, company, title, location, linkedin_url, time_zone, reason_for_outreach, hired, internal, custom_fields';

/** Custom field values are shown and edited as text; anything else is shown as JSON. */
function textFields(v: Json): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  }
  return out;
}

export async function getCandidate(id: string): Promise<Result<CandidateProfile | null>> {
  const { data, error } = await supabase.from('candidates').select(PROFILE_COLUMNS).eq('id', id).maybeSingle();
  if (error) return fail(error, 'Could not load the candidate.');
  if (!data) return ok(null);
  return ok({ ...data, custom_fields: textFields(data.custom_fields) });
}

/** Saves the reason for outreach and the custom fields (empty values are removed). */
export async function updateCandidateNotes(
  id: string,
  patch: { reasonForOutreach: string; customFields: Record<string, string> },
): Promise<Result<null>> {
  const custom: Record<string, string> = {};
  for (const [k, v] of Object.entries(patch.customFields)) if (v.trim()) custom[k] = v.trim();
  const { data, error } = await supabase
    .from('candidates')
    .update({ reason_for_outreach: patch.reasonForOutreach.trim() || null, custom_fields: custom })
    .eq('id', id)
    .select('id');
  if (error) return fail(error, 'Could not save the candidate.');
  if (!data.length) return fail('Only elevated members can edit candidates.');
  return ok(null);
}

type ConsiderationRow = {
  id: string;
  job_id: string;
  archived_at: string | null;
  archive_reason: string | null;
  job: { title: string } | null;
  stage: { name: string } | null;
};

export async function listConsiderations(candidateId: string): Promise<Result<Consideration[]>> {
  const { data, error } = await supabase
    .from('considerations')
    .select('id, job_id, archived_at, archive_reason, job:jobs(title), stage:job_stages(name)')
    .eq('candidate_id', candidateId)
    .order('created_at')
    .overrideTypes<ConsiderationRow[], { merge: false }>();
  if (error) return fail(error, 'Could not load the job considerations.');
  return ok(
    data.map((r) => ({
      id: r.id,
      jobId: r.job_id,
      jobTitle: r.job?.title ?? 'Job',
      stageName: r.stage?.name ?? null,
      archivedAt: r.archived_at,
      archiveReason: r.archive_reason,
    })),
  );
}

export async function getSubscription(candidateId: string): Promise<Result<Subscription>> {
  const { data, error } = await supabase
    .from('subscriptions')
    .select('current_outreach, new_roles, suppressed_reason, suppressed_at')
    .eq('candidate_id', candidateId)
    .maybeSingle();
  if (error) return fail(error, 'Could not load the subscriptions.');
  return ok({
    currentOutreach: data?.current_outreach ?? true,
    newRoles: data?.new_roles ?? true,
    suppressedReason: data?.suppressed_reason ?? null,
    suppressedAt: data?.suppressed_at ?? null,
  });
}

/** More → Manage subscriptions (SPEC S7): saved and logged as an activity in one call. */
export async function setSubscription(
  candidateId: string,
  currentOutreach: boolean,
  newRoles: boolean,
): Promise<Result<null>> {
  const { error } = await supabase.rpc('set_candidate_subscription', {
    p_candidate_id: candidateId,
    p_current_outreach: currentOutreach,
    p_new_roles: newRoles,
  });
  return error ? fail(error, 'Could not save the subscriptions.') : ok(null);
}

type EnrollmentRow = {
  id: string;
  sequence_id: string;
  status: CandidateEnrollment['status'];
  response_status: CandidateEnrollment['responseStatus'];
  end_reason: string | null;
  created_at: string;
  sequence: { title: string } | null;
};

export async function listCandidateEnrollments(candidateId: string): Promise<Result<CandidateEnrollment[]>> {
  const { data, error } = await supabase
    .from('enrollments')
    .select('id, sequence_id, status, response_status, end_reason, created_at, sequence:sequences(title)')
    .eq('candidate_id', candidateId)
    .order('created_at', { ascending: false })
    .overrideTypes<EnrollmentRow[], { merge: false }>();
  if (error) return fail(error, 'Could not load the sequences.');
  return ok(
    data.map((r) => ({
      id: r.id,
      sequenceId: r.sequence_id,
      sequenceTitle: r.sequence?.title ?? 'Sequence',
      status: r.status,
      responseStatus: r.response_status,
      endReason: r.end_reason,
      createdAt: r.created_at,
    })),
  );
}

type ActivityRow = {
  id: string;
  kind: string;
  data: Json;
  created_at: string;
  sequence: { title: string } | null;
};
type StageRow = {
  id: string;
  enrollment_id: string;
  position: number;
  subject: string;
  sent_at: string | null;
};
type EventRow = {
  id: number;
  enrollment_id: string;
  kind: string;
  is_machine: boolean;
  url: string | null;
  occurred_at: string;
  stage: { position: number } | null;
};

const field = (data: Json, key: string): Json | undefined =>
  data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, Json>)[key] : undefined;

/** The words for one activity (kinds written by the database functions). */
export function activityText(kind: string, data: Json): string {
  const str = (k: string) => {
    const v = field(data, k);
    return typeof v === 'string' ? v : null;
  };
  switch (kind) {
    case 'enrolled':
      return 'Enrolled (draft created)';
    case 'sequence_started':
      return 'Sequence started';
    case 'sequence_resumed':
      return 'Sequence resumed';
    case 'sequence_cancelled':
      return `Sequence cancelled${str('reason') ? ` (${str('reason')!.replaceAll('_', ' ')})` : ''}`;
    case 'sequence_completed':
      return 'Sequence completed';
    case 'replied':
      return 'Replied';
    case 'out_of_office_reply':
      return `Out of office${str('return_date') ? ` until ${str('return_date')}` : ''}`;
    case 'email_bounced':
      return 'Email bounced';
    case 'email_complained':
      return 'Marked an email as spam';
    case 'response_status_changed':
      return `Response set to ${(str('status') ?? '').replaceAll('_', ' ')}`;
    case 'subscription_changed': {
      const cur = field(data, 'current_outreach') !== false;
      const roles = field(data, 'new_roles') !== false;
      const by = str('source') === 'profile' ? ' (changed by a user)' : '';
      if (!cur && !roles) return `Unsubscribed from all outreach${by}`;
      if (cur && roles) return `Subscribed to all outreach${by}`;
      return `${cur ? 'Subscribed to' : 'Unsubscribed from'} current outreach; ${roles ? 'subscribed to' : 'unsubscribed from'} new roles${by}`;
    }
    default:
      return kind.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
  }
}

const EVENT_TEXT: Record<string, string> = {
  delivered: 'Email delivered',
  opened: 'Opened',
  clicked: 'Clicked a link',
  bounced: 'Email bounced',
  complained: 'Marked an email as spam',
  replied: 'Replied',
  delivery_delayed: 'Delivery delayed',
};

/** Everything that happened to the candidate that the user may see, newest first. */
export async function loadTimeline(candidateId: string): Promise<Result<TimelineEntry[]>> {
  const [acts, stages, replies] = await Promise.all([
    supabase
      .from('activities')
      .select('id, kind, data, created_at, sequence:sequences(title)')
      .eq('candidate_id', candidateId)
      .order('created_at', { ascending: false })
      .limit(500)
      .overrideTypes<ActivityRow[], { merge: false }>(),
    supabase
      .from('enrollment_stages')
      .select('id, enrollment_id, position, subject, sent_at')
      .eq('candidate_id', candidateId)
      .not('sent_at', 'is', null)
      .limit(500)
      .overrideTypes<StageRow[], { merge: false }>(),
    supabase
      .from('replies')
      .select('id, body_text, subject, received_at, enrollment_id')
      .eq('candidate_id', candidateId)
      .limit(500),
  ]);
  if (acts.error) return fail(acts.error, 'Could not load the activity.');
  if (stages.error) return fail(stages.error, 'Could not load the activity.');
  if (replies.error) return fail(replies.error, 'Could not load the replies.');
  // Stages and events name their sequence through the enrolment (they have no link of their own).
  const enr = await supabase
    .from('enrollments')
    .select('id, sequence:sequences(title)')
    .eq('candidate_id', candidateId)
    .limit(500)
    .overrideTypes<Array<{ id: string; sequence: { title: string } | null }>, { merge: false }>();
  if (enr.error) return fail(enr.error, 'Could not load the activity.');
  const titleOf = new Map(enr.data.map((e) => [e.id, e.sequence?.title ?? null]));
  const enrollmentIds = [...titleOf.keys()];
  let events: EventRow[] = [];
  if (enrollmentIds.length) {
    const ev = await supabase
      .from('email_events')
      .select('id, enrollment_id, kind, is_machine, url, occurred_at, stage:enrollment_stages(position)')
      .in('enrollment_id', enrollmentIds)
      .in('kind', ['opened', 'clicked', 'bounced', 'complained', 'delivery_delayed'])
      .order('occurred_at', { ascending: false })
      .limit(500)
      .overrideTypes<EventRow[], { merge: false }>();
    if (ev.error) return fail(ev.error, 'Could not load the email events.');
    events = ev.data;
  }
  // Each reply is one entry with its text; a `replied` activity about the same reply is not
  // repeated (seeded or older replies may have no activity at all).
  const replyIds = new Set(replies.data.map((r) => r.id));
  const entries: TimelineEntry[] = [
    ...acts.data
      .filter((a) => {
        const replyId = field(a.data, 'reply_id');
        return !(a.kind === 'replied' && typeof replyId === 'string' && replyIds.has(replyId));
      })
      .map((a) => ({
        key: `a:${a.id}`,
        at: a.created_at,
        kind: a.kind,
        sequence: a.sequence?.title ?? null,
        text: activityText(a.kind, a.data),
        replyText: null,
      })),
    ...replies.data.map((r) => ({
      key: `r:${r.id}`,
      at: r.received_at,
      kind: 'replied',
      sequence: r.enrollment_id ? (titleOf.get(r.enrollment_id) ?? null) : null,
      text: 'Replied',
      replyText: r.body_text,
    })),
    ...stages.data.map((s) => ({
      key: `s:${s.id}`,
      at: s.sent_at!,
      kind: 'stage_sent',
      sequence: titleOf.get(s.enrollment_id) ?? null,
      text: `Stage ${s.position + 1} sent${s.subject ? `: “${s.subject}”` : ''}`,
      replyText: null,
    })),
    ...events
      .filter((e) => !e.is_machine)
      .map((e) => ({
        key: `e:${e.id}`,
        at: e.occurred_at,
        kind: e.kind,
        sequence: titleOf.get(e.enrollment_id) ?? null,
        text: `${EVENT_TEXT[e.kind] ?? e.kind}${e.stage ? ` (stage ${e.stage.position + 1})` : ''}${e.url ? `: ${e.url}` : ''}`,
        replyText: null,
      })),
  ];
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return ok(entries);
}

/** Calls `onChange` when the candidate's activities, stages or subscription change. */
export function watchCandidate(candidateId: string, onChange: () => void): () => void {
  const filter = `candidate_id=eq.${candidateId}`;
  const channel: RealtimeChannel = supabase
    .channel(`candidate-${candidateId}`)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'activities', filter }, onChange)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'enrollment_stages', filter }, onChange)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'subscriptions', filter }, onChange)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'enrollments', filter }, onChange)
    .subscribe();
  return () => void supabase.removeChannel(channel);
}

// Per-candidate drafts ----------------------------------------------------------------------

export interface DraftStage {
  position: number;
  type: Database['public']['Enums']['stage_type'];
  subject: string;
  /** The body as the template editor writes it (formatting, links and token chips kept). */
  body: DocNode;
  delayDays: number;
  delayHours: number;
  senderUserId: string | null;
  status: Database['public']['Enums']['enrollment_stage_status'];
}

/** A possible sender of a draft's stages, with what the sender tokens render. */
export interface SenderOption {
  userId: string;
  /** The sender name the email carries (the sender name, else the display name, as sending does). */
  name: string;
  email: string | null;
  title: string | null;
  signature: string | null;
}

export async function listDraftStages(enrollmentId: string): Promise<Result<DraftStage[]>> {
  const { data, error } = await supabase
    .from('enrollment_stages')
    .select('position, type, subject, body, delay_days, delay_hours, sender_user_id, status')
    .eq('enrollment_id', enrollmentId)
    .order('position');
  if (error) return fail(error, 'Could not load the stages.');
  return ok(
    data.map((s) => ({
      position: s.position,
      type: s.type,
      subject: s.subject,
      // A document is plain JSON; the database's check keeps it one.
      body: s.body as unknown as DocNode,
      delayDays: s.delay_days,
      delayHours: s.delay_hours,
      senderUserId: s.sender_user_id,
      status: s.status,
    })),
  );
}

/** The organisation's members who can send (the stage form's sender choice). */
export async function listSenders(): Promise<Result<SenderOption[]>> {
  const { data, error } = await supabase
    .from('members')
    .select('user_id, display_name, sender_name, sender_email, sender_title, signature')
    .neq('access_level', 'limited')
    .order('display_name');
  if (error) return fail(error, 'Could not load the senders.');
  return ok(
    data.map((m) => ({
      userId: m.user_id,
      name: m.sender_name || m.display_name,
      email: m.sender_email,
      title: m.sender_title,
      signature: m.signature,
    })),
  );
}

/**
 * What a draft's tokens render for its candidate, apart from the sender (per stage): the
 * candidate's fields, the title of the sequence's job, and the AI token values a person has
 * reviewed (the only ones sending uses). Fields the user may not see stay missing.
 */
export async function getDraftContext(enrollmentId: string): Promise<Result<RenderContext>> {
  const [enr, ai] = await Promise.all([
    supabase
      .from('enrollments')
      .select(
        'candidate:candidates(first_name, last_name, company, title, location, reason_for_outreach, custom_fields), sequence:sequences(job:jobs(title))',
      )
      .eq('id', enrollmentId)
      .maybeSingle(),
    supabase
      .from('enrollment_ai_tokens')
      .select('key, value')
      .eq('enrollment_id', enrollmentId)
      .not('reviewed_at', 'is', null),
  ]);
  if (enr.error) return fail(enr.error, 'Could not load the candidate of this draft.');
  if (ai.error) return fail(ai.error, 'Could not load the AI token values of this draft.');
  const row = enr.data;
  const c = row?.candidate;
  if (!row || !c) return fail('This draft is not available to you.');
  return ok({
    candidate: candidateContext(c),
    job: row.sequence?.job ? { title: row.sequence.job.title } : null,
    ai: Object.fromEntries(ai.data.map((t) => [t.key, t.value])),
  });
}

/**
 * Whether a draft's stages differ from `original` (as loaded or last saved): subject, body (as
 * documents), delay or sender. The profile's and the sequence manager's draft forms ask it.
 */
export function draftStagesChanged(stages: readonly DraftStage[], original: readonly DraftStage[]): boolean {
  return stages.some((s, i) => {
    const o = original[i];
    return (
      !o ||
      o.subject !== s.subject ||
      !sameDoc(o.body, s.body) ||
      o.delayDays !== s.delayDays ||
      o.delayHours !== s.delayHours ||
      o.senderUserId !== s.senderUserId
    );
  });
}

/** Stages not sent yet: the ones a draft may personalise. */
export const isPersonalisable = (s: Pick<DraftStage, 'status'>): boolean =>
  s.status === 'scheduled' || s.status === 'claimed';

/**
 * Saves a draft's personalised stages: the unsent ones of `stages`, each body only when it
 * differs from `original` (an untouched body is not rewritten); sent stages are left alone.
 */
export async function saveDraftStages(
  enrollmentId: string,
  stages: readonly DraftStage[],
  original: readonly DraftStage[],
): Promise<Result<null>> {
  const edits = stages.filter(isPersonalisable).map((s) => {
    const before = original.find((o) => o.position === s.position);
    return {
      position: s.position,
      subject: s.subject,
      delay_days: s.delayDays,
      delay_hours: s.delayHours,
      sender_user_id: s.senderUserId,
      // A document is plain JSON; its type only says which nodes it may hold.
      ...(before && !sameDoc(before.body, s.body) ? { body: s.body as unknown as Json } : {}),
    };
  });
  if (edits.length === 0) return ok(null);
  const { data, error } = await supabase.rpc('update_enrollment_draft', { enrollment_id: enrollmentId, stages: edits });
  if (error) return fail(error, 'Could not save the stages.');
  const row = data?.[0];
  if (!row?.ok) return fail(row?.detail ?? 'Could not save the stages.');
  return ok(null);
}

/**
 * Archives the candidate on one job with a reason. The database then cancels all the
 * candidate's running and paused sequences (S5; trigger on considerations).
 */
export async function archiveConsideration(id: string, reason: string): Promise<Result<null>> {
  const { data, error } = await supabase
    .from('considerations')
    .update({ archived_at: new Date().toISOString(), archive_reason: reason.trim() || null })
    .eq('id', id)
    .is('archived_at', null)
    .select('id');
  if (error) return fail(error, 'Could not archive the candidate.');
  if (!data.length) return fail('This job consideration is already archived, or you may not change it.');
  return ok(null);
}
