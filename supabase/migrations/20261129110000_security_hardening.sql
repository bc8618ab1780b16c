-- Security hardening (issue 11: the holes found by trying to break in). One section per item;
-- the tests are supabase/tests/database/400_hardening.sql (policies, grants, claim re-checks)
-- and tests/integration/hardening-*.test.ts (as the attacking user through supabase-js).
-- Items 3, 5 and 9 (plan, sender verification, daily caps) belong to the settings issue.
--
-- A pattern used below: guards that must stop a direct API write but not the definer RPCs
-- (which made their own checks) are `security invoker` trigger functions testing
-- `current_user in ('authenticated', 'anon')`: PostgREST runs the request as that role, and a
-- definer RPC runs its statements as the function's owner.

-- 1. Custom fields hold scalars of bounded size ------------------------------------------------
-- Tokens render custom fields as text (src/lib/email/tokens.ts); an object or array there is
-- not a value a recipient can read, and a huge one is not a field. At most 100 fields, keys as
-- the token syntax allows (custom.<key>), values string/number/boolean/null, strings up to
-- 2000 characters. Existing rows are not re-validated (NOT VALID): the engine renders an
-- invalid value as missing and fails only that stage (send-due-stages/engine.ts).
-- Callers: the check constraint below, as whichever role writes.
create function private.custom_fields_valid(p_fields jsonb) returns boolean
language sql immutable set search_path = '' as $$
  select pg_catalog.jsonb_typeof(p_fields) = 'object'
     and (select pg_catalog.count(*) from pg_catalog.jsonb_object_keys(p_fields)) <= 100
     and not exists (
       select 1 from pg_catalog.jsonb_each(p_fields) f
       where f.key !~ '^[A-Za-z0-9_][A-Za-z0-9_-]*$' or pg_catalog.length(f.key) > 64
          or pg_catalog.jsonb_typeof(f.value) not in ('string', 'number', 'boolean', 'null')
          or (pg_catalog.jsonb_typeof(f.value) = 'string' and pg_catalog.length(f.value #>> '{}') > 2000))
$$;
revoke execute on function private.custom_fields_valid(jsonb) from public, anon;
grant execute on function private.custom_fields_valid(jsonb) to authenticated, service_role;
alter table public.candidates add constraint candidates_custom_fields_valid
  check (private.custom_fields_valid(custom_fields)) not valid;

-- 2. Refusal reasons name only jobs the caller can see (enroll_candidates) ----------------------
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
  v_tz text;
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
    v_tz := coalesce(v_cand.time_zone, v_org.time_zone);
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
           private.stage_due_at(pg_catalog.now(), st.delay_days, st.delay_hours, v_tz),
           st.subject, st.body, coalesce(st.sender_user_id, v_user), st.thread_mode
    from public.sequence_stages st where st.sequence_id = v_seq.id order by st.position;
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_seq.organization_id, v_id, v_seq.id, v_enrollment, 'enrolled',
            pg_catalog.jsonb_build_object('sequence_title', v_seq.title, 'started', p_start), v_user);
    enrollment_id := v_enrollment; ok := true;
    return next;
  end loop;
end $$;

-- 6. Enrolment state changes go through the RPCs only; the engine re-checks at claim time -------
-- Statuses, responses, schedules and senders of enrolments and their stages change only through
-- the lifecycle RPCs (start/pause/resume/cancel_enrollments, update_enrollment_draft,
-- apply_edits_to_batch, apply_template_to_running, set_response_status), which check the
-- frequency policy, subscriptions, senders and permissions. So signed-in users hold no direct
-- write grant on these tables any more, and the update policies that went with it are gone.
revoke update (status, response_status, response_reason, end_reason, include_unsubscribe_link, to_email, resume_at)
  on public.enrollments from authenticated;
revoke update (subject, body, delay_days, delay_hours, send_window, scheduled_at, sender_user_id, thread_mode)
  on public.enrollment_stages from authenticated;
revoke insert, update, delete, truncate on public.enrollments, public.enrollment_stages from authenticated, anon;
drop policy "Members who may enrol a candidate manage that enrolment" on public.enrollments;
drop policy "Members who may enrol a candidate edit that enrolment's stages" on public.enrollment_stages;

-- claim_due_stages, revised: the frequency policy is re-checked for every stage it claims
-- (reason frequency_policy), next to the existing unsubscribe and suppression checks, and due
-- stages are claimed fairly across organisations and senders (tenant isolation in the send
-- path). Everything else is as in 20261126001200_sending_engine.sql.
create index if not exists enrollment_stages_fair_due_idx
  on public.enrollment_stages (organization_id, sender_user_id, scheduled_at) where status = 'scheduled';
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
  v_orgs uuid[];
  v_senders uuid[];
  v_key text;
  v_members uuid[];
  v_total int;
  v_row record;
begin
  if p_limit is null or p_limit < 1 or p_limit > 5000 then
    raise exception 'p_limit must be between 1 and 5000' using errcode = '22023';
  end if;
  if p_lease_seconds is null or p_lease_seconds < 10 or p_lease_seconds > 3600 then
    raise exception 'p_lease_seconds must be between 10 and 3600' using errcode = '22023';
  end if;

  -- Two bounded index walks instead of one scan with an OR: with the OR the planner cannot
  -- stop at scheduled_at <= now() (a claimed stage may be scheduled at any time), so a claim
  -- that found little walked every scheduled stage (2 s with a million). Expired leases first
  -- (their sender died; they are the oldest work), then the due scheduled stages.
  select pg_catalog.array_agg(x.id) into v_ids from (
    select s.id from public.enrollment_stages s
    join public.enrollments e on e.id = s.enrollment_id
    where s.status = 'claimed' and s.lease_until < pg_catalog.now()
      and (e.status not in ('draft', 'paused') or s.send_key is not null)
    order by s.lease_until
    limit p_limit
    for update of s skip locked) x;
  -- Due scheduled stages, claimed fairly (issue 11, DESIGN "Sending" 6): every organisation and
  -- sender with something due gets an equal share of this claim, oldest first within it, so
  -- one tenant's backlog of 50,000 never holds up another's ten due emails; what a share
  -- leaves unused goes to the oldest due stages of anyone. Each share is one bounded index walk
  -- (enrollment_stages_fair_due_idx) with skip locked, so parallel claims still never meet.
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
  if coalesce(pg_catalog.cardinality(v_ids), 0) = 0 then return; end if;

  -- Complete the requests whose outcome is unknown, or leave them for a later round.
  for v_key in select distinct s.send_key from public.enrollment_stages s where s.id = any (v_ids) and s.send_key is not null loop
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

  update public.enrollment_stages s
    set status = 'claimed', lease_until = pg_catalog.now() + pg_catalog.make_interval(secs => p_lease_seconds),
        attempts = s.attempts + 1
  where s.id = any (v_ids);

  -- Ineligible stages end with their reason. A stage in a request of unknown outcome is not
  -- re-judged: it may already be in the candidate's inbox, so it is re-driven as it was.
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
    where s.id = any (v_ids) and r.reason is not null
  loop
    update public.enrollment_stages s
      set status = case when v_row.reason = 'too_many_attempts' then 'failed' else 'skipped' end::public.enrollment_stage_status,
          end_reason = v_row.reason, lease_until = null
    where s.id = v_row.id;
    if v_row.reason in ('too_many_attempts') then
      perform private.end_enrollment(v_row.enrollment_id, 'send_failed');
    else
      perform private.end_enrollment(v_row.enrollment_id, v_row.reason);
    end if;
  end loop;

  -- LinkedIn stages: a task for the prompted user; the sequence continues when it is done.
  with due as (
    update public.enrollment_stages s set status = 'task_open', lease_until = null
    where s.id = any (v_ids) and s.status = 'claimed' and s.type <> 'email'
    returning s.id, s.organization_id, s.sequence_id, s.candidate_id, s.sender_user_id, s.scheduled_at)
  insert into public.tasks (enrollment_stage_id, organization_id, sequence_id, candidate_id, assignee_id, status, due_at)
  select due.id, due.organization_id, due.sequence_id, due.candidate_id, due.sender_user_id, 'open', due.scheduled_at from due
  on conflict (enrollment_stage_id) do nothing;

  -- Per-sender daily cap, counted per day in the sender's (else the organisation's) zone:
  -- sent today plus in flight elsewhere. Requests of unknown outcome are never deferred.
  with cand as (
    select s.id, s.sender_user_id,
           pg_catalog.row_number() over (partition by s.sender_user_id order by s.scheduled_at, s.id) as rn
    from public.enrollment_stages s
    where s.id = any (v_ids) and s.status = 'claimed' and s.send_key is null),
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
              and not (x.id = any (v_ids))) as n
    from caps)
  update public.enrollment_stages s
    set status = 'scheduled', lease_until = null, attempts = s.attempts - 1, deferred_reason = 'daily_cap',
        scheduled_at = (pg_catalog.date_trunc('day', pg_catalog.now() at time zone caps.tz) + interval '1 day') at time zone caps.tz
  from cand join caps on caps.user_id = cand.sender_user_id join used on used.user_id = cand.sender_user_id
  where s.id = cand.id and cand.rn > caps.cap - used.n;

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

-- 7. Archiving and restoring a consideration needs the job role that allows it ------------------
-- Archiving a candidate on a job (and restoring it) is what the hiring-manager rule of
-- enrolling looks at, so it needs the same right: hiring manager or higher on that job, or
-- admin access. A consideration never moves to another job or candidate through the API.
-- Trigger (before insert or update on considerations), for API roles (see the header).
create function private.guard_consideration_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user not in ('authenticated', 'anon') then return new; end if;
  if tg_op = 'UPDATE' and (new.job_id, new.candidate_id) is distinct from (old.job_id, old.candidate_id) then
    raise exception 'A consideration cannot move to another job or candidate' using errcode = '42501';
  end if;
  if (tg_op = 'INSERT' and new.archived_at is not null)
     or (tg_op = 'UPDATE' and new.archived_at is distinct from old.archived_at) then
    if coalesce((select private.current_access_level()) >= 'admin', false)
       or private.holds_job_role_at_least((select auth.uid()), new.job_id, 'hiring_manager') then
      return new;
    end if;
    raise exception 'Archiving or restoring a candidate on this job needs the hiring manager role or higher on it'
      using errcode = '42501', hint = 'job_role_required';
  end if;
  return new;
end $$;

-- Whether p_user holds p_role or a higher role on p_job. Pure read; callers: triggers.
create function private.holds_job_role_at_least(p_user uuid, p_job uuid, p_role public.job_role) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.job_members jm where jm.job_id = p_job and jm.user_id = p_user and jm.role >= p_role)
$$;
revoke execute on function private.guard_consideration_change(), private.holds_job_role_at_least(uuid, uuid, public.job_role)
  from public, anon;
grant execute on function private.guard_consideration_change(), private.holds_job_role_at_least(uuid, uuid, public.job_role)
  to authenticated, service_role;
create trigger considerations_guard_change before insert or update on public.considerations
  for each row execute function private.guard_consideration_change();

-- 8. A stage's sender is a member of the stage's organisation -----------------------------------
-- For every role: the engine sends as the stage's sender, so a sender from another organisation
-- would send that organisation's identity. Null (the enrolling user) is always fine.
-- Triggers (before insert or update of sender_user_id on sequence_stages and enrollment_stages).
create function private.guard_stage_sender() returns trigger
language plpgsql security definer set search_path = '' as $$
declare v_org uuid;
begin
  if new.sender_user_id is null or (tg_op = 'UPDATE' and new.sender_user_id is not distinct from old.sender_user_id) then
    return new;
  end if;
  if tg_table_name = 'sequence_stages' then
    select q.organization_id into v_org from public.sequences q where q.id = new.sequence_id;
  else
    select e.organization_id into v_org from public.enrollments e where e.id = new.enrollment_id;
  end if;
  if not exists (select 1 from public.members m where m.user_id = new.sender_user_id and m.organization_id = v_org) then
    raise exception 'The sender must be a member of the sequence''s organisation'
      using errcode = '42501', hint = 'sender_not_in_organization';
  end if;
  return new;
end $$;
revoke execute on function private.guard_stage_sender() from public, anon;
grant execute on function private.guard_stage_sender() to authenticated, service_role;
create trigger sequence_stages_guard_sender before insert or update of sender_user_id on public.sequence_stages
  for each row execute function private.guard_stage_sender();
create trigger enrollment_stages_guard_sender before insert or update of sender_user_id on public.enrollment_stages
  for each row execute function private.guard_stage_sender();

-- 10. Bounce and complaint suppressions -------------------------------------------------------
-- A suppression records that the address bounced or the candidate marked mail as spam. Through
-- the API only admins (and organisation admins) may change or lift it; the address owner lifts
-- it by re-subscribing on the unsubscribe page (service role). Every lift, by anyone, leaves an
-- activity `suppression_lifted` naming who did it, so a lifted complaint is always audited.
-- Trigger (before update on subscriptions), for API roles.
create function private.guard_subscription_suppression() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user not in ('authenticated', 'anon') then return new; end if;
  if (new.suppressed_reason, new.suppressed_email, new.suppressed_at)
       is distinct from (old.suppressed_reason, old.suppressed_email, old.suppressed_at)
     and coalesce((select private.current_access_level()) < 'admin', true) then
    raise exception 'Only an admin can change a bounce or spam-complaint suppression'
      using errcode = '42501', hint = 'suppression_admin_only';
  end if;
  return new;
end $$;
-- Trigger (after update on subscriptions), every role: the audit entry of a lifted suppression.
create function private.audit_suppression_lift() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if old.suppressed_reason is not null and new.suppressed_reason is null then
    insert into public.activities (organization_id, candidate_id, kind, data, actor_id)
    values (new.organization_id, new.candidate_id, 'suppression_lifted',
            pg_catalog.jsonb_build_object('reason', old.suppressed_reason, 'email', old.suppressed_email,
                                          'suppressed_at', old.suppressed_at),
            (select auth.uid()));
  end if;
  return null;
end $$;
revoke execute on function private.guard_subscription_suppression(), private.audit_suppression_lift() from public, anon;
grant execute on function private.guard_subscription_suppression(), private.audit_suppression_lift() to authenticated, service_role;
create trigger subscriptions_guard_suppression before update on public.subscriptions
  for each row execute function private.guard_subscription_suppression();
create trigger subscriptions_audit_suppression_lift after update on public.subscriptions
  for each row execute function private.audit_suppression_lift();

-- 11. A sequence links only to a job its editor can see ------------------------------------------
-- The engine moves enrolled candidates into the linked job's pipeline, so linking a job the user
-- cannot see would put candidates into a confidential job's pipeline behind its members' backs.
-- Trigger (before insert or update of job_id on sequences), for API roles.
create function private.guard_sequence_job() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user not in ('authenticated', 'anon') or new.job_id is null
     or (tg_op = 'UPDATE' and new.job_id is not distinct from old.job_id) then
    return new;
  end if;
  if new.job_id not in (select private.visible_job_ids()) then
    raise exception 'A sequence can only be linked to a job you can see' using errcode = '42501', hint = 'job_not_visible';
  end if;
  return new;
end $$;
revoke execute on function private.guard_sequence_job() from public, anon;
grant execute on function private.guard_sequence_job() to authenticated, service_role;
create trigger sequences_guard_job before insert or update of job_id on public.sequences
  for each row execute function private.guard_sequence_job();

-- 13. Reply tokens are not readable through the API; replies from unexpected senders -------------
-- Every column of enrollments but reply_token stays readable (RLS still decides the rows).
-- Realtime's postgres_changes leaves out columns the subscriber may not select.
-- NOTE for later migrations: a column added to enrollments needs its own
-- `grant select (<column>) on public.enrollments to authenticated`.
revoke select on public.enrollments from authenticated, anon;
do $$
declare v_cols text;
begin
  select string_agg(quote_ident(attname), ', ' order by attnum) into v_cols
  from pg_attribute where attrelid = 'public.enrollments'::regclass and attnum > 0 and not attisdropped
    and attname <> 'reply_token';
  execute format('grant select (%s) on public.enrollments to authenticated', v_cols);
end $$;

-- The rule for replies (forwarded replies included): a reply stops (or pauses) a sequence only
-- when it comes from an address the candidate is known by: the enrolment's to_email, the
-- candidate's email or one of their alternate_emails (case-insensitive). Anything else that
-- matches an enrolment by reply token or by In-Reply-To/References (which anyone holding the
-- token or a Message-ID could forge), including a reply forwarded by a colleague or answered
-- from another mailbox, is kept for review in unmatched_replies (review_reason
-- sender_not_candidate, with the enrolment) plus an activity on the candidate, and the
-- sequence goes on. Admins see it; a recruiter who recognises the candidate stops the sequence
-- by hand or adds the address to the candidate's alternate emails, after which replies from it
-- match. The matching itself is unchanged: private.ingest_inbound_email_matched (the function
-- of 20261126001510, renamed) runs inside a subtransaction that is rolled back when the sender
-- is not the candidate's.
alter table public.unmatched_replies
  add column if not exists enrollment_id uuid references public.enrollments (id),
  add column if not exists review_reason text;
create index if not exists unmatched_replies_enrollment_id_idx on public.unmatched_replies (enrollment_id);
alter function private.ingest_inbound_email(jsonb, jsonb, timestamptz) rename to ingest_inbound_email_matched;

-- Whether p_address is one the enrolment's candidate is known by. Pure read; callers: below.
create function private.is_candidate_address(p_enrollment uuid, p_address text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.enrollments e join public.candidates c on c.id = e.candidate_id
    where e.id = p_enrollment
      and pg_catalog.lower(pg_catalog.btrim(p_address)) in (
        select pg_catalog.lower(pg_catalog.btrim(a))
        from pg_catalog.unnest(array[e.to_email, c.email] || c.alternate_emails) a where a is not null))
$$;

-- Applies an inbound email (same contract as before, see 20261126001510), with the sender rule
-- above: outcome 'review' when the matched enrolment's candidate does not own the sender's
-- address. Callers: private.ingest_resend_event.
create function private.ingest_inbound_email(p_data jsonb, p_derived jsonb, p_at timestamptz)
returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  v_from text := pg_catalog.lower(nullif(pg_catalog.btrim(p_derived ->> 'from_email'), ''));
  v_result jsonb;
  v_enr public.enrollments;
begin
  begin
    v_result := private.ingest_inbound_email_matched(p_data, p_derived, p_at);
    if v_result ->> 'outcome' in ('stopped', 'paused', 'hidden')
       and not private.is_candidate_address((v_result ->> 'enrollment_id')::uuid, v_from) then
      raise exception using errcode = 'IR001', message = v_result ->> 'enrollment_id';
    end if;
    return v_result;
  exception when sqlstate 'IR001' then
    -- Rolled back: nothing of the reply was applied.
    select e.* into v_enr from public.enrollments e where e.id = sqlerrm::uuid;
  end;
  insert into public.unmatched_replies (organization_id, to_email, from_email, subject, body_text, headers,
                                        received_at, provider_email_id, message_id, enrollment_id, review_reason)
  values (v_enr.organization_id,
          (select pg_catalog.string_agg(t, ', ') from pg_catalog.jsonb_array_elements_text(
             case when pg_catalog.jsonb_typeof(p_data -> 'to') = 'array' then p_data -> 'to' else '[]' end) t),
          v_from, coalesce(p_derived ->> 'subject', ''), coalesce(p_derived ->> 'text', ''),
          coalesce(case when pg_catalog.jsonb_typeof(p_derived -> 'headers') = 'object' then p_derived -> 'headers' end, '{}'),
          p_at, nullif(p_data ->> 'email_id', ''), p_derived ->> 'message_id', v_enr.id, 'sender_not_candidate')
  on conflict (provider_email_id) do nothing;
  if found then
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_enr.organization_id, v_enr.candidate_id, v_enr.sequence_id, v_enr.id, 'reply_from_unknown_sender',
            pg_catalog.jsonb_build_object('from_email', v_from, 'subject', p_derived ->> 'subject'), null);
  end if;
  return pg_catalog.jsonb_build_object('status', 'applied', 'outcome', 'review', 'enrollment_id', v_enr.id,
                                       'reason', 'sender_not_candidate');
end $$;
revoke execute on function private.ingest_inbound_email(jsonb, jsonb, timestamptz),
  private.ingest_inbound_email_matched(jsonb, jsonb, timestamptz), private.is_candidate_address(uuid, text)
  from public, anon, authenticated;
grant execute on function private.ingest_inbound_email(jsonb, jsonb, timestamptz),
  private.ingest_inbound_email_matched(jsonb, jsonb, timestamptz), private.is_candidate_address(uuid, text)
  to service_role;

-- 14. Definer helpers only definer code calls, and pg_net -------------------------------------------
-- These act for a caller-supplied user id and are called only from the lifecycle RPCs and the
-- engine (which run as the owner), so no API role needs them.
revoke execute on function private.lock_enrollment_for(uuid, uuid), private.apply_stage_edits(uuid, uuid, jsonb, boolean),
  private.shift_after_pause(uuid) from public, anon, authenticated;
grant execute on function private.lock_enrollment_for(uuid, uuid), private.apply_stage_edits(uuid, uuid, jsonb, boolean),
  private.shift_after_pause(uuid) to service_role;
-- Helpers only definer code calls, found by the same review (every definer function's grants).
do $$
declare f regprocedure;
begin
  for f in select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'private' and p.proname in ('frequency_policy_block', 'archive_not_interested')
  loop
    execute format('revoke execute on function %s from public, anon, authenticated', f);
    execute format('grant execute on function %s to service_role', f);
  end loop;
end $$;
-- pg_net: only the cron job (as postgres) makes HTTP requests from the database. Hosted Supabase
-- grants net.http_* to the API roles by default; the local stand-in mirrors it.
do $$
declare f regprocedure;
begin
  for f in select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'net'
  loop
    execute format('revoke execute on function %s from public, anon, authenticated', f);
  end loop;
end $$;

-- 15. The creator sees a new sequence in the statement that creates it -----------------------------
-- INSERT … RETURNING (PostgREST's return=representation) checks the select policy against the
-- new row, and private.visible_sequence_ids() reads the table as of the statement's start, so
-- it cannot see that row. The creator always sees their sequence, so say it directly.
drop policy "Members see the sequences their access allows" on public.sequences;
create policy "Members see the sequences their access allows" on public.sequences
  for select to authenticated
  using (organization_id = (select private.current_org_id())
         and (owner_id = (select auth.uid()) or id in (select private.visible_sequence_ids())));
