-- Attachments travel with the emails (20261130120000_stage_attachments_sending.sql): an
-- enrolment's stage takes its template stage's attachments, "apply edits to active sequences"
-- brings them to unsent stages, and only the sending engine (service role) reads the lists
-- through public.stage_attachments.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
-- The engine's identity reads the fixtures' ids too.
grant usage on schema tests to service_role;
grant execute on all functions in schema tests to service_role;
grant select on tests.ids to service_role;
select plan(8);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function tests.as_admin() returns void language sql as $$
  select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
$$;
create function tests.files(p_name text) returns jsonb language sql as $$
  select jsonb_build_array(jsonb_build_object(
    'path', tests.id('shared') || '/' || st.id || '/' || p_name, 'name', p_name, 'size', 5, 'type', 'text/plain'))
  from public.sequence_stages st where st.sequence_id = tests.id('shared') and st.position = 0
$$;

select tests.as_admin();
update public.sequence_stages set attachments = tests.files('cv.txt') where sequence_id = tests.id('shared');

select tests.as_user('owner');
create temp table enrolled as
  select * from public.enroll_candidates(tests.id('shared'), array[tests.id('without_job')]);
select is((select ok from enrolled), true, 'the creator enrols a candidate');
select tests.as_admin();
select is((select s.attachments from public.enrollment_stages s where s.enrollment_id = (select enrollment_id from enrolled)),
  tests.files('cv.txt'), 'the enrolment''s stage carries the template stage''s attachments');

-- A running enrolment takes the template's new attachments when edits are applied.
update public.enrollments set status = 'running', started_at = now() where id = (select enrollment_id from enrolled);
update public.sequence_stages set attachments = tests.files('portfolio.pdf') where sequence_id = tests.id('shared');
select tests.as_user('owner');
select is((select r.ok from public.apply_template_to_running(tests.id('shared')) r
           where r.enrollment_id = (select enrollment_id from enrolled)), true, 'edits are applied to the running enrolment');
select tests.as_admin();
select is((select s.attachments from public.enrollment_stages s where s.enrollment_id = (select enrollment_id from enrolled)),
  tests.files('portfolio.pdf'), 'its unsent stage now carries the template''s new attachments');

-- Only the engine reads attachment lists through the RPC.
select tests.as_user('owner');
select throws_ok($$select * from public.stage_attachments(array[gen_random_uuid()])$$, '42501', null,
  'a signed-in user cannot call stage_attachments');
set local role anon;
select throws_ok($$select * from public.stage_attachments(array[gen_random_uuid()])$$, '42501', null,
  'anon cannot call stage_attachments');
select tests.as_admin();
create temp table stage_ids as
  select array_agg(s.id) as ids from public.enrollment_stages s where s.enrollment_id = (select enrollment_id from enrolled);
grant select on stage_ids to service_role;
set local role service_role;
select is((select count(*) from public.stage_attachments((select ids from stage_ids))), 1::bigint,
  'the engine reads the attachments of a claimed stage');
select is((select sequence_id from public.stage_attachments((select ids from stage_ids))), tests.id('shared'),
  'with the sequence whose folder the files must be in');

select * from finish();
rollback;
