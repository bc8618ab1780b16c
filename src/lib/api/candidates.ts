// Typed data access for candidates. Row-level security decides which candidates a user sees.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import { searchKey } from '$lib/candidate-search';

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

type Row = {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  title: string | null;
  company: string | null;
  location: string | null;
  considerations: Array<{ archived_at: string | null; job: { title: string } | null }>;
};

const LIST_COLUMNS =
  'id, first_name, last_name, email, title, company, location, considerations(archived_at, job:jobs(title))';

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

/**
 * A page of candidates (by name). With search words, those whose name, email or company hold
 * every word — the rule lives in the database (`search_candidates`, migration
 * *_candidate_search.sql), which answers from an index at 100k candidates.
 */
export async function listCandidates(
  search: string,
  page = 0,
  filters: CandidateFilters = NO_FILTERS,
): Promise<Result<{ rows: CandidateListItem[]; total: number }>> {
  const from = page * CANDIDATE_PAGE;
  const to = from + CANDIDATE_PAGE - 1;
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
        .select(LIST_COLUMNS)
        .order('last_name')
        .order('first_name')
        .range(from, to)
        .overrideTypes<Row[], { merge: false }>()
    : searchKey(search)
      ? await supabase
          .rpc('search_candidates', { p_query: search }, { count: 'exact' })
          .select(LIST_COLUMNS)
          .order('last_name')
          .order('first_name')
          .range(from, to)
          .overrideTypes<Row[], { merge: false }>()
      : await supabase
          .from('candidates')
          .select(LIST_COLUMNS, { count: 'exact' })
          .order('last_name')
          .order('first_name')
          .range(from, to)
          .overrideTypes<Row[], { merge: false }>();
  if (error) return fail(error, 'Could not load candidates.');
  return ok({
    total: count ?? data.length,
    rows: data.map((r) => ({
      id: r.id,
      name: `${r.first_name} ${r.last_name}`.trim() || r.email || 'Unnamed candidate',
      email: r.email,
      title: r.title,
      company: r.company,
      location: r.location,
      jobs: r.considerations.filter((c) => !c.archived_at && c.job).map((c) => c.job!.title),
    })),
  });
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
