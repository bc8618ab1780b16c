-- public.list_candidates / public.count_candidates (migration *_candidate_list_page.sql): the
-- Candidates list cut into pages by the database, with the search words and filters of
-- search_candidates / filter_candidates, through row-level security; bad paging is refused.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(13);

insert into public.candidates (organization_id, first_name, last_name, email, company) values
  (tests.id('org_a'), 'Page', 'Adams', 'adams@example.test', 'Acme'),
  (tests.id('org_a'), 'Page', 'Baker', 'baker@example.test', 'Acme'),
  (tests.id('org_a'), 'Page', 'Clark', 'clark@example.test', 'Zeta'),
  (tests.id('org_a'), 'Page', 'Davis', 'davis@example.test', 'Zeta'),
  (tests.id('org_a'), 'Page', 'Evans', null, 'Zeta'),
  (tests.id('org_b'), 'Page', 'Other', 'other@globex.test', 'Acme');
insert into public.considerations (organization_id, candidate_id, job_id)
select tests.id('org_a'), id, tests.id('job_j') from public.candidates where first_name = 'Page' and last_name = 'Baker';
insert into public.subscriptions (candidate_id, organization_id, current_outreach)
select id, tests.id('org_a'), false from public.candidates where first_name = 'Page' and last_name = 'Davis';

-- As `p_user`: the last names of one page ("Adams,Baker") and, after a slash, the count.
create function tests.page(p_user text, p_query text, p_job uuid, p_unsub boolean, p_offset int, p_limit int)
returns text language plpgsql as $$
declare v text; n bigint;
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_user), 'role', 'authenticated')::text, true);
  set local role authenticated;
  select coalesce(string_agg(last_name || coalesce('[' || array_to_string(jobs, '|') || ']', ''), ','
                             order by last_name), '')
    into v
    from public.list_candidates(coalesce(p_query, '') || ' page', p_job, null, p_unsub, p_offset, p_limit);
  n := public.count_candidates(coalesce(p_query, '') || ' page', p_job, null, p_unsub);
  reset role;
  return v || '/' || n;
end $$;

select is(tests.page('admin', null, null, null, 0, 2), 'Adams[],Baker[Job J]/5',
  'the first page holds the first names in order, with their jobs, and the count is of all matches');
select is(tests.page('admin', null, null, null, 2, 2), 'Clark[],Davis[]/5', 'the next page continues where the first ended');
select is(tests.page('admin', null, null, null, 4, 2), 'Evans[]/5', 'the last page may be short');
select is(tests.page('admin', null, null, null, 10, 2), '/5', 'a page past the end is empty');
select is(tests.page('admin', 'zeta', null, null, 0, 50), 'Clark[],Davis[],Evans[]/3', 'search words narrow the list (company)');
select is(tests.page('admin', 'zeta', null, true, 0, 50), 'Davis[]/1', 'filters combine with the search words');
select is(tests.page('admin', null, tests.id('job_j'), null, 0, 50), 'Baker[Job J]/1', 'the job filter keeps those considered for it');
select is(tests.page('outsider', null, null, null, 0, 50), 'Other[]/1', 'another organisation sees only its own');
select is(tests.page('limited', null, null, null, 0, 50), 'Baker[Job J]/1', 'a limited member sees only the candidates of their jobs');

-- The order is total: equal names are ordered by id, so no one appears on two pages.
insert into public.candidates (organization_id, first_name, last_name)
select tests.id('org_a'), 'Twin', 'Same' from generate_series(1, 7);
select set_config('request.jwt.claims', json_build_object('sub', tests.id('admin'), 'role', 'authenticated')::text, true);
set local role authenticated;
select is(
  (select count(distinct id) from (
     select id from public.list_candidates('twin', null, null, null, 0, 3)
     union all select id from public.list_candidates('twin', null, null, null, 3, 3)
     union all select id from public.list_candidates('twin', null, null, null, 6, 3)) x),
  7::bigint, 'paging through namesakes returns each of them once');
select throws_ok($$select * from public.list_candidates('page', null, null, null, 0, 501)$$, '22023',
  'p_limit must be between 1 and 500', 'a page larger than 500 is refused');
select throws_ok($$select * from public.list_candidates('page', null, null, null, -1, 50)$$, '22023',
  'p_offset must be 0 or more', 'a negative offset is refused');
reset role;
set local role anon;
select throws_ok($$select * from public.list_candidates('page')$$, '42501', null, 'anonymous callers may not list candidates');

select * from finish();
rollback;
