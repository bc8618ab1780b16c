// Enrolment refusals as the SPA words them. The database decides and words each refusal (its
// `detail`); the SPA checks the size limit before asking and falls back to REASON_TEXT when a
// refusal comes without a detail. Pure (no Supabase import), so tests hold the copies together:
// tests/integration/schedule-parity.test.ts (limit and its text against private.enroll_candidates)
// and src/lib/enrolment-refusals.test.ts (every reason code the migrations return has a text).

/** The most candidates one enrolment action takes (SPEC S3). */
export const MAX_ENROLMENT = 500;

/** The refusal for more, word for word what the database's `too_many` detail says. */
export const TOO_MANY_TEXT = `At most ${MAX_ENROLMENT} candidates can be enrolled at once.`;

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
  cancelled: 'The enrolment was cancelled.',
  invalid_stage: 'A stage has an invalid value.',
  not_draft: 'The enrolment has already started.',
  not_in_batch: 'The enrolment is not part of this batch.',
};

export function reasonText(reason: string | null, detail: string | null): string {
  if (detail) return detail;
  return (reason && REASON_TEXT[reason]) || reason || 'Refused.';
}
