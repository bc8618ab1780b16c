-- The browser extension's enrolment (S12): public.enroll_candidate creates one individual draft
-- (no batch) for signed-in users only, the same refusals apply as for enroll_candidates, and
-- the candidate fields a page can fill are bounded.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(8);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;

select ok(not has_function_privilege('anon', 'public.enroll_candidate(uuid, uuid, text, boolean)', 'execute'),
  'anon cannot call enroll_candidate');
select ok(not has_function_privilege('anon', 'private.enroll_candidates(uuid, uuid[], boolean, boolean, boolean, text)', 'execute'),
  'anon cannot call the enrolment helper');

select tests.as_user('admin');
set local role authenticated;
select e.enrollment_id as draft, e.ok as drafted
from public.enroll_candidate(tests.id('shared'), tests.id('without_job')) e \gset
reset role;
select ok(:'drafted'::boolean, 'an admin creates an individual draft');
select results_eq(format($$ select status::text, batch_id from public.enrollments where id = %L $$, :'draft'),
  $$ values ('draft', null::uuid) $$, 'the draft belongs to no batch');

-- The same candidate, the same sequence: the draft is already there.
select tests.as_user('admin');
set local role authenticated;
select is((select reason from public.enroll_candidate(tests.id('shared'), tests.id('without_job'))), 'already_enrolled',
  'a second draft in the same sequence is refused');
-- A limited user cannot even see the sequence.
select tests.as_user('limited');
select throws_ok(format($$ select * from public.enroll_candidate(%L, %L) $$, tests.id('shared'), tests.id('without_job')),
  'PT404', 'not_found', 'a limited user cannot enrol through the extension either');
reset role;

select throws_ok(format($$ update public.candidates set headline = repeat('x', 501) where id = %L $$, tests.id('without_job')),
  '23514', null, 'a headline over 500 characters is refused');
select lives_ok(format($$ update public.candidates set headline = repeat('é', 500) where id = %L $$, tests.id('without_job')),
  'a headline of 500 characters is kept');

select * from finish();
rollback;
