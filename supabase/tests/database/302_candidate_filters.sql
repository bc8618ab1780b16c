-- public.filter_candidates: the Candidates list filters (job, in a sequence, unsubscribed),
-- combined with the search words, through row-level security.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(6);

insert into public.candidates (organization_id, first_name, last_name, email) values
  (tests.id('org_a'), 'Filter', 'Onjob', 'onjob@example.test'),
  (tests.id('org_a'), 'Filter', 'Unsub', 'unsub@example.test'),
  (tests.id('org_a'), 'Filter', 'Plain', 'plain@example.test');
insert into public.considerations (organization_id, candidate_id, job_id)
select tests.id('org_a'), id, tests.id('job_j') from public.candidates where last_name = 'Onjob';
insert into public.subscriptions (candidate_id, organization_id, current_outreach)
select id, tests.id('org_a'), false from public.candidates where last_name = 'Unsub';

create function tests.filtered(p_user text, p_query text, p_job uuid, p_in_seq boolean, p_unsub boolean) returns text
language plpgsql as $$
declare v text;
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_user), 'role', 'authenticated')::text, true);
  set local role authenticated;
  select coalesce(string_agg(last_name, ',' order by last_name), '') into v
  from public.filter_candidates(p_query, p_job, p_in_seq, p_unsub) where first_name = 'Filter';
  reset role;
  return v;
end $$;

select is(tests.filtered('admin', null, null, null, null), 'Onjob,Plain,Unsub', 'no filter lists everyone');
select is(tests.filtered('admin', null, tests.id('job_j'), null, null), 'Onjob', 'the job filter keeps candidates considered for it');
select is(tests.filtered('admin', null, null, null, true), 'Unsub', 'unsubscribed keeps those who refused current outreach');
select is(tests.filtered('admin', null, null, null, false), 'Onjob,Plain', 'subscribed keeps the others');
select is(tests.filtered('admin', 'filter plain', null, false, false), 'Plain', 'filters combine with the search words');
select is(tests.filtered('outsider', null, null, null, null), '', 'another organisation sees none of them');

select * from finish();
rollback;
