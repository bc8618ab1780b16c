-- Response status after a reply (S6): the classifier's verdict (written by the resend-webhook
-- function after it answered Resend), the users' "Set response" override, and the scheduled
-- resume of sequences paused by an out-of-office answer.

-- Archives the candidate in the sequence's linked job when they are not interested (S2).
-- Archiving cancels running sequences through the considerations trigger. Callers: the two
-- functions below.
create function private.archive_not_interested(p_enrollment public.enrollments, p_reason text)
returns void language plpgsql security definer set search_path = '' as $$
begin
  update public.considerations c
    set archived_at = pg_catalog.now(), archive_reason = coalesce(p_reason, 'not_interested')
  from public.sequences s
  where s.id = p_enrollment.sequence_id and s.job_id is not null
    and c.candidate_id = p_enrollment.candidate_id and c.job_id = s.job_id and c.archived_at is null;
end $$;

-- Stores a classifier's verdict on a reply and, when no person has set the enrolment's
-- response yet (status still `replied`), sets response_status to interested/not_interested
-- with provider and confidence. `out_of_office` or `other` from the classifier are kept on the
-- reply only: the sequence was already stopped by the reply, and resuming emails to someone
-- who wrote back on the strength of a model's guess is the wrong way to fail. Returns whether
-- the enrolment's status changed. Callers: service role (resend-webhook function).
create function private.apply_reply_classification(
  p_reply_id uuid, p_label text, p_confidence real, p_provider text, p_reason text)
returns boolean language plpgsql volatile security definer set search_path = '' as $$
declare
  v_reply public.replies;
  v_enr public.enrollments;
begin
  if p_label is null or p_label not in ('interested', 'not_interested', 'out_of_office', 'other') then
    raise exception 'invalid_label' using errcode = '22023';
  end if;
  update public.replies r
    set classification = p_label::public.reply_classification, classification_provider = p_provider,
        classification_confidence = least(greatest(p_confidence, 0), 1), classification_reason = p_reason
  where r.id = p_reply_id
  returning * into v_reply;
  if not found or v_reply.enrollment_id is null or p_label not in ('interested', 'not_interested') then
    return false;
  end if;
  update public.enrollments e
    set response_status = p_label::public.response_status, response_provider = p_provider,
        response_confidence = least(greatest(p_confidence, 0), 1), response_set_by = null,
        response_set_at = pg_catalog.now(), response_reason = p_reason
  where e.id = v_reply.enrollment_id and e.response_status = 'replied'
  returning * into v_enr;
  if not found then return false; end if;
  insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
  values (v_enr.organization_id, v_enr.candidate_id, v_enr.sequence_id, v_enr.id, 'response_status_changed',
          pg_catalog.jsonb_build_object('status', p_label, 'provider', p_provider, 'confidence', p_confidence,
                                        'reason', p_reason, 'automatic', true), null);
  if p_label = 'not_interested' then
    perform private.archive_not_interested(v_enr, 'not_interested');
  end if;
  return true;
end $$;

-- "Set response" (S6): the signed-in user sets an enrolment's response status to replied,
-- interested or not_interested, with an optional reason. Allowed for users who may view the
-- sequence's enrolments and may enrol its candidate (the same rule as the enrolments update
-- policy). Errors: not signed in 42501; unknown or hidden enrolment PT404 'not_found'; no
-- right to change it 42501 'no_permission'; a status outside the three 22023
-- 'invalid_status'; an enrolment nobody replied to 22023 'no_reply'. Returns the new status.
create function private.set_response_status(p_enrollment_id uuid, p_status text, p_reason text)
returns public.response_status language plpgsql volatile security definer set search_path = '' as $$
declare
  v_user uuid := (select auth.uid());
  v_enr public.enrollments;
begin
  if v_user is null then
    raise exception 'not_authenticated' using errcode = '42501';
  end if;
  if p_status is null or p_status not in ('replied', 'interested', 'not_interested') then
    raise exception 'invalid_status' using errcode = '22023',
      detail = 'The response can be replied, interested or not_interested.';
  end if;
  select e.* into v_enr from public.enrollments e
  join public.members m on m.user_id = v_user and m.organization_id = e.organization_id
  where e.id = p_enrollment_id and private.can_view_sequence(v_user, e.sequence_id)
  for update of e;
  if not found then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such enrolment, or you cannot see it.';
  end if;
  if not private.can_enroll(v_user, v_enr.sequence_id, v_enr.candidate_id) then
    raise exception 'no_permission' using errcode = '42501',
      detail = 'You may view this enrolment but not change it.';
  end if;
  if v_enr.response_status in ('none', 'out_of_office') then
    raise exception 'no_reply' using errcode = '22023', detail = 'The candidate has not replied.';
  end if;
  update public.enrollments e
    set response_status = p_status::public.response_status, response_reason = nullif(pg_catalog.btrim(p_reason), ''),
        response_provider = 'user', response_confidence = null, response_set_by = v_user,
        response_set_at = pg_catalog.now()
  where e.id = v_enr.id;
  insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
  values (v_enr.organization_id, v_enr.candidate_id, v_enr.sequence_id, v_enr.id, 'response_status_changed',
          pg_catalog.jsonb_build_object('status', p_status, 'previous', v_enr.response_status, 'reason', p_reason,
                                        'automatic', false), v_user);
  if p_status = 'not_interested' and v_enr.response_status <> 'not_interested' then
    perform private.archive_not_interested(v_enr, coalesce(nullif(pg_catalog.btrim(p_reason), ''), 'not_interested'));
  end if;
  return p_status::public.response_status;
end $$;

-- Resumes sequences paused by an out-of-office reply whose resume time has come. Run by the
-- pg_cron job `resume-ooo-enrollments` every 5 minutes; returns how many it resumed.
-- Stages move by the engine's rule (private.shift_after_pause, as resume_enrollments): an
-- overdue stage is due now and later ones keep their gaps. The engine's own sweep resumes any pause
-- whose resume_at passed too; the two skip each other's locked rows, and each re-checks the
-- status, so an enrolment is resumed once. Callers: pg_cron (as postgres) and the service role.
create function private.resume_due_ooo() returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_id uuid;
  v_count integer := 0;
begin
  for v_id in
    select e.id from public.enrollments e
    where e.status = 'paused' and e.pause_reason = 'out_of_office' and e.resume_at <= pg_catalog.now()
    order by e.resume_at
    for update skip locked
  loop
    begin
      perform private.shift_after_pause(v_id);
      update public.enrollments e
        set status = 'running', pause_reason = null,
            response_status = case when e.response_status = 'out_of_office' then 'none'::public.response_status
                                   else e.response_status end
      where e.id = v_id;
    exception when unique_violation then
      -- Another sequence started for the candidate meanwhile: this one stays paused for a
      -- person to decide, and the sweep stops retrying it.
      update public.enrollments e set resume_at = null where e.id = v_id;
      continue;
    end;
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    select e.organization_id, e.candidate_id, e.sequence_id, e.id, 'sequence_resumed',
           '{"reason": "out_of_office_ended"}'::jsonb, null
    from public.enrollments e where e.id = v_id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end $$;

revoke execute on function private.archive_not_interested(public.enrollments, text),
  private.apply_reply_classification(uuid, text, real, text, text), private.set_response_status(uuid, text, text),
  private.resume_due_ooo() from public, anon, authenticated;
grant execute on function private.archive_not_interested(public.enrollments, text),
  private.apply_reply_classification(uuid, text, real, text, text),
  private.resume_due_ooo() to service_role;
grant execute on function private.set_response_status(uuid, text, text) to authenticated, service_role;

-- PostgREST entry points.
-- POST /rest/v1/rpc/set_response_status {enrollment_id, status, reason?}: signed-in users.
create function public.set_response_status(enrollment_id uuid, status text, reason text default null)
returns public.response_status language sql volatile security invoker set search_path = '' as $$
  select private.set_response_status($1, $2, $3)
$$;
revoke execute on function public.set_response_status(uuid, text, text) from public, anon;
grant execute on function public.set_response_status(uuid, text, text) to authenticated, service_role;

-- POST /rest/v1/rpc/apply_reply_classification: service role only (resend-webhook).
create function public.apply_reply_classification(
  reply_id uuid, label text, confidence real, provider text, reason text default null)
returns boolean language sql volatile security invoker set search_path = '' as $$
  select private.apply_reply_classification($1, $2, $3, $4, $5)
$$;
-- POST /rest/v1/rpc/resume_due_ooo: service role only (tests and operators; cron calls the
-- private function directly).
create function public.resume_due_ooo() returns integer
language sql volatile security invoker set search_path = '' as $$
  select private.resume_due_ooo()
$$;
revoke execute on function public.apply_reply_classification(uuid, text, real, text, text), public.resume_due_ooo()
  from public, anon, authenticated;
grant execute on function public.apply_reply_classification(uuid, text, real, text, text), public.resume_due_ooo()
  to service_role;

-- The resume sweep. pg_cron ships with Supabase (enable it once per project, which this does);
-- unschedule first because older pg_cron versions add a second job under the same name.
create extension if not exists pg_cron;
do $$
begin
  if exists (select 1 from cron.job where jobname = 'resume-ooo-enrollments') then
    perform cron.unschedule('resume-ooo-enrollments');
  end if;
  perform cron.schedule('resume-ooo-enrollments', '*/5 * * * *', 'select private.resume_due_ooo()');
end $$;
