-- Candidate search (issue 10): a user types words — a full name, "Last, First", part of a name,
-- an email or a company — and a candidate matches when EVERY word occurs somewhere in their
-- name, email or company. This file is the rule's one home: public.search_candidates(text),
-- called by src/lib/api/candidates.ts (the only caller) with the text as typed.
--
-- Speed at 100k candidates per organisation (bench/candidate-search.js): `search_text` holds
-- the searchable fields lower-cased in one string (a stored generated column, so nothing can
-- drift), and a trigram GIN index answers `like '%word%'`. The index cannot be used under
-- row-level security directly: `like` is not leakproof, so PostgreSQL evaluates it only after
-- the policy, row by row over the whole organisation (~200 ms). So the words are matched by a
-- private security-definer helper, limited to the caller's organisation, which returns ids
-- through the index; the public function is security invoker and reads public.candidates
-- with those ids, so the table's policies still decide which of them the user sees.
create extension if not exists pg_trgm with schema extensions;

alter table public.candidates
  add column search_text text not null generated always as (
    lower(first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' ' || coalesce(company, ''))
  ) stored;

comment on column public.candidates.search_text is
  'Lower-cased "first last email company", for candidate search (public.search_candidates). Generated; trigram-indexed.';

create index candidates_search_text_trgm_idx on public.candidates using gin (search_text extensions.gin_trgm_ops);
-- The unsearched list's first page (by name) without sorting the whole organisation.
create index candidates_organization_name_idx on public.candidates (organization_id, last_name, first_name);

-- The words of a search: split on white space, commas and semicolons (so "Costa, Oliver" is
-- costa + oliver), lower-cased, without empties or duplicates. Any role (pure).
create function private.candidate_search_words(p_query text) returns text[]
language sql immutable set search_path = '' as $$
  select coalesce(array_agg(distinct w), '{}')
  from pg_catalog.regexp_split_to_table(pg_catalog.lower(coalesce(p_query, '')), '[\s,;]+') as w
  where w <> ''
$$;

-- Ids of the caller's organisation's candidates whose search_text holds every word of
-- p_query (% and _ are matched literally). None when the query has no words or the caller is
-- no member. Security definer only so the trigram index can be used (see the header); it
-- never returns another organisation's ids, and public.search_candidates applies the
-- candidates' policies to what it returns. Callers: public.search_candidates.
create function private.candidate_ids_matching(p_query text) returns setof uuid
language plpgsql stable security definer set search_path = '' as $$
declare
  v_org uuid := private.current_org_id();
  v_where text := '';
  v_word text;
begin
  if v_org is null then
    return;
  end if;
  foreach v_word in array private.candidate_search_words(p_query) loop
    v_where := v_where || pg_catalog.format(' and c.search_text like %L',
      '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(v_word, '\', '\\'), '%', '\%'), '_', '\_') || '%');
  end loop;
  if v_where = '' then
    return;
  end if;
  return query execute 'select c.id from public.candidates c where c.organization_id = $1' || v_where using v_org;
end $$;
revoke execute on function private.candidate_search_words(text) from public, anon;
revoke execute on function private.candidate_ids_matching(text) from public, anon;
grant execute on function private.candidate_search_words(text) to authenticated, service_role;
grant execute on function private.candidate_ids_matching(text) to authenticated, service_role;

-- The candidates the caller sees whose name, email or company hold every word of p_query;
-- order, paging, embeds and the count are the caller's (PostgREST applies them to the result).
-- Security invoker: row-level security on public.candidates decides. Callers: signed-in users.
create function public.search_candidates(p_query text) returns setof public.candidates
language sql stable security invoker as $$
  select c.* from public.candidates c where c.id in (select private.candidate_ids_matching(p_query))
$$;
revoke execute on function public.search_candidates(text) from public, anon;
grant execute on function public.search_candidates(text) to authenticated, service_role;
