// Typed data access for enrolments: enrolling candidates, the lifecycle actions (start, pause,
// resume, cancel) and the live list of a sequence's enrolments. Every action goes through an
// RPC that checks permissions in the database and answers per enrolment with a reason.
import type { RealtimeChannel } from '@supabase/supabase-js';
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database } from '$lib/database.types';

export type EnrollmentStatus = Database['public']['Enums']['enrollment_status'];
export type ResponseStatus = Database['public']['Enums']['response_status'];
export type StageStatus = Database['public']['Enums']['enrollment_stage_status'];

/** The most candidates one enrolment action takes (SPEC S3). */
export const MAX_ENROLMENT = 500;

export interface EnrolOutcome {
  candidateId: string;
  enrollmentId: string | null;
  ok: boolean;
  reason: string | null;
  detail: string | null;
}

export interface ActionOutcome {
  enrollmentId: string;
  ok: boolean;
  reason: string | null;
  detail: string | null;
}

/** What each refusal means for a recruiter; the database's detail adds specifics when it has them. */
export const REASON_TEXT: Record<string, string> = {
  no_permission: 'You may not enrol this candidate in this sequence.',
  no_email: 'The candidate has no email address.',
  unsubscribed: 'The candidate unsubscribed from outreach.',
  frequency_policy: 'The candidate was contacted too recently (organisation outreach frequency).',
  already_enrolled: 'The candidate is already in another sequence.',
  already_enrolled_hidden: 'The candidate is already in a sequence you cannot see.',
  confidential_not_allowed: 'Only the creator can enrol candidates in a confidential sequence.',
  not_found: 'The candidate was not found.',
  sequence_has_errors: 'The sequence has errors that block enrolment.',
  missing_token_value: 'A personalisation token has no value for this candidate.',
  not_running: 'The enrolment is not running.',
  not_paused: 'The enrolment is not paused.',
  already_ended: 'The enrolment has already ended.',
  stage_already_sent: 'That stage was already sent.',
};

export function reasonText(reason: string | null, detail: string | null): string {
  if (detail) return detail;
  return (reason && REASON_TEXT[reason]) || reason || 'Refused.';
}

/** Creates drafts (or running enrolments when `start`) for up to 500 candidates in one batch. */
export async function enrollCandidates(
  sequenceId: string,
  candidateIds: string[],
  opts: { start: boolean; includeUnsubscribeLink: boolean | null },
): Promise<Result<EnrolOutcome[]>> {
  if (candidateIds.length === 0) return { ok: false, error: 'Choose at least one candidate.' };
  if (candidateIds.length > MAX_ENROLMENT) {
    return { ok: false, error: `At most ${MAX_ENROLMENT} candidates can be enrolled at once.` };
  }
  const { data, error } = await supabase.rpc('enroll_candidates', {
    sequence_id: sequenceId,
    candidate_ids: candidateIds,
    start: opts.start,
    include_unsubscribe_link: opts.includeUnsubscribeLink ?? undefined,
  });
  if (error) return fail(error, 'Could not enrol the candidates.');
  return ok(
    data.map((r) => ({
      candidateId: r.candidate_id,
      enrollmentId: r.enrollment_id,
      ok: r.ok,
      reason: r.reason,
      detail: r.detail,
    })),
  );
}

type LifecycleRpc = 'start_enrollments' | 'pause_enrollments' | 'resume_enrollments' | 'cancel_enrollments';

async function lifecycle(fn: LifecycleRpc, ids: string[], what: string): Promise<Result<ActionOutcome[]>> {
  if (ids.length === 0) return { ok: false, error: 'Select at least one enrolment.' };
  const { data, error } = await supabase.rpc(fn, { enrollment_ids: ids });
  if (error) return fail(error, `Could not ${what}.`);
  return ok(data.map((r) => ({ enrollmentId: r.enrollment_id, ok: r.ok, reason: r.reason, detail: r.detail })));
}

export const startEnrollments = (ids: string[]) => lifecycle('start_enrollments', ids, 'start the sequences');
export const pauseEnrollments = (ids: string[]) => lifecycle('pause_enrollments', ids, 'pause the sequences');
export const resumeEnrollments = (ids: string[]) => lifecycle('resume_enrollments', ids, 'resume the sequences');
export const cancelEnrollments = (ids: string[]) => lifecycle('cancel_enrollments', ids, 'cancel the sequences');

export interface EnrollmentRow {
  id: string;
  batchId: string | null;
  status: EnrollmentStatus;
  responseStatus: ResponseStatus;
  endReason: string | null;
  hiddenReplyReason: string | null;
  /** Who set the response: `user`, or the classifier that did (with its confidence, 0–1). */
  responseProvider: string | null;
  responseConfidence: number | null;
  startedAt: string | null;
  candidate: { id: string; name: string; email: string | null };
  stages: Array<{ position: number; status: StageStatus; scheduledAt: string | null; sentAt: string | null }>;
}

/** A sequence's enrolments, newest first, with their stages (RLS decides which the user sees). */
export async function listEnrollments(sequenceId: string): Promise<Result<EnrollmentRow[]>> {
  const { data, error } = await supabase
    .from('enrollments')
    .select(
      'id, batch_id, status, response_status, end_reason, last_reply_hidden_reason, response_provider, response_confidence, started_at, candidate:candidates!enrollments_candidate_id_organization_id_fkey(id, first_name, last_name, email), enrollment_stages(position, status, scheduled_at, sent_at)',
    )
    .eq('sequence_id', sequenceId)
    .order('created_at', { ascending: false })
    .order('position', { referencedTable: 'enrollment_stages' })
    .limit(1000);
  if (error) return fail(error, 'Could not load the enrolments.');
  return ok(
    data.map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      status: r.status,
      responseStatus: r.response_status,
      endReason: r.end_reason,
      hiddenReplyReason: r.last_reply_hidden_reason,
      responseProvider: r.response_provider,
      responseConfidence: r.response_confidence,
      startedAt: r.started_at,
      candidate: {
        id: r.candidate?.id ?? '',
        name: r.candidate ? `${r.candidate.first_name} ${r.candidate.last_name}`.trim() : 'Unknown candidate',
        email: r.candidate?.email ?? null,
      },
      stages: r.enrollment_stages.map((s) => ({
        position: s.position,
        status: s.status,
        scheduledAt: s.scheduled_at,
        sentAt: s.sent_at,
      })),
    })),
  );
}

export type SettableResponse = 'replied' | 'interested' | 'not_interested';

/** "Set response": a user's override of a replied candidate's status (always wins over the classifier). */
export async function setResponseStatus(
  enrollmentId: string,
  status: SettableResponse,
  reason?: string,
): Promise<Result<null>> {
  const { error } = await supabase.rpc('set_response_status', {
    enrollment_id: enrollmentId,
    status,
    reason: reason?.trim() || undefined,
  });
  return error ? fail(error, 'Could not set the response.') : ok(null);
}

/**
 * Calls `onChange` whenever an enrolment of the sequence or one of its stages changes, for
 * everyone watching (SPEC S8). Returns a function that unsubscribes.
 */
export function watchEnrollments(sequenceId: string, onChange: () => void): () => void {
  const channel: RealtimeChannel = supabase
    .channel(`enrollments-of-${sequenceId}`)
    .on(
      'postgres_changes',
      { event: '*', schema: 'public', table: 'enrollments', filter: `sequence_id=eq.${sequenceId}` },
      onChange,
    )
    .on(
      'postgres_changes',
      { event: '*', schema: 'public', table: 'enrollment_stages', filter: `sequence_id=eq.${sequenceId}` },
      onChange,
    )
    .subscribe();
  return () => void supabase.removeChannel(channel);
}
