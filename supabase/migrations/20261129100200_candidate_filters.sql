-- Candidates list filters (issue 14): by job, in a sequence or not, unsubscribed — together
-- with the search words of public.search_candidates (the same rule, through the same private
-- helper and its trigram index). Security invoker: the policies of candidates, considerations,
-- enrollments and subscriptions decide, so a filter never reveals a job, sequence or
-- subscription the user cannot see. A null filter does not filter.
--   p_in_sequence  true: running or paused in a sequence the user sees; false: not so
--   p_unsubscribed true: refused current outreach or suppressed (bounced, complained); false: neither
-- Callers: signed-in users (rpc/filter_candidates, with PostgREST's select/order/range/count).
create function public.filter_candidates(
  p_query text default null, p_job_id uuid default null, p_in_sequence boolean default null,
  p_unsubscribed boolean default null)
returns setof public.candidates language sql stable security invoker as $$
  select c.* from public.candidates c
  where (coalesce(pg_catalog.cardinality(private.candidate_search_words(p_query)), 0) = 0
         or c.id in (select private.candidate_ids_matching(p_query)))
    and (p_job_id is null or exists (
          select 1 from public.considerations k
          where k.candidate_id = c.id and k.job_id = p_job_id and k.archived_at is null))
    and (p_in_sequence is null or p_in_sequence = exists (
          select 1 from public.enrollments e where e.candidate_id = c.id and e.status in ('running', 'paused')))
    and (p_unsubscribed is null or p_unsubscribed = exists (
          select 1 from public.subscriptions s
          where s.candidate_id = c.id and (not s.current_outreach or s.suppressed_reason is not null)))
$$;
revoke execute on function public.filter_candidates(text, uuid, boolean, boolean) from public, anon;
grant execute on function public.filter_candidates(text, uuid, boolean, boolean) to authenticated, service_role;
