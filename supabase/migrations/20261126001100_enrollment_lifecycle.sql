-- The enrolment lifecycle RPCs (S3, S5): start drafts, pause, resume, cancel, and edit the
-- unsent stages of live enrolments (one enrolment, the largest same-batch group of a
-- selection, or every running enrolment of a sequence from its template).
--
-- Same shape as enroll_candidates: a `security invoker` wrapper in `public` (what PostgREST
-- exposes at /rest/v1/rpc/<name>) around a `security definer` function in `private`. Definer
-- rights are needed because the checks look past what the caller may see (the candidate's
-- other enrolments, sends from any sequence, subscriptions), and because users hold no direct
-- write grant on statuses. Every permission check is made for auth.uid() with
-- private.can_enroll — the rule the "manage that enrolment" policy uses.
--
-- Each returns one row per distinct enrolment id, in input order:
--   (enrollment_id, ok, reason, detail)
-- reason is machine-readable (not_found, no_permission, not_draft, not_running, not_paused,
-- cancelled, already_ended, unsubscribed, no_email, frequency_policy, already_enrolled,
-- already_enrolled_hidden, invalid_stage, stage_already_sent, stage_ended, not_in_batch …) and
-- detail is a sentence for the UI. More than 500 ids: error 22023 'too_many'; not signed in:
-- 42501. A refused enrolment is left exactly as it was.

-- The ids of an input array, distinct, in first-seen order. Pure helper.
create function private.distinct_ids(p_ids uuid[]) returns setof uuid
language sql immutable set search_path = '' as $$
  select x from pg_catalog.unnest(p_ids) with ordinality u (x, n)
  where x is not null group by x order by pg_catalog.min(n)
$$;

-- Common guard of every lifecycle RPC: signed in, at most 500 ids. Callers: the RPCs below.
create function private.lifecycle_guard(p_ids uuid[]) returns uuid
language plpgsql stable security definer set search_path = '' as $$
declare v_user uuid := (select auth.uid());
begin
  if v_user is null then
    raise exception 'not_authenticated' using errcode = '42501', detail = 'Sign in to manage enrolments.';
  end if;
  if (select pg_catalog.count(*) from private.distinct_ids(p_ids)) > 500 then
    raise exception 'too_many' using errcode = '22023', detail = 'At most 500 enrolments can be changed at once.';
  end if;
  return v_user;
end $$;

-- The enrolment locked for a change by p_user, or the reason it cannot be touched:
-- not_found (missing, or in a sequence the user cannot see) or no_permission.
create function private.lock_enrollment_for(p_user uuid, p_id uuid, out e public.enrollments, out reason text, out detail text)
language plpgsql volatile security definer set search_path = '' as $$
begin
  select x.* into e from public.enrollments x where x.id = p_id for update;
  if not found or not private.can_view_sequence(p_user, e.sequence_id)
     or e.organization_id is distinct from (select m.organization_id from public.members m where m.user_id = p_user) then
    e := null; reason := 'not_found'; detail := 'No such enrolment, or you cannot see it.';
  elsif not private.can_enroll(p_user, e.sequence_id, e.candidate_id) then
    reason := 'no_permission'; detail := 'You are not allowed to manage this candidate''s enrolment.';
  end if;
end $$;

-- Starts draft enrolments (S3): re-checks, at start, what could have changed since the draft
-- was made — unsubscribed or suppressed, no email, another running sequence, the frequency
-- policy, stages that cannot send — then schedules every stage from now.
create function private.start_enrollments(p_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := private.lifecycle_guard(p_ids);
  v_id uuid;
  v_lock record;
  v_sub public.subscriptions;
  v_other record;
  v_block text;
  v_bad int;
begin
  for v_id in select * from private.distinct_ids(p_ids) loop
    enrollment_id := v_id; ok := false; reason := null; detail := null;
    select * into v_lock from private.lock_enrollment_for(v_user, v_id);
    if v_lock.reason is not null then
      reason := v_lock.reason; detail := v_lock.detail; return next; continue;
    end if;
    if (v_lock.e).status <> 'draft' then
      reason := 'not_draft'; detail := 'Only drafts can be started; this enrolment is ' || (v_lock.e).status || '.';
      return next; continue;
    end if;
    select * into v_sub from public.subscriptions s where s.candidate_id = (v_lock.e).candidate_id;
    if found and (v_sub.suppressed_reason is not null or not v_sub.current_outreach) then
      reason := 'unsubscribed';
      detail := case when v_sub.suppressed_reason is not null
                     then 'Emails to this candidate ' || case v_sub.suppressed_reason when 'bounced' then 'bounced' else 'were marked as spam' end
                          || '; the address is suppressed.'
                     else 'This candidate unsubscribed from outreach.' end;
      return next; continue;
    end if;
    if nullif(pg_catalog.btrim((v_lock.e).to_email), '') is null then
      reason := 'no_email'; detail := 'This candidate has no email address.'; return next; continue;
    end if;
    select e.sequence_id, s.title into v_other
    from public.enrollments e join public.sequences s on s.id = e.sequence_id
    where e.candidate_id = (v_lock.e).candidate_id and e.status in ('running', 'paused') limit 1;
    if found then
      if private.can_view_sequence(v_user, v_other.sequence_id) then
        reason := 'already_enrolled'; detail := 'Already in the sequence "' || v_other.title || '".';
      else
        reason := 'already_enrolled_hidden'; detail := 'Already in another sequence that you cannot see.';
      end if;
      return next; continue;
    end if;
    v_block := private.frequency_policy_block((v_lock.e).candidate_id);
    if v_block is not null then
      reason := 'frequency_policy'; detail := v_block; return next; continue;
    end if;
    select st.position + 1 into v_bad from public.enrollment_stages st
    where st.enrollment_id = v_id
      and ((st.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(st.subject) = '')
           or st.body -> 'content' is null or st.body -> 'content' = '[]'::jsonb)
    order by st.position limit 1;
    if v_bad is not null then
      reason := 'invalid_stage'; detail := 'Stage ' || v_bad || ' has no subject or an empty body.';
      return next; continue;
    end if;
    begin
      -- The status trigger schedules the stages from started_at (private.follow_enrollment_status).
      update public.enrollments e set status = 'running' where e.id = v_id;
    exception when unique_violation then
      reason := 'already_enrolled'; detail := 'Another sequence started for this candidate at the same moment.';
      return next; continue;
    end;
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values ((v_lock.e).organization_id, (v_lock.e).candidate_id, (v_lock.e).sequence_id, v_id, 'sequence_started', '{}', v_user);
    ok := true; return next;
  end loop;
end $$;

-- Pauses running enrolments (S5). Their due stages stay scheduled and are not claimed while
-- paused; a stage already handed to the provider is not recalled.
create function private.pause_enrollments(p_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := private.lifecycle_guard(p_ids);
  v_id uuid;
  v_lock record;
begin
  for v_id in select * from private.distinct_ids(p_ids) loop
    enrollment_id := v_id; ok := false; reason := null; detail := null;
    select * into v_lock from private.lock_enrollment_for(v_user, v_id);
    if v_lock.reason is not null then
      reason := v_lock.reason; detail := v_lock.detail;
    elsif (v_lock.e).status <> 'running' then
      reason := 'not_running'; detail := 'Only running sequences can be paused; this one is ' || (v_lock.e).status || '.';
    else
      update public.enrollments e set status = 'paused', resume_at = null where e.id = v_id;
      ok := true;
    end if;
    return next;
  end loop;
end $$;

-- Moves the unsent stages of a resumed enrolment: when the next one's time has passed it is
-- due now and every later unsent stage moves by the same amount, keeping the original gaps —
-- the rule of shiftAfterPause in src/lib/email/schedule.ts. Callers: resume_enrollments and the
-- engine's sweep (out-of-office resumes), both definer context.
create function private.shift_after_pause(p_enrollment uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare v_shift interval;
begin
  select greatest(interval '0', pg_catalog.now() - pg_catalog.min(s.scheduled_at)) into v_shift
  from public.enrollment_stages s where s.enrollment_id = p_enrollment and s.status = 'scheduled';
  if v_shift > interval '0' then
    update public.enrollment_stages s set scheduled_at = s.scheduled_at + v_shift
    where s.enrollment_id = p_enrollment and s.status = 'scheduled';
  end if;
end $$;

-- Resumes paused enrolments (S5): a stage whose time passed sends at once and later stages keep
-- their gaps. Cancelled (and completed) sequences cannot be resumed.
create function private.resume_enrollments(p_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := private.lifecycle_guard(p_ids);
  v_id uuid;
  v_lock record;
begin
  for v_id in select * from private.distinct_ids(p_ids) loop
    enrollment_id := v_id; ok := false; reason := null; detail := null;
    select * into v_lock from private.lock_enrollment_for(v_user, v_id);
    if v_lock.reason is not null then
      reason := v_lock.reason; detail := v_lock.detail;
    elsif (v_lock.e).status = 'cancelled' then
      reason := 'cancelled'; detail := 'Cancelled sequences cannot be resumed.';
    elsif (v_lock.e).status <> 'paused' then
      reason := 'not_paused'; detail := 'Only paused sequences can be resumed; this one is ' || (v_lock.e).status || '.';
    else
      perform private.shift_after_pause(v_id);
      begin
        update public.enrollments e set status = 'running' where e.id = v_id;
        ok := true;
      exception when unique_violation then
        reason := 'already_enrolled'; detail := 'The candidate is in another running sequence.';
      end;
    end if;
    return next;
  end loop;
end $$;

-- Cancels enrolments (S5): stops their unsent stages (the status trigger ends them with reason
-- `cancelled`); stages already sent, and other scheduled emails, are untouched. Drafts can be
-- cancelled too. The record stays: enrolments are never deleted.
create function private.cancel_enrollments(p_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := private.lifecycle_guard(p_ids);
  v_id uuid;
  v_lock record;
begin
  for v_id in select * from private.distinct_ids(p_ids) loop
    enrollment_id := v_id; ok := false; reason := null; detail := null;
    select * into v_lock from private.lock_enrollment_for(v_user, v_id);
    if v_lock.reason is not null then
      reason := v_lock.reason; detail := v_lock.detail;
    elsif (v_lock.e).status in ('completed', 'cancelled') then
      reason := 'already_ended'; detail := 'This sequence already ended (' || (v_lock.e).status || ').';
    else
      update public.enrollments e set status = 'cancelled', end_reason = 'cancelled' where e.id = v_id;
      insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
      values ((v_lock.e).organization_id, (v_lock.e).candidate_id, (v_lock.e).sequence_id, v_id, 'sequence_cancelled', '{}', v_user);
      ok := true;
    end if;
    return next;
  end loop;
end $$;

-- Applies stage edits to one enrolment the caller may manage. p_edits is a JSON array of
-- {position, subject?, body?, delay_days?, delay_hours?, send_window?, sender_user_id?,
-- thread_mode?, type?}; fields left out keep their value, and an edit equal to the current
-- value is no change. Only stages still `scheduled` change; a running stage whose delay changes
-- is rescheduled from the enrolment's start.
--   p_partial = false (one enrolment, a batch): all or nothing; a change to a stage already
--     sent/claimed/ended fails the enrolment with stage_already_sent / stage_ended.
--   p_partial = true (from the template): stages already sent are left as they are and listed
--     in detail; the rest are applied.
-- Returns (ok, reason, detail). Callers: the three edit RPCs below (definer context).
create function private.apply_stage_edits(p_user uuid, p_id uuid, p_edits jsonb, p_partial boolean,
  out ok boolean, out reason text, out detail text)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_lock record;
  v_edit jsonb;
  v_stage public.enrollment_stages;
  v_new public.enrollment_stages;
  v_tz text;
  v_kept int[] := '{}';
  v_changed int := 0;
  v_pos int;
begin
  ok := false;
  select * into v_lock from private.lock_enrollment_for(p_user, p_id);
  if v_lock.reason is not null then
    reason := v_lock.reason; detail := v_lock.detail; return;
  end if;
  if (v_lock.e).status not in ('draft', 'running', 'paused') then
    reason := 'not_running'; detail := 'This sequence already ended (' || (v_lock.e).status || ').'; return;
  end if;
  if p_edits is null or pg_catalog.jsonb_typeof(p_edits) <> 'array' then
    reason := 'invalid_stage'; detail := 'Edits must be a JSON array of stages.'; return;
  end if;
  select coalesce(c.time_zone, o.time_zone) into v_tz
  from public.candidates c join public.organizations o on o.id = c.organization_id where c.id = (v_lock.e).candidate_id;
  begin
    for v_edit in select * from pg_catalog.jsonb_array_elements(p_edits) loop
      if pg_catalog.jsonb_typeof(v_edit) <> 'object' or pg_catalog.jsonb_typeof(v_edit -> 'position') <> 'number'
         or exists (select 1 from pg_catalog.jsonb_object_keys(v_edit) k
                    where k not in ('position', 'subject', 'body', 'delay_days', 'delay_hours', 'send_window',
                                    'sender_user_id', 'thread_mode', 'type')) then
        raise exception using errcode = 'P0001', message = 'invalid_stage',
          detail = 'Each edit is an object with a position and only stage fields.';
      end if;
      v_pos := (v_edit ->> 'position')::int;
      select * into v_stage from public.enrollment_stages s where s.enrollment_id = p_id and s.position = v_pos for update;
      if not found then
        raise exception using errcode = 'P0001', message = 'invalid_stage', detail = 'There is no stage ' || (v_pos + 1) || '.';
      end if;
      v_new := v_stage;
      if v_edit ? 'subject' then v_new.subject := coalesce(v_edit ->> 'subject', ''); end if;
      if v_edit ? 'body' then v_new.body := v_edit -> 'body'; end if;
      if v_edit ? 'delay_days' then v_new.delay_days := (v_edit ->> 'delay_days')::int; end if;
      if v_edit ? 'delay_hours' then v_new.delay_hours := (v_edit ->> 'delay_hours')::int; end if;
      if v_edit ? 'send_window' then
        v_new.send_window := case when pg_catalog.jsonb_typeof(v_edit -> 'send_window') = 'null' then null else v_edit -> 'send_window' end;
      end if;
      if v_edit ? 'sender_user_id' then v_new.sender_user_id := (v_edit ->> 'sender_user_id')::uuid; end if;
      if v_edit ? 'thread_mode' then v_new.thread_mode := (v_edit ->> 'thread_mode')::public.thread_mode; end if;
      if v_edit ? 'type' then v_new.type := (v_edit ->> 'type')::public.stage_type; end if;
      if (v_new.subject, v_new.body, v_new.delay_days, v_new.delay_hours, v_new.send_window, v_new.sender_user_id,
          v_new.thread_mode, v_new.type)
         is not distinct from (v_stage.subject, v_stage.body, v_stage.delay_days, v_stage.delay_hours, v_stage.send_window,
          v_stage.sender_user_id, v_stage.thread_mode, v_stage.type) then
        continue;
      end if;
      if v_stage.status <> 'scheduled' then
        if p_partial and v_stage.status in ('sent', 'claimed', 'task_open', 'task_done') then
          v_kept := v_kept || (v_pos + 1);
          continue;
        end if;
        raise exception using errcode = 'P0001',
          message = case when v_stage.status in ('sent', 'claimed', 'task_open', 'task_done') then 'stage_already_sent' else 'stage_ended' end,
          detail = 'Stage ' || (v_pos + 1) || case when v_stage.status in ('sent', 'claimed', 'task_open', 'task_done')
                                                   then ' was already sent; sent stages never change.'
                                                   else ' already ended (' || v_stage.status || ').' end;
      end if;
      if (v_new.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(v_new.subject) = '')
         or pg_catalog.jsonb_typeof(v_new.body) <> 'object' or v_new.body -> 'content' is null
         or v_new.body -> 'content' = '[]'::jsonb then
        raise exception using errcode = 'P0001', message = 'invalid_stage',
          detail = 'Stage ' || (v_pos + 1) || ' needs a subject and a body.';
      end if;
      if v_new.sender_user_id is distinct from v_stage.sender_user_id and not exists (
           select 1 from public.members m where m.user_id = v_new.sender_user_id and m.organization_id = (v_lock.e).organization_id) then
        raise exception using errcode = 'P0001', message = 'invalid_stage',
          detail = 'Stage ' || (v_pos + 1) || ': the sender is not a member of your organisation.';
      end if;
      if (v_lock.e).status <> 'draft' and (v_lock.e).started_at is not null
         and (v_new.delay_days, v_new.delay_hours) is distinct from (v_stage.delay_days, v_stage.delay_hours) then
        v_new.scheduled_at := private.stage_due_at((v_lock.e).started_at, v_new.delay_days, v_new.delay_hours, v_tz);
      end if;
      update public.enrollment_stages s set
        subject = v_new.subject, body = v_new.body, delay_days = v_new.delay_days, delay_hours = v_new.delay_hours,
        send_window = v_new.send_window, sender_user_id = v_new.sender_user_id, thread_mode = v_new.thread_mode,
        type = v_new.type, scheduled_at = v_new.scheduled_at
      where s.id = v_stage.id;
      v_changed := v_changed + 1;
    end loop;
  exception
    when sqlstate 'P0001' then
      declare v_msg text; v_det text;
      begin
        get stacked diagnostics v_msg = message_text, v_det = pg_exception_detail;
        reason := v_msg; detail := v_det; return;
      end;
    when invalid_text_representation or numeric_value_out_of_range or check_violation
         or invalid_parameter_value or datatype_mismatch then
      reason := 'invalid_stage'; detail := 'A stage field has an invalid value: ' || sqlerrm; return;
  end;
  ok := true;
  if pg_catalog.cardinality(v_kept) > 0 then
    detail := 'Stage(s) ' || pg_catalog.array_to_string(v_kept, ', ') || ' were already sent and were left unchanged.';
  end if;
end $$;

-- Edits the unsent stages of one enrolment (a draft before start, or a live one), from the
-- recipient detail. All or nothing.
create function private.update_enrollment_draft(p_id uuid, p_stages jsonb)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare v_user uuid := private.lifecycle_guard(array[p_id]);
begin
  enrollment_id := p_id;
  select r.ok, r.reason, r.detail into ok, reason, detail from private.apply_stage_edits(v_user, p_id, p_stages, false) r;
  return next;
end $$;

-- Bulk edit (S5): the same edits for the largest same-batch group of the selected enrolments
-- (ties: the batch created first); selected enrolments of other batches are reported as
-- not_in_batch and left alone. Each enrolment of the group succeeds or fails on its own.
create function private.apply_edits_to_batch(p_ids uuid[], p_edits jsonb)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := private.lifecycle_guard(p_ids);
  v_batch uuid;
  v_id uuid;
  v_batch_of uuid;
begin
  select e.batch_id into v_batch
  from public.enrollments e join public.enrollment_batches b on b.id = e.batch_id
  where e.id in (select * from private.distinct_ids(p_ids)) and private.can_view_sequence(v_user, e.sequence_id)
  group by e.batch_id, b.created_at order by pg_catalog.count(*) desc, b.created_at, e.batch_id limit 1;
  for v_id in select * from private.distinct_ids(p_ids) loop
    enrollment_id := v_id; ok := false; reason := null; detail := null;
    select e.batch_id into v_batch_of from public.enrollments e where e.id = v_id;
    if v_batch is null or v_batch_of is distinct from v_batch then
      if not found or not private.can_view_sequence(v_user, (select e.sequence_id from public.enrollments e where e.id = v_id)) then
        reason := 'not_found'; detail := 'No such enrolment, or you cannot see it.';
      else
        reason := 'not_in_batch'; detail := 'Bulk edits apply to one batch: this enrolment was made in another one.';
      end if;
    else
      select r.ok, r.reason, r.detail into ok, reason, detail from private.apply_stage_edits(v_user, v_id, p_edits, false) r;
    end if;
    return next;
  end loop;
end $$;

-- "Apply edits to active sequences" (S5): copies the template's stages onto the unsent stages
-- of every running or paused enrolment of the sequence. Sent stages stay as they were (listed
-- in detail). The caller must be able to edit the template (else 42501) and is reported
-- no_permission for enrolments they may not manage. This is also what the "save template edits
-- for running enrolments" choice at start calls (S3): the client first saves the template,
-- then calls this. Stages added to or removed from the template are not added to or removed
-- from live enrolments (their schedules were promised at start).
create function private.apply_template_to_running(p_sequence_id uuid)
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
    return next;
  end loop;
end $$;

revoke execute on all functions in schema private from public, anon;
grant execute on function
  private.distinct_ids(uuid[]),
  private.lifecycle_guard(uuid[]),
  private.lock_enrollment_for(uuid, uuid),
  private.start_enrollments(uuid[]),
  private.pause_enrollments(uuid[]),
  private.shift_after_pause(uuid),
  private.resume_enrollments(uuid[]),
  private.cancel_enrollments(uuid[]),
  private.apply_stage_edits(uuid, uuid, jsonb, boolean),
  private.update_enrollment_draft(uuid, jsonb),
  private.apply_edits_to_batch(uuid[], jsonb),
  private.apply_template_to_running(uuid)
to authenticated, service_role;

-- PostgREST entry points (POST /rest/v1/rpc/<name>), signed-in users only.
create function public.start_enrollments(enrollment_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$ select * from private.start_enrollments($1) $$;
create function public.pause_enrollments(enrollment_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$ select * from private.pause_enrollments($1) $$;
create function public.resume_enrollments(enrollment_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$ select * from private.resume_enrollments($1) $$;
create function public.cancel_enrollments(enrollment_ids uuid[])
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$ select * from private.cancel_enrollments($1) $$;
create function public.update_enrollment_draft(enrollment_id uuid, stages jsonb)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$ select * from private.update_enrollment_draft($1, $2) $$;
create function public.apply_edits_to_batch(enrollment_ids uuid[], edits jsonb)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$ select * from private.apply_edits_to_batch($1, $2) $$;
create function public.apply_template_to_running(sequence_id uuid)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$ select * from private.apply_template_to_running($1) $$;

revoke execute on function
  public.start_enrollments(uuid[]), public.pause_enrollments(uuid[]), public.resume_enrollments(uuid[]),
  public.cancel_enrollments(uuid[]), public.update_enrollment_draft(uuid, jsonb),
  public.apply_edits_to_batch(uuid[], jsonb), public.apply_template_to_running(uuid)
from public, anon;
grant execute on function
  public.start_enrollments(uuid[]), public.pause_enrollments(uuid[]), public.resume_enrollments(uuid[]),
  public.cancel_enrollments(uuid[]), public.update_enrollment_draft(uuid, jsonb),
  public.apply_edits_to_batch(uuid[], jsonb), public.apply_template_to_running(uuid)
to authenticated, service_role;
