// Typed data access for candidates. Row-level security decides which candidates a user sees.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
export { searchKey } from '$lib/candidate-search';

export interface CandidateListItem {
  id: string;
  name: string;
  email: string | null;
  title: string | null;
  company: string | null;
  location: string | null;
  jobs: string[];
}

export const CANDIDATE_PAGE = 50;

/** Filters of the Candidates list; `null` does not filter. */
export interface CandidateFilters {
  jobId: string | null;
  /** true: running or paused in a sequence the user sees; false: not. */
  inSequence: boolean | null;
  /** true: refused current outreach or suppressed; false: neither. */
  unsubscribed: boolean | null;
}

export const NO_FILTERS: CandidateFilters = { jobId: null, inSequence: null, unsubscribed: null };

export const hasFilters = (f: CandidateFilters) => f.jobId !== null || f.inSequence !== null || f.unsubscribed !== null;

const filterArgs = (search: string, f: CandidateFilters) => ({
  p_query: search,
  p_job_id: f.jobId ?? undefined,
  p_in_sequence: f.inSequence ?? undefined,
  p_unsubscribed: f.unsubscribed ?? undefined,
});

/**
 * `limit` candidates (by name) from `offset`: with search words, those whose name, email or
 * company hold every word, narrowed by the filters. The database cuts the page and reads the
 * job titles of its rows only (`list_candidates`, migration *_candidate_list_page.sql; the
 * matching rule is `private.candidate_ids_matching`, answered from a trigram index).
 */
export async function listCandidatePage(
  search: string,
  offset: number,
  limit: number = CANDIDATE_PAGE,
  filters: CandidateFilters = NO_FILTERS,
): Promise<Result<CandidateListItem[]>> {
  const { data, error } = await supabase.rpc('list_candidates', {
    ...filterArgs(search, filters),
    p_offset: offset,
    p_limit: limit,
  });
  if (error) return fail(error, 'Could not load candidates.');
  return ok(
    data.map((r) => ({
      id: r.id,
      // Columns of a returned table may be null although the generated type says string.
      name: `${r.first_name} ${r.last_name}`.trim() || r.email || 'Unnamed candidate',
      email: r.email || null,
      title: r.title || null,
      company: r.company || null,
      location: r.location || null,
      jobs: r.jobs,
    })),
  );
}

/** How many candidates the search and filters find (what listCandidatePage pages through). */
export async function countCandidates(search: string, filters: CandidateFilters = NO_FILTERS): Promise<Result<number>> {
  const { data, error } = await supabase.rpc('count_candidates', filterArgs(search, filters));
  if (error) return fail(error, 'Could not count candidates.');
  return ok(data);
}

/** Page `page` (of CANDIDATE_PAGE) and the number of all matches, fetched together. */
export async function listCandidates(
  search: string,
  page = 0,
  filters: CandidateFilters = NO_FILTERS,
): Promise<Result<{ rows: CandidateListItem[]; total: number }>> {
  const [rows, total] = await Promise.all([
    listCandidatePage(search, page * CANDIDATE_PAGE, CANDIDATE_PAGE, filters),
    countCandidates(search, filters),
  ]);
  if (!rows.ok) return rows;
  if (!total.ok) return total;
  return ok({ rows: rows.data, total: total.data });
}

/** Custom field keys in use on the candidates the user can see (the token menu offers them). */
export async function listCustomFieldKeys(): Promise<Result<string[]>> {
  const { data, error } = await supabase.from('candidates').select('custom_fields').limit(500);
  if (error) return fail(error, 'Could not load the custom fields.');
  const keys = new Set<string>();
  for (const c of data) {
    const f = c.custom_fields;
    if (f && typeof f === 'object' && !Array.isArray(f)) for (const k of Object.keys(f)) keys.add(k);
  }
  return ok([...keys].sort());
}
