// Rules of enrolment that the SPA checks before asking the database, which enforces them again
// (private.enroll_candidates). Pure: no Supabase import, so tests/integration/schedule-parity.test.ts
// can hold the two copies together.

/** The most candidates one enrolment action takes (SPEC S3). */
export const MAX_ENROLMENT = 500;

/** The refusal for more, word for word what the database's `too_many` detail says. */
export const TOO_MANY_TEXT = `At most ${MAX_ENROLMENT} candidates can be enrolled at once.`;
