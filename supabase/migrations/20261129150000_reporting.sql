-- Sequence reporting (SPEC S8, issue 15): the pipeline as the article defines it (Enrolled,
-- In progress, Completed – no reply, Replied, Interested, Converted), sequence and per-stage
-- metrics (open / click / reply / conversion; human opens apart from machine opens; "partial"
-- when a sender has tracking off), the board's rows in one call, and the Sourcing home chart
-- (13 weekly points, Mine / Everyone) with its drill-down.
--
-- Every reader here is `security invoker` and reads only RLS-protected tables, so row-level
-- security decides what each user counts: "Everyone" on the home chart is everyone whose
-- sequences the user may see, never more.
--
-- Conversion is a property of the candidate's job considerations, which readers of a sequence
-- may not all see (considerations follow job visibility). So it is kept on the enrolment itself
-- by a trigger on considerations: `converted_at` (the candidate was added to a job and moved past
-- the sourcing stages Lead / Reached Out / Replied, on the sequence's linked job or on a job they
-- were added to after this enrolment began) and `linked_job_archived_at` (archived on the
-- sequence's linked job: an interested candidate archived there leaves Interested). Updating the
-- enrolment also makes every live board follow the change.

alter table public.enrollments
  add column converted_at timestamptz,
  add column linked_job_archived_at timestamptz,
  -- First email sent, first human open, first open by a privacy proxy / scanner, first human
  -- click: kept by triggers so the metrics read one row per enrolment instead of grouping its
  -- events (a sequence of 5,000 enrolments has ~25,000 of them).
  add column contacted_at timestamptz,
  add column opened_at timestamptz,
  add column machine_opened_at timestamptz,
  add column clicked_at timestamptz;
alter table public.enrollment_stages
  add column opened_at timestamptz,
  add column machine_opened_at timestamptz,
  add column clicked_at timestamptz;

-- The home chart: an organisation's enrolments by start, with what the chart reads (index only).
create index enrollments_home_idx on public.enrollments (organization_id, started_at)
  include (sequence_id, enrolled_by, response_status, converted_at) where started_at is not null;
-- The metrics: a sequence's enrolments with their pipeline and engagement marks (index only).
create index enrollments_metrics_idx on public.enrollments (sequence_id, organization_id)
  include (status, response_status, linked_job_archived_at, converted_at, contacted_at, opened_at, machine_opened_at,
           clicked_at);
create index enrollments_enrolled_by_started_idx on public.enrollments (enrolled_by, started_at)
  where started_at is not null;
-- Replies waiting for a response status ("what a recruiter needs today").
create index enrollments_awaiting_response_idx on public.enrollments (enrolled_by)
  where response_status = 'replied';
-- Failed sends per sequence ("sequences with errors").
create index enrollment_stages_failed_idx on public.enrollment_stages (sequence_id, updated_at) where status = 'failed';

-- Whether enrolment p_enrollment counts as converted, and whether its candidate is archived on
-- the sequence's linked job, from the candidate's considerations. Callers: the trigger below
-- and the backfill (definer context; reads considerations the enrolling user may not see).
create function private.refresh_enrollment_outcome(p_candidate uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
begin
  update public.enrollments e set
    converted_at = case when x.converted then coalesce(e.converted_at, pg_catalog.now()) end,
    linked_job_archived_at = case when x.archived then coalesce(e.linked_job_archived_at, pg_catalog.now()) end
  from (
    select e2.id,
      exists (select 1 from public.considerations c join public.job_stages js on js.id = c.stage_id
              where c.candidate_id = e2.candidate_id and c.archived_at is null
                and js.kind not in ('lead', 'reached_out', 'replied')
                and (c.job_id = s.job_id or c.created_at >= e2.created_at)) as converted,
      exists (select 1 from public.considerations c
              where c.candidate_id = e2.candidate_id and c.job_id = s.job_id and c.archived_at is not null) as archived
    from public.enrollments e2 join public.sequences s on s.id = e2.sequence_id
    where e2.candidate_id = p_candidate and e2.status <> 'draft'
  ) x
  where e.id = x.id
    and ((e.converted_at is not null) is distinct from x.converted
         or (e.linked_job_archived_at is not null) is distinct from x.archived);
end $$;

-- Trigger (after insert or update of stage / archive on considerations): keeps the enrolments'
-- conversion and linked-job archive marks current. Any role.
create function private.considerations_refresh_outcome() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.refresh_enrollment_outcome(new.candidate_id);
  return null;
end $$;
create trigger considerations_refresh_outcome after insert or update of stage_id, archived_at on public.considerations
  for each row execute function private.considerations_refresh_outcome();

-- Trigger (after update of status on enrollments): a draft that starts takes the marks its
-- candidate already has. Any role.
create function private.enrollment_started_refresh_outcome() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if old.status = 'draft' and new.status <> 'draft' then
    perform private.refresh_enrollment_outcome(new.candidate_id);
  end if;
  return null;
end $$;
create trigger enrollments_started_refresh_outcome after update of status on public.enrollments
  for each row execute function private.enrollment_started_refresh_outcome();

-- Backfill existing enrolments.
select private.refresh_enrollment_outcome(c.candidate_id) from (select distinct candidate_id from public.considerations) c;

-- Trigger (after insert on email_events): marks the first human open, machine open and human
-- click on the stage and its enrolment (the metrics' inputs). Any role (in practice the
-- tracking and webhook functions); definer because those marks are not the caller's to write.
create function private.mark_engagement() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.kind = 'opened' and new.is_machine then
    update public.enrollment_stages s set machine_opened_at = new.occurred_at
    where s.id = new.enrollment_stage_id and s.machine_opened_at is null;
    update public.enrollments e set machine_opened_at = new.occurred_at
    where e.id = new.enrollment_id and e.machine_opened_at is null;
  elsif new.kind = 'opened' then
    update public.enrollment_stages s set opened_at = new.occurred_at
    where s.id = new.enrollment_stage_id and s.opened_at is null;
    update public.enrollments e set opened_at = new.occurred_at
    where e.id = new.enrollment_id and e.opened_at is null;
  elsif new.kind = 'clicked' and not new.is_machine then
    update public.enrollment_stages s set clicked_at = new.occurred_at
    where s.id = new.enrollment_stage_id and s.clicked_at is null;
    update public.enrollments e set clicked_at = new.occurred_at
    where e.id = new.enrollment_id and e.clicked_at is null;
  end if;
  return null;
end $$;
create trigger email_events_mark_engagement after insert on public.email_events
  for each row when (new.kind in ('opened', 'clicked')) execute function private.mark_engagement();

-- Trigger (after update of status on enrollment_stages): the first email sent marks the
-- enrolment contacted. Any role (the sending engine); definer as above.
create function private.mark_contacted() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.enrollments e set contacted_at = coalesce(new.sent_at, pg_catalog.now())
  where e.id = new.enrollment_id and e.contacted_at is null;
  return null;
end $$;
create trigger enrollment_stages_mark_contacted after update of status on public.enrollment_stages
  for each row when (new.status = 'sent' and old.status <> 'sent' and new.type = 'email')
  execute function private.mark_contacted();

-- Backfill the marks from what was already sent and tracked.
update public.enrollment_stages s set opened_at = x.h, machine_opened_at = x.m, clicked_at = x.c
from (select v.enrollment_stage_id,
             pg_catalog.min(v.occurred_at) filter (where v.kind = 'opened' and not v.is_machine) as h,
             pg_catalog.min(v.occurred_at) filter (where v.kind = 'opened' and v.is_machine) as m,
             pg_catalog.min(v.occurred_at) filter (where v.kind = 'clicked' and not v.is_machine) as c
      from public.email_events v where v.kind in ('opened', 'clicked') group by v.enrollment_stage_id) x
where s.id = x.enrollment_stage_id;
update public.enrollments e set opened_at = x.h, machine_opened_at = x.m, clicked_at = x.c
from (select s.enrollment_id, pg_catalog.min(s.opened_at) as h, pg_catalog.min(s.machine_opened_at) as m, pg_catalog.min(s.clicked_at) as c
      from public.enrollment_stages s
      where s.opened_at is not null or s.machine_opened_at is not null or s.clicked_at is not null
      group by s.enrollment_id) x
where e.id = x.enrollment_id;
update public.enrollments e set contacted_at = x.t
from (select s.enrollment_id, pg_catalog.min(s.sent_at) as t from public.enrollment_stages s
      where s.status = 'sent' and s.type = 'email' group by s.enrollment_id) x
where e.id = x.enrollment_id;

-- Where an enrolment appears in the pipeline: draft, in_progress, completed (no reply), replied
-- (replied, interested, not interested), or stopped (cancelled / ended without a reply).
-- Immutable and without subqueries, so it inlines. Callers: the readers below.
create function private.pipeline_state(p_status public.enrollment_status, p_response public.response_status)
returns text language sql immutable as $$
  select case
    when p_status = 'draft' then 'draft'
    when p_response in ('replied', 'interested', 'not_interested') then 'replied'
    when p_status in ('running', 'paused') then 'in_progress'
    when p_status = 'completed' then 'completed'
    else 'stopped' end
$$;

-- The board of one sequence (S8): one page of up to 1,000 enrolments the caller may see (page
-- 0 first; the API answers at most 1,000 rows per request), newest first, with the number of
-- them all (`total`, so a client fetches the other pages at once), the pipeline state,
-- conversion marks, candidate and compact stages ([{position, type, status, scheduled_at,
-- sent_at, send_window, deferred_reason}]). The page is cut before the stages are built, so a
-- page costs 1,000 rows' worth whatever the sequence's size. Security invoker: RLS decides.
create function public.sequence_board(sequence_id uuid, page integer default 0)
returns table (
  id uuid, batch_id uuid, status public.enrollment_status, response_status public.response_status,
  pipeline text, interested boolean, converted boolean, end_reason text, hidden_reply_reason text,
  response_provider text, response_confidence real, response_set_by uuid, started_at timestamptz,
  candidate_id uuid, candidate_name text, candidate_email text, stages jsonb, total integer)
language sql stable security invoker set search_path = '' as $$
  select e.id, e.batch_id, e.status, e.response_status,
    private.pipeline_state(e.status, e.response_status),
    e.response_status = 'interested' and e.linked_job_archived_at is null,
    e.converted_at is not null,
    e.end_reason, e.last_reply_hidden_reason, e.response_provider, e.response_confidence, e.response_set_by,
    e.started_at, c.id, pg_catalog.btrim(c.first_name || ' ' || c.last_name), c.email,
    coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                'position', st.position, 'type', st.type, 'status', st.status, 'scheduled_at', st.scheduled_at,
                'sent_at', st.sent_at, 'send_window', st.send_window, 'deferred_reason', st.deferred_reason)
              order by st.position)
              from public.enrollment_stages st where st.enrollment_id = e.id), '[]'::jsonb),
    e.total::int
  from (
    select x.*, pg_catalog.count(*) over () as total
    from public.enrollments x
    where x.sequence_id = sequence_board.sequence_id
    order by x.created_at desc, x.id
    limit 1000 offset 1000 * greatest(coalesce(sequence_board.page, 0), 0)
  ) e
  left join public.candidates c on c.id = e.candidate_id
  order by e.created_at desc, e.id
$$;

-- A sequence's pipeline counts and metrics (S8), over the enrolments the caller may see:
--   enrolled (all ever, drafts excluded), in_progress, completed (no reply), replied,
--   interested (not archived on the linked job), converted;
--   contacted = enrolments with at least one email sent (the rates' denominator);
--   opened = contacted enrolments with a human open, machine_opened = with opens by privacy
--   proxies / scanners only; clicked (human clicks); tracking_partial = some email was sent by
--   a sender who has tracking off, so opens and clicks undercount.
create function public.sequence_metrics(sequence_id uuid)
returns table (
  enrolled integer, in_progress integer, completed integer, replied integer, interested integer,
  converted integer, stopped integer, drafts integer, contacted integer, opened integer, machine_opened integer,
  clicked integer, tracking_partial boolean)
language sql stable security invoker set search_path = '' as $$
  -- One pass over the sequence's enrolments (their engagement marks are kept by triggers).
  select (pg_catalog.count(*) filter (where x.state <> 'draft'))::int,
         (pg_catalog.count(*) filter (where x.state = 'in_progress'))::int,
         (pg_catalog.count(*) filter (where x.state = 'completed'))::int,
         (pg_catalog.count(*) filter (where x.state = 'replied'))::int,
         (pg_catalog.count(*) filter (where x.response_status = 'interested' and x.linked_job_archived_at is null))::int,
         (pg_catalog.count(*) filter (where x.converted_at is not null and x.state <> 'draft'))::int,
         (pg_catalog.count(*) filter (where x.state = 'stopped'))::int,
         (pg_catalog.count(*) filter (where x.state = 'draft'))::int,
         (pg_catalog.count(*) filter (where x.contacted_at is not null))::int,
         (pg_catalog.count(*) filter (where x.contacted_at is not null and x.opened_at is not null))::int,
         (pg_catalog.count(*) filter (where x.contacted_at is not null and x.opened_at is null
                                        and x.machine_opened_at is not null))::int,
         (pg_catalog.count(*) filter (where x.contacted_at is not null and x.clicked_at is not null))::int,
         -- Few members turn tracking off: probe their sends in this sequence.
         exists (select 1 from public.members m
                 where not m.tracking_enabled and m.organization_id = (select private.current_org_id())
                   and exists (select 1 from public.enrollment_stages st
                               where st.sender_user_id = m.user_id and st.status = 'sent'
                                 and st.sequence_id = sequence_metrics.sequence_id and st.type = 'email'))
  from (select private.pipeline_state(e.status, e.response_status) as state, e.response_status,
               e.linked_job_archived_at, e.converted_at, e.contacted_at, e.opened_at, e.machine_opened_at, e.clicked_at
        from public.enrollments e where e.sequence_id = sequence_metrics.sequence_id) x
$$;

-- The same per stage (S8): for each stage position of the sequence's enrolments the caller may
-- see — sent, opened (human), machine-only opens, clicked (human), replied (replies to that
-- stage's email), and whether tracking was off for some of its sends.
create function public.sequence_stage_metrics(sequence_id uuid)
returns table (
  "position" integer, sent integer, opened integer, machine_opened integer, clicked integer, replied integer,
  tracking_partial boolean)
language sql stable security invoker set search_path = '' as $$
  select sp.position, sp.sent, sp.opened, sp.machine_opened, sp.clicked, coalesce(rp.replied, 0), sp.partial
  from (
    select st.position, pg_catalog.count(*)::int as sent,
           (pg_catalog.count(*) filter (where st.opened_at is not null))::int as opened,
           (pg_catalog.count(*) filter (where st.opened_at is null and st.machine_opened_at is not null))::int as machine_opened,
           (pg_catalog.count(*) filter (where st.clicked_at is not null))::int as clicked,
           coalesce(pg_catalog.bool_or(m.tracking_enabled is false), false) as partial
    from public.enrollment_stages st left join public.members m on m.user_id = st.sender_user_id
    where st.sequence_id = sequence_stage_metrics.sequence_id and st.status in ('sent', 'task_done')
    group by st.position
  ) sp
  left join (
    select st.position, (pg_catalog.count(distinct r.enrollment_stage_id))::int as replied
    from public.replies r join public.enrollment_stages st on st.id = r.enrollment_stage_id
    where r.sequence_id = sequence_stage_metrics.sequence_id and st.sequence_id = sequence_stage_metrics.sequence_id
    group by st.position
  ) rp on rp.position = sp.position
  order by sp.position
$$;

-- The Sourcing home chart (S8): the past `weeks` weeks (this week included), in the
-- organisation's time zone, Monday first. Per week, the sequences started (sent) that week by
-- the caller (scope 'mine') or by anyone whose sequences the caller may see ('everyone', RLS),
-- and how many of those candidates replied and converted since. Unknown scope: 22023.
create function public.home_activity(scope text default 'mine', weeks integer default 13)
returns table (week_start date, sent integer, replied integer, converted integer)
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_tz text := (select o.time_zone from public.organizations o
                join public.members m on m.organization_id = o.id where m.user_id = (select auth.uid()));
  v_first date;
begin
  if scope is null or scope not in ('mine', 'everyone') then
    raise exception 'invalid_scope' using errcode = '22023', detail = 'Scope must be "mine" or "everyone".';
  end if;
  if weeks is null or weeks not between 1 and 104 then
    raise exception 'invalid_weeks' using errcode = '22023', detail = 'Weeks must be between 1 and 104.';
  end if;
  v_tz := coalesce(v_tz, 'UTC');
  v_first := pg_catalog.date_trunc('week', pg_catalog.now() at time zone v_tz)::date - 7 * (weeks - 1);
  return query
  with w as (
    select (v_first + 7 * g)::date as week_start from pg_catalog.generate_series(0, weeks - 1) g
  ), e as (
    select pg_catalog.date_trunc('week', x.started_at at time zone v_tz)::date as wk,
           x.response_status, x.converted_at
    from public.enrollments x
    where x.started_at >= (v_first::timestamp at time zone v_tz)
      and x.organization_id = (select private.current_org_id())
      and (scope = 'everyone' or x.enrolled_by = (select auth.uid()))
  )
  select w.week_start,
         (pg_catalog.count(e.wk))::int,
         (pg_catalog.count(e.wk) filter (where e.response_status in ('replied', 'interested', 'not_interested')))::int,
         (pg_catalog.count(e.wk) filter (where e.converted_at is not null))::int
  from w left join e on e.wk = w.week_start
  group by w.week_start order by w.week_start;
end $$;

-- The drill-down of one bar (S8): the candidates behind week `week_start` of the home chart,
-- with the sequence, whether they replied and converted; `metric` 'sent' lists all of them,
-- 'reply_rate' those who replied, 'conversion_rate' those converted. At most 500 rows.
create function public.home_activity_candidates(week_start date, scope text default 'mine', metric text default 'sent')
returns table (enrollment_id uuid, sequence_id uuid, sequence_title text, candidate_id uuid, candidate_name text,
  started_at timestamptz, replied boolean, converted boolean)
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_tz text := coalesce((select o.time_zone from public.organizations o
                join public.members m on m.organization_id = o.id where m.user_id = (select auth.uid())), 'UTC');
begin
  if scope is null or scope not in ('mine', 'everyone') then
    raise exception 'invalid_scope' using errcode = '22023', detail = 'Scope must be "mine" or "everyone".';
  end if;
  if metric is null or metric not in ('sent', 'reply_rate', 'conversion_rate') then
    raise exception 'invalid_metric' using errcode = '22023', detail = 'Metric must be sent, reply_rate or conversion_rate.';
  end if;
  if week_start is null then
    raise exception 'invalid_week' using errcode = '22023', detail = 'Choose a week.';
  end if;
  return query
  select x.id, x.sequence_id, s.title, x.candidate_id, pg_catalog.btrim(c.first_name || ' ' || c.last_name),
         x.started_at, x.response_status in ('replied', 'interested', 'not_interested'), x.converted_at is not null
  from public.enrollments x
  join public.sequences s on s.id = x.sequence_id
  left join public.candidates c on c.id = x.candidate_id
  where x.organization_id = (select private.current_org_id())
    and x.started_at >= ((pg_catalog.date_trunc('week', home_activity_candidates.week_start::timestamp))::timestamp at time zone v_tz)
    and x.started_at < ((pg_catalog.date_trunc('week', home_activity_candidates.week_start::timestamp) + interval '7 days')::timestamp at time zone v_tz)
    and (scope = 'everyone' or x.enrolled_by = (select auth.uid()))
    and (metric = 'sent'
         or (metric = 'reply_rate' and x.response_status in ('replied', 'interested', 'not_interested'))
         or (metric = 'conversion_rate' and x.converted_at is not null))
  order by x.started_at desc, x.id
  limit 500;
end $$;

-- "What a recruiter needs today": visible sequences whose sends failed in the last 14 days,
-- with how many and the latest reason. Security invoker: RLS.
create function public.sequences_with_errors()
returns table (sequence_id uuid, title text, failed integer, last_reason text, last_failed_at timestamptz)
language sql stable security invoker set search_path = '' as $$
  select s.id, s.title, pg_catalog.count(*)::int,
         (pg_catalog.array_agg(st.end_reason order by st.updated_at desc))[1], pg_catalog.max(st.updated_at)
  from public.enrollment_stages st join public.sequences s on s.id = st.sequence_id
  where st.status = 'failed' and st.updated_at > pg_catalog.now() - interval '14 days'
  group by s.id, s.title
  order by pg_catalog.max(st.updated_at) desc
  limit 20
$$;

revoke execute on function private.refresh_enrollment_outcome(uuid), private.considerations_refresh_outcome(),
  private.enrollment_started_refresh_outcome(), private.mark_engagement(), private.mark_contacted() from public, anon;
grant execute on function private.refresh_enrollment_outcome(uuid), private.considerations_refresh_outcome(),
  private.enrollment_started_refresh_outcome(), private.mark_engagement(), private.mark_contacted()
  to authenticated, service_role;
grant execute on function private.pipeline_state(public.enrollment_status, public.response_status)
  to authenticated, service_role;
revoke execute on function public.sequence_board(uuid, integer), public.sequence_metrics(uuid),
  public.sequence_stage_metrics(uuid), public.home_activity(text, integer),
  public.home_activity_candidates(date, text, text), public.sequences_with_errors() from public, anon;
grant execute on function public.sequence_board(uuid, integer), public.sequence_metrics(uuid),
  public.sequence_stage_metrics(uuid), public.home_activity(text, integer),
  public.home_activity_candidates(date, text, text), public.sequences_with_errors() to authenticated, service_role;
