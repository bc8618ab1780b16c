// Typed data access for candidates. Row-level security decides which candidates a user sees.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';

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

/** A page of candidates (by name), optionally matching a search over name, email and company. */
export async function listCandidates(
  search: string,
  page = 0,
): Promise<Result<{ rows: CandidateListItem[]; total: number }>> {
  let q = supabase
    .from('candidates')
    .select(
      'id, first_name, last_name, email, title, company, location, considerations(archived_at, job:jobs(title))',
      {
        count: 'exact',
      },
    )
    .order('last_name')
    .order('first_name')
    .range(page * CANDIDATE_PAGE, page * CANDIDATE_PAGE + CANDIDATE_PAGE - 1);
  const term = search
    .trim()
    .replace(/[%_\\,()."]/g, ' ')
    .trim();
  // Every word must match some field, so "Ada Lovelace" finds her by first and last name.
  for (const word of term.split(/\s+/).filter(Boolean).slice(0, 5)) {
    const like = `%${word}%`;
    q = q.or(`first_name.ilike.${like},last_name.ilike.${like},email.ilike.${like},company.ilike.${like}`);
  }
  const { data, error, count } = await q.overrideTypes<Row[], { merge: false }>();
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
