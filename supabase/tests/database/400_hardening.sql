-- Issue 11, the holes found by trying to break in: each test is named after what it prevents and
-- acts as the attacking user (tests.as_user sets the JWT claims and the `authenticated` role the
-- REST API would). Policies and grants: 20261129110000_security_hardening.sql.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(34);

create function tests.as_user(p_label text) returns void language plpgsql as $$
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
end $$;

-- A confidential job that only admins (and its members) see, and a candidate considered for it.
insert into public.jobs (organization_id, title, confidential) values (tests.id('org_a'), 'Head of Sales EMEA', true)
returning id as secret_job \gset
insert into tests.ids values ('secret_job', :'secret_job');
select tests.make_candidate('secret_cand', 'org_a');
insert into public.considerations (organization_id, candidate_id, job_id)
values (tests.id('org_a'), tests.id('secret_cand'), tests.id('secret_job')),
       (tests.id('org_a'), tests.id('secret_cand'), tests.id('job_j'));

-- 1. Custom fields hold scalars of bounded size --------------------------------------------------
select tests.as_user('admin');
select throws_ok(format($q$update public.candidates set custom_fields = '{"x": {"toString": 1}}' where id = %L$q$, tests.id('with_job')),
  '23514', null, 'custom fields refuse an object value (it would stall rendering)');
select throws_ok(format($q$update public.candidates set custom_fields = jsonb_build_object('x', repeat('a', 2001)) where id = %L$q$, tests.id('with_job')),
  '23514', null, 'custom fields refuse a value over 2000 characters');
select throws_ok(format($q$update public.candidates set custom_fields = '{"a b": "x"}' where id = %L$q$, tests.id('with_job')),
  '23514', null, 'custom fields refuse a key that is not a token key');
select lives_ok(format($q$update public.candidates set custom_fields = '{"team": "Sales", "years": 4, "remote": true, "n": null}' where id = %L$q$, tests.id('with_job')),
  'custom fields accept strings, numbers, booleans and null');
reset role;

-- 2. Refusal reasons never name what the caller cannot read -----------------------------------------
select tests.as_user('elevated_no_role');
select r.detail as refusal from public.enroll_candidates(tests.id('shared'), array[tests.id('secret_cand')]) r \gset
reset role;
select unalike(:'refusal'::text, '%Head of Sales EMEA%', 'a refused enrolment does not reveal a confidential job''s title');
select alike(:'refusal'::text, '%Job J%1 other job you cannot see%', 'it names the jobs the caller sees and counts the others');

-- 6. State changes go through the RPCs only; the engine re-checks the frequency policy -------------
select tests.as_user('owner');
select throws_ok(format($q$update public.enrollments set status = 'running' where id = (select id from public.enrollments where candidate_id = %L)$q$,
  tests.id('enrolled_shared')), '42501', null, 'a draft cannot be started by PATCH (bypassing start_enrollments)');
select throws_ok(format($q$update public.enrollments set response_status = 'none' where candidate_id = %L$q$, tests.id('enrolled_shared')),
  '42501', null, 'an enrolment''s response cannot be reset by PATCH');
select throws_ok(format($q$update public.enrollment_stages set scheduled_at = now() where sequence_id = %L$q$, tests.id('shared')),
  '42501', null, 'an enrolment stage cannot be rescheduled by PATCH');
reset role;

update public.enrollment_stages set scheduled_at = scheduled_at + interval '100 years' where status = 'scheduled';
update public.enrollment_stages set lease_until = now() + interval '100 years' where status = 'claimed';
update public.organizations set outreach_frequency_days = 30 where id = tests.id('org_a');
update public.members set sender_email = 'owner@acme-a.test' where user_id = tests.id('owner');
select tests.make_candidate('freq_cand', 'org_a');
insert into public.enrollments (organization_id, sequence_id, candidate_id, status, to_email, started_at, ended_at, end_reason)
values (tests.id('org_a'), tests.id('personal'), tests.id('freq_cand'), 'draft', 'someone@example.test', null, null, null)
returning id as enr_old \gset
insert into public.enrollment_stages (enrollment_id, position, subject, body, sender_user_id, status, sent_at)
values (:'enr_old', 0, 'Earlier', '{"type":"doc","content":[{"type":"paragraph"}]}', tests.id('owner'), 'sent', now() - interval '1 day');
update public.enrollments set status = 'cancelled' where id = :'enr_old';
-- A second enrolment made running behind start_enrollments' back (as the PATCH above did before the fix).
insert into public.enrollments (organization_id, sequence_id, candidate_id, status, to_email)
values (tests.id('org_a'), tests.id('shared'), tests.id('freq_cand'), 'draft', 'someone@example.test')
returning id as enr_new \gset
insert into public.enrollment_stages (enrollment_id, position, subject, body, sender_user_id, scheduled_at)
values (:'enr_new', 0, 'Too soon', '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi"}]}]}',
        tests.id('owner'), now() - interval '1 minute');
update public.enrollments set status = 'running' where id = :'enr_new';
update public.enrollment_stages set scheduled_at = now() - interval '1 minute' where enrollment_id = :'enr_new';
set local role service_role;
select is((select count(*)::int from public.claim_due_stages(50, 60) c where c.enrollment_id = :'enr_new'), 0,
  'the engine does not send a stage the frequency policy forbids, however the enrolment got running');
reset role;
select is((select status::text || ':' || end_reason from public.enrollment_stages where enrollment_id = :'enr_new'),
  'skipped:frequency_policy', 'that stage ends with the reason frequency_policy');
update public.organizations set outreach_frequency_days = 0 where id = tests.id('org_a');

-- 7. Archiving and restoring considerations needs the job role that allows it --------------------
select tests.as_user('elevated_no_role');
select throws_ok(format($q$update public.considerations set archived_at = now() where candidate_id = %L and job_id = %L$q$,
  tests.id('with_job'), tests.id('job_j')), '42501', null,
  'an elevated user without hiring manager rights cannot archive the consideration that blocks enrolling');
select throws_ok(format($q$update public.considerations set job_id = %L where candidate_id = %L and job_id = %L$q$,
  tests.id('secret_job'), tests.id('with_job'), tests.id('job_j')), '42501', null,
  'a consideration cannot be moved to another job by PATCH');
reset role;
update public.considerations set archived_at = now() where candidate_id = tests.id('with_job') and job_id = tests.id('job_j');
select tests.as_user('elevated_no_role');
select throws_ok(format($q$update public.considerations set archived_at = null where candidate_id = %L and job_id = %L$q$,
  tests.id('with_job'), tests.id('job_j')), '42501', null, 'nor restore it afterwards');
reset role;
select tests.as_user('hiring_manager');
select lives_ok(format($q$update public.considerations set archived_at = null where candidate_id = %L and job_id = %L$q$,
  tests.id('with_job'), tests.id('job_j')), 'a hiring manager on the job restores it');
reset role;

-- 8. Senders come from the stage's organisation ----------------------------------------------------
-- Template stages are written by the materialiser alone (20261129190300); the guard holds for it too.
select tests.id('outsider') as outsider, tests.id('shared') as shared_seq, tests.id('hiring_manager') as hm \gset
set local role service_role;
select throws_ok(format($q$update public.sequence_stages set sender_user_id = %L where sequence_id = %L$q$,
  :'outsider', :'shared_seq'), '42501', null, 'a template stage cannot name a sender of another organisation');
select throws_ok(format($q$insert into public.sequence_stages (sequence_id, position, subject, sender_user_id) values (%L, 9, 'x', %L)$q$,
  :'shared_seq', :'outsider'), '42501', null, 'nor can a new template stage');
select lives_ok(format($q$update public.sequence_stages set sender_user_id = %L where sequence_id = %L$q$,
  :'hm', :'shared_seq'), 'a sender of the same organisation is accepted');
reset role;
select tests.as_user('owner');
select throws_ok(format($q$update public.sequence_stages set subject = 'x' where sequence_id = %L$q$, tests.id('shared')),
  '42501', null, 'an editor cannot write template stages past the document (the materialiser writes them)');
select throws_ok(format($q$update public.enrollment_stages set sender_user_id = %L where sequence_id = %L$q$,
  tests.id('outsider'), tests.id('shared')), '42501', null, 'an enrolment stage''s sender cannot be changed by PATCH');
reset role;
select throws_ok(format($q$update public.enrollment_stages set sender_user_id = %L where enrollment_id = %L$q$,
  tests.id('outsider'), :'enr_new'), '42501', null, 'not even by a privileged role: the sender must be of the stage''s organisation');

-- 10. Bounce and complaint suppressions ----------------------------------------------------------
select tests.make_candidate('complainer', 'org_a');
insert into public.subscriptions (candidate_id, organization_id, suppressed_reason, suppressed_email, suppressed_at)
values (tests.id('complainer'), tests.id('org_a'), 'complained', 'someone@example.test', now());
select tests.as_user('elevated_no_role');
select throws_ok(format($q$update public.subscriptions set suppressed_reason = null, updated_by = %L where candidate_id = %L$q$,
  tests.id('elevated_no_role'), tests.id('complainer')), '42501', null, 'an elevated user cannot lift a spam-complaint suppression');
reset role;
select tests.as_user('admin');
select lives_ok(format($q$update public.subscriptions set suppressed_reason = null, suppressed_email = null, updated_by = %L where candidate_id = %L$q$,
  tests.id('admin'), tests.id('complainer')), 'an admin may lift it');
reset role;
select is((select data ->> 'reason' from public.activities where candidate_id = tests.id('complainer') and kind = 'suppression_lifted'
           and actor_id = tests.id('admin')), 'complained', 'lifting a complaint suppression leaves an audit entry naming who did it');

-- 11. A sequence links only to a job its editor can see --------------------------------------------
select tests.as_user('owner');
select throws_ok(format($q$update public.sequences set job_id = %L where id = %L$q$, tests.id('secret_job'), tests.id('shared')),
  '42501', null, 'a sequence cannot be linked to a confidential job its creator cannot see');
select throws_ok(format($q$insert into public.sequences (organization_id, title, job_id) values (%L, 'x', %L)$q$,
  tests.id('org_a'), tests.id('secret_job')), '42501', null, 'nor created linked to one');
select lives_ok(format($q$update public.sequences set job_id = %L where id = %L$q$, tests.id('job_j'), tests.id('shared')),
  'a job the creator sees can be linked');
reset role;

-- 13. Reply tokens are not readable through the API -------------------------------------------------
select tests.as_user('owner');
select throws_ok('select reply_token from public.enrollments', '42501', null,
  'a viewer of a sequence cannot read its enrolments'' reply tokens');
select lives_ok('select id, status, response_status, to_email, started_at from public.enrollments',
  'the other columns of enrolments stay readable');
reset role;

-- 14. Definer helpers that trust a caller-supplied user id, and pg_net, are not for API roles --------
select ok(not has_function_privilege('authenticated', 'private.lock_enrollment_for(uuid, uuid)', 'execute')
      and not has_function_privilege('authenticated', 'private.apply_stage_edits(uuid, uuid, jsonb, boolean)', 'execute')
      and not has_function_privilege('authenticated', 'private.shift_after_pause(uuid)', 'execute'),
  'signed-in users cannot call the definer helpers that act for a given user id');
select ok(not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'net' and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))),
  'anon and signed-in users cannot make the database send HTTP requests (net.http_*)');
select is_empty($q$
    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef and has_function_privilege('anon', p.oid, 'execute')$q$,
  'anon can execute no security definer function');
select is_empty($q$
    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef and p.prokind = 'f'
      and has_function_privilege('authenticated', p.oid, 'execute')
      and 'p_user' = any (p.proargnames) and p.provolatile = 'v'$q$,
  'no definer function that changes data for a caller-supplied user id is executable by signed-in users');

-- 15. Creating a sequence with return=representation ------------------------------------------------
select tests.as_user('owner');
select lives_ok(format($q$insert into public.sequences (organization_id, title) values (%L, 'Returned at once') returning id, title$q$,
  tests.id('org_a')), 'the creator sees a new sequence in the same statement (insert … returning)');
reset role;

select * from finish();
rollback;
