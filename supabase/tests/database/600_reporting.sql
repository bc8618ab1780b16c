-- Reporting (issue 15, S8): the sequence metrics and per-stage breakdown, the pipeline states
-- (Interested leaves when archived on the linked job; Converted when added to a job past its
-- sourcing stages), the home chart and its drill-down — all decided by RLS for the caller.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(22);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;

-- Four running enrolments in the shared sequence (linked to Job J), each with a sent first stage.
update public.sequences set job_id = tests.id('job_j') where id = tests.id('shared');
select tests.make_candidate('r1', 'org_a'), tests.make_candidate('r2', 'org_a'), tests.make_candidate('r3', 'org_a'),
       tests.make_candidate('r4', 'org_a');
insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status)
select tests.id('org_a'), tests.id('shared'), tests.id(c), tests.id(case when c in ('r1', 'r2') then 'owner' else 'admin' end),
       'x@example.test', 'draft'
from unnest(array['r1', 'r2', 'r3', 'r4']) c;
insert into public.enrollment_stages (enrollment_id, position, subject, body, sender_user_id)
select e.id, p, 'S' || p, '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi"}]}]}',
       tests.id('owner')
from public.enrollments e, generate_series(0, 1) p
where e.sequence_id = tests.id('shared') and e.candidate_id <> tests.id('enrolled_shared');
update public.enrollments set status = 'running'
where sequence_id = tests.id('shared') and candidate_id <> tests.id('enrolled_shared');
update public.enrollment_stages set status = 'sent', sent_at = now()
where sequence_id = tests.id('shared') and position = 0;

create function tests.stage0(p_candidate text) returns uuid language sql as $$
  select id from public.enrollment_stages where candidate_id = tests.id(p_candidate) and position = 0
$$;
create function tests.enrolment(p_candidate text) returns uuid language sql as $$
  select id from public.enrollments where candidate_id = tests.id(p_candidate) and sequence_id = tests.id('shared')
$$;
-- r1: a human opens and clicks; r2: only a privacy proxy opens; r3 replies; r4 is interested.
insert into public.email_events (enrollment_stage_id, kind, is_machine, url) values
  (tests.stage0('r1'), 'opened', false, null), (tests.stage0('r1'), 'clicked', false, 'https://example.test/job'),
  (tests.stage0('r2'), 'opened', true, null), (tests.stage0('r2'), 'clicked', true, 'https://example.test/job');
insert into public.replies (organization_id, candidate_id, enrollment_id, enrollment_stage_id, from_email, body_text, matched_by)
values (tests.id('org_a'), tests.id('r3'), tests.enrolment('r3'), tests.stage0('r3'), 'x@example.test', 'Yes!', 'reply_to_token');
update public.enrollments set status = 'completed', response_status = 'replied', end_reason = 'replied'
where id = tests.enrolment('r3');
update public.enrollments set status = 'completed', response_status = 'interested', end_reason = 'replied'
where id = tests.enrolment('r4');

-- Metrics --------------------------------------------------------------------------------------
set local role authenticated;
select tests.as_user('owner');
select results_eq(
  format('select enrolled, in_progress, completed, replied, interested, converted, contacted, opened, machine_opened, clicked, tracking_partial from public.sequence_metrics(%L)', tests.id('shared')),
  $$ values (4, 2, 0, 2, 1, 0, 4, 1, 1, 1, false) $$,
  'metrics: pipeline counts, human opens apart from proxy opens, human clicks only, drafts not enrolled');
select results_eq(
  format('select position, sent, opened, machine_opened, clicked, replied from public.sequence_stage_metrics(%L)', tests.id('shared')),
  $$ values (0, 4, 1, 1, 1, 1) $$,
  'per stage: sent, opened (human), machine-only opens, clicked, replied to that stage');
select is(
  (select pipeline from public.sequence_board(tests.id('shared')) where id = tests.enrolment('r3')),
  'replied', 'the board puts a candidate who replied under Replied');
select is((select count(*)::int from public.sequence_board(tests.id('shared'))), 5, 'the board lists every enrolment, drafts included');

reset role;
update public.members set tracking_enabled = false where user_id = tests.id('owner');
set local role authenticated;
select tests.as_user('owner');
select is((select tracking_partial from public.sequence_metrics(tests.id('shared'))), true,
  'metrics are marked partial when a sender has tracking off');
select is((select bool_or(tracking_partial) from public.sequence_stage_metrics(tests.id('shared'))), true,
  'the stage breakdown is marked partial too');

-- RLS decides ------------------------------------------------------------------------------------
set local role authenticated;
select tests.as_user('limited');
select results_eq(format('select enrolled, contacted from public.sequence_metrics(%L)', tests.id('shared')),
  $$ values (0, 0) $$, 'a limited user counts nothing in a sequence they may not see');
select is((select count(*)::int from public.sequence_board(tests.id('shared'))), 0, 'nor sees its board');
select tests.as_user('outsider');
select is((select enrolled from public.sequence_metrics(tests.id('shared'))), 0, 'another organisation counts nothing');
select is((select count(*)::int from public.sequence_stage_metrics(tests.id('shared'))), 0, 'nor any stage');
reset role;
set local role anon;
select throws_ok(format('select * from public.sequence_metrics(%L)', tests.id('shared')), '42501', null,
  'anonymous callers cannot read metrics');
reset role;

-- Interested / Converted follow the candidate's current state ------------------------------------
insert into public.considerations (organization_id, candidate_id, job_id)
values (tests.id('org_a'), tests.id('r4'), tests.id('job_j'));
insert into public.jobs (organization_id, title) values (tests.id('org_a'), 'Job K') returning id as job_k \gset
insert into public.considerations (organization_id, candidate_id, job_id, stage_id)
select tests.id('org_a'), tests.id('r3'), :'job_k', s.id from public.job_stages s where s.job_id = :'job_k' and s.kind = 'lead';
select is((select converted from public.sequence_metrics(tests.id('shared'))), 0,
  'a candidate added to a job as a lead is not converted yet');
update public.considerations c set stage_id = s.id from public.job_stages s
where c.candidate_id = tests.id('r3') and c.job_id = :'job_k' and s.job_id = :'job_k' and s.kind = 'interviewing';
set local role authenticated;
select tests.as_user('owner');
select is((select converted from public.sequence_metrics(tests.id('shared'))), 1,
  'moving past the sourcing stages (interviewing) converts the candidate');
select is((select converted from public.sequence_board(tests.id('shared')) where id = tests.enrolment('r3')), true,
  'the board marks the converted candidate');
reset role;
update public.considerations set archived_at = now() where candidate_id = tests.id('r4') and job_id = tests.id('job_j');
set local role authenticated;
select tests.as_user('owner');
select is((select interested from public.sequence_metrics(tests.id('shared'))), 0,
  'an interested candidate archived on the linked job leaves Interested');
select is((select interested from public.sequence_board(tests.id('shared')) where id = tests.enrolment('r4')), false,
  'and the board no longer lists them as interested');

-- Home chart -------------------------------------------------------------------------------------
set local role authenticated;
select is((select count(*)::int from public.home_activity('everyone')), 13, 'the home chart has 13 weekly points');
select is((select sent from public.home_activity('everyone') order by week_start desc limit 1), 4,
  'Everyone: this week counts the four sequences started');
select is((select sent from public.home_activity('mine') order by week_start desc limit 1), 2,
  'Mine: only the sequences the user enrolled');
select tests.as_user('limited');
select is((select sum(sent)::int from public.home_activity('everyone')), 0,
  'Everyone counts only sequences the user may see');
select tests.as_user('owner');
select results_eq(
  format($$select candidate_id from public.home_activity_candidates(%L, 'everyone', 'reply_rate') order by 1$$,
         (select max(week_start) from public.home_activity('everyone'))),
  format($$select id from public.candidates where id in (%L, %L) order by 1$$, tests.id('r3'), tests.id('r4')),
  'the reply-rate drill-down of this week lists the candidates who replied');
select throws_ok($$select * from public.home_activity('all')$$, '22023', 'invalid_scope', 'an unknown scope is refused');

select * from finish();
rollback;
