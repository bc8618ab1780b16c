-- Faster reporting reads (issue 15, 20261130150000): the metrics check visibility once and must
-- count exactly what RLS lets each user see; replies per stage come from a mark kept by a
-- trigger; the board answers a slice or just the enrolments a live change names, through RLS.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(20);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;

-- The shared sequence: five running enrolments with a sent first stage, created a minute apart
-- (p1 oldest … p5 newest), plus the fixture's draft. The personal sequence: one running enrolment.
select tests.make_candidate('p' || g, 'org_a') from generate_series(1, 5) g;
insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status, created_at)
select tests.id('org_a'), tests.id('shared'), tests.id('p' || g), tests.id('owner'), 'x@example.test', 'draft',
       now() - make_interval(mins => 10 - g)
from generate_series(1, 5) g;
insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status)
values (tests.id('org_a'), tests.id('personal'), tests.id('with_job'), tests.id('owner'), 'x@example.test', 'draft');
insert into public.enrollment_stages (enrollment_id, position, subject, body, sender_user_id)
select e.id, 0, 'S', '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi"}]}]}', tests.id('owner')
from public.enrollments e where e.candidate_id in (select tests.id('p' || g) from generate_series(1, 5) g)
   or (e.sequence_id = tests.id('personal') and e.candidate_id = tests.id('with_job'));
update public.enrollments set status = 'running'
where candidate_id in (select tests.id('p' || g) from generate_series(1, 5) g)
   or (sequence_id = tests.id('personal') and candidate_id = tests.id('with_job'));
update public.enrollment_stages set status = 'sent', sent_at = now()
where enrollment_id in (select id from public.enrollments where status = 'running');

create function tests.enr(p_candidate text) returns uuid language sql as $$
  select id from public.enrollments where candidate_id = tests.id(p_candidate) and status <> 'draft'
$$;
create function tests.stage(p_candidate text) returns uuid language sql as $$
  select id from public.enrollment_stages where candidate_id = tests.id(p_candidate) and position = 0
$$;

-- Replies mark their stage ----------------------------------------------------------------------
insert into public.replies (organization_id, candidate_id, enrollment_id, enrollment_stage_id, from_email, body_text,
                            matched_by, received_at)
values (tests.id('org_a'), tests.id('p1'), tests.enr('p1'), tests.stage('p1'), 'x@example.test', 'Yes', 'reply_to_token',
        '2026-11-20 10:00+00'),
       (tests.id('org_a'), tests.id('p1'), tests.enr('p1'), tests.stage('p1'), 'x@example.test', 'Again', 'reply_to_token',
        '2026-11-21 10:00+00');
select is((select replied_at from public.enrollment_stages where id = tests.stage('p1')), '2026-11-20 10:00+00'::timestamptz,
  'a reply marks its stage with the first reply''s time, and a second reply keeps it');
insert into public.email_events (enrollment_stage_id, kind, is_machine) values
  (tests.stage('p2'), 'opened', false), (tests.stage('p3'), 'opened', true);

-- The metrics count what RLS shows each user -----------------------------------------------------
set local role authenticated;
select tests.as_user('owner');
select results_eq(
  format('select enrolled, in_progress, drafts, contacted, opened, machine_opened from public.sequence_metrics(%L)', tests.id('shared')),
  format($$select count(*) filter (where status <> 'draft')::int, count(*) filter (where status = 'running')::int,
                  count(*) filter (where status = 'draft')::int, count(*) filter (where status = 'running')::int, 1, 1
           from public.enrollments where sequence_id = %L$$, tests.id('shared')),
  'the metrics of a visible sequence equal the counts of the enrolments RLS shows');
select results_eq(
  format('select position, sent, opened, machine_opened, replied from public.sequence_stage_metrics(%L)', tests.id('shared')),
  $$ values (0, 5, 1, 1, 1) $$,
  'per stage: five sent, one human open, one proxy open, one stage replied to (twice: counted once)');
select tests.as_user('admin');
select is((select enrolled from public.sequence_metrics(tests.id('personal'))), 0,
  'an admin counts nothing in a personal sequence they may not see');
select is((select count(*)::int from public.sequence_stage_metrics(tests.id('personal'))), 0,
  'nor any of its stages');
select tests.as_user('orgadmin');
select is((select enrolled from public.sequence_metrics(tests.id('personal'))), 1,
  'an organisation admin counts the personal sequence they may see');
select tests.as_user('link_holder');
select is((select enrolled from public.sequence_metrics(tests.id('personal'))), 1,
  'so does an elevated user holding its link grant');
select is((select count(*)::int from public.sequence_stage_metrics(tests.id('personal'))), 1,
  'and its stage breakdown');
select tests.as_user('agency');
select results_eq(format('select enrolled, contacted, tracking_partial from public.sequence_metrics(%L)', tests.id('shared')),
  $$ values (0, 0, false) $$, 'an agency user (limited) counts nothing, and nothing is marked partial');
select tests.as_user('outsider');
select is((select count(*)::int from public.sequence_stage_metrics(tests.id('shared'))), 0,
  'another organisation sees no stage rows');

-- The board in pieces ------------------------------------------------------------------------
select tests.as_user('owner');
select results_eq(
  format('select candidate_id from public.sequence_board_rows(%L, null, 0, 2)', tests.id('shared')),
  format('values (%L::uuid), (%L::uuid)', tests.id('enrolled_shared'), tests.id('p5')),
  'a first page of two is the two newest enrolments (the fixture''s draft, made now, then p5)');
select results_eq(
  format('select candidate_id from public.sequence_board_rows(%L, null, 2, 2)', tests.id('shared')),
  format('values (%L::uuid), (%L::uuid)', tests.id('p4'), tests.id('p3')),
  'the next page follows on from it');
select results_eq(
  format('select candidate_id, pipeline, jsonb_array_length(stages) from public.sequence_board_rows(%L, array[%L, %L, %L]::uuid[])',
         tests.id('shared'), tests.enr('p1'), tests.enr('p3'), tests.enr('with_job')),
  format($$values (%L::uuid, 'in_progress', 1), (%L::uuid, 'in_progress', 1)$$, tests.id('p3'), tests.id('p1')),
  'asked for ids, the board answers just those of this sequence (newest first), with their stages');
select is(
  (select count(*)::int from public.sequence_board_rows(tests.id('shared'), null, 0, 1000)),
  (select count(*)::int from public.enrollments where sequence_id = tests.id('shared')),
  'a full page lists every enrolment, drafts included');
select is((select total from public.sequence_board(tests.id('shared')) limit 1), 6,
  'the paged board still says how many there are');
select tests.as_user('limited');
select is((select count(*)::int from public.sequence_board_rows(tests.id('shared'), array[tests.enr('p1')])), 0,
  'a user who may not see the sequence gets none of its rows, even by id');
select throws_ok(format('select * from public.sequence_board_rows(%L, null, 0, 1001)', tests.id('shared')), '22023',
  'invalid_limit', 'more than 1,000 rows at once is refused with a clear error');
select throws_ok(format('select * from public.sequence_board_rows(%L, null, -1)', tests.id('shared')), '22023',
  'invalid_offset', 'a negative offset is refused');
select throws_ok(
  format('select * from public.sequence_board_rows(%L, (select array_agg(gen_random_uuid()) from generate_series(1, 1001)))',
         tests.id('shared')),
  '22023', 'too_many_ids', 'more than 1,000 ids at once is refused');
reset role;
set local role anon;
select throws_ok(format('select * from public.sequence_board_rows(%L)', tests.id('shared')), '42501', null,
  'anonymous callers cannot read the board');
reset role;

select * from finish();
rollback;
