-- Enrolment lifecycle RPCs (S3, S5): start with re-checked blocking reasons, pause, resume with
-- kept gaps, cancel, and the three ways of editing unsent stages of live enrolments — each
-- refusal with its reason, and sent stages never changed.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(36);

update public.members set sender_email = 'admin@org-a.test', sender_name = 'Adam' where user_id = tests.id('admin');
select tests.make_sequence('seq3', 'org_a', 'owner', 'shared', 3);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;
-- A draft enrolment of a new candidate in the shared sequence seq3 (3 stages, 0/3/6 days), made by admin.
create function tests.draft(p_label text, p_seq text default 'seq3') returns uuid language plpgsql as $$
declare v uuid;
begin
  perform tests.make_candidate(p_label, 'org_a', p_label || '@cand.test');
  perform tests.as_user('admin');
  select r.enrollment_id into v from public.enroll_candidates(tests.id(p_seq), array[tests.id(p_label)]) r;
  insert into tests.ids values ('enr_' || p_label, v);
  return v;
end $$;
create function tests.start(p_user text, p_enr uuid) returns text language sql as $$
  select tests.as_user(p_user);
  select coalesce(reason, 'ok') from public.start_enrollments(array[p_enr]);
$$;
create function tests.stage(p_enr uuid, p_pos int) returns public.enrollment_stages language sql as $$
  select * from public.enrollment_stages where enrollment_id = p_enr and position = p_pos
$$;

-- Start ---------------------------------------------------------------------------------------
select tests.draft('c_start');
select is(tests.start('admin', tests.id('enr_c_start')), 'ok', 'an admin starts a draft');
select is((select status::text from public.enrollments where id = tests.id('enr_c_start')), 'running', 'the started enrolment runs');
select is((tests.stage(tests.id('enr_c_start'), 1)).scheduled_at,
          private.stage_due_at(now(), 3, 0, 'Europe/Berlin'),
          'its stages are scheduled from the start, in the organisation''s zone');
select is(tests.start('admin', tests.id('enr_c_start')), 'not_draft', 'a running enrolment cannot be started again');
select is(tests.start('limited', tests.id('enr_c_start')), 'not_found', 'a limited user does not see the enrolment');

select tests.draft('c_perm');
insert into public.considerations (organization_id, candidate_id, job_id) values (tests.id('org_a'), tests.id('c_perm'), tests.id('job_j'));
select is(tests.start('external_recruiter', tests.id('enr_c_perm')), 'no_permission',
  'an elevated user below hiring manager on the candidate''s job may not start it');
select is(tests.start('hiring_manager', tests.id('enr_c_perm')), 'ok', 'a hiring manager on that job may');

select tests.draft('c_unsub');
insert into public.subscriptions (candidate_id, organization_id, current_outreach) values (tests.id('c_unsub'), tests.id('org_a'), false);
select is(tests.start('admin', tests.id('enr_c_unsub')), 'unsubscribed', 'an unsubscribed candidate is refused at start');
select is((select status::text from public.enrollments where id = tests.id('enr_c_unsub')), 'draft', 'and the draft is left as it was');

select tests.draft('c_busy');
select tests.make_sequence('second', 'org_a', 'owner', 'shared');
select tests.as_user('admin');
select ok((select ok from public.enroll_candidates(tests.id('second'), array[tests.id('c_busy')], true)), 'setup: running elsewhere');
select is(tests.start('admin', tests.id('enr_c_busy')), 'already_enrolled', 'a candidate running in another sequence is refused');

-- Frequency policy: a stage sent to the candidate yesterday, policy 30 days.
select tests.draft('c_freq');
update public.organizations set outreach_frequency_days = 30 where id = tests.id('org_a');
select tests.draft('c_freq_old');
insert into public.enrollments (organization_id, sequence_id, candidate_id, status)
values (tests.id('org_a'), tests.id('second'), tests.id('c_freq'), 'draft') returning id as old_enr \gset
insert into public.enrollment_stages (enrollment_id, position, subject, status, sent_at)
values (:'old_enr', 0, 'Earlier', 'sent', now() - interval '1 day');
select is(tests.start('admin', tests.id('enr_c_freq')), 'frequency_policy', 'a candidate contacted within N days is refused');
select matches((select detail from public.start_enrollments(array[tests.id('enr_c_freq')])), 'allows contact again from \d{4}-\d{2}-\d{2}',
  'the detail says from when contact is allowed again');
select is(tests.start('admin', tests.id('enr_c_freq_old')), 'ok', 'a candidate never contacted is not limited by the policy');
update public.organizations set outreach_frequency_days = 0 where id = tests.id('org_a');

set local role anon;
select throws_ok(format('select * from public.start_enrollments(array[%L]::uuid[])', tests.id('enr_c_start')), '42501', null,
  'anon cannot call start_enrollments');
reset role;
select tests.as_user('admin');
select throws_ok(format('select * from public.cancel_enrollments(array(select gen_random_uuid() from generate_series(1, 501)))'),
  '22023', 'too_many', 'more than 500 enrolments at once is refused');

-- Pause and resume ------------------------------------------------------------------------------
select tests.as_user('admin');
select is((select coalesce(reason, 'ok') from public.pause_enrollments(array[tests.id('enr_c_start')])), 'ok', 'a running enrolment pauses');
select is((select coalesce(reason, 'ok') from public.pause_enrollments(array[tests.id('enr_c_start')])), 'not_running',
  'a paused one cannot pause again');
-- While paused, stage 1 (3 days after stage 0) passed its time: 2 days overdue.
update public.enrollment_stages set status = 'sent', sent_at = now() - interval '5 days', message_id = '<m0@x>'
where enrollment_id = tests.id('enr_c_start') and position = 0;
update public.enrollment_stages set scheduled_at = now() - interval '2 days' where enrollment_id = tests.id('enr_c_start') and position = 1;
update public.enrollment_stages set scheduled_at = now() + interval '1 day' where enrollment_id = tests.id('enr_c_start') and position = 2;
select is((select coalesce(reason, 'ok') from public.resume_enrollments(array[tests.id('enr_c_start')])), 'ok', 'a paused enrolment resumes');
select is((tests.stage(tests.id('enr_c_start'), 1)).scheduled_at, now(), 'the overdue stage is due at once');
select is((tests.stage(tests.id('enr_c_start'), 2)).scheduled_at, now() + interval '3 days', 'the later stage keeps its 3-day gap');
select is((tests.stage(tests.id('enr_c_start'), 0)).sent_at, now() - interval '5 days', 'the sent stage did not move');

-- Cancel ------------------------------------------------------------------------------------------
select is((select coalesce(reason, 'ok') from public.cancel_enrollments(array[tests.id('enr_c_start')])), 'ok', 'a running enrolment cancels');
select results_eq(
  format('select status::text, end_reason from public.enrollment_stages where enrollment_id = %L order by position', tests.id('enr_c_start')),
  $$ values ('sent', null), ('cancelled', 'cancelled'), ('cancelled', 'cancelled') $$,
  'cancelling stops the unsent stages only');
select is((select reason from public.resume_enrollments(array[tests.id('enr_c_start')])), 'cancelled', 'a cancelled sequence cannot resume');
select is((select reason from public.cancel_enrollments(array[tests.id('enr_c_start')])), 'already_ended', 'nor be cancelled twice');

-- Editing unsent stages -------------------------------------------------------------------------
select tests.as_user('admin');
select is((select coalesce(reason, 'ok') from public.update_enrollment_draft(tests.id('enr_c_freq_old'),
            '[{"position": 1, "subject": "Changed {{candidate.first_name}}"}]')), 'ok', 'one enrolment''s unsent stage is edited');
select is((tests.stage(tests.id('enr_c_freq_old'), 1)).subject, 'Changed {{candidate.first_name}}', 'the edit is stored');
update public.enrollment_stages set status = 'sent', sent_at = now(), message_id = '<s0@x>'
where enrollment_id = tests.id('enr_c_freq_old') and position = 0;
select is((select reason from public.update_enrollment_draft(tests.id('enr_c_freq_old'),
            '[{"position": 2, "subject": "Also"}, {"position": 0, "subject": "Rewrite history"}]')), 'stage_already_sent',
  'an edit touching a sent stage is refused');
select is((tests.stage(tests.id('enr_c_freq_old'), 2)).subject, 'Hello {{candidate.first_name}} #2',
  'and nothing of it is applied (all or nothing)');
select is((select reason from public.update_enrollment_draft(tests.id('enr_c_freq_old'), '[{"position": 2, "subject": "  "}]')),
  'invalid_stage', 'an email stage without subject is refused');

-- Bulk: the largest same-batch group of the selection.
select tests.draft('c_b1');
select tests.as_user('admin');
select tests.make_candidate('c_b2', 'org_a', 'b2@cand.test'), tests.make_candidate('c_b3', 'org_a', 'b3@cand.test');
select tests.as_user('admin');
select count(*) from public.enroll_candidates(tests.id('seq3'), array[tests.id('c_b2'), tests.id('c_b3')]);
select results_eq(
  format($q$select enrollment_id = %L, ok, coalesce(reason, 'ok') from public.apply_edits_to_batch(
           array(select id from public.enrollments where candidate_id in (%L, %L, %L)),
           '[{"position": 0, "subject": "Batch subject"}]') order by 1, 3$q$,
         tests.id('enr_c_b1'), tests.id('c_b1'), tests.id('c_b2'), tests.id('c_b3')),
  $$ values (false, true, 'ok'), (false, true, 'ok'), (true, false, 'not_in_batch') $$,
  'bulk edits apply to the largest same-batch group and report the rest');

-- From the template to running enrolments: unsent stages follow, sent ones stay.
select tests.as_user('owner');
update public.sequence_stages set subject = 'Template v2' where sequence_id = tests.id('seq3') and position = 0;
update public.sequence_stages set subject = 'Template v2 follow-up' where sequence_id = tests.id('seq3') and position = 2;
reset role;
select tests.as_user('owner');
select ok((select bool_and(ok) from public.apply_template_to_running(tests.id('seq3'))), 'the template applies to every running enrolment');
select is(array[(tests.stage(tests.id('enr_c_freq_old'), 0)).subject, (tests.stage(tests.id('enr_c_freq_old'), 2)).subject],
  array['Hello {{candidate.first_name}} #0', 'Template v2 follow-up'], 'the sent stage kept its text; the unsent one took the template''s');
select matches((select detail from public.apply_template_to_running(tests.id('seq3')) where enrollment_id = tests.id('enr_c_freq_old')),
  'Stage\(s\) 1 were already sent', 'the report lists the sent stage left unchanged');
select tests.as_user('external_recruiter');
select throws_ok(format('select * from public.apply_template_to_running(%L)', tests.id('seq3')), '42501', 'no_permission',
  'someone who cannot edit the template cannot push it to running enrolments');

select * from finish();
rollback;
