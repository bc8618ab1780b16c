-- The stage rows follow the document (20261130120100_template_freshness.sql): enrolments and
-- "apply edits to active sequences" never copy stage rows that lag the document by more than a
-- few seconds, the materialiser's scheduled run finds the sequences that lag, and the cron job
-- that asks for it is scheduled with the URL and secret from Vault.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
-- The engine's identity reads the fixtures' ids too.
grant usage on schema tests to service_role;
grant execute on all functions in schema tests to service_role;
grant select on tests.ids to service_role;
select plan(10);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function tests.as_admin() returns void language sql as $$
  select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
$$;

select tests.as_admin();
select tests.make_candidate('second', 'org_a');
-- An update being typed right now: the editor's own materialisation is about to fold it.
insert into public.sequence_doc_updates (sequence_id, "update", created_at)
values (tests.id('shared'), '\x01', now());
select ok(private.template_is_current(tests.id('shared')), 'an update stored a moment ago does not make the rows stale');
select tests.as_user('owner');
select is((select ok from public.enroll_candidates(tests.id('shared'), array[tests.id('without_job')])), true,
  'so an enrolment goes ahead');

-- An update nobody folded (the tab died after storing it).
select tests.as_admin();
insert into public.sequence_doc_updates (sequence_id, "update", created_at)
values (tests.id('shared'), '\x02', now() - interval '10 seconds');
select ok(not private.template_is_current(tests.id('shared')), 'an update older than 5 seconds makes the rows stale');
select tests.as_user('owner');
select throws_ok($$select * from public.enroll_candidates(tests.id('shared'), array[tests.id('second')])$$,
  '55000', 'sequence_saving', 'an enrolment is refused while the rows lag the document');
select throws_ok($$select * from public.apply_template_to_running(tests.id('shared'))$$,
  '55000', 'sequence_saving', 'applying the template to running enrolments is refused too');

-- What the scheduled run folds; only the service role asks.
select throws_ok($$select * from public.stale_sequence_docs(3, 100)$$, '42501', null,
  'a signed-in user cannot list stale documents');
set local role service_role;
select is((select array_agg(x) from public.stale_sequence_docs(3, 100) x), array[tests.id('shared')],
  'the scheduled run finds the sequence whose rows lag');

select tests.as_admin();
select is((select count(*) from cron.job where jobname = 'materialise-sequence-docs'
           and schedule in ('5 seconds', '* * * * *') and active), 1::bigint,
  'the materialiser''s cron job is scheduled');
select matches((select command from cron.job where jobname = 'materialise-sequence-docs'),
  '/functions/v1/sequence-doc', 'it calls the sequence-doc function');
select matches((select command from cron.job where jobname = 'materialise-sequence-docs'),
  'name = ''project_url''.*name = ''send_due_stages_secret''', 'with the URL and the scheduler''s secret from Vault');

select * from finish();
rollback;
