-- The sending engine's side in the database (S4, DESIGN "Sending"): claiming due stages with
-- `for update skip locked` and a lease, ending ineligible ones with a recorded reason, LinkedIn
-- tasks, per-sender daily caps, and recording each outcome (sent, failed, deferred). Called
-- by the send-due-stages edge function with the service role only: every function here is
-- revoked from anon and authenticated, except complete_task, which assignees call.
--
-- Exactly-once: a stage's request to the provider carries an Idempotency-Key (the stage's own
-- idempotency_key, or for a batch a key derived from its stage ids) that is stored in
-- send_key BEFORE the call (mark_stages_sending). If the function dies, or the call times out,
-- the lease expires and the stage is claimed again together with every stage of that request;
-- the function re-sends the identical request with the same key and the provider answers with
-- the original result instead of sending again.

-- The stages that failed permanently after this many claims end as `failed` (too_many_attempts).
create function private.max_send_attempts() returns integer language sql immutable set search_path = '' as $$ select 10 $$;

-- Ends an enrolment because of something about the candidate or sender discovered at send
-- time (replied, unsubscribed, bounced, no_email, sender_disconnected …); the status trigger
-- ends its other unsent stages with the same reason. Callers: engine functions below.
create function private.end_enrollment(p_enrollment uuid, p_reason text) returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  update public.enrollments e
    set status = case when p_reason = 'replied' then 'completed' else 'cancelled' end::public.enrollment_status,
        end_reason = p_reason
  where e.id = p_enrollment and e.status in ('running', 'paused');
end $$;

-- When nothing is left to send, a running enrolment completes without reply (S8 "Completed –
-- no reply"); with a linked job and auto_archive_after_days, the lead is archived in that job
-- so many days later (private.sweep_sending). Callers: engine functions below.
create function private.complete_if_done(p_enrollment uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  if exists (select 1 from public.enrollment_stages s
             where s.enrollment_id = p_enrollment and s.status in ('scheduled', 'claimed', 'task_open')) then
    return;
  end if;
  update public.enrollments e
    set status = 'completed', end_reason = 'no_reply',
        auto_archive_at = case when q.job_id is not null and q.auto_archive_after_days is not null and e.response_status = 'none'
                               then pg_catalog.now() + pg_catalog.make_interval(days => q.auto_archive_after_days) end
  from public.sequences q
  where e.id = p_enrollment and q.id = e.sequence_id and e.status = 'running';
end $$;

-- Claims up to p_limit due stages for p_lease_seconds: scheduled stages whose time has come,
-- and claimed stages whose lease expired (their sender died). Stages of draft or paused
-- enrolments are not due. A stage that was part of a provider request with an unknown outcome
-- is claimed only together with every other stage of that request (or not at all this time).
-- Before returning, it ends ineligible stages with their reason (enrolment ended, replied,
-- unsubscribed, bounced/complained, no_email, sender_disconnected, invalid_sender,
-- too_many_attempts), turns due LinkedIn stages into open tasks, and defers stages over their
-- sender's daily cap to the next day (deferred_reason daily_cap). Returns the email stages
-- to send now, with everything needed to render and send them, and the enrolment batch the
-- stage's enrolment was started in (the engine paces recipients queued together, S4).
-- Service role only.
create function private.claim_due_stages(p_limit integer, p_lease_seconds integer)
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
  if coalesce(pg_catalog.cardinality(v_ids), 0) < p_limit then
    select coalesce(v_ids, '{}') || coalesce(pg_catalog.array_agg(x.id), '{}') into v_ids from (
      select s.id from public.enrollment_stages s
      join public.enrollments e on e.id = s.enrollment_id
      where s.status = 'scheduled' and s.scheduled_at <= pg_catalog.now()
        and (e.status not in ('draft', 'paused') or s.send_key is not null)
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
    left join public.members m on m.user_id = s.sender_user_id and m.organization_id = s.organization_id
    cross join lateral (select case
        when s.attempts > private.max_send_attempts() then 'too_many_attempts'
        when s.send_key is not null then null
        when e.status in ('completed', 'cancelled') then coalesce(e.end_reason, e.status::text)
        when e.response_status in ('replied', 'interested', 'not_interested') then 'replied'
        when sub.suppressed_reason is not null then sub.suppressed_reason::text
        when sub.current_outreach = false then 'unsubscribed'
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

-- Stores the Idempotency-Key of the provider request about to be made for these stages, before
-- the call, and returns the stages still claimed by this lease holder (a stage whose lease
-- lapsed and was taken over is left out, so it is not sent twice in parallel under two keys).
-- p_replace_key: the key of a request the provider refused outright (nothing was sent under
-- it), which may be replaced — used when a refused batch is retried one email at a time.
-- Service role only.
create function private.mark_stages_sending(p_stage_ids uuid[], p_send_key text, p_replace_key text default null)
returns setof uuid
language sql volatile security definer set search_path = '' as $$
  update public.enrollment_stages s set send_key = p_send_key
  where s.id = any (p_stage_ids) and s.status = 'claimed' and s.lease_until > pg_catalog.now()
    and (s.send_key is null or s.send_key = p_send_key or s.send_key = p_replace_key)
  returning s.id
$$;

-- Records accepted sends: p_results is a JSON array of {stage_id, provider_message_id,
-- message_id}. Idempotent: a stage already recorded (by a parallel invocation that re-drove the
-- same request) is left as it is. On the first email of an enrolment in a sequence linked to a
-- job, the lead moves to the job's Reached Out stage (the consideration is created when
-- missing; an archived one, or one further along, is left alone). Returns how many stages this
-- call recorded. Service role only.
create function private.record_stages_sent(p_results jsonb) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_ids uuid[];
  v_enrollments uuid[];
  v_enrollment uuid;
begin
  if pg_catalog.jsonb_typeof(p_results) is distinct from 'array' then
    raise exception 'p_results must be a JSON array' using errcode = '22023';
  end if;
  with r as (
    select (x ->> 'stage_id')::uuid as stage_id, x ->> 'provider_message_id' as provider_message_id, x ->> 'message_id' as message_id
    from pg_catalog.jsonb_array_elements(p_results) x),
  upd as (
    update public.enrollment_stages s
      set status = 'sent', sent_at = pg_catalog.now(), lease_until = null, send_key = null, deferred_reason = null,
          provider_message_id = r.provider_message_id, message_id = r.message_id
    from r where s.id = r.stage_id and s.status = 'claimed'
    returning s.id, s.enrollment_id)
  select pg_catalog.array_agg(upd.id), pg_catalog.array_agg(distinct upd.enrollment_id) into v_ids, v_enrollments from upd;
  if v_ids is null then return 0; end if;

  -- Reached Out (S2): the first email of an enrolment.
  with firsts as (
    select f.id as enrollment_id from pg_catalog.unnest(v_enrollments) f (id)
    where not exists (select 1 from public.enrollment_stages p
                      where p.enrollment_id = f.id and p.status = 'sent' and p.type = 'email' and not (p.id = any (v_ids)))),
  targets as (
    select e.organization_id, e.candidate_id, q.job_id, js.id as stage_id, js.position
    from firsts f join public.enrollments e on e.id = f.enrollment_id
    join public.sequences q on q.id = e.sequence_id
    join public.job_stages js on js.job_id = q.job_id and js.kind = 'reached_out'
    where q.job_id is not null),
  ins as (
    insert into public.considerations (organization_id, candidate_id, job_id, stage_id)
    select t.organization_id, t.candidate_id, t.job_id, t.stage_id from targets t
    on conflict (candidate_id, job_id) do nothing
    returning id)
  update public.considerations c set stage_id = t.stage_id
  from targets t
  where c.candidate_id = t.candidate_id and c.job_id = t.job_id and c.archived_at is null
    and c.stage_id is distinct from t.stage_id
    and coalesce((select js.position from public.job_stages js where js.id = c.stage_id), -1) < t.position;

  foreach v_enrollment in array v_enrollments loop
    perform private.complete_if_done(v_enrollment);
  end loop;
  return pg_catalog.cardinality(v_ids);
end $$;

-- A send that did not happen. With p_retry_at the stage goes back to `scheduled` at that time
-- (transient: rate limit, provider error, timeout), keeping its idempotency key; with
-- p_outcome_unknown (timeout, lost connection) its send_key is kept too, so the retry re-sends
-- the identical request. Without p_retry_at it fails permanently and the enrolment ends with
-- reason send_failed. Only stages still `claimed` change. Returns how many did. Service role only.
create function private.record_stages_failed(p_stage_ids uuid[], p_reason text, p_retry_at timestamptz default null,
  p_outcome_unknown boolean default false) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_count int;
  v_row record;
begin
  if p_reason is null or pg_catalog.btrim(p_reason) = '' then
    raise exception 'a reason is required' using errcode = '22023';
  end if;
  if p_retry_at is not null then
    update public.enrollment_stages s
      set status = 'scheduled', scheduled_at = p_retry_at, lease_until = null, deferred_reason = p_reason,
          send_key = case when p_outcome_unknown then s.send_key end
    where s.id = any (p_stage_ids) and s.status = 'claimed';
    get diagnostics v_count = row_count;
    return v_count;
  end if;
  v_count := 0;
  for v_row in
    update public.enrollment_stages s set status = 'failed', end_reason = p_reason, lease_until = null, send_key = null
    where s.id = any (p_stage_ids) and s.status = 'claimed'
    returning s.enrollment_id
  loop
    v_count := v_count + 1;
    perform private.end_enrollment(v_row.enrollment_id, 'send_failed');
  end loop;
  return v_count;
end $$;

-- Defers claimed stages that were never sent to p_at (outside_send_window, daily_cap, …); the
-- claim is not counted as an attempt. Service role only.
create function private.reschedule_stages(p_stage_ids uuid[], p_at timestamptz, p_reason text) returns integer
language plpgsql volatile security definer set search_path = '' as $$
declare v_count int;
begin
  if p_at is null or p_reason is null then
    raise exception 'a time and a reason are required' using errcode = '22023';
  end if;
  update public.enrollment_stages s
    set status = 'scheduled', scheduled_at = p_at, lease_until = null, deferred_reason = p_reason,
        attempts = greatest(s.attempts - 1, 0)
  where s.id = any (p_stage_ids) and s.status = 'claimed' and s.send_key is null;
  get diagnostics v_count = row_count;
  return v_count;
end $$;

-- Housekeeping the sending function runs each invocation: resumes out-of-office pauses whose
-- resume_at has come (private.resume_due_ooo, 20261126001530, also run by its own cron job;
-- both skip each other's locked rows), and archives never-replying leads in the linked job
-- once auto_archive_at has come (reason no_reply). Returns counts as JSON. Service role only.
create function private.sweep_sending() returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_id uuid;
  v_resumed int := private.resume_due_ooo();
  v_archived int := 0;
begin
  for v_id in select e.id from public.enrollments e
              where e.auto_archive_at is not null and e.auto_archive_at <= pg_catalog.now()
              for update skip locked loop
    update public.considerations c set archived_at = pg_catalog.now(), archive_reason = 'no_reply'
    from public.enrollments e join public.sequences q on q.id = e.sequence_id
    where e.id = v_id and e.response_status = 'none' and c.candidate_id = e.candidate_id and c.job_id = q.job_id
      and c.archived_at is null;
    if found then v_archived := v_archived + 1; end if;
    update public.enrollments e set auto_archive_at = null where e.id = v_id;
  end loop;
  return pg_catalog.jsonb_build_object('resumed', v_resumed, 'archived', v_archived);
end $$;

-- Marks a LinkedIn task done (`sent`) or skipped (`skipped`) and lets the sequence continue
-- (S4). Callers: signed-in users, for their own open tasks (others: 42501; unknown: PT404).
-- Returns the task's new status.
create function private.complete_task(p_task_id uuid, p_outcome text) returns public.task_status
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_task public.tasks;
  v_status public.task_status;
  v_enrollment uuid;
begin
  if p_outcome is null or p_outcome not in ('sent', 'skipped') then
    raise exception 'invalid_outcome' using errcode = '22023', detail = 'The outcome must be sent or skipped.';
  end if;
  select t.* into v_task from public.tasks t where t.id = p_task_id for update;
  if not found or v_task.organization_id is distinct from private.current_org_id() then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such task.';
  end if;
  if v_task.assignee_id is distinct from (select auth.uid()) then
    raise exception 'no_permission' using errcode = '42501', detail = 'Only the assignee completes a task.';
  end if;
  if v_task.status <> 'open' then
    raise exception 'task_closed' using errcode = '22023', detail = 'This task is already ' || v_task.status || '.';
  end if;
  v_status := case p_outcome when 'sent' then 'done' else 'skipped' end;
  update public.tasks t set status = v_status, completed_at = pg_catalog.now() where t.id = p_task_id;
  update public.enrollment_stages s
    set status = case p_outcome when 'sent' then 'task_done' else 'skipped' end::public.enrollment_stage_status,
        end_reason = case p_outcome when 'skipped' then 'task_skipped' end,
        sent_at = case p_outcome when 'sent' then pg_catalog.now() end
  where s.id = v_task.enrollment_stage_id and s.status = 'task_open'
  returning s.enrollment_id into v_enrollment;
  if v_enrollment is not null then perform private.complete_if_done(v_enrollment); end if;
  return v_status;
end $$;

revoke execute on function
  private.max_send_attempts(), private.end_enrollment(uuid, text), private.complete_if_done(uuid),
  private.claim_due_stages(integer, integer), private.mark_stages_sending(uuid[], text, text),
  private.record_stages_sent(jsonb), private.record_stages_failed(uuid[], text, timestamptz, boolean),
  private.reschedule_stages(uuid[], timestamptz, text), private.sweep_sending(), private.complete_task(uuid, text)
from public, anon, authenticated;
grant execute on function
  private.max_send_attempts(), private.end_enrollment(uuid, text), private.complete_if_done(uuid),
  private.claim_due_stages(integer, integer), private.mark_stages_sending(uuid[], text, text),
  private.record_stages_sent(jsonb), private.record_stages_failed(uuid[], text, timestamptz, boolean),
  private.reschedule_stages(uuid[], timestamptz, text), private.sweep_sending()
to service_role;
grant execute on function private.complete_task(uuid, text) to authenticated, service_role;

-- PostgREST entry points for the send-due-stages function (service role only).
create function public.claim_due_stages(p_limit integer default 100, p_lease_seconds integer default 120)
returns table (
  stage_id uuid, enrollment_id uuid, sequence_id uuid, organization_id uuid, candidate_id uuid,
  "position" integer, subject text, body jsonb, thread_mode public.thread_mode, send_window jsonb,
  scheduled_at timestamptz, idempotency_key text, send_key text, attempts integer,
  to_email text, reply_token text, include_unsubscribe_link boolean,
  candidate jsonb, sender jsonb, job_title text, org_time_zone text, sequence_title text,
  thread_subject text, in_reply_to text, "references" text[], batch_id uuid)
language sql volatile security invoker set search_path = '' as $$ select * from private.claim_due_stages($1, $2) $$;

create function public.mark_stages_sending(stage_ids uuid[], send_key text, replace_key text default null) returns setof uuid
language sql volatile security invoker set search_path = '' as $$ select * from private.mark_stages_sending($1, $2, $3) $$;

create function public.record_stages_sent(results jsonb) returns integer
language sql volatile security invoker set search_path = '' as $$ select private.record_stages_sent($1) $$;

-- One stage's accepted send; see record_stages_sent.
create function public.record_stage_sent(stage_id uuid, provider_message_id text, message_id text) returns boolean
language sql volatile security invoker set search_path = '' as $$
  select private.record_stages_sent(pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'stage_id', $1, 'provider_message_id', $2, 'message_id', $3))) = 1
$$;

create function public.record_stages_failed(stage_ids uuid[], reason text, retry_at timestamptz default null,
  outcome_unknown boolean default false) returns integer
language sql volatile security invoker set search_path = '' as $$ select private.record_stages_failed($1, $2, $3, $4) $$;

-- One stage's failed send; see record_stages_failed.
create function public.record_stage_failed(stage_id uuid, reason text, retry_at timestamptz default null) returns boolean
language sql volatile security invoker set search_path = '' as $$ select private.record_stages_failed(array[$1], $2, $3, false) = 1 $$;

create function public.reschedule_stages(stage_ids uuid[], at timestamptz, reason text) returns integer
language sql volatile security invoker set search_path = '' as $$ select private.reschedule_stages($1, $2, $3) $$;

-- One stage deferred (outside its send window …); see reschedule_stages.
create function public.reschedule_stage(stage_id uuid, at timestamptz, reason text) returns boolean
language sql volatile security invoker set search_path = '' as $$ select private.reschedule_stages(array[$1], $2, $3) = 1 $$;

create function public.sweep_sending() returns jsonb
language sql volatile security invoker set search_path = '' as $$ select private.sweep_sending() $$;

-- POST /rest/v1/rpc/complete_task {task_id, outcome: 'sent' | 'skipped'}: signed-in assignees.
create function public.complete_task(task_id uuid, outcome text) returns public.task_status
language sql volatile security invoker set search_path = '' as $$ select private.complete_task($1, $2) $$;

revoke execute on function
  public.claim_due_stages(integer, integer), public.mark_stages_sending(uuid[], text, text), public.record_stages_sent(jsonb),
  public.record_stage_sent(uuid, text, text), public.record_stages_failed(uuid[], text, timestamptz, boolean),
  public.record_stage_failed(uuid, text, timestamptz), public.reschedule_stages(uuid[], timestamptz, text),
  public.reschedule_stage(uuid, timestamptz, text), public.sweep_sending()
from public, anon, authenticated;
grant execute on function
  public.claim_due_stages(integer, integer), public.mark_stages_sending(uuid[], text, text), public.record_stages_sent(jsonb),
  public.record_stage_sent(uuid, text, text), public.record_stages_failed(uuid[], text, timestamptz, boolean),
  public.record_stage_failed(uuid, text, timestamptz), public.reschedule_stages(uuid[], timestamptz, text),
  public.reschedule_stage(uuid, timestamptz, text), public.sweep_sending()
to service_role;
revoke execute on function public.complete_task(uuid, text) from public, anon;
grant execute on function public.complete_task(uuid, text) to authenticated, service_role;
