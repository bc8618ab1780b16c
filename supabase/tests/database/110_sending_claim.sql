-- The sending engine's RPCs (S4): claim_due_stages (service role only; leases; ineligible
-- stages end with their reason; LinkedIn tasks; daily caps; requests of unknown outcome
-- re-claimed whole), the outcome records, and what follows a send (Reached Out, completion,
-- auto-archive).
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(34);

-- Only this file's stages are due: everything else due in the database waits a century.
update public.enrollment_stages set scheduled_at = scheduled_at + interval '100 years'
where status in ('scheduled', 'claimed') and scheduled_at is not null;
update public.enrollment_stages set lease_until = now() + interval '100 years' where status = 'claimed';

update public.members set sender_email = 'admin@org-a.test', sender_name = 'Adam', tracking_enabled = false
where user_id = tests.id('admin');
select tests.make_sequence('eng', 'org_a', 'owner', 'shared', 2);
update public.sequences set job_id = tests.id('job_j'), auto_archive_after_days = 5 where id = tests.id('eng');

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;
-- A running enrolment of a new candidate in `p_seq`, started by admin now (stage 0 due now).
create function tests.running(p_label text, p_seq text default 'eng') returns uuid language plpgsql as $$
declare v uuid;
begin
  perform tests.make_candidate(p_label, 'org_a', p_label || '@cand.test');
  perform tests.as_user('admin');
  select r.enrollment_id into v from public.enroll_candidates(tests.id(p_seq), array[tests.id(p_label)], true) r;
  if v is null then raise exception 'setup: could not enrol %', p_label; end if;
  insert into tests.ids values ('enr_' || p_label, v);
  insert into tests.ids select 'st_' || p_label, s.id from public.enrollment_stages s where s.enrollment_id = v and s.position = 0;
  return v;
end $$;
create function tests.claim(p_limit int default 100) returns setof uuid language sql as $$
  select stage_id from public.claim_due_stages(p_limit, 60)
$$;
create function tests.state(p_label text) returns text language sql as $$
  select s.status || ':' || coalesce(s.end_reason, '-') || '/' || e.status || ':' || coalesce(e.end_reason, '-')
  from public.enrollment_stages s join public.enrollments e on e.id = s.enrollment_id where s.id = tests.id('st_' || p_label)
$$;

select tests.running('ok1'), tests.running('unsub'), tests.running('bounced'), tests.running('replied'),
       tests.running('nosender'), tests.running('noreply'), tests.running('noemail');
insert into public.subscriptions (candidate_id, organization_id, current_outreach) values (tests.id('unsub'), tests.id('org_a'), false);
insert into public.subscriptions (candidate_id, organization_id, suppressed_reason, suppressed_email, suppressed_at)
values (tests.id('bounced'), tests.id('org_a'), 'bounced', 'bounced@cand.test', now());
update public.enrollments set response_status = 'replied' where id = tests.id('enr_replied');
update public.enrollment_stages set sender_user_id = tests.id('analyst') where id = tests.id('st_nosender');
update public.members set sender_email = 'jobs-noreply@org-a.test' where user_id = tests.id('job_admin');
update public.enrollment_stages set sender_user_id = tests.id('job_admin') where id = tests.id('st_noreply');
update public.enrollments set to_email = null where id = tests.id('enr_noemail');

set local role authenticated;
select throws_ok('select * from public.claim_due_stages(10, 60)', '42501', null, 'signed-in users cannot claim stages');
reset role;
set local role anon;
select throws_ok('select * from public.record_stage_sent(gen_random_uuid(), ''x'', ''<x>'')', '42501', null, 'anon cannot record sends');
reset role;

set local role service_role;
create temporary table claimed as select * from public.claim_due_stages(100, 60);
reset role;
select results_eq('select stage_id from claimed', format('values (%L::uuid)', tests.id('st_ok1')),
  'the service role claims the one eligible due stage');
select is((select reply_token from claimed), (select reply_token from public.enrollments where id = tests.id('enr_ok1')),
  'with the enrolment''s reply token');
select isnt((select batch_id from claimed), null, 'with the enrolment batch it was started in (S4 paces recipients queued together)');
select is((select batch_id from claimed), (select batch_id from public.enrollments where id = tests.id('enr_ok1')),
  'that batch being the enrolment''s own');
select is((select sender from claimed), jsonb_build_object('user_id', tests.id('admin'), 'name', 'Adam', 'email', 'admin@org-a.test',
  'title', null, 'signature', null, 'tracking_enabled', false, 'time_zone', null), 'with the sender and their tracking choice');
select is((select array[to_email, job_title, org_time_zone, in_reply_to] from claimed), array['ok1@cand.test', 'Job J', 'Europe/Berlin', null],
  'with recipient, job title, organisation zone and no thread for a first email');
select is((select status::text || '/' || attempts from public.enrollment_stages where id = tests.id('st_ok1')), 'claimed/1',
  'the stage is claimed with its first attempt counted');
select is(tests.state('unsub'), 'skipped:unsubscribed/cancelled:unsubscribed', 'an unsubscribed candidate''s stage ends: unsubscribed');
select is(tests.state('bounced'), 'skipped:bounced/cancelled:bounced', 'a suppressed address ends: bounced');
select is(tests.state('replied'), 'skipped:replied/completed:replied', 'a candidate who replied ends: replied');
select is(tests.state('nosender'), 'skipped:sender_disconnected/cancelled:sender_disconnected', 'a sender without address ends: sender_disconnected');
select is(tests.state('noreply'), 'skipped:invalid_sender/cancelled:invalid_sender', 'a no-reply sender ends: invalid_sender');
select is(tests.state('noemail'), 'skipped:no_email/cancelled:no_email', 'no recipient address ends: no_email');
select is((select end_reason from public.enrollment_stages where enrollment_id = tests.id('enr_unsub') and position = 1), 'unsubscribed',
  'and the enrolment''s later stages end with the same reason');

select is((select count(*)::int from tests.claim()), 0, 'a stage under a live lease is not claimed again');
update public.enrollment_stages set lease_until = now() - interval '1 second' where id = tests.id('st_ok1');
select is((select attempts from public.claim_due_stages(100, 60) where stage_id = tests.id('st_ok1')), 2,
  'an expired lease is claimed again, as attempt 2');

-- Outcomes ---------------------------------------------------------------------------------------
select is(public.record_stages_sent(jsonb_build_array(jsonb_build_object('stage_id', tests.id('st_ok1'),
  'provider_message_id', 'prov-1', 'message_id', '<ok1@inbound.local>'))), 1, 'a send is recorded');
select is(public.record_stages_sent(jsonb_build_array(jsonb_build_object('stage_id', tests.id('st_ok1'),
  'provider_message_id', 'prov-2', 'message_id', '<other@x>'))), 0, 'recording it again changes nothing');
select is((select provider_message_id || ' ' || message_id from public.enrollment_stages where id = tests.id('st_ok1')),
  'prov-1 <ok1@inbound.local>', 'the first record stands');
select is((select js.kind::text from public.considerations c join public.job_stages js on js.id = c.stage_id
           where c.candidate_id = tests.id('ok1') and c.job_id = tests.id('job_j')), 'reached_out',
  'the first email moves the lead to the linked job''s Reached Out stage');

-- The follow-up: a transient failure keeps the keys; then it is sent and the enrolment completes.
update public.enrollment_stages set scheduled_at = now() where enrollment_id = tests.id('enr_ok1') and position = 1;
select is((select in_reply_to from public.claim_due_stages(100, 60)), '<ok1@inbound.local>', 'the follow-up threads under the first email');
update public.enrollment_stages set send_key = 'batch-abc' where enrollment_id = tests.id('enr_ok1') and position = 1;
select is(public.record_stages_failed(array(select id from public.enrollment_stages where enrollment_id = tests.id('enr_ok1') and position = 1),
  'provider_timeout', now() + interval '1 minute', true), 1, 'a timeout puts the stage back');
select is((select status || ' ' || send_key || ' ' || deferred_reason || ' ' || (idempotency_key = 'enrollment-stage:' || id)
           from public.enrollment_stages where enrollment_id = tests.id('enr_ok1') and position = 1),
  'scheduled batch-abc provider_timeout true', 'keeping its idempotency key and the key of the unknown request');
update public.enrollment_stages set status = 'claimed', lease_until = now() + interval '1 minute'
where enrollment_id = tests.id('enr_ok1') and position = 1;
select public.record_stages_sent(jsonb_build_array(jsonb_build_object('stage_id',
  (select id from public.enrollment_stages where enrollment_id = tests.id('enr_ok1') and position = 1), 'message_id', '<f@x>')));
select is((select status || ':' || end_reason || ':' || (auto_archive_at = now() + interval '5 days') from public.enrollments
           where id = tests.id('enr_ok1')), 'completed:no_reply:true',
  'after the last stage the enrolment completes without reply, to be archived in 5 days');
update public.enrollments set auto_archive_at = now() - interval '1 second' where id = tests.id('enr_ok1');
select public.sweep_sending();
select is((select archive_reason from public.considerations where candidate_id = tests.id('ok1') and job_id = tests.id('job_j')),
  'no_reply', 'the sweep archives the never-replying lead in the linked job');

-- Requests of unknown outcome are claimed whole --------------------------------------------------
select tests.running('g1'), tests.running('g2');
update public.enrollment_stages set status = 'claimed', lease_until = now() - interval '1 second', send_key = 'batch-g', attempts = 1
where id in (tests.id('st_g1'), tests.id('st_g2'));
select is((select count(*)::int from tests.claim(1)), 2, 'a claim of one takes every stage of the same unknown request');

-- LinkedIn tasks ------------------------------------------------------------------------------------
insert into public.sequences (organization_id, owner_id, title) values (tests.id('org_a'), tests.id('owner'), 'LI') returning id as li \gset
insert into tests.ids values ('li', :'li');
insert into public.sequence_stages (sequence_id, position, type, delay_days, subject, body)
values (:'li', 0, 'linkedin_connection', 0, '', '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Connect"}]}]}');
select tests.running('li1', 'li');
select is((select count(*)::int from tests.claim() c where c = tests.id('st_li1')), 0, 'a due LinkedIn stage is not sent by email');
select is((select t.status || ' ' || (t.assignee_id = tests.id('admin')) || ' ' || s.status
           from public.tasks t join public.enrollment_stages s on s.id = t.enrollment_stage_id where s.id = tests.id('st_li1')),
  'open true task_open', 'it becomes an open task for the prompted user');
select tests.as_user('admin');
select is(public.complete_task((select id from public.tasks where enrollment_stage_id = tests.id('st_li1')), 'sent'), 'done'::public.task_status,
  'the assignee marks it sent');
select is(tests.state('li1'), 'task_done:-/completed:no_reply', 'and the sequence continues (here: completes)');

-- Daily cap -----------------------------------------------------------------------------------------
select tests.make_user('capper', 'org_a', 'admin');
update public.members set sender_email = 'cap@org-a.test', daily_send_cap = 1 where user_id = tests.id('capper');
select tests.running('cap1'), tests.running('cap2');
update public.enrollment_stages set sender_user_id = tests.id('capper') where id in (tests.id('st_cap1'), tests.id('st_cap2'));
select is((select count(*)::int from tests.claim()), 1, 'a sender with a daily cap of one sends one');
select is((select count(*)::int from public.enrollment_stages where id in (tests.id('st_cap1'), tests.id('st_cap2'))
             and status = 'scheduled' and deferred_reason = 'daily_cap'
             and scheduled_at = (date_trunc('day', now() at time zone 'Europe/Berlin') + interval '1 day') at time zone 'Europe/Berlin'), 1,
  'the other waits for the next day in the organisation''s zone');

select * from finish();
rollback;
