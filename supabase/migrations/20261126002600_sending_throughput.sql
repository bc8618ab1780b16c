-- The claim of the sending engine (20261126001200_sending_engine.sql), revised for issue 6's
-- throughput target:
-- 1. It also returns each stage's enrolment batch, so send-due-stages applies S4's rule per
--    group of recipients queued together: more than 10 recipients of one enrolment batch go
--    out in batches of 10 with an incremental delay, while one provider request carries up to
--    SEND_BATCH_SIZE emails drawn from several batches and individual enrolments (planner.ts).
-- 2. Its locking select no longer scans every scheduled stage when little is due: expired
--    leases and due scheduled stages are found by two bounded index walks (the claim that
--    ends every drain, and every cron run with nothing due, took 2 s with a million scheduled
--    stages; now well under a millisecond). Expired leases get an index of their own.
-- What is claimed, and the leases, skip locked and eligibility rules, are unchanged. A new
-- result type needs drop + create; the grants are restored below.

create index enrollment_stages_lease_idx on public.enrollment_stages (lease_until) where status = 'claimed';

drop function public.claim_due_stages(integer, integer);
drop function private.claim_due_stages(integer, integer);

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

-- PostgREST entry point for the send-due-stages function (service role only).
create function public.claim_due_stages(p_limit integer default 100, p_lease_seconds integer default 120)
returns table (
  stage_id uuid, enrollment_id uuid, sequence_id uuid, organization_id uuid, candidate_id uuid,
  "position" integer, subject text, body jsonb, thread_mode public.thread_mode, send_window jsonb,
  scheduled_at timestamptz, idempotency_key text, send_key text, attempts integer,
  to_email text, reply_token text, include_unsubscribe_link boolean,
  candidate jsonb, sender jsonb, job_title text, org_time_zone text, sequence_title text,
  thread_subject text, in_reply_to text, "references" text[], batch_id uuid)
language sql volatile security invoker set search_path = '' as $$ select * from private.claim_due_stages($1, $2) $$;

revoke execute on function private.claim_due_stages(integer, integer) from public, anon, authenticated;
grant execute on function private.claim_due_stages(integer, integer) to service_role;
revoke execute on function public.claim_due_stages(integer, integer) from public, anon, authenticated;
grant execute on function public.claim_due_stages(integer, integer) to service_role;
