-- public.enroll_candidates: every refusal reason, what a successful call writes, and the
-- integrity rules around enrolments (never deleted, one active per candidate, final states),
-- sequence access rules (plan, creator-only changes), direct links, Realtime presence,
-- candidate visibility and organisation isolation.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(33);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;
create function tests.enroll(p_label text, p_seq text, p_candidates uuid[], p_start boolean default false)
returns table (candidate_id uuid, enrollment_id uuid, ok boolean, reason text, detail text)
language sql as $$
  select tests.as_user(p_label);
  select * from public.enroll_candidates(tests.id(p_seq), p_candidates, p_start);
$$;
create function tests.reason(p_label text, p_seq text, p_candidate uuid, p_start boolean default false) returns text
language sql as $$ select coalesce(reason, 'ok') from tests.enroll(p_label, p_seq, array[p_candidate], p_start) $$;

-- Refusals --------------------------------------------------------------------------------------
select tests.as_user('admin');
select throws_ok(
  format('select * from public.enroll_candidates(%L, array(select gen_random_uuid() from generate_series(1, 501)))', tests.id('shared')),
  '22023', 'too_many', 'more than 500 candidates is refused before anything is written');
select tests.as_user('admin');
select throws_ok(format('select * from public.enroll_candidates(%L, array[%L]::uuid[])', tests.id('personal'), tests.id('without_job')),
  'PT404', 'not_found', 'a sequence the user cannot see is not found');
select is(tests.reason('admin', 'shared', gen_random_uuid()), 'not_found', 'an unknown candidate is not_found');
select is(tests.reason('admin', 'shared', tests.id('outsider_candidate')), 'not_found', 'another organisation''s candidate is not_found');

select tests.make_sequence('empty', 'org_a', 'owner', 'shared', 0);
select is(tests.reason('admin', 'empty', tests.id('without_job')), 'sequence_has_errors', 'a sequence without stages cannot be enrolled into');

select is(tests.reason('external_recruiter', 'shared', tests.id('with_job')), 'no_permission',
  'an elevated user who is not hiring manager on the candidate''s job gets no_permission');
select matches((select detail from tests.enroll('external_recruiter', 'shared', array[tests.id('with_job')])), 'Job J',
  'the no_permission detail names the job that lacks the role');
select tests.as_user('limited');
select throws_ok(format('select * from public.enroll_candidates(%L, array[%L]::uuid[])', tests.id('shared'), tests.id('without_job')),
  'PT404', 'not_found', 'limited users do not see shared sequences, so cannot enrol into them');

select tests.make_candidate('no_email', 'org_a', null);
select is(tests.reason('admin', 'shared', tests.id('no_email')), 'no_email', 'a candidate without an address is refused');

select tests.make_candidate('unsubscribed', 'org_a');
insert into public.subscriptions (candidate_id, organization_id, current_outreach) values (tests.id('unsubscribed'), tests.id('org_a'), false);
select is(tests.reason('admin', 'shared', tests.id('unsubscribed')), 'unsubscribed', 'an unsubscribed candidate is refused');
select tests.make_candidate('bounced', 'org_a');
insert into public.subscriptions (candidate_id, organization_id, suppressed_reason, suppressed_email)
values (tests.id('bounced'), tests.id('org_a'), 'bounced', 'someone@example.test');
select is(tests.reason('admin', 'shared', tests.id('bounced')), 'unsubscribed', 'a suppressed (bounced) candidate is refused as unsubscribed');

-- The confidential sequence's own candidate, running there: others see only "hidden".
update public.enrollments set status = 'running' where candidate_id = tests.id('enrolled_confidential');
select is(tests.reason('admin', 'shared', tests.id('enrolled_confidential')), 'already_enrolled_hidden',
  'a candidate running in a sequence the user cannot see is already_enrolled_hidden');
update public.enrollments set status = 'running' where candidate_id = tests.id('enrolled_personal');
select is(tests.reason('owner', 'shared', tests.id('enrolled_personal')), 'already_enrolled',
  'a candidate running in a sequence the user can see is already_enrolled');
select is(tests.reason('admin', 'shared', tests.id('enrolled_shared')), 'already_enrolled',
  'a second draft in the same sequence is already_enrolled');

-- Frequency policy, in the organisation's zone (UTC+14): with N = 1, a send late yesterday
-- local time does not block, a send early today does, though both are on one UTC date.
update public.organizations set outreach_frequency_days = 1, time_zone = 'Pacific/Kiritimati' where id = tests.id('org_a');
select tests.make_candidate('sent_yesterday', 'org_a'), tests.make_candidate('sent_today', 'org_a');
insert into public.enrollments (id, organization_id, sequence_id, candidate_id, status)
values ('e0000000-0000-4000-8000-000000000001', tests.id('org_a'), tests.id('shared'), tests.id('sent_yesterday'), 'completed'),
       ('e0000000-0000-4000-8000-000000000002', tests.id('org_a'), tests.id('shared'), tests.id('sent_today'), 'completed');
insert into public.enrollment_stages (enrollment_id, position, status, sent_at)
values ('e0000000-0000-4000-8000-000000000001', 0, 'sent',
        (date_trunc('day', now() at time zone 'Pacific/Kiritimati') - interval '30 minutes') at time zone 'Pacific/Kiritimati'),
       ('e0000000-0000-4000-8000-000000000002', 0, 'sent',
        (date_trunc('day', now() at time zone 'Pacific/Kiritimati') + interval '30 minutes') at time zone 'Pacific/Kiritimati');
select is(tests.reason('admin', 'shared', tests.id('sent_yesterday')), 'ok', 'contacted yesterday (local) is allowed with a 1-day policy');
select is(tests.reason('admin', 'shared', tests.id('sent_today')), 'frequency_policy', 'contacted today (local) is refused');
update public.organizations set outreach_frequency_days = 30, time_zone = 'Europe/Berlin' where id = tests.id('org_a');

-- Success ---------------------------------------------------------------------------------------
select tests.make_sequence('three_stages', 'org_a', 'owner', 'shared', 3);
select tests.make_candidate('fresh_1', 'org_a'), tests.make_candidate('fresh_2', 'org_a');
create table tests.result as
  select * from tests.enroll('hiring_manager', 'three_stages', array[tests.id('fresh_1'), tests.id('fresh_2'), tests.id('fresh_1'), tests.id('no_email')]);
select results_eq('select candidate_id, ok, coalesce(reason, ''ok'') from tests.result',
  format('values (%L::uuid, true, %L), (%L::uuid, true, %L), (%L::uuid, false, %L)',
         tests.id('fresh_1'), 'ok', tests.id('fresh_2'), 'ok', tests.id('no_email'), 'no_email'),
  'one row per distinct candidate, in input order');
select is((select count(distinct batch_id) from public.enrollments where sequence_id = tests.id('three_stages')), 1::bigint,
  'one call makes one batch');
select is((select array_agg(distinct status::text) from public.enrollments where sequence_id = tests.id('three_stages')), array['draft'],
  'without start the enrolments are drafts');
select is((select count(*) from public.enrollment_stages s join tests.result r on r.enrollment_id = s.enrollment_id), 6::bigint,
  'each enrolment gets a copy of every template stage');
select ok((select bool_and(abs(extract(epoch from s.scheduled_at - private.stage_due_at(now(), 6, 0, 'Europe/Berlin'))) < 1)
           from public.enrollment_stages s join tests.result r on r.enrollment_id = s.enrollment_id where s.position = 2),
  'stages are scheduled at enrolment time plus their delay');
select is((select count(*) from public.activities a join tests.result r on r.enrollment_id = a.enrollment_id where a.kind = 'enrolled'), 2::bigint,
  'each enrolment is logged on the candidate');

select is(tests.reason('hiring_manager', 'shared', tests.id('without_job'), true), 'ok', 'start = true enrols');
select is((select status::text from public.enrollments where sequence_id = tests.id('shared') and candidate_id = tests.id('without_job')),
  'running', 'and the enrolment is running');
select is(tests.reason('admin', 'three_stages', tests.id('without_job'), true), 'already_enrolled',
  'one active sequence per candidate');

-- Integrity -------------------------------------------------------------------------------------
select enrollment_id as some_enrollment from tests.result limit 1 \gset
set local role service_role;
select throws_ok(format('delete from public.enrollments where id = %L', :'some_enrollment'),
  '42501', null, 'enrolments can never be deleted, not even by the service role');
reset role;
update public.enrollments set status = 'cancelled' where sequence_id = tests.id('shared') and candidate_id = tests.id('without_job');
select throws_ok(format('update public.enrollments set status = ''running'' where sequence_id = %L and candidate_id = %L',
  tests.id('shared'), tests.id('without_job')), '22023', null, 'a cancelled enrolment cannot be resumed');

update public.organizations set plan = 'free' where id = tests.id('org_b');
select throws_ok(format('insert into public.sequences (organization_id, owner_id, title, access) values (%L, %L, ''x'', ''confidential'')',
  tests.id('org_b'), tests.id('outsider')), '42501', null, 'confidential sequences cannot be created on the free plan');
select throws_ok(format('update public.sequences set access = ''confidential'' where id = %L', tests.id('outsider_seq')),
  '42501', null, 'nor can a sequence switch to confidential there');

select tests.as_user('admin');
set local role authenticated;
select throws_ok(format('update public.sequences set access = ''personal'' where id = %L', tests.id('shared')),
  '42501', null, 'an admin who may edit a shared sequence still cannot change its access');
reset role;

-- Direct links ----------------------------------------------------------------------------------
select tests.as_user('elevated_no_role');
set local role authenticated;
select is(public.redeem_sequence_link(tests.id('personal'), 'not-the-secret'), false, 'a wrong secret opens nothing');
reset role;
select (select direct_link_secret from public.sequences where id = tests.id('personal')) as secret \gset
set local role authenticated;
select is(public.redeem_sequence_link(tests.id('personal'), :'secret'), true, 'the right secret is accepted');
select ok(exists (select 1 from public.sequences where id = tests.id('personal')),
  'and the elevated user views the personal sequence from then on');
reset role;

select * from finish();
rollback;
