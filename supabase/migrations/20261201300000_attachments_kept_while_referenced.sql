-- Removing an attachment from a template never breaks a running enrolment (SPEC S2 attachments,
-- S5 "edit unsent stages of live sequences").
--
-- An enrolment sends what its template said when the enrolment was made: its own copy of the
-- stages, attachment list included (enrollment_stages.attachments, 20261130120000); template
-- edits reach running enrolments only through "apply edits to active sequences". The editor used
-- to delete a file from Storage the moment it was removed from a stage, so every enrolment whose
-- unsent stage still listed it ended with `attachment_missing` instead of sending. Now removing a
-- file from a stage only stops the template listing it (the Yjs document, materialised into
-- sequence_stages.attachments); the file itself is kept while anything references it and deleted
-- once nothing does:
--
-- * In use (private.attachment_in_use): listed by any template stage (sequence_stages), or by an
--   enrolment stage not sent yet: `scheduled` (drafts, running and paused enrolments) or
--   `claimed` (a send in flight, which may be re-driven with the same request). A stage that is
--   sent, skipped, failed or cancelled needs its files no more; cancelling, completing or ending
--   an enrolment cancels its unsent stages (private.follow_enrollment_status), and "apply edits"
--   replaces the lists of unsent stages, so those release their files too.
-- * Signed-in editors may still remove a file only while nothing uses it: the delete policy on
--   storage.objects below refuses the others. Both hosted Storage and the local stand-in delete
--   through RLS as the caller (`delete … returning`), so a refused file is simply not deleted and
--   Storage answers 200 without it. The app no longer removes files at all; the policy guards
--   every other client (an older build of the SPA still open in a tab, the API used directly).
-- * Files nothing references are deleted by the pg_cron job `purge-unreferenced-attachments`,
--   hourly. Its statement notes which files stopped being used and since when
--   (private.note_unreferenced_attachments, table private.unreferenced_attachments); when some
--   have been unreferenced for the grace period (private.attachment_purge_grace(): 24 hours) it
--   asks the edge function `purge-attachments` (URL and bearer from Vault, as the send job:
--   `project_url`, `send_due_stages_secret`) to delete them through the Storage API with the
--   service role, re-checked just before (public.attachments_to_purge). Not by SQL: hosted
--   Storage refuses deleting storage.objects rows directly (storage.protect_delete), which would
--   leave the bytes behind anyway. The grace keeps what an editor can still bring back: a stage
--   deletion undone, a file uploaded whose listing is not materialised yet, an offline editor's
--   edits merged on reconnect.
--
-- Bound: an orphaned file is deleted at most 25 hours after its last reference ended (24 hours of
-- grace, then at most one hour until the next run). A run that fails (function not deployed,
-- Storage down) leaves the files for the next hourly run; the runs are in cron.job_run_details and
-- net._http_response. The job posts nothing while no file is due, so an idle project makes no
-- requests.

-- The lookups below are containment (`attachments @> [{"path": …}]`); only rows that list files
-- are indexed, and of enrolment stages only the unsent ones.
create index sequence_stages_attachments_idx on public.sequence_stages
  using gin (attachments jsonb_path_ops) where attachments <> '[]'::jsonb;
create index enrollment_stages_unsent_attachments_idx on public.enrollment_stages
  using gin (attachments jsonb_path_ops) where attachments <> '[]'::jsonb and status in ('scheduled', 'claimed');

-- Whether the attachment object named p_name (`<sequence>/<stage>/<file>`) is still needed: a
-- template stage lists it, or an enrolment stage that is not sent yet does (see the header).
-- Security definer: it must see every enrolment, also those the caller cannot. Callers: the
-- delete policy on storage.objects (signed-in users) and the purge below.
create function private.attachment_in_use(p_name text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.sequence_stages st
                 where st.attachments <> '[]'::jsonb
                   and st.attachments @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('path', p_name)))
      or exists (select 1 from public.enrollment_stages s
                 where s.attachments <> '[]'::jsonb and s.status in ('scheduled', 'claimed')
                   and s.attachments @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('path', p_name)))
$$;
revoke execute on function private.attachment_in_use(text) from public, anon;
grant execute on function private.attachment_in_use(text) to authenticated, service_role;

-- How long a file nothing references is kept before the purge deletes it (see the header). The
-- one home of that number. Callers: the functions below.
create function private.attachment_purge_grace() returns interval
language sql immutable set search_path = '' as $$ select interval '24 hours' $$;
revoke execute on function private.attachment_purge_grace() from public, anon, authenticated;
grant execute on function private.attachment_purge_grace() to service_role;

-- Editors remove only files nothing uses any more (replaces the policy of 20261129120100).
drop policy "Editors of a sequence remove attachments" on storage.objects;
create policy "Editors of a sequence remove attachments nothing uses" on storage.objects
  for delete to authenticated
  using (bucket_id = 'sequence-attachments'
         and private.can_edit_sequence((select auth.uid()), private.attachment_sequence_id(name))
         and not private.attachment_in_use(name));

-- Attachment objects that nothing referenced when the purge job last looked, and since when.
-- Written only by private.note_unreferenced_attachments; no API role reads it.
create table private.unreferenced_attachments (
  object_id uuid primary key,
  name text not null,
  since timestamptz not null default pg_catalog.now()
);
create index unreferenced_attachments_since_idx on private.unreferenced_attachments (since);
alter table private.unreferenced_attachments enable row level security;
revoke all on private.unreferenced_attachments from public, anon, authenticated, service_role;

-- The purge job's bookkeeping (see the header): forgets files that are gone or used again, notes
-- the files of the bucket nothing uses (keeping the time they were first seen unused), and
-- answers how many have been unused for the grace period. Runs one at a time. Caller: the cron
-- job below (as postgres); no API role.
create function private.note_unreferenced_attachments() returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_due integer;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('private.note_unreferenced_attachments'));
  delete from private.unreferenced_attachments u
  where not exists (select 1 from storage.objects o where o.id = u.object_id and o.bucket_id = 'sequence-attachments')
     or private.attachment_in_use(u.name);
  insert into private.unreferenced_attachments (object_id, name)
  select o.id, o.name from storage.objects o
  where o.bucket_id = 'sequence-attachments' and o.name is not null and not private.attachment_in_use(o.name)
  on conflict (object_id) do nothing;
  select pg_catalog.count(*)::integer into v_due from private.unreferenced_attachments u
  where u.since <= pg_catalog.now() - private.attachment_purge_grace();
  return v_due;
end $$;
revoke execute on function private.note_unreferenced_attachments() from public, anon, authenticated, service_role;

-- What the purge function deletes next: files unused for the grace period that still exist and
-- are still unused right now, by name after p_after (a cursor, so a file Storage would not delete
-- is not asked for again in the same run), at most p_limit (1–1000). Service role only (the
-- `purge-attachments` function).
create function private.attachments_to_purge(p_after text, p_limit integer) returns setof text
language sql stable security definer set search_path = '' as $$
  select u.name from private.unreferenced_attachments u
  join storage.objects o on o.id = u.object_id and o.bucket_id = 'sequence-attachments' and o.name = u.name
  where u.since <= pg_catalog.now() - private.attachment_purge_grace()
    and u.name > coalesce(p_after, '')
    and not private.attachment_in_use(u.name)
  order by u.name
  limit least(greatest(coalesce(p_limit, 100), 1), 1000)
$$;
revoke execute on function private.attachments_to_purge(text, integer) from public, anon, authenticated;
grant execute on function private.attachments_to_purge(text, integer) to service_role;
create function public.attachments_to_purge(p_after text default null, p_limit integer default 100)
returns setof text
language sql stable security invoker set search_path = '' as $$
  select * from private.attachments_to_purge(p_after, p_limit)
$$;
revoke execute on function public.attachments_to_purge(text, integer) from public, anon, authenticated;
grant execute on function public.attachments_to_purge(text, integer) to service_role;

-- The purge job (see the header). Unschedule first: older pg_cron versions add a second job of
-- the same name. The bookkeeping runs once per run (a materialised CTE), the post only when some
-- file is due and both Vault entries exist.
select cron.unschedule(jobid) from cron.job where jobname = 'purge-unreferenced-attachments';
select cron.schedule(
  'purge-unreferenced-attachments',
  '23 * * * *',
  $cron$
  with due as materialized (select private.note_unreferenced_attachments() as n)
  select net.http_post(
    url := u.decrypted_secret || '/functions/v1/purge-attachments',
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || s.decrypted_secret),
    body := jsonb_build_object('source', 'cron'),
    timeout_milliseconds := 60000)
  from due, vault.decrypted_secrets u, vault.decrypted_secrets s
  where due.n > 0 and u.name = 'project_url' and s.name = 'send_due_stages_secret'
  $cron$
);
