-- The stage rows follow the document without a browser (issue 12, DESIGN "Live collaboration").
--
-- Editors' browsers ask the materialiser (edge function `sequence-doc`) to fold the Yjs update
-- log into sequence_stages about a second after their updates are stored. A tab that dies in
-- between used to leave the stage rows behind the document until someone opened the editor
-- again. Two things close that gap:
--
-- 1. A pg_cron job asks `sequence-doc` to materialise every sequence whose log holds updates
--    older than a few seconds (the browsers' own request comes well before that), through
--    pg_net with the URL and bearer the send job already reads from Vault (`project_url`,
--    `send_due_stages_secret`: the scheduler's one secret). Every 5 seconds where pg_cron
--    supports second schedules (1.5+, hosted Supabase), else every minute (the local stack's
--    Debian pg_cron 1.4). The job posts only when such updates exist, so an idle project makes
--    no requests.
-- 2. Nothing is copied from stage rows that lag: the sending engine sends each enrolment's own
--    copy of the stages (enrollment_stages), made when the enrolment is created and when
--    "apply edits to active sequences" reaches it, so those copies are where a stale template
--    would leak into an email. Both refuse (`sequence_saving`, with a message the UI shows)
--    while the sequence's log holds updates stored more than 5 seconds ago that are not yet in
--    the rows. Updates younger than that are edits being typed right now, which the editor's
--    own materialisation is about to fold; an enrolment made in that moment takes the template
--    as it was a moment earlier, as it would had it been made a moment earlier. Deferring the
--    claim instead would change nothing: the copy, once made, no longer follows the template.

create index sequence_doc_updates_created_at_idx on public.sequence_doc_updates (created_at);

-- Whether the stage rows of a sequence contain every update of its document stored more than
-- 5 seconds ago. Callers: the enrolment-stage trigger and apply_template_to_running below.
create function private.template_is_current(p_sequence_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select not exists (
    select 1 from public.sequence_doc_updates u
    where u.sequence_id = p_sequence_id and u.created_at < pg_catalog.now() - interval '5 seconds')
$$;
revoke execute on function private.template_is_current(uuid) from public, anon;
grant execute on function private.template_is_current(uuid) to authenticated, service_role;

-- Trigger (after insert on enrollment_stages, per statement): an enrolment copies the template's
-- stages only from rows that are current (see 2. above); otherwise the whole enrolment call is
-- refused and nothing is kept. Any role (the enrolment RPCs are security definer).
create function private.refuse_stale_template_copy() returns trigger
language plpgsql set search_path = '' as $$
begin
  if exists (select 1 from (select distinct n.sequence_id from new_rows n) s
             where not private.template_is_current(s.sequence_id)) then
    raise exception 'sequence_saving' using errcode = '55000',
      detail = 'The latest edits of this sequence are still being saved. Try again in a few seconds.';
  end if;
  return null;
end $$;
revoke execute on function private.refuse_stale_template_copy() from public, anon;
grant execute on function private.refuse_stale_template_copy() to authenticated, service_role;
create trigger enrollment_stages_copy_current_template after insert on public.enrollment_stages
  referencing new table as new_rows
  for each statement execute function private.refuse_stale_template_copy();

-- Sequences whose document has updates stored more than p_older_than_seconds ago, oldest first,
-- at most p_limit: what the materialiser's scheduled run folds. Service role only (the
-- `sequence-doc` function, called by the cron job below).
create function private.stale_sequence_docs(p_older_than_seconds integer, p_limit integer)
returns setof uuid
language sql stable security definer set search_path = '' as $$
  select u.sequence_id from public.sequence_doc_updates u
  where u.created_at < pg_catalog.now() - pg_catalog.make_interval(secs => greatest(0, p_older_than_seconds))
  group by u.sequence_id order by pg_catalog.min(u.created_at)
  limit least(greatest(p_limit, 1), 500)
$$;
revoke execute on function private.stale_sequence_docs(integer, integer) from public, anon, authenticated;
grant execute on function private.stale_sequence_docs(integer, integer) to service_role;
create function public.stale_sequence_docs(p_older_than_seconds integer default 3, p_limit integer default 100)
returns setof uuid
language sql stable security invoker set search_path = '' as $$
  select * from private.stale_sequence_docs(p_older_than_seconds, p_limit)
$$;
revoke execute on function public.stale_sequence_docs(integer, integer) from public, anon, authenticated;
grant execute on function public.stale_sequence_docs(integer, integer) to service_role;

-- The cron job (see 1. above).
select cron.unschedule(jobid) from cron.job where jobname = 'materialise-sequence-docs';
select cron.schedule(
  'materialise-sequence-docs',
  case when pg_catalog.string_to_array(
              pg_catalog.split_part((select e.extversion from pg_catalog.pg_extension e where e.extname = 'pg_cron'), '-', 1),
              '.')::int[] >= '{1,5}'::int[]
       then '5 seconds' else '* * * * *' end,
  $cron$
  select net.http_post(
    url := u.decrypted_secret || '/functions/v1/sequence-doc',
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || s.decrypted_secret),
    body := jsonb_build_object('source', 'cron'),
    timeout_milliseconds := 30000)
  from vault.decrypted_secrets u, vault.decrypted_secrets s
  where u.name = 'project_url' and s.name = 'send_due_stages_secret'
    and exists (select 1 from public.sequence_doc_updates d where d.created_at < now() - interval '3 seconds')
  $cron$
);

-- "Apply edits to active sequences". Same as in 20261126001100_enrollment_lifecycle.sql, plus:
-- * refused with `sequence_saving` while the template's rows lag its document (2. above);
-- * the template's attachments (20261130120000_stage_attachments_sending.sql) come along: after an
--   enrolment took the edits, its stages still scheduled (never claimed, no request of unknown
--   outcome) take the template stage's attachments at the same position.
-- Signed-in editors of the template.
create or replace function private.apply_template_to_running(p_sequence_id uuid)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := private.lifecycle_guard('{}');
  v_edits jsonb;
  v_id uuid;
begin
  if not private.can_view_sequence(v_user, p_sequence_id) then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such sequence, or you cannot see it.';
  end if;
  if not private.can_edit_sequence(v_user, p_sequence_id) then
    raise exception 'no_permission' using errcode = '42501', detail = 'Only editors of the template can apply it to running sequences.';
  end if;
  if not private.template_is_current(p_sequence_id) then
    raise exception 'sequence_saving' using errcode = '55000',
      detail = 'The latest edits of this sequence are still being saved. Try again in a few seconds.';
  end if;
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'position', st.position, 'type', st.type, 'subject', st.subject, 'body', st.body,
           'delay_days', st.delay_days, 'delay_hours', st.delay_hours, 'send_window', st.send_window,
           'thread_mode', st.thread_mode)
           || case when st.sender_user_id is null then '{}'::jsonb
                   else pg_catalog.jsonb_build_object('sender_user_id', st.sender_user_id) end
           order by st.position), '[]')
    into v_edits
  from public.sequence_stages st where st.sequence_id = p_sequence_id;
  for v_id in select e.id from public.enrollments e
              where e.sequence_id = p_sequence_id and e.status in ('running', 'paused') order by e.created_at, e.id loop
    enrollment_id := v_id;
    select r.ok, r.reason, r.detail into ok, reason, detail
    from private.apply_stage_edits(v_user, v_id,
      -- Only positions the enrolment has: a stage added to the template later is not theirs.
      (select coalesce(pg_catalog.jsonb_agg(x), '[]') from pg_catalog.jsonb_array_elements(v_edits) x
       where exists (select 1 from public.enrollment_stages s where s.enrollment_id = v_id and s.position = (x ->> 'position')::int)),
      true) r;
    if ok then
      update public.enrollment_stages s set attachments = st.attachments
      from public.sequence_stages st
      where s.enrollment_id = v_id and st.sequence_id = p_sequence_id and st.position = s.position
        and s.status = 'scheduled' and s.send_key is null and s.attachments is distinct from st.attachments;
    end if;
    return next;
  end loop;
end $$;

