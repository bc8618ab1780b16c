-- One rule, one home (issue 13 items 1 and 2).
--
-- 1. The zone a stage is scheduled in is SPEC S9's: the recipient's, else the stage's sender's,
--    else the organisation's (the issue's reading: the organisation when neither is set), with
--    unknown zone names skipped. It lives in private.stage_time_zone; the four places that said
--    coalesce(candidate, organisation) ask it now (follow_enrollment_status, enroll_candidates,
--    apply_stage_edits, the out-of-office resume in ingest_inbound_email_matched). The engine's
--    resolveTimeZone (src/lib/email/schedule.ts) is the TypeScript twin, held to it by
--    tests/integration/schedule-parity.test.ts, as are stage_due_at ↔ nominalDueAt,
--    next_in_send_window ↔ nextInstantInWindow and is_no_reply_address ↔ isNoReplyAddress.
-- 2. enrollment_stages.scheduled_at is the real due time: a trigger moves it into the stage's
--    send window whenever it is set (start, resume, edit, shift, deferral), so the claim, the
--    board and "would send at" read one value, and the claim defers a stage whose window closed
--    while it waited instead of handing it to the engine.
-- 3. The no-reply check reads the local part up to the LAST "@" (a quoted local part may hold
--    one; the domain never does), as the TypeScript always did.
-- 4. private.claim_due_stages is split into named steps (section 4).

-- 1. Wall clocks and send windows ---------------------------------------------------------------

-- The instant p_tz's clocks read p_wall, resolved like src/lib/email/schedule.ts fromWallClock:
-- a wall time repeated by a fall-back change is its EARLIER instant; one skipped by a
-- spring-forward change is the moment of the change. (Postgres' own `timestamp at time zone`
-- takes the later instant and moves a skipped time forward by the jump, which the
-- TypeScript does not: tests/integration/schedule-parity.test.ts holds the two together.)
-- Pure; callers: stage_due_at, next_in_send_window.
create function private.wall_clock_instant(p_wall timestamp, p_tz text) returns timestamptz
language plpgsql immutable set search_path = '' as $$
declare
  v_guess timestamptz := p_wall at time zone 'UTC';
  v_before interval := ((v_guess - interval '1 day') at time zone p_tz) - ((v_guess - interval '1 day') at time zone 'UTC');
  v_after interval := ((v_guess + interval '1 day') at time zone p_tz) - ((v_guess + interval '1 day') at time zone 'UTC');
  v_lo timestamptz;
  v_hi timestamptz;
  v_mid timestamptz;
begin
  -- An instant reads p_wall under one of the offsets in force a day either side of it.
  if ((v_guess - greatest(v_before, v_after)) at time zone p_tz) = p_wall then
    return v_guess - greatest(v_before, v_after);
  elsif ((v_guess - least(v_before, v_after)) at time zone p_tz) = p_wall then
    return v_guess - least(v_before, v_after);
  end if;
  -- In a gap: the change lies between the two candidates; find it to the second.
  v_lo := v_guess - greatest(v_before, v_after) - interval '1 hour';
  v_hi := v_guess - least(v_before, v_after) + interval '1 hour';
  while v_hi - v_lo > interval '1 second' loop
    v_mid := v_lo + (v_hi - v_lo) / 2;
    if ((v_mid at time zone p_tz) - (v_mid at time zone 'UTC')) = v_before then v_lo := v_mid; else v_hi := v_mid; end if;
  end loop;
  return pg_catalog.date_trunc('second', v_hi);
end $$;

-- Whether p_window is a send window this schema can apply: {days: [1..7, ≥ 1], start: "HH:MM",
-- end: "HH:MM" (up to 24:00), end after start}. The same rule as sendWindowProblem in
-- src/lib/email/schedule.ts. Pure; callers: next_in_send_window.
create function private.send_window_parts(p_window jsonb, out days integer[], out opens interval, out closes interval)
language plpgsql immutable set search_path = '' as $$
begin
  if pg_catalog.jsonb_typeof(p_window) <> 'object' or pg_catalog.jsonb_typeof(p_window -> 'days') <> 'array'
     or pg_catalog.jsonb_array_length(p_window -> 'days') = 0
     or exists (select 1 from pg_catalog.jsonb_array_elements(p_window -> 'days') d
                where pg_catalog.jsonb_typeof(d) <> 'number' or d::text !~ '^[1-7]$')
     or coalesce(p_window ->> 'start', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
     or coalesce(p_window ->> 'end', '') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' then
    return;
  end if;
  opens := (p_window ->> 'start' || ':00')::interval;
  closes := (p_window ->> 'end' || ':00')::interval;
  if closes <= opens then opens := null; closes := null; return; end if;
  days := array(select d::text::integer from pg_catalog.jsonb_array_elements(p_window -> 'days') d);
end $$;

-- Whether p_at is inside the window's hours on one of its days, on p_tz's clocks. Pure.
create function private.in_send_window(p_at timestamptz, p_days integer[], p_opens interval, p_closes interval, p_tz text)
returns boolean language sql immutable set search_path = '' as $$
  select extract(isodow from (p_at at time zone p_tz))::integer = any (p_days)
     and (p_at at time zone p_tz) - pg_catalog.date_trunc('day', p_at at time zone p_tz) >= p_opens
     and (p_at at time zone p_tz) - pg_catalog.date_trunc('day', p_at at time zone p_tz) < p_closes
$$;

-- The earliest instant at or after p_at inside p_window on p_tz's clocks (p_at itself when it
-- is inside; p_at when there is no valid window). SPEC S9. The SQL home of the rule the
-- editor previews with nextInstantInWindow (src/lib/email/schedule.ts); the parity test runs
-- both on the same cases. Pure; callers: the scheduled_at trigger and the claim.
create function private.next_in_send_window(p_at timestamptz, p_window jsonb, p_tz text)
returns timestamptz language plpgsql immutable set search_path = '' as $$
declare
  w record;
  v_day date;
  v_open timestamptz;
begin
  if p_at is null or p_window is null or pg_catalog.jsonb_typeof(p_window) = 'null' then return p_at; end if;
  w := private.send_window_parts(p_window);
  if w.days is null then return p_at; end if;
  if private.in_send_window(p_at, w.days, w.opens, w.closes, p_tz) then return p_at; end if;
  -- Being inside begins when the clock reaches the window's start on an allowed day (a start
  -- skipped by a spring-forward change: at the change); two weeks always contain one.
  for v_day in select d::date from pg_catalog.generate_series((p_at at time zone p_tz)::date - 1,
                                                              (p_at at time zone p_tz)::date + 15, interval '1 day') d loop
    continue when not (extract(isodow from v_day)::integer = any (w.days));
    v_open := private.wall_clock_instant(v_day + w.opens, p_tz);
    if v_open > p_at and private.in_send_window(v_open, w.days, w.opens, w.closes, p_tz) then return v_open; end if;
    -- The later reading of a repeated start time (fall-back overlap).
    v_open := (v_day + w.opens) at time zone p_tz;
    if v_open > p_at and private.in_send_window(v_open, w.days, w.opens, w.closes, p_tz) then return v_open; end if;
  end loop;
  return p_at;
end $$;

-- 2. Zones ----------------------------------------------------------------------------------------

-- The first of p_zones that names a time zone Postgres knows, else 'UTC'. Twin of
-- resolveTimeZone (src/lib/email/schedule.ts). Pure; callers: stage_time_zone.
create function private.resolve_time_zone(variadic p_zones text[]) returns text
language sql stable set search_path = '' as $$
  select coalesce((select z from pg_catalog.unnest(p_zones) with ordinality u (z, n)
                   where z is not null and private.is_valid_time_zone(z) order by n limit 1), 'UTC')
$$;

-- The zone a stage of p_candidate sent by p_sender is scheduled and windowed in (SPEC S9): the
-- recipient's, else the sender's, else the organisation's. Security definer: it reads the
-- candidate, the sender's profile and the organisation whoever schedules. Callers: the
-- scheduling functions and triggers below, the claim.
create function private.stage_time_zone(p_candidate uuid, p_sender uuid) returns text
language sql stable security definer set search_path = '' as $$
  select private.resolve_time_zone(c.time_zone,
           (select m.time_zone from public.members m where m.user_id = p_sender and m.organization_id = c.organization_id),
           o.time_zone)
  from public.candidates c join public.organizations o on o.id = c.organization_id
  where c.id = p_candidate
$$;

-- When a stage is due ignoring its window: `delay_days` calendar days in tz (same wall-clock
-- time across a DST change), then `delay_hours` elapsed hours. Twin of nominalDueAt
-- (src/lib/email/schedule.ts), now also in how it resolves a wall time that a DST change skips or
-- repeats. Signature unchanged.
create or replace function private.stage_due_at(enrolled_at timestamptz, delay_days integer, delay_hours integer, tz text)
returns timestamptz language sql immutable set search_path = '' as $$
  select case when delay_days = 0 then enrolled_at
              else private.wall_clock_instant((enrolled_at at time zone tz) + pg_catalog.make_interval(days => delay_days), tz)
         end + pg_catalog.make_interval(hours => delay_hours)
$$;

-- The local part is everything before the LAST "@" (a quoted local part may contain one). Twin
-- of isNoReplyAddress (src/lib/email/validate.ts). Signature unchanged.
create or replace function private.is_no_reply_address(p_address text) returns boolean
language sql immutable set search_path = '' as $$
  select pg_catalog.regexp_replace(pg_catalog.lower(pg_catalog.btrim(p_address)), '@[^@]*$', '')
         ~ '(^|[._+-])(no[._-]?reply|do[._-]?not[._-]?reply|mailer[._-]?daemon)($|[._+0-9-])'
$$;

-- 3. The stored due time is the window-adjusted one -----------------------------------------------

-- Trigger (before insert, or update of scheduled_at / send_window / sender_user_id, on
-- enrollment_stages): a scheduled stage's time moves to its send window's next opening in the
-- stage's zone. A stage of a request of unknown outcome (send_key) is re-sent as it was and is
-- never moved. Any role (the scheduling functions are definer; stage_time_zone is definer).
create function private.fit_stage_to_send_window() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.scheduled_at := private.next_in_send_window(new.scheduled_at, new.send_window,
                        private.stage_time_zone(new.candidate_id, new.sender_user_id));
  return new;
end $$;
create trigger enrollment_stages_fit_send_window
  before insert or update of scheduled_at, send_window, sender_user_id on public.enrollment_stages
  for each row when (new.status = 'scheduled' and new.scheduled_at is not null and new.send_window is not null
                     and new.send_key is null)
  execute function private.fit_stage_to_send_window();

-- Start / resume / edit / out-of-office, asking the zone rule (bodies otherwise as before:
-- 20261126000400, 20261129110000, 20261126001100, 20261126001510).
create or replace function private.follow_enrollment_status() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.status = old.status then return null; end if;
  if old.status = 'draft' and new.status = 'running' then
    update public.enrollment_stages s
      set scheduled_at = private.stage_due_at(new.started_at, s.delay_days, s.delay_hours,
                                            private.stage_time_zone(new.candidate_id, s.sender_user_id))
    where s.enrollment_id = new.id and s.status = 'scheduled';
  elsif new.status in ('cancelled', 'completed') then
    update public.enrollment_stages s
      set status = 'cancelled', end_reason = new.end_reason, lease_until = null
    where s.enrollment_id = new.id and s.status in ('scheduled', 'task_open');
  end if;
  return null;
end $$;

create or replace function private.enroll_candidates(
  p_sequence_id uuid, p_candidate_ids uuid[], p_start boolean, p_include_unsubscribe_link boolean)
returns table (candidate_id uuid, enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := (select auth.uid());
  v_level public.access_level;
  v_seq public.sequences;
  v_org public.organizations;
  v_seq_reason text;
  v_seq_detail text;
  v_batch uuid;
  v_cand public.candidates;
  v_sub public.subscriptions;
  v_email text;
  v_other record;
  v_last_sent timestamptz;
  v_enrollment uuid;
  v_missing_jobs text;
  v_hidden_jobs integer;
  v_id uuid;
begin
  if v_user is null then
    raise exception 'not_authenticated' using errcode = '42501', detail = 'Sign in to enrol candidates.';
  end if;
  if (select pg_catalog.count(distinct x) from pg_catalog.unnest(p_candidate_ids) x where x is not null) > 500 then
    raise exception 'too_many' using errcode = '22023',
      detail = 'At most 500 candidates can be enrolled at once.';
  end if;
  select * into v_seq from public.sequences s where s.id = p_sequence_id;
  if not found or not private.can_view_sequence(v_user, v_seq.id) then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such sequence, or you cannot see it.';
  end if;
  select * into v_org from public.organizations o where o.id = v_seq.organization_id;
  v_level := private.effective_access_level(v_user);

  -- Reasons that hold for every candidate of this call.
  if v_seq.access = 'confidential' and v_org.plan not in ('legacy_plus', 'plus', 'enterprise') then
    v_seq_reason := 'confidential_not_allowed';
    v_seq_detail := 'Confidential sequences are not available on your organisation''s plan.';
  elsif v_seq.access = 'confidential' and v_seq.owner_id <> v_user then
    v_seq_reason := 'confidential_not_allowed';
    v_seq_detail := 'Only the creator of a confidential sequence can enrol candidates.';
  elsif v_seq.archived_at is not null then
    v_seq_reason := 'sequence_has_errors';
    v_seq_detail := 'The sequence is archived.';
  elsif not exists (select 1 from public.sequence_stages st where st.sequence_id = v_seq.id) then
    v_seq_reason := 'sequence_has_errors';
    v_seq_detail := 'The sequence has no stages.';
  elsif p_start then
    select 'Stage ' || (st.position + 1) || case
             when st.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(st.subject) = '' then ' has no subject.'
             else ' has an empty body.' end
      into v_seq_detail
    from public.sequence_stages st
    where st.sequence_id = v_seq.id
      and ((st.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(st.subject) = '')
           or st.body = '{"type": "doc", "content": []}'::jsonb or st.body -> 'content' is null)
    order by st.position limit 1;
    if v_seq_detail is not null then v_seq_reason := 'sequence_has_errors'; end if;
  end if;

  for v_id in
    select x from pg_catalog.unnest(p_candidate_ids) with ordinality u (x, n)
    where x is not null group by x order by pg_catalog.min(n)
  loop
    candidate_id := v_id; enrollment_id := null; ok := false; reason := null; detail := null;
    select * into v_cand from public.candidates k where k.id = v_id and k.organization_id = v_seq.organization_id;
    if not found then
      reason := 'not_found'; detail := 'No such candidate in your organisation.';
      return next; continue;
    end if;
    if v_seq_reason is not null then
      reason := v_seq_reason; detail := v_seq_detail;
      return next; continue;
    end if;
    if not private.can_enroll(v_user, v_seq.id, v_id) then
      reason := 'no_permission';
      if v_level is null or v_level < 'elevated' then
        detail := 'Your access level does not allow enrolling candidates.';
      else
        -- Only jobs the caller may see are named (issue 11 item 2); the others are counted.
        with missing as (
          select j.title, j.id in (select private.visible_job_ids()) as visible
          from public.considerations c join public.jobs j on j.id = c.job_id
          where c.candidate_id = v_id and c.archived_at is null
            and not exists (select 1 from public.job_members jm
                            where jm.job_id = c.job_id and jm.user_id = v_user
                              and jm.role in ('hiring_manager', 'admin', 'admin_private')))
        select pg_catalog.string_agg(m.title, ', ' order by m.title) filter (where m.visible),
               pg_catalog.count(*) filter (where not m.visible)
          into v_missing_jobs, v_hidden_jobs
        from missing m;
        detail := 'You need to be hiring manager or higher on every job this candidate is considered for: '
                  || pg_catalog.concat_ws(' and ', v_missing_jobs,
                       case when v_hidden_jobs = 1 then '1 other job you cannot see'
                            when v_hidden_jobs > 1 then v_hidden_jobs || ' other jobs you cannot see' end) || '.';
      end if;
      return next; continue;
    end if;
    select * into v_sub from public.subscriptions s where s.candidate_id = v_id;
    if found and v_sub.suppressed_reason is not null then
      reason := 'unsubscribed';
      detail := case v_sub.suppressed_reason when 'bounced' then 'Emails to this candidate bounced; the address is suppressed.'
                else 'This candidate marked an email as spam; the address is suppressed.' end;
      return next; continue;
    elsif found and not v_sub.current_outreach then
      reason := 'unsubscribed'; detail := 'This candidate unsubscribed from outreach.';
      return next; continue;
    end if;
    v_email := coalesce(nullif(pg_catalog.btrim(v_cand.email), ''),
                        (select e from pg_catalog.unnest(v_cand.alternate_emails) e where pg_catalog.btrim(e) <> '' limit 1));
    if v_email is null then
      reason := 'no_email'; detail := 'This candidate has no email address.';
      return next; continue;
    end if;
    select e.sequence_id, e.status, s.title into v_other
    from public.enrollments e join public.sequences s on s.id = e.sequence_id
    where e.candidate_id = v_id
      and (e.status in ('running', 'paused') or (e.status = 'draft' and e.sequence_id = v_seq.id))
    order by (e.status = 'draft') limit 1;
    if found then
      if private.can_view_sequence(v_user, v_other.sequence_id) then
        reason := 'already_enrolled';
        detail := case when v_other.status = 'draft' then 'A draft enrolment in this sequence already exists.'
                  else 'Already in the sequence "' || v_other.title || '".' end;
      else
        reason := 'already_enrolled_hidden';
        detail := 'Already in another sequence that you cannot see.';
      end if;
      return next; continue;
    end if;
    if v_org.outreach_frequency_days > 0 then
      select pg_catalog.max(st.sent_at) into v_last_sent
      from public.enrollment_stages st where st.candidate_id = v_id and st.status = 'sent';
      -- Day boundaries in the organisation's zone: contacted on day D blocks D .. D+N-1.
      if v_last_sent is not null and (v_last_sent at time zone v_org.time_zone)::date
           > (pg_catalog.now() at time zone v_org.time_zone)::date - v_org.outreach_frequency_days then
        reason := 'frequency_policy';
        detail := 'Contacted on ' || pg_catalog.to_char(v_last_sent at time zone v_org.time_zone, 'YYYY-MM-DD')
                  || '; your organisation allows contact again from '
                  || pg_catalog.to_char((v_last_sent at time zone v_org.time_zone)::date + v_org.outreach_frequency_days, 'YYYY-MM-DD')
                  || '.';
        return next; continue;
      end if;
    end if;

    if v_batch is null then
      insert into public.enrollment_batches (organization_id, sequence_id, created_by)
      values (v_seq.organization_id, v_seq.id, v_user) returning id into v_batch;
    end if;
    begin
      insert into public.enrollments (organization_id, sequence_id, candidate_id, batch_id, enrolled_by, to_email,
                                      status, include_unsubscribe_link, started_at)
      values (v_seq.organization_id, v_seq.id, v_id, v_batch, v_user, v_email,
              case when p_start then 'running' else 'draft' end::public.enrollment_status,
              coalesce(p_include_unsubscribe_link, v_seq.include_unsubscribe_link),
              case when p_start then pg_catalog.now() end)
      returning id into v_enrollment;
    exception when unique_violation then
      -- Another enrolment started for this candidate at the same moment.
      reason := 'already_enrolled'; detail := 'Already in another sequence.';
      return next; continue;
    end;
    insert into public.enrollment_stages (enrollment_id, position, type, delay_days, delay_hours, send_window,
                                          scheduled_at, subject, body, sender_user_id, thread_mode)
    select v_enrollment, st.position, st.type, st.delay_days, st.delay_hours, st.send_window,
           private.stage_due_at(pg_catalog.now(), st.delay_days, st.delay_hours,
             private.stage_time_zone(v_id, coalesce(st.sender_user_id, v_user))),
           st.subject, st.body, coalesce(st.sender_user_id, v_user), st.thread_mode
    from public.sequence_stages st where st.sequence_id = v_seq.id order by st.position;
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_seq.organization_id, v_id, v_seq.id, v_enrollment, 'enrolled',
            pg_catalog.jsonb_build_object('sequence_title', v_seq.title, 'started', p_start), v_user);
    enrollment_id := v_enrollment; ok := true;
    return next;
  end loop;
end $$;

create or replace function private.apply_stage_edits(p_user uuid, p_id uuid, p_edits jsonb, p_partial boolean,
  out ok boolean, out reason text, out detail text)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_lock record;
  v_edit jsonb;
  v_stage public.enrollment_stages;
  v_new public.enrollment_stages;
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
         and (v_new.delay_days, v_new.delay_hours, v_new.sender_user_id, v_new.send_window)
             is distinct from (v_stage.delay_days, v_stage.delay_hours, v_stage.sender_user_id, v_stage.send_window) then
        -- From the nominal time again, so a widened window or another sender's zone can move the
        -- stage earlier too (the scheduled_at trigger applies the window).
        v_new.scheduled_at := private.stage_due_at((v_lock.e).started_at, v_new.delay_days, v_new.delay_hours,
                                private.stage_time_zone((v_lock.e).candidate_id, v_new.sender_user_id));
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

create or replace function private.ingest_inbound_email_matched(p_data jsonb, p_derived jsonb, p_at timestamptz)
returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  v_email_id text := nullif(p_data ->> 'email_id', '');
  v_from text := pg_catalog.lower(nullif(pg_catalog.btrim(p_derived ->> 'from_email'), ''));
  v_enr public.enrollments;
  v_match public.reply_match;
  v_stage_id uuid;
  v_hdr_stage uuid;
  v_hdr_enr uuid;
  v_token text;
  v_mid text;
  v_ord bigint;
  v_org public.organizations;
  v_cand public.candidates;
  v_seq public.sequences;
  v_hidden text;
  v_reply uuid;
  v_ooo jsonb := p_derived -> 'ooo';
  v_tz text;
  v_resume timestamptz;
  v_replied_stage uuid;
  v_replied_pos integer;
  v_outcome text;
  v_pref public.classification_preference;
  v_notify text;
  v_unmatched_org uuid;
  v_orgs uuid[];
begin
  for v_token in select t from pg_catalog.jsonb_array_elements_text(coalesce(p_derived -> 'reply_tokens', '[]')) t loop
    select e.* into v_enr from public.enrollments e
    where pg_catalog.lower(e.reply_token::text) = pg_catalog.lower(v_token) limit 1;
    if found then v_match := 'reply_to_token'; exit; end if;
  end loop;

  -- In-Reply-To first, then References newest first. A header match also names the stage
  -- the candidate answered, which a token match refines when both are present.
  for v_mid, v_ord in
    select x.id, x.ord from (
      select p_derived ->> 'in_reply_to' as id, 0::bigint as ord
      union all
      select r.id, (1000000 - r.n) from pg_catalog.jsonb_array_elements_text(coalesce(p_derived -> 'references', '[]'))
        with ordinality r (id, n)) x
    where x.id is not null and x.id <> ''
    order by x.ord
  loop
    select s.id, s.enrollment_id into v_hdr_stage, v_hdr_enr from public.enrollment_stages s
    where s.message_id in (v_mid, '<' || v_mid || '>')
      and (v_match is null or s.enrollment_id = v_enr.id)
    limit 1;
    if found then
      v_stage_id := v_hdr_stage;
      if v_match is null then
        select e.* into v_enr from public.enrollments e where e.id = v_hdr_enr;
        v_match := case when v_ord = 0 then 'in_reply_to' else 'references' end::public.reply_match;
      end if;
      exit;
    end if;
  end loop;

  if v_match is null then
    select pg_catalog.array_agg(distinct k.organization_id) into v_orgs
    from public.candidates k where v_from is not null and pg_catalog.lower(k.email) = v_from;
    if pg_catalog.cardinality(v_orgs) = 1 then v_unmatched_org := v_orgs[1]; end if;
    insert into public.unmatched_replies (organization_id, to_email, from_email, subject, body_text, headers,
                                          received_at, provider_email_id, message_id)
    values (v_unmatched_org,
            (select pg_catalog.string_agg(t, ', ') from pg_catalog.jsonb_array_elements_text(
               case when pg_catalog.jsonb_typeof(p_data -> 'to') = 'array' then p_data -> 'to' else '[]' end) t),
            v_from, coalesce(p_derived ->> 'subject', ''), coalesce(p_derived ->> 'text', ''),
            coalesce(case when pg_catalog.jsonb_typeof(p_derived -> 'headers') = 'object' then p_derived -> 'headers' end, '{}'),
            p_at, v_email_id, p_derived ->> 'message_id')
    on conflict (provider_email_id) do nothing;
    return pg_catalog.jsonb_build_object('status', 'applied', 'outcome', 'unmatched');
  end if;

  if v_stage_id is null then
    select s.id into v_stage_id from public.enrollment_stages s
    where s.enrollment_id = v_enr.id and s.status = 'sent' order by s.position desc limit 1;
  end if;

  select * into v_org from public.organizations o where o.id = v_enr.organization_id;
  select * into v_cand from public.candidates k where k.id = v_enr.candidate_id;
  select * into v_seq from public.sequences s where s.id = v_enr.sequence_id;

  v_hidden := case
    when v_org.exclude_hired_candidate_emails and v_cand.hired then 'hired'
    when v_org.exclude_confidential_job_candidate_emails and exists (
      select 1 from public.jobs j
      where j.confidential and (j.id = v_seq.job_id or j.id in (
        select c.job_id from public.considerations c where c.candidate_id = v_cand.id and c.archived_at is null)))
      then 'confidential_job'
    when v_org.exclude_internal_candidate_emails and v_cand.internal then 'internal'
  end;
  if v_hidden is not null then
    -- Nothing about the reply is stored: the settings exist so that these emails stay out of
    -- the product. Only the reason is kept, for the sequence page.
    update public.enrollments e
      set last_reply_hidden_reason = v_hidden, last_reply_hidden_at = p_at
    where e.id = v_enr.id and (e.last_reply_hidden_at is null or e.last_reply_hidden_at <= p_at);
    return pg_catalog.jsonb_build_object('status', 'applied', 'outcome', 'hidden', 'reason', v_hidden,
                                         'enrollment_id', v_enr.id);
  end if;

  insert into public.replies (organization_id, candidate_id, enrollment_id, enrollment_stage_id, from_email, subject,
                              body_text, body_display, message_id, received_at, classification,
                              classification_provider, return_date, matched_by, provider_email_id)
  values (v_enr.organization_id, v_enr.candidate_id, v_enr.id, v_stage_id, coalesce(v_from, ''),
          coalesce(p_derived ->> 'subject', ''), coalesce(p_derived ->> 'text', ''),
          coalesce(p_derived ->> 'visible', p_derived ->> 'text', ''), p_derived ->> 'message_id', p_at,
          case when v_ooo is not null then 'out_of_office'::public.reply_classification end,
          case when v_ooo is not null then 'rules' end,
          case when v_ooo is not null then private.try_timestamptz(v_ooo ->> 'return_date')::date end,
          v_match, v_email_id)
  on conflict (provider_email_id) do nothing
  returning id into v_reply;
  if v_reply is null then
    return pg_catalog.jsonb_build_object('status', 'duplicate', 'outcome', 'duplicate');
  end if;

  if v_ooo is not null then
    -- Out-of-office: the sequence pauses and private.resume_due_ooo resumes it at 09:00 in the
    -- candidate's zone (else the replied-to stage's sender's, else the organisation's) on the
    -- resume day. Not counted as a reply in metrics.
    v_tz := private.stage_time_zone(v_cand.id,
              (select s.sender_user_id from public.enrollment_stages s where s.id = v_stage_id));
    v_resume := (coalesce(private.try_timestamptz(v_ooo ->> 'resume_on')::date,
                          (p_at at time zone v_tz)::date + 7)::timestamp + interval '9 hours') at time zone v_tz;
    update public.enrollments e
      set status = 'paused', pause_reason = 'out_of_office', resume_at = v_resume,
          response_status = case when e.response_status = 'none' then 'out_of_office'::public.response_status
                                 else e.response_status end
    where e.id = v_enr.id and e.status = 'running';
    update public.enrollments e
      set resume_at = greatest(e.resume_at, v_resume)
    where e.id = v_enr.id and e.status = 'paused' and e.pause_reason = 'out_of_office';
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_enr.organization_id, v_enr.candidate_id, v_enr.sequence_id, v_enr.id, 'out_of_office_reply',
            pg_catalog.jsonb_build_object('reply_id', v_reply, 'subject', p_derived ->> 'subject',
              'return_date', v_ooo ->> 'return_date', 'resume_at', v_resume), null);
    v_outcome := 'paused';
  else
    if v_stage_id is not null then
      insert into public.email_events (enrollment_stage_id, kind, occurred_at, provider_event_id)
      values (v_stage_id, 'replied', p_at, 'reply:' || v_reply::text)
      on conflict (provider_event_id) do nothing;
    end if;
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_enr.organization_id, v_enr.candidate_id, v_enr.sequence_id, v_enr.id, 'replied',
            pg_catalog.jsonb_build_object('reply_id', v_reply, 'subject', p_derived ->> 'subject',
              'excerpt', pg_catalog.left(coalesce(p_derived ->> 'visible', ''), 280), 'matched_by', v_match), null);
    update public.enrollments e
      set status = case when e.status in ('running', 'paused') then 'completed'::public.enrollment_status else e.status end,
          end_reason = case when e.status in ('running', 'paused') then 'replied' else e.end_reason end,
          pause_reason = case when e.status in ('running', 'paused') then null else e.pause_reason end,
          response_status = case when e.response_status in ('none', 'out_of_office') then 'replied'::public.response_status
                                 else e.response_status end,
          last_reply_hidden_reason = case when e.last_reply_hidden_at is null or e.last_reply_hidden_at <= p_at then null
                                          else e.last_reply_hidden_reason end
    where e.id = v_enr.id;
    -- The lead moves forward to the linked job's Replied stage, never backwards (S2).
    if v_seq.job_id is not null then
      select js.id, js.position into v_replied_stage, v_replied_pos
      from public.job_stages js where js.job_id = v_seq.job_id and js.kind = 'replied';
      if v_replied_stage is not null then
        insert into public.considerations (organization_id, candidate_id, job_id, stage_id)
        values (v_enr.organization_id, v_enr.candidate_id, v_seq.job_id, v_replied_stage)
        on conflict (candidate_id, job_id) do nothing;
        update public.considerations c
          set stage_id = v_replied_stage
        where c.candidate_id = v_enr.candidate_id and c.job_id = v_seq.job_id and c.archived_at is null
          and (c.stage_id is null or (select js.position from public.job_stages js where js.id = c.stage_id) < v_replied_pos);
      end if;
    end if;
    v_outcome := 'stopped';
  end if;

  select m.classification_preference into v_pref from public.members m where m.user_id = v_enr.enrolled_by;
  select coalesce(nullif(m.sender_email, ''), u.email) into v_notify
  from auth.users u left join public.members m on m.user_id = u.id where u.id = v_enr.enrolled_by;
  return pg_catalog.jsonb_build_object(
    'status', 'applied', 'outcome', v_outcome, 'reply_id', v_reply, 'enrollment_id', v_enr.id,
    'sequence_id', v_enr.sequence_id, 'matched_by', v_match,
    -- Classification: the organisation opted in and the initiating user did not opt out.
    'classify', v_outcome = 'stopped' and v_org.reply_classification_enabled and coalesce(v_pref, 'organization_default') <> 'off',
    'notify_email', v_notify,
    'candidate_name', nullif(pg_catalog.btrim(v_cand.first_name || ' ' || v_cand.last_name), ''),
    'candidate_email', v_from);
end $$;

-- 4. The claim, one job per helper ---------------------------------------------------------------
-- private.claim_due_stages (20261129110000_security_hardening.sql) did six jobs in 173 lines.
-- Same behaviour, named steps, plus one change (issue 13 item 2): a due stage whose send window
-- is closed now is moved to the window's next opening inside the claim, without being claimed,
-- so it no longer bounces through the engine with its attempt count undone. The engine keeps
-- its own window check as a guard. The exactly-once design is unchanged: rows are taken with
-- `for update skip locked`, claimed rows hold a lease, and the idempotency key (send_key) of a
-- request of unknown outcome keeps its stages together and re-drives them as they were.
-- All helpers: security definer (they cross organisations), callers: claim_due_stages only.

-- Step 1. The stages this claim takes, at most p_limit, locked: expired leases first (their
-- sender died; the oldest work), then due scheduled stages, fairly across organisations and
-- senders (issue 11, DESIGN "Sending" 6): each (organisation, sender) with something due gets an
-- equal share, oldest first within it, so one tenant's backlog of 50,000 never holds up
-- another's ten; what a share leaves unused goes to the oldest due stages of anyone. Each walk
-- is bounded (enrollment_stages_fair_due_idx, enrollment_stages_due_idx) with skip locked, so
-- parallel claims never meet. Two walks instead of one scan with an OR: with the OR the planner
-- cannot stop at scheduled_at <= now() (2 s with a million scheduled stages).
create function private.claim_pick_due(p_limit integer) returns uuid[]
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_ids uuid[];
  v_orgs uuid[];
  v_senders uuid[];
  v_total int;
begin
  select pg_catalog.array_agg(x.id) into v_ids from (
    select s.id from public.enrollment_stages s
    join public.enrollments e on e.id = s.enrollment_id
    where s.status = 'claimed' and s.lease_until < pg_catalog.now()
      and (e.status not in ('draft', 'paused') or s.send_key is not null)
    order by s.lease_until
    limit p_limit
    for update of s skip locked) x;
  if coalesce(pg_catalog.cardinality(v_ids), 0) < p_limit then
    select pg_catalog.array_agg(k.organization_id), pg_catalog.array_agg(k.sender_user_id) into v_orgs, v_senders
    from (select distinct s.organization_id, s.sender_user_id from public.enrollment_stages s
          where s.status = 'scheduled' and s.scheduled_at <= pg_catalog.now()) k;
    v_total := coalesce(pg_catalog.cardinality(v_orgs), 0);
    if v_total > 1 then
      select coalesce(v_ids, '{}') || coalesce(pg_catalog.array_agg(x.id), '{}') into v_ids
      from unnest(v_orgs, v_senders) k (organization_id, sender_user_id)
      cross join lateral (
        select s.id from public.enrollment_stages s
        join public.enrollments e on e.id = s.enrollment_id
        where s.organization_id = k.organization_id and s.sender_user_id is not distinct from k.sender_user_id
          and s.status = 'scheduled' and s.scheduled_at <= pg_catalog.now()
          and (e.status not in ('draft', 'paused') or s.send_key is not null)
          and not (s.id = any (coalesce(v_ids, '{}')))
        order by s.scheduled_at
        limit greatest(1, (p_limit - coalesce(pg_catalog.cardinality(v_ids), 0)) / v_total)
        for update of s skip locked) x;
    end if;
  end if;
  if coalesce(pg_catalog.cardinality(v_ids), 0) < p_limit then
    select coalesce(v_ids, '{}') || coalesce(pg_catalog.array_agg(x.id), '{}') into v_ids from (
      select s.id from public.enrollment_stages s
      join public.enrollments e on e.id = s.enrollment_id
      where s.status = 'scheduled' and s.scheduled_at <= pg_catalog.now()
        and (e.status not in ('draft', 'paused') or s.send_key is not null)
        and not (s.id = any (coalesce(v_ids, '{}')))
      order by s.scheduled_at
      limit p_limit - coalesce(pg_catalog.cardinality(v_ids), 0)
      for update of s skip locked) x;
  end if;
  return coalesce(v_ids, '{}');
end $$;

-- Step 2. Requests of unknown outcome (a send_key) are taken whole or not at all: their other
-- stages are added when they can be locked now, else the request waits for a later round.
create function private.claim_whole_requests(p_ids uuid[]) returns uuid[]
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_ids uuid[] := p_ids;
  v_key text;
  v_total int;
  v_members uuid[];
begin
  for v_key in select distinct s.send_key from public.enrollment_stages s where s.id = any (p_ids) and s.send_key is not null loop
    select pg_catalog.count(*) into v_total from public.enrollment_stages s
    where s.send_key = v_key and s.status in ('scheduled', 'claimed');
    select pg_catalog.array_agg(y.id) into v_members from (
      select s.id from public.enrollment_stages s
      where s.send_key = v_key and s.status in ('scheduled', 'claimed') and not (s.id = any (v_ids))
      for update skip locked) y;
    if (select pg_catalog.count(*) from public.enrollment_stages s where s.id = any (v_ids) and s.send_key = v_key)
       + coalesce(pg_catalog.cardinality(v_members), 0) = v_total then
      v_ids := v_ids || coalesce(v_members, '{}');
    else
      v_ids := array(select i from pg_catalog.unnest(v_ids) i
                     where i not in (select s.id from public.enrollment_stages s where s.send_key = v_key));
    end if;
  end loop;
  return v_ids;
end $$;

-- Step 3. Due email stages whose send window is closed now move to its next opening (reason
-- outside_send_window) and are not claimed. Their stored time was window-adjusted when it was
-- set, so this catches only a window that closed while the stage waited (a late run, a
-- deferral). Requests of unknown outcome are re-sent as they were, window or not. Returns the
-- stages left to claim.
create function private.claim_defer_outside_window(p_ids uuid[]) returns uuid[]
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_deferred uuid[];
begin
  with moved as (
    update public.enrollment_stages s
      set scheduled_at = x.next_at, deferred_reason = 'outside_send_window', lease_until = null,
          status = 'scheduled'
    from (select s2.id,
                 private.next_in_send_window(pg_catalog.now(), s2.send_window,
                   private.stage_time_zone(s2.candidate_id, s2.sender_user_id)) as next_at
          from public.enrollment_stages s2
          where s2.id = any (p_ids) and s2.send_key is null and s2.type = 'email' and s2.send_window is not null
            and s2.status in ('scheduled', 'claimed')) x
    where s.id = x.id and x.next_at > pg_catalog.now()
    returning s.id)
  select pg_catalog.array_agg(moved.id) into v_deferred from moved;
  if v_deferred is null then return p_ids; end if;
  return array(select i from pg_catalog.unnest(p_ids) i where not (i = any (v_deferred)));
end $$;

-- Step 4. Ineligible stages end with their reason (too many attempts, enrolment ended, replied,
-- suppressed, unsubscribed, frequency policy, no address, sender gone or a no-reply sender). A
-- stage in a request of unknown outcome is not re-judged: it may already be in the candidate's
-- inbox, so it is re-driven as it was.
create function private.claim_end_ineligible(p_ids uuid[]) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_row record;
begin
  for v_row in
    select s.id, s.enrollment_id, s.type, s.attempts, r.reason
    from public.enrollment_stages s
    join public.enrollments e on e.id = s.enrollment_id
    left join public.subscriptions sub on sub.candidate_id = s.candidate_id
    join public.organizations o on o.id = s.organization_id
    left join public.members m on m.user_id = s.sender_user_id and m.organization_id = s.organization_id
    cross join lateral (select case
        when s.attempts > private.max_send_attempts() then 'too_many_attempts'
        when s.send_key is not null then null
        when e.status in ('completed', 'cancelled') then coalesce(e.end_reason, e.status::text)
        when e.response_status in ('replied', 'interested', 'not_interested') then 'replied'
        when sub.suppressed_reason is not null then sub.suppressed_reason::text
        when sub.current_outreach = false then 'unsubscribed'
        -- Re-checked here whatever made the enrolment running (issue 11 item 6): another
        -- enrolment's email within the organisation's frequency window before this one started.
        when o.outreach_frequency_days > 0 and exists (
          select 1 from public.enrollment_stages p
          where p.candidate_id = s.candidate_id and p.status = 'sent' and p.enrollment_id <> s.enrollment_id
            and p.sent_at <= coalesce(e.started_at, pg_catalog.now())
            and (p.sent_at at time zone o.time_zone)::date
                > (coalesce(e.started_at, pg_catalog.now()) at time zone o.time_zone)::date - o.outreach_frequency_days)
          then 'frequency_policy'
        when s.type = 'email' and nullif(pg_catalog.btrim(e.to_email), '') is null then 'no_email'
        when s.type = 'email' and (m.user_id is null or nullif(pg_catalog.btrim(m.sender_email), '') is null) then 'sender_disconnected'
        when s.type = 'email' and private.is_no_reply_address(m.sender_email) then 'invalid_sender'
        when s.type <> 'email' and m.user_id is null then 'sender_disconnected'
      end as reason) r
    where s.id = any (p_ids) and r.reason is not null
  loop
    update public.enrollment_stages s
      set status = case when v_row.reason = 'too_many_attempts' then 'failed' else 'skipped' end::public.enrollment_stage_status,
          end_reason = v_row.reason, lease_until = null
    where s.id = v_row.id;
    perform private.end_enrollment(v_row.enrollment_id,
      case when v_row.reason = 'too_many_attempts' then 'send_failed' else v_row.reason end);
  end loop;
end $$;

-- Step 5. LinkedIn stages become a task for the prompted user; the sequence continues when the
-- task is done.
create function private.claim_open_tasks(p_ids uuid[]) returns void
language sql volatile security definer set search_path = '' as $$
  with due as (
    update public.enrollment_stages s set status = 'task_open', lease_until = null
    where s.id = any (p_ids) and s.status = 'claimed' and s.type <> 'email'
    returning s.id, s.organization_id, s.sequence_id, s.candidate_id, s.sender_user_id, s.scheduled_at)
  insert into public.tasks (enrollment_stage_id, organization_id, sequence_id, candidate_id, assignee_id, status, due_at)
  select due.id, due.organization_id, due.sequence_id, due.candidate_id, due.sender_user_id, 'open', due.scheduled_at from due
  on conflict (enrollment_stage_id) do nothing
$$;

-- Step 6. Per-sender daily cap, counted per day in the sender's (else the organisation's) zone:
-- sent today plus in flight elsewhere. What is over the cap goes back, its attempt undone, to
-- the start of the sender's next day (the scheduled_at trigger then applies the stage's
-- window). Requests of unknown outcome are never deferred.
create function private.claim_defer_over_cap(p_ids uuid[]) returns void
language sql volatile security definer set search_path = '' as $$
  with cand as (
    select s.id, s.sender_user_id,
           pg_catalog.row_number() over (partition by s.sender_user_id order by s.scheduled_at, s.id) as rn
    from public.enrollment_stages s
    where s.id = any (p_ids) and s.status = 'claimed' and s.send_key is null),
  -- Materialised: evaluated once per claim, not once per candidate row.
  caps as materialized (
    select m.user_id, coalesce(m.daily_send_cap, o.daily_send_cap) as cap, coalesce(m.time_zone, o.time_zone) as tz
    from public.members m join public.organizations o on o.id = m.organization_id
    where m.user_id in (select cand.sender_user_id from cand)),
  used as materialized (
    select caps.user_id,
           (select pg_catalog.count(*) from public.enrollment_stages x
            where x.sender_user_id = caps.user_id and x.status = 'sent'
              and x.sent_at >= pg_catalog.date_trunc('day', pg_catalog.now() at time zone caps.tz) at time zone caps.tz)
         + (select pg_catalog.count(*) from public.enrollment_stages x
            where x.sender_user_id = caps.user_id and x.status = 'claimed' and x.lease_until > pg_catalog.now()
              and not (x.id = any (p_ids))) as n
    from caps)
  update public.enrollment_stages s
    set status = 'scheduled', lease_until = null, attempts = s.attempts - 1, deferred_reason = 'daily_cap',
        scheduled_at = (pg_catalog.date_trunc('day', pg_catalog.now() at time zone caps.tz) + interval '1 day') at time zone caps.tz
  from cand join caps on caps.user_id = cand.sender_user_id join used on used.user_id = cand.sender_user_id
  where s.id = cand.id and cand.rn > caps.cap - used.n
$$;

-- Claims up to p_limit due stages for the sending engine (service role, through
-- public.claim_due_stages) and returns what it needs to send the email ones: the steps above in
-- order, then the claimed email stages with their thread. Signature and result unchanged.
create or replace function private.claim_due_stages(p_limit integer, p_lease_seconds integer)
returns table (
  stage_id uuid, enrollment_id uuid, sequence_id uuid, organization_id uuid, candidate_id uuid,
  "position" integer, subject text, body jsonb, thread_mode public.thread_mode, send_window jsonb,
  scheduled_at timestamptz, idempotency_key text, send_key text, attempts integer,
  to_email text, reply_token text, include_unsubscribe_link boolean,
  candidate jsonb, sender jsonb, job_title text, org_time_zone text, sequence_title text,
  thread_subject text, in_reply_to text, "references" text[], batch_id uuid)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_ids uuid[];
begin
  if p_limit is null or p_limit < 1 or p_limit > 5000 then
    raise exception 'p_limit must be between 1 and 5000' using errcode = '22023';
  end if;
  if p_lease_seconds is null or p_lease_seconds < 10 or p_lease_seconds > 3600 then
    raise exception 'p_lease_seconds must be between 10 and 3600' using errcode = '22023';
  end if;

  v_ids := private.claim_pick_due(p_limit);
  if pg_catalog.cardinality(v_ids) = 0 then return; end if;
  v_ids := private.claim_whole_requests(v_ids);
  v_ids := private.claim_defer_outside_window(v_ids);
  if pg_catalog.cardinality(v_ids) = 0 then return; end if;

  update public.enrollment_stages s
    set status = 'claimed', lease_until = pg_catalog.now() + pg_catalog.make_interval(secs => p_lease_seconds),
        attempts = s.attempts + 1
  where s.id = any (v_ids);

  perform private.claim_end_ineligible(v_ids);
  perform private.claim_open_tasks(v_ids);
  perform private.claim_defer_over_cap(v_ids);

  return query
  select s.id, s.enrollment_id, s.sequence_id, s.organization_id, s.candidate_id, s.position, s.subject, s.body,
         s.thread_mode, s.send_window, s.scheduled_at, s.idempotency_key, s.send_key, s.attempts,
         e.to_email, e.reply_token, e.include_unsubscribe_link,
         pg_catalog.jsonb_build_object('first_name', c.first_name, 'last_name', c.last_name, 'company', c.company,
           'title', c.title, 'location', c.location, 'reason_for_outreach', c.reason_for_outreach,
           'custom_fields', c.custom_fields, 'time_zone', c.time_zone),
         pg_catalog.jsonb_build_object('user_id', m.user_id, 'name', coalesce(nullif(m.sender_name, ''), m.display_name),
           'email', m.sender_email, 'title', m.sender_title, 'signature', m.signature,
           'tracking_enabled', m.tracking_enabled, 'time_zone', m.time_zone),
         j.title, o.time_zone, q.title,
         th.root_subject, th.refs[pg_catalog.cardinality(th.refs)], th.refs, e.batch_id
  from public.enrollment_stages s
  join public.enrollments e on e.id = s.enrollment_id
  join public.candidates c on c.id = s.candidate_id
  join public.organizations o on o.id = s.organization_id
  join public.sequences q on q.id = s.sequence_id
  left join public.jobs j on j.id = q.job_id
  left join public.members m on m.user_id = s.sender_user_id
  -- The thread this stage follows up: the sent emails since the last one that started a thread.
  left join lateral (
    select coalesce(pg_catalog.max(p.position) filter (where p.thread_mode = 'new_thread'), pg_catalog.min(p.position)) as root
    from public.enrollment_stages p
    where p.enrollment_id = s.enrollment_id and p.position < s.position and p.status = 'sent' and p.type = 'email'
      and p.message_id is not null) t on s.thread_mode = 'reply'
  left join lateral (
    select pg_catalog.array_agg(p.message_id order by p.position) as refs,
           (pg_catalog.array_agg(p.subject order by p.position))[1] as root_subject
    from public.enrollment_stages p
    where p.enrollment_id = s.enrollment_id and p.position >= t.root and p.position < s.position
      and p.status = 'sent' and p.type = 'email' and p.message_id is not null) th on t.root is not null
  where s.id = any (v_ids) and s.status = 'claimed' and s.type = 'email'
  order by s.scheduled_at, s.id;
end $$;

revoke execute on function private.claim_pick_due(integer), private.claim_whole_requests(uuid[]),
  private.claim_defer_outside_window(uuid[]), private.claim_end_ineligible(uuid[]), private.claim_open_tasks(uuid[]),
  private.claim_defer_over_cap(uuid[]) from public, anon, authenticated;
grant execute on function private.claim_pick_due(integer), private.claim_whole_requests(uuid[]),
  private.claim_defer_outside_window(uuid[]), private.claim_end_ineligible(uuid[]), private.claim_open_tasks(uuid[]),
  private.claim_defer_over_cap(uuid[]) to service_role;


revoke execute on function private.wall_clock_instant(timestamp, text), private.send_window_parts(jsonb),
  private.in_send_window(timestamptz, integer[], interval, interval, text),
  private.next_in_send_window(timestamptz, jsonb, text), private.resolve_time_zone(text[]),
  private.stage_time_zone(uuid, uuid), private.fit_stage_to_send_window() from public, anon;
grant execute on function private.wall_clock_instant(timestamp, text), private.send_window_parts(jsonb),
  private.in_send_window(timestamptz, integer[], interval, interval, text),
  private.next_in_send_window(timestamptz, jsonb, text), private.resolve_time_zone(text[]),
  private.stage_time_zone(uuid, uuid), private.fit_stage_to_send_window() to authenticated, service_role;

-- Stages already scheduled get their window applied once.
update public.enrollment_stages s set scheduled_at = s.scheduled_at
where s.status = 'scheduled' and s.send_window is not null and s.send_key is null;
