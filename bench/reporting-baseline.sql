-- The reporting reads as 20261129150000_reporting.sql defined them, before
-- 20261130150000_reporting_fast_reads.sql (bench/README.md "Reporting"): apply to the `bench`
-- database only (never to an app database) to measure the "before" on the same data and load:
--   psql -h 127.0.0.1 -p <db port> -U postgres -d bench -f bench/reporting-baseline.sql
-- then run bench/reporting.js. Re-create `bench` (bench/rls/setup.sh --drop, then setup.sh) to
-- measure the current functions again.
set search_path = '';
create or replace function public.sequence_metrics(sequence_id uuid)
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

create or replace function public.sequence_stage_metrics(sequence_id uuid)
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

create or replace function public.home_activity(scope text default 'mine', weeks integer default 13)
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

