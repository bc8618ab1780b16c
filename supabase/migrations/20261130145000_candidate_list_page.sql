-- The Candidates list as pages the database cuts itself (issue 14): public.list_candidates
-- returns one page (offset/limit) of the candidates the caller sees, with the titles of their
-- open job considerations, and public.count_candidates how many there are; the search words and
-- the filters are those of public.search_candidates / public.filter_candidates (the same
-- private helpers, so the rule keeps one home: private.candidate_ids_matching).
--
-- Why: through the REST gateway (and PostgREST, which shares the SQL shape) an embed such as
-- `considerations(job:jobs(title))` on rpc/search_candidates is computed for every match before
-- the page is cut, so a 4-letter fragment matching ~700 of 100k candidates cost ~40 ms of SQL
-- (bench/candidate-search.js). Here the page is sorted and cut first, and the job titles are read
-- for its rows only. The count is a separate call so later pages (the virtual list loads them as
-- the user scrolls) do not pay for it.
--
-- Both are security invoker: the policies of candidates, considerations, jobs, enrollments and
-- subscriptions decide, so neither a row nor a job title the user cannot see is returned.
-- The statement is built from fixed fragments (one per filter that is set) and run with EXECUTE,
-- so each call is planned for the filters it has; values are always passed as parameters.

-- A total order for paging: name, then id (two "Anna Costa" never swap between pages).
create index candidates_organization_name_id_idx on public.candidates (organization_id, last_name, first_name, id);
drop index public.candidates_organization_name_idx;

-- The WHERE clause (over `public.candidates c`) for the given search and filters; the values are
-- the parameters $1 query, $2 job id, $3 in a sequence, $4 unsubscribed. Pure; any role.
-- Callers: public.list_candidates, public.count_candidates.
create function private.candidate_list_where(
  p_query text, p_job_id uuid, p_in_sequence boolean, p_unsubscribed boolean)
returns text language sql immutable set search_path = '' as $$
  select pg_catalog.concat_ws(' and ', 'true',
    case when pg_catalog.cardinality(private.candidate_search_words(p_query)) > 0
      then 'c.id in (select private.candidate_ids_matching($1))' end,
    case when p_job_id is not null
      then 'exists (select 1 from public.considerations k
                    where k.candidate_id = c.id and k.job_id = $2 and k.archived_at is null)' end,
    case when p_in_sequence is not null
      then '$3 = exists (select 1 from public.enrollments e
                         where e.candidate_id = c.id and e.status in (''running'', ''paused''))' end,
    case when p_unsubscribed is not null
      then '$4 = exists (select 1 from public.subscriptions s
                         where s.candidate_id = c.id and (not s.current_outreach or s.suppressed_reason is not null))' end)
$$;
revoke execute on function private.candidate_list_where(text, uuid, boolean, boolean) from public, anon;
grant execute on function private.candidate_list_where(text, uuid, boolean, boolean) to authenticated, service_role;

-- One page of the Candidates list: the candidates the caller sees that hold every word of
-- p_query (name, email, company) and pass the filters (null = not filtered; see
-- public.filter_candidates), ordered by last name, first name, id; p_offset rows skipped, at
-- most p_limit (1–500) returned, each with the titles of its open considerations on jobs the
-- caller sees. Callers: signed-in users (rpc/list_candidates; src/lib/api/candidates.ts).
create function public.list_candidates(
  p_query text default null, p_job_id uuid default null, p_in_sequence boolean default null,
  p_unsubscribed boolean default null, p_offset integer default 0, p_limit integer default 50)
returns table (id uuid, first_name text, last_name text, email text, title text, company text, location text,
  jobs text[])
language plpgsql stable security invoker set search_path = '' as $$
begin
  if p_limit is null or p_limit < 1 or p_limit > 500 then
    raise exception 'p_limit must be between 1 and 500' using errcode = '22023';
  end if;
  if p_offset is null or p_offset < 0 then
    raise exception 'p_offset must be 0 or more' using errcode = '22023';
  end if;
  return query execute
    'select p.id, p.first_name, p.last_name, p.email, p.title, p.company, p.location,
            coalesce((select pg_catalog.array_agg(j.title order by j.title)
                      from public.considerations k join public.jobs j on j.id = k.job_id
                      where k.candidate_id = p.id and k.archived_at is null), ''{}'')
       from (select c.id, c.first_name, c.last_name, c.email, c.title, c.company, c.location
               from public.candidates c
              where ' || private.candidate_list_where(p_query, p_job_id, p_in_sequence, p_unsubscribed) || '
              order by c.last_name, c.first_name, c.id
             offset $5 limit $6) p
      order by p.last_name, p.first_name, p.id'
    using p_query, p_job_id, p_in_sequence, p_unsubscribed, p_offset, p_limit;
end $$;
revoke execute on function public.list_candidates(text, uuid, boolean, boolean, integer, integer) from public, anon;
grant execute on function public.list_candidates(text, uuid, boolean, boolean, integer, integer)
  to authenticated, service_role;

-- How many candidates public.list_candidates pages through for the same search and filters.
-- Callers: signed-in users (rpc/count_candidates; src/lib/api/candidates.ts).
create function public.count_candidates(
  p_query text default null, p_job_id uuid default null, p_in_sequence boolean default null,
  p_unsubscribed boolean default null)
returns bigint
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_count bigint;
begin
  execute 'select pg_catalog.count(*) from public.candidates c where '
    || private.candidate_list_where(p_query, p_job_id, p_in_sequence, p_unsubscribed)
    into v_count using p_query, p_job_id, p_in_sequence, p_unsubscribed;
  return v_count;
end $$;
revoke execute on function public.count_candidates(text, uuid, boolean, boolean) from public, anon;
grant execute on function public.count_candidates(text, uuid, boolean, boolean) to authenticated, service_role;
