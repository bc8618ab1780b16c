-- Issue 11, "beyond this list": columns an RPC guards are not writable by PATCH
-- (20261129110200_tasks_rpc_only.sql); the RPC still works.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(3);

insert into public.enrollment_stages (enrollment_id, position, type, subject, body, sender_user_id, status)
select e.id, 0, 'linkedin_connection', '', '{"type":"doc","content":[{"type":"paragraph"}]}', tests.id('owner'), 'task_open'
from public.enrollments e where e.candidate_id = tests.id('enrolled_shared')
returning id as stage \gset
insert into public.tasks (enrollment_stage_id, organization_id, sequence_id, candidate_id, assignee_id)
values (:'stage', tests.id('org_a'), tests.id('shared'), tests.id('enrolled_shared'), tests.id('owner'))
returning id as task \gset

select set_config('request.jwt.claims', json_build_object('sub', tests.id('owner'), 'role', 'authenticated')::text, true);
set local role authenticated;
select throws_ok(format($q$update public.tasks set status = 'done', completed_at = now() where id = %L$q$, :'task'),
  '42501', null, 'an assignee cannot close a task by PATCH (its stage would stay open and the sequence stall)');
select is(public.complete_task(:'task', 'sent')::text, 'done', 'the assignee completes it through complete_task');
reset role;
select is((select status::text from public.enrollment_stages where id = :'stage'), 'task_done',
  'which moves the enrolment stage on');

select * from finish();
rollback;
