-- Attachment files outlive their removal from a template while anything still sends them
-- (20261201300000_attachments_kept_while_referenced.sql): a file a template stage or an unsent
-- enrolment stage lists is in use and no editor can delete it; once nothing lists it, the purge
-- job's bookkeeping notes it, and only after the grace period does the purge (service role only)
-- ask for it, re-checking that it is still unused.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(26);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function tests.as_admin() returns void language sql as $$
  select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
$$;
-- The object name of file p_file of the shared sequence's first stage.
create function tests.file(p_file text) returns text language sql stable security definer as $$
  select tests.id('shared') || '/' || st.id || '/' || p_file
  from public.sequence_stages st where st.sequence_id = tests.id('shared') and st.position = 0
$$;
create function tests.listing(variadic p_files text[]) returns jsonb language sql stable as $$
  select coalesce(jsonb_agg(jsonb_build_object('path', tests.file(f), 'name', f, 'size', 5, 'type', 'text/plain')), '[]')
  from unnest(p_files) f
$$;
create function tests.stored(p_file text) returns boolean language sql stable security definer as $$
  select exists (select 1 from storage.objects where bucket_id = 'sequence-attachments' and name = tests.file(p_file))
$$;
create function tests.in_use(p_file text) returns boolean language sql stable as $$
  select private.attachment_in_use(tests.file(p_file))
$$;
create function tests.noted(p_file text) returns boolean language sql stable security definer as $$
  select exists (select 1 from private.unreferenced_attachments where name = tests.file(p_file))
$$;

grant usage on schema tests to service_role;
grant execute on all functions in schema tests to service_role;
grant select on tests.ids to service_role;

-- offer.pdf and brochure.pdf are listed by the template; draft.txt was uploaded and never listed.
select tests.as_admin();
-- Whatever an earlier run of the job noted starts afresh (rolled back with the file), so the
-- counts below are this file's alone.
delete from private.unreferenced_attachments;
insert into storage.objects (bucket_id, name)
select 'sequence-attachments', tests.file(f) from unnest(array['offer.pdf', 'brochure.pdf', 'draft.txt']) f;
update public.sequence_stages set attachments = tests.listing('offer.pdf', 'brochure.pdf')
where sequence_id = tests.id('shared') and position = 0;

select is(tests.in_use('offer.pdf'), true, 'a file the template lists is in use');
select is(tests.in_use('draft.txt'), false, 'a file nothing lists is not in use');

select tests.as_user('owner');
delete from storage.objects where name = tests.file('brochure.pdf');
select is(tests.stored('brochure.pdf'), true, 'an editor cannot delete a file the template lists');

-- A candidate is enrolled; then the editor removes offer.pdf from the template.
create temp table enrolled as
  select * from public.enroll_candidates(tests.id('shared'), array[tests.id('without_job')]);
grant select on enrolled to service_role;
select is((select ok from enrolled), true, 'the creator enrols a candidate');
select tests.as_admin();
update public.sequence_stages set attachments = tests.listing('brochure.pdf')
where sequence_id = tests.id('shared') and position = 0;
select is((select s.attachments -> 0 ->> 'path' from public.enrollment_stages s
           where s.enrollment_id = (select enrollment_id from enrolled) and s.position = 0),
  tests.file('offer.pdf'), 'the enrolment''s stage still lists the file the template no longer does');
select is(tests.in_use('offer.pdf'), true, 'a file an unsent enrolment stage lists is in use');

select tests.as_user('owner');
delete from storage.objects where name = tests.file('offer.pdf');
select is(tests.stored('offer.pdf'), true,
  'an editor cannot delete a file the template dropped while an enrolment will still send it');
delete from storage.objects where name = tests.file('draft.txt');
select is(tests.stored('draft.txt'), false, 'an editor still deletes a file nothing lists');
select tests.as_user('outsider');
select is(private.attachment_in_use(tests.file('offer.pdf')), true,
  'the check sees enrolments the caller cannot (it decides for the policy)');

-- A send in flight keeps the file; a stage that will not send any more releases it.
select tests.as_admin();
update public.enrollment_stages set status = 'claimed'
where enrollment_id = (select enrollment_id from enrolled) and position = 0;
select is(tests.in_use('offer.pdf'), true, 'a file of a stage being sent is in use');
update public.enrollment_stages set status = 'scheduled'
where enrollment_id = (select enrollment_id from enrolled) and position = 0;

-- The purge job's bookkeeping before the enrolment ends: nothing to note, nothing due.
insert into storage.objects (bucket_id, name) values ('sequence-attachments', tests.file('abandoned.txt'));
select is(private.note_unreferenced_attachments(), 0, 'nothing is due the moment files stop being used');
select is(tests.noted('abandoned.txt'), true, 'a file nothing lists is noted');
select is(tests.noted('offer.pdf'), false, 'a file an unsent enrolment stage lists is not noted');
select is(tests.noted('brochure.pdf'), false, 'a file the template lists is not noted');

-- The enrolment is cancelled: its unsent stages are cancelled and release the file.
update public.enrollments set status = 'cancelled', end_reason = 'cancelled', ended_at = now()
where id = (select enrollment_id from enrolled);
select is(tests.in_use('offer.pdf'), false, 'a file only a cancelled stage lists is not in use');
select is(private.note_unreferenced_attachments(), 0, 'a file just released is not due yet');
select is(tests.noted('offer.pdf'), true, 'the released file is noted');

-- A day later (the bookkeeping's clock moved back instead), both are due; the purge asks for them.
update private.unreferenced_attachments set since = now() - interval '24 hours 1 minute'
where name in (tests.file('offer.pdf'), tests.file('abandoned.txt'));
select is(private.note_unreferenced_attachments(), 2, 'files unused for the grace period are due');
set local role service_role;
select set_eq($$select * from public.attachments_to_purge()$$,
  array[tests.file('abandoned.txt'), tests.file('offer.pdf')], 'the purge asks for the files that are due');
select tests.as_admin();

-- Undo: the template lists offer.pdf again. The purge no longer asks for it, and the next
-- bookkeeping forgets it.
update public.sequence_stages set attachments = tests.listing('offer.pdf', 'brochure.pdf')
where sequence_id = tests.id('shared') and position = 0;
set local role service_role;
select set_eq($$select * from public.attachments_to_purge()$$, array[tests.file('abandoned.txt')],
  'a file listed again is not purged, even when it was due');
select is((select count(*) from public.attachments_to_purge(tests.file('abandoned.txt'), 100)), 0::bigint,
  'the purge''s cursor moves past what it already asked for');
select tests.as_admin();
select is(private.note_unreferenced_attachments(), 1, 'the bookkeeping forgets a file that is used again');
select is(tests.noted('offer.pdf'), false, 'a file listed again is no longer noted');

-- Only the purge function's identity asks.
select tests.as_user('owner');
select throws_ok($$select * from public.attachments_to_purge()$$, '42501', null,
  'a signed-in user cannot ask which files to purge');
set local role anon;
select throws_ok($$select * from public.attachments_to_purge()$$, '42501', null, 'anon cannot ask which files to purge');

select tests.as_admin();
select is((select schedule from cron.job where jobname = 'purge-unreferenced-attachments' and active), '23 * * * *',
  'the purge job runs hourly');

select * from finish();
rollback;
