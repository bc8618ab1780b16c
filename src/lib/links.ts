// Links to screens other issues own, built in one place. /candidates/[id] is the candidate
// profile (issue 14); resolve() knows only routes in this checkout, so the id is appended.
import { resolve } from '$app/paths';

/** The candidate profile page. */
export function candidateHref(id: string): string {
  return `${resolve('/candidates')}/${encodeURIComponent(id)}`;
}

/** A sequence's manager page, opened on one enrolment. */
export function enrollmentHref(sequenceId: string, enrollmentId: string): string {
  return `${resolve(`/sequences/${sequenceId}`)}?enrollment=${encodeURIComponent(enrollmentId)}`;
}
