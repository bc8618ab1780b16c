// Typed data access for the sequence manager's Enroll dialog (issue 14): candidates found by a
// pasted list of addresses, every candidate of a filtered search (select-all over the whole
// result, not one page), the candidate data a draft's tokens read, the senders' token data, and
// the in-place fixes (fill a missing field, add an address). Row-level security decides what the
// user sees and may change; the search rule itself is the database's (search_candidates,
// filter_candidates), only called here.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database } from '$lib/database.types';
import { hasFilters, searchKey, type CandidateFilters, type CandidateListItem } from '$lib/api/candidates';
import { customFieldValues } from '$shared/email/index.ts';

type CandidateRow = Database['public']['Tables']['candidates']['Row'];

/** What the dialog shows and what the tokens of a draft read, for one candidate. */
export type PickedCandidate = CandidateListItem &
  Pick<CandidateRow, 'first_name' | 'last_name' | 'alternate_emails' | 'reason_for_outreach'> & {
    customFields: Record<string, string | number | boolean | null>;
  };

const PICK_COLUMNS =
  'id, first_name, last_name, email, alternate_emails, title, company, location, reason_for_outreach, custom_fields';

type PickRow = Pick<
  CandidateRow,
  | 'id'
  | 'first_name'
  | 'last_name'
  | 'email'
  | 'alternate_emails'
  | 'title'
  | 'company'
  | 'location'
  | 'reason_for_outreach'
  | 'custom_fields'
>;

export function toPicked(r: PickRow): PickedCandidate {
  return {
    id: r.id,
    name: `${r.first_name} ${r.last_name}`.trim() || r.email || 'Unnamed candidate',
    email: r.email,
    title: r.title,
    company: r.company,
    location: r.location,
    jobs: [],
    first_name: r.first_name,
    last_name: r.last_name,
    alternate_emails: r.alternate_emails,
    reason_for_outreach: r.reason_for_outreach,
    customFields: customFieldValues(r.custom_fields),
  };
}

/** Candidates whose primary or alternate address is one of `emails` (those the user may see). */
export async function candidatesByEmail(emails: string[]): Promise<Result<PickedCandidate[]>> {
  if (emails.length === 0) return ok([]);
  const { data, error } = await supabase
    .rpc('candidates_by_email', { p_emails: emails })
    .select(PICK_COLUMNS)
    .overrideTypes<PickRow[], { merge: false }>();
  if (error) return fail(error, 'Could not look the addresses up.');
  return ok(data.map(toPicked));
}

/**
 * Every candidate of a search with filters — the whole result, not the page shown — up to
 * `limit`; `total` says how many match, so the caller can refuse more than it may take.
 */
export async function allMatching(
  search: string,
  filters: CandidateFilters,
  limit: number,
): Promise<Result<{ rows: PickedCandidate[]; total: number }>> {
  const to = Math.max(0, limit - 1);
  const { data, error, count } = hasFilters(filters)
    ? await supabase
        .rpc(
          'filter_candidates',
          {
            p_query: search,
            p_job_id: filters.jobId ?? undefined,
            p_in_sequence: filters.inSequence ?? undefined,
            p_unsubscribed: filters.unsubscribed ?? undefined,
          },
          { count: 'exact' },
        )
        .select(PICK_COLUMNS)
        .order('last_name')
        .order('first_name')
        .range(0, to)
        .overrideTypes<PickRow[], { merge: false }>()
    : searchKey(search)
      ? await supabase
          .rpc('search_candidates', { p_query: search }, { count: 'exact' })
          .select(PICK_COLUMNS)
          .order('last_name')
          .order('first_name')
          .range(0, to)
          .overrideTypes<PickRow[], { merge: false }>()
      : await supabase
          .from('candidates')
          .select(PICK_COLUMNS, { count: 'exact' })
          .order('last_name')
          .order('first_name')
          .range(0, to)
          .overrideTypes<PickRow[], { merge: false }>();
  if (error) return fail(error, 'Could not load the candidates.');
  return ok({ rows: data.map(toPicked), total: count ?? data.length });
}

/** Fresh data of chosen candidates (after a fix), 100 ids a request. */
export async function pickedCandidates(ids: string[]): Promise<Result<PickedCandidate[]>> {
  const out: PickedCandidate[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const { data, error } = await supabase
      .from('candidates')
      .select(PICK_COLUMNS)
      .in('id', ids.slice(i, i + 100))
      .overrideTypes<PickRow[], { merge: false }>();
    if (error) return fail(error, 'Could not load the candidates.');
    out.push(...data.map(toPicked));
  }
  return ok(out);
}

/** The candidate fields a token reads, by token key (custom fields are `custom.<key>`). */
const COLUMN_OF: Record<string, 'first_name' | 'last_name' | 'company' | 'title' | 'location' | 'reason_for_outreach'> =
  {
    'candidate.first_name': 'first_name',
    'candidate.last_name': 'last_name',
    'candidate.company': 'company',
    'candidate.title': 'title',
    'candidate.location': 'location',
    'candidate.reason_for_outreach': 'reason_for_outreach',
  };

/** Whether a missing token's value can be filled on the candidate from the dialog. */
export const fillableToken = (token: string) => token in COLUMN_OF || token.startsWith('custom.');

/** The in-place fix for a missing token value: writes the value to the candidate. */
export async function fillCandidateField(
  candidate: PickedCandidate,
  token: string,
  value: string,
): Promise<Result<null>> {
  const v = value.trim();
  if (!v) return fail('Type a value first.');
  const column = COLUMN_OF[token];
  let patch: Database['public']['Tables']['candidates']['Update'];
  if (column) patch = { [column]: v };
  else if (token.startsWith('custom.')) patch = { custom_fields: { ...candidate.customFields, [token.slice(7)]: v } };
  else return fail('This value does not come from the candidate; edit the stage instead.');
  const { data, error } = await supabase.from('candidates').update(patch).eq('id', candidate.id).select('id');
  if (error) return fail(error, 'Could not save the value.');
  if (!data.length) return fail('You may not edit this candidate.');
  return ok(null);
}

/** The in-place fix for "no email": gives the candidate a primary address. */
export async function addCandidateEmail(candidateId: string, email: string): Promise<Result<null>> {
  const { data, error } = await supabase
    .from('candidates')
    .update({ email: email.trim() })
    .eq('id', candidateId)
    .select('id');
  if (error) return fail(error, 'Could not save the address.');
  if (!data.length) return fail('You may not edit this candidate.');
  return ok(null);
}
