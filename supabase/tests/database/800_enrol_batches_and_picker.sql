-- The sequence manager's Enroll dialog (issue 14): enrol_candidates calls that join one batch
-- (the dialog creates 500 drafts 50 a call), the helpers of the split private.enroll_candidates
-- are not callable from the API, candidates found by pasted addresses (RLS decides, so hidden
-- candidates look exactly like unknown addresses), and "Send to" of a draft.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(17);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;

select tests.make_candidate('b1', 'org_a', 'b1@example.test'), tests.make_candidate('b2', 'org_a', 'B2@Example.test'),
       tests.make_candidate('b3', 'org_a', null), tests.make_candidate('b4', 'org_a', 'b4@example.test');
update public.candidates set alternate_emails = array['b3.alt@example.test', 'b3.other@example.test']
where id = tests.id('b3');
update public.candidates set alternate_emails = array['b1.work@example.test'] where id = tests.id('b1');

-- One batch over several calls --------------------------------------------------------------------
set local role authenticated;
select tests.as_user('admin');
select e.enrollment_id as first from public.enroll_candidates(tests.id('shared'), array[tests.id('b1')]) e \gset
select batch_id as batch from public.enrollments where id = :'first' \gset
select is((select count(*)::int from public.enroll_candidates(tests.id('shared'), array[tests.id('b2'), tests.id('b3')],
             false, null, :'batch'::uuid) r where r.ok), 2, 'a later call with batch_id creates its drafts');
select is((select count(distinct batch_id)::int from public.enrollments
           where candidate_id in (tests.id('b1'), tests.id('b2'), tests.id('b3'))), 1,
  'the drafts of both calls form one batch');
select is((select batch_id from public.enrollments where candidate_id = tests.id('b3')), :'batch'::uuid,
  'and it is the batch the first call made');
select tests.as_user('orgadmin');
select throws_ok(format('select * from public.enroll_candidates(%L, array[%L]::uuid[], false, null, %L)',
    tests.id('shared'), tests.id('b4'), :'batch'), '22023', 'invalid_batch',
  'someone else''s batch cannot be joined');
select tests.as_user('admin');
select throws_ok(format('select * from public.enroll_candidates(%L, array[%L]::uuid[], false, null, %L)',
    tests.id('shared'), tests.id('b4'), gen_random_uuid()), '22023', 'invalid_batch',
  'an unknown batch is refused');
select is((select count(*)::int from public.enrollments where candidate_id = tests.id('b4')), 0,
  'a refused batch writes nothing');
reset role;

-- The split helpers ------------------------------------------------------------------------------
select is(array(
    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private' and p.proname in ('enrol_sequence_block', 'enrol_permission_block',
      'enrol_subscription_block', 'enrol_address', 'enrol_other_enrolment_block', 'create_enrolment')
      and (has_function_privilege('authenticated', p.oid, 'execute') or has_function_privilege('anon', p.oid, 'execute'))),
  '{}'::text[], 'the rule helpers of enroll_candidates cannot be called through the API');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'private' and p.proname in ('enrol_sequence_block', 'enrol_permission_block',
             'enrol_subscription_block', 'enrol_address', 'enrol_other_enrolment_block', 'create_enrolment')), 6,
  'each rule of enroll_candidates is its own helper');

-- Candidates by pasted addresses ------------------------------------------------------------------
set local role authenticated;
select tests.as_user('admin');
select is(array(select first_name from public.candidates_by_email(array['  B1@EXAMPLE.test', 'b2@example.TEST', 'nobody@example.test'])
                order by first_name), array['b1', 'b2'],
  'addresses match whatever their case and spacing; unknown ones find nothing');
select is(array(select first_name from public.candidates_by_email(array['b3.other@example.test', 'b1.work@example.test'])
                order by first_name), array['b1', 'b3'], 'alternate addresses find their candidate');
select tests.as_user('outsider');
select is((select count(*)::int from public.candidates_by_email(array['b1@example.test'])), 0,
  'another organisation''s candidates are not found');
select tests.as_user('limited');
select is((select count(*)::int from public.candidates_by_email(array['b1@example.test'])), 0,
  'a candidate the user may not see is not found, like an unknown address');
select tests.as_user('admin');
select throws_ok(format('select * from public.candidates_by_email(array(select ''x'' || g || ''@example.test'' from generate_series(1, 1001) g))'),
  '22023', 'too_many', 'more than 1,000 addresses at once is refused');

-- Send to --------------------------------------------------------------------------------------------
select e.id as b3_draft from public.enrollments e where e.candidate_id = tests.id('b3') \gset
select is((select to_email from public.enrollments where id = :'b3_draft'), 'b3.alt@example.test',
  'a candidate without a primary address gets their first alternate');
select is((select ok from public.set_enrollment_address(:'b3_draft', ' B3.Other@example.test ')), true,
  'the draft can send to another of the candidate''s addresses');
select is((select to_email from public.enrollments where id = :'b3_draft'), 'b3.other@example.test',
  'and sends there');
select is((select reason from public.set_enrollment_address(:'b3_draft', 'stranger@example.test')), 'no_email',
  'an address that is not the candidate''s is refused');
reset role;

select * from finish();
rollback;
