-- Live boards carry the changed rows (20261201100000): a message about at most 20 enrolments
-- carries their board rows, exactly as sequence_board_rows answers them minus the candidate's
-- columns (the parity a board relies on when it applies them); larger statements name ids only;
-- no candidate name or address travels.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(7);

-- The draft enrolment of 'enrolled_shared' gets two stages; 25 more drafts for the bulk case.
insert into public.enrollment_stages (enrollment_id, position, subject, body, sender_user_id)
select e.id, p, 'S' || p, '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi"}]}]}',
       tests.id('owner')
from public.enrollments e, generate_series(0, 1) p
where e.sequence_id = tests.id('shared');
select tests.id('enrolled_shared') as cand \gset
select id as enr from public.enrollments where candidate_id = :'cand' \gset

-- A board row as sequence_board_rows answers it, without the candidate's columns.
create function tests.board_row(p_enr uuid) returns jsonb language sql as $$
  select to_jsonb(b) - 'candidate_id' - 'candidate_name' - 'candidate_email'
  from public.sequence_board_rows(tests.id('shared'), array[p_enr]) b
$$;

delete from realtime.messages;
update public.enrollments set response_reason = 'x', status = 'running', started_at = now() where id = :'enr';
select is((select payload -> 'rows' from realtime.messages where payload ->> 'table' = 'enrollments'),
  jsonb_build_array(tests.board_row(:'enr')),
  'an enrolment update carries its board row, equal to sequence_board_rows'' minus the candidate');
select is((select payload -> 'rows' -> 0 ->> 'pipeline' from realtime.messages where payload ->> 'table' = 'enrollments'),
  'in_progress',
  'with its new pipeline state');

delete from realtime.messages;
update public.enrollment_stages set status = 'scheduled', scheduled_at = now() + interval '1 day'
where enrollment_id = :'enr' and position = 1;
select is((select payload -> 'rows' from realtime.messages where payload ->> 'table' = 'enrollment_stages'),
  jsonb_build_array(tests.board_row(:'enr')),
  'a stage update carries the enrolment''s row with its stages as they are now');
select is((select payload -> 'rows' -> 0 -> 'stages' -> 1 ->> 'status' from realtime.messages
           where payload ->> 'table' = 'enrollment_stages'), 'scheduled',
  'including the changed stage');

select ok(not exists (select 1 from realtime.messages
                      where payload::text like '%enrolled_shared%' or payload::text like '%someone@example.test%'),
  'no candidate name or address travels on the channel');

-- 25 enrolments in one statement: ids only, and boards fetch them.
insert into public.enrollments (organization_id, sequence_id, candidate_id, status)
select tests.id('org_a'), tests.id('shared'), tests.make_candidate('bulk' || g, 'org_a'), 'draft'
from generate_series(1, 25) g;
select is((select jsonb_array_length(payload -> 'enrollment_ids') from realtime.messages
           where payload ->> 'op' = 'insert'), 25, 'a statement over 25 enrolments names them all');
select ok((select not (payload ? 'rows') from realtime.messages where payload ->> 'op' = 'insert'),
  'and carries no rows (more than 20)');

select * from finish();
rollback;
