// Reporting (SPEC S8): a sequence's pipeline counts and metrics, the same per stage, and the
// Sourcing home chart with its drill-down and "what a recruiter needs today". Everything is
// computed in SQL by security-invoker functions (20261129150000_reporting.sql), so row-level
// security decides what each user counts.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database } from '$lib/database.types';

type Fns = Database['public']['Functions'];
type StageMetricsRow = Fns['sequence_stage_metrics']['Returns'][number];

export interface SequenceMetrics {
  enrolled: number;
  inProgress: number;
  completed: number;
  replied: number;
  interested: number;
  converted: number;
  stopped: number;
  drafts: number;
  /** Enrolments with at least one email sent: the rates' denominator. */
  contacted: number;
  /** Contacted enrolments a human opened. */
  opened: number;
  /** Contacted enrolments opened only by privacy proxies / scanners. */
  machineOpened: number;
  clicked: number;
  /** Some email was sent by a sender with tracking off: opens and clicks undercount. */
  trackingPartial: boolean;
}

export interface StageMetrics {
  position: number;
  sent: number;
  opened: number;
  machineOpened: number;
  clicked: number;
  replied: number;
  trackingPartial: boolean;
}

/** Pipeline counts and metrics of one sequence. */
export async function sequenceMetrics(sequenceId: string): Promise<Result<SequenceMetrics>> {
  const { data, error } = await supabase.rpc('sequence_metrics', { sequence_id: sequenceId });
  if (error) return fail(error, 'Could not load the metrics.');
  const r = data[0];
  if (!r) return fail(null, 'Could not load the metrics.');
  return ok({
    enrolled: r.enrolled,
    inProgress: r.in_progress,
    completed: r.completed,
    replied: r.replied,
    interested: r.interested,
    converted: r.converted,
    stopped: r.stopped,
    drafts: r.drafts,
    contacted: r.contacted,
    opened: r.opened,
    machineOpened: r.machine_opened,
    clicked: r.clicked,
    trackingPartial: r.tracking_partial,
  });
}

/** Sent / opened / clicked / replied per stage of one sequence. */
export async function stageMetrics(sequenceId: string): Promise<Result<StageMetrics[]>> {
  const { data, error } = await supabase.rpc('sequence_stage_metrics', { sequence_id: sequenceId });
  if (error) return fail(error, 'Could not load the stage breakdown.');
  return ok(
    data.map((r: StageMetricsRow) => ({
      position: r.position,
      sent: r.sent,
      opened: r.opened,
      machineOpened: r.machine_opened,
      clicked: r.clicked,
      replied: r.replied,
      trackingPartial: r.tracking_partial,
    })),
  );
}

export type Scope = 'mine' | 'everyone';
export type ChartMetric = 'sent' | 'reply_rate' | 'conversion_rate';

export interface WeekPoint {
  weekStart: string;
  sent: number;
  replied: number;
  converted: number;
}

/** The 13 weekly points of the Sourcing home chart (this week last). */
export async function homeActivity(scope: Scope): Promise<Result<WeekPoint[]>> {
  const { data, error } = await supabase.rpc('home_activity', { scope, weeks: 13 });
  if (error) return fail(error, 'Could not load the activity chart.');
  return ok(data.map((r) => ({ weekStart: r.week_start, sent: r.sent, replied: r.replied, converted: r.converted })));
}

export interface DrillRow {
  enrollmentId: string;
  sequenceId: string;
  sequenceTitle: string;
  candidateId: string;
  candidateName: string;
  startedAt: string;
  replied: boolean;
  converted: boolean;
}

/** The candidates behind one bar of the home chart. */
export async function homeDrilldown(weekStart: string, scope: Scope, metric: ChartMetric): Promise<Result<DrillRow[]>> {
  const { data, error } = await supabase.rpc('home_activity_candidates', { week_start: weekStart, scope, metric });
  if (error) return fail(error, 'Could not load the candidates of that week.');
  return ok(
    data.map((r) => ({
      enrollmentId: r.enrollment_id,
      sequenceId: r.sequence_id,
      sequenceTitle: r.sequence_title,
      candidateId: r.candidate_id,
      candidateName: r.candidate_name || 'Unknown candidate',
      startedAt: r.started_at,
      replied: r.replied,
      converted: r.converted,
    })),
  );
}

export interface AwaitingReply {
  enrollmentId: string;
  sequenceId: string;
  sequenceTitle: string;
  candidateId: string;
  candidateName: string;
  repliedAt: string;
}

export interface SequenceWithErrors {
  sequenceId: string;
  title: string;
  failed: number;
  lastReason: string | null;
  lastFailedAt: string;
}

/** "What a recruiter needs today": replies to the user's enrolments still waiting for a response status. */
export async function repliesAwaitingStatus(userId: string): Promise<Result<AwaitingReply[]>> {
  const { data, error } = await supabase
    .from('enrollments')
    .select(
      'id, updated_at, sequence:sequences(id, title), candidate:candidates!enrollments_candidate_id_organization_id_fkey(id, first_name, last_name)',
    )
    .eq('enrolled_by', userId)
    .eq('response_status', 'replied')
    .order('updated_at', { ascending: false })
    .limit(20)
    .overrideTypes<
      Array<{
        id: string;
        updated_at: string;
        sequence: { id: string; title: string } | null;
        candidate: { id: string; first_name: string; last_name: string } | null;
      }>,
      { merge: false }
    >();
  if (error) return fail(error, 'Could not load the replies waiting for you.');
  return ok(
    data.map((r) => ({
      enrollmentId: r.id,
      sequenceId: r.sequence?.id ?? '',
      sequenceTitle: r.sequence?.title ?? 'Sequence',
      candidateId: r.candidate?.id ?? '',
      candidateName: r.candidate ? `${r.candidate.first_name} ${r.candidate.last_name}`.trim() : 'Unknown candidate',
      repliedAt: r.updated_at,
    })),
  );
}

/** Visible sequences whose sends failed in the last 14 days. */
export async function sequencesWithErrors(): Promise<Result<SequenceWithErrors[]>> {
  const { data, error } = await supabase.rpc('sequences_with_errors');
  if (error) return fail(error, 'Could not load the sequences with errors.');
  return ok(
    data.map((r) => ({
      sequenceId: r.sequence_id,
      title: r.title,
      failed: r.failed,
      lastReason: r.last_reason,
      lastFailedAt: r.last_failed_at,
    })),
  );
}
