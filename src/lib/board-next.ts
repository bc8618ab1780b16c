// The board's "Next" column (issue 14): what happens next to one enrolment, never a time in the
// past. A stage's stored scheduled_at is already window-adjusted (20261129135000_one_schedule_rule);
// once that time has passed the stage is due and waits in the sending queue (a large enrolment
// is sent in paced batches), so the board says so instead of showing the past time. Pure, so a
// unit test pins each case.
import type { EnrollmentRow } from '$lib/api/enrollments';

const DEFERRED: Record<string, string> = {
  daily_cap: "sender's daily limit reached",
  rate_limited: 'provider rate limit',
  outside_send_window: 'waits for the send window',
};

export function deferredText(reason: string): string {
  return DEFERRED[reason] ?? reason.replaceAll('_', ' ');
}

export function nextLabel(
  e: Pick<EnrollmentRow, 'status' | 'endReason' | 'stages'>,
  now: Date,
  format: (d: Date) => string,
): string {
  if (e.status === 'paused') return 'Paused';
  if (e.status === 'draft') return 'Draft, not started';
  if (e.status !== 'running') return e.endReason ? e.endReason.replaceAll('_', ' ') : '—';
  const n = e.stages.find((s) => s.status === 'scheduled' || s.status === 'claimed' || s.status === 'task_open');
  if (!n) return '—';
  if (n.status === 'task_open') return 'LinkedIn task open';
  if (n.status === 'claimed') return `Stage ${n.position + 1}: sending now`;
  if (!n.scheduledAt) return 'Scheduled';
  const at = new Date(n.scheduledAt);
  const why = n.deferredReason ? ` (${deferredText(n.deferredReason)})` : '';
  if (at.getTime() <= now.getTime()) return `Stage ${n.position + 1}: queued, sending shortly${why}`;
  return `${format(at)}${why}`;
}
