-- Attachments travel with the emails the sequence sends (SPEC S2 "attachments", issue 12).
--
-- A stage's attachments (files in the private Storage bucket `sequence-attachments`, listed in
-- sequence_stages.attachments by the materialiser, 20261129120100) are copied into each
-- enrolment's own stage like its subject and body: an enrolment sends what its template said
-- when it was made (or when "apply edits to active sequences" last reached it). The sending
-- engine reads the list through public.stage_attachments, downloads the files with the service
-- role and sends them as the email's attachments; a file that is gone, or files too large for
-- one email, end that stage (and its enrolment) with a recorded reason, never a send without
-- the file (supabase/functions/send-due-stages/attachments.ts).

alter table public.enrollment_stages
  add column attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array');

-- Trigger (before insert on enrollment_stages; runs after enrollment_stages_fill, which sets
-- sequence_id): an enrolment's stage takes the attachments of the template stage it is copied
-- from. Every enrolment path (the app, the extension: private.enroll_candidates) copies the
-- template's stages position by position in the same statement, so the template stage at the
-- same position is the one copied. Any role (the enrolment RPCs are security definer).
create function private.copy_stage_attachments() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.attachments = '[]'::jsonb then
    new.attachments := coalesce(
      (select st.attachments from public.sequence_stages st
       where st.sequence_id = new.sequence_id and st.position = new.position),
      '[]'::jsonb);
  end if;
  return new;
end $$;
revoke execute on function private.copy_stage_attachments() from public, anon;
grant execute on function private.copy_stage_attachments() to authenticated, service_role;
create trigger enrollment_stages_fill_attachments before insert on public.enrollment_stages
  for each row execute function private.copy_stage_attachments();

-- "Apply edits to active sequences" (public.apply_template_to_running) brings the template's
-- attachments to the unsent stages of running enrolments too: 20261130120100_template_freshness.sql.

-- The attachments of claimed stages, for the sending engine (service role only): stage id,
-- its sequence (the engine sends only files under that sequence's folder) and the list
-- [{path, name, size, type}]. Stages without attachments are left out.
create function private.stage_attachments(p_stage_ids uuid[])
returns table (stage_id uuid, sequence_id uuid, attachments jsonb)
language sql stable security definer set search_path = '' as $$
  select s.id, s.sequence_id, s.attachments from public.enrollment_stages s
  where s.id = any (p_stage_ids) and s.attachments <> '[]'::jsonb
$$;
revoke execute on function private.stage_attachments(uuid[]) from public, anon, authenticated;
grant execute on function private.stage_attachments(uuid[]) to service_role;
create function public.stage_attachments(p_stage_ids uuid[])
returns table (stage_id uuid, sequence_id uuid, attachments jsonb)
language sql stable security invoker set search_path = '' as $$
  select * from private.stage_attachments(p_stage_ids)
$$;
revoke execute on function public.stage_attachments(uuid[]) from public, anon, authenticated;
grant execute on function public.stage_attachments(uuid[]) to service_role;
