-- Faster reporting reads (issue 15; bench/README.md "Reporting", bench/results/reporting.txt).
--
-- 1. The sequence metrics and the per-stage breakdown check the caller's right to view the
--    sequence once, instead of per row. Before, they were security invoker over RLS-protected
--    tables: each table read evaluated private.visible_sequence_ids() — every sequence of the
--    organisation (2,000 in the bench data) — and checked each of the 5,000 enrolments (and
--    5,000 stages, and one members probe per stage) against it. Every row of a sequence has the
--    sequence's own visibility (the policies on enrollments and enrollment_stages are
--    "organisation = caller's and sequence visible", and a sequence's rows are always in its
--    organisation), so "may the caller view this sequence" (private.can_view_sequence, the
--    single-row form of the same rule) decides for all of them at once. The public functions
--    stay security invoker and delegate to security-definer helpers in `private` that do that
--    check first and return zeros / no rows when it fails — what RLS answered before.
-- 2. Replies per stage are a mark on the stage (`replied_at`, kept by a trigger on replies, as
--    the open / click marks of 20261129150000 are), so the breakdown is one read of the
--    sequence's sent stages, from a covering index (index only).
-- 3. The home chart puts each enrolment in its week with a binary search over the 14 week
--    boundaries (computed once, in the organisation's time zone) instead of converting every
--    start time to the time zone and truncating it.
-- 4. The board loads in pieces: `sequence_board_rows` answers a small first page (the first rows
--    paint while the rest loads) or just the enrolments a live change names (the board patches
--    those rows instead of reloading every row), newest first from an index.

-- 2. Replies per stage -----------------------------------------------------------------------
alter table public.enrollment_stages add column replied_at timestamptz;

-- Trigger (after insert on replies): marks the first reply to a stage. Any role (in practice the
-- inbound webhook's ingest); definer because the mark is not the caller's to write.
create function private.mark_replied() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.enrollment_stages s set replied_at = new.received_at
  where s.id = new.enrollment_stage_id and s.replied_at is null;
  return null;
end $$;
create trigger replies_mark_replied after insert on public.replies
  for each row when (new.enrollment_stage_id is not null) execute function private.mark_replied();

update public.enrollment_stages s set replied_at = x.t
from (select r.enrollment_stage_id, pg_catalog.min(r.received_at) as t from public.replies r
      where r.enrollment_stage_id is not null group by r.enrollment_stage_id) x
where s.id = x.enrollment_stage_id;

-- The breakdown's read: a sequence's sent stages with their marks (index only).
create index enrollment_stages_metrics_idx on public.enrollment_stages (sequence_id, position)
  include (status, opened_at, machine_opened_at, clicked_at, replied_at, sender_user_id)
  where status in ('sent', 'task_done');

-- 1. Metrics ---------------------------------------------------------------------------------
-- A sequence's pipeline counts and metrics for the signed-in user (see public.sequence_metrics),
-- zeros when the user may not view the sequence. Definer: visibility is checked once, above.
-- Caller: public.sequence_metrics.
create function private.sequence_metrics(p_sequence uuid)
returns table (
  enrolled integer, in_progress integer, completed integer, replied integer, interested integer,
  converted integer, stopped integer, drafts integer, contacted integer, opened integer, machine_opened integer,
  clicked integer, tracking_partial boolean)
language sql stable security definer set search_path = '' as $$
  with ok as (select private.can_view_sequence((select auth.uid()), p_sequence) as yes)
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
         (select ok.yes from ok) and exists (
           select 1 from public.sequences s
           join public.members m on m.organization_id = s.organization_id and not m.tracking_enabled
           where s.id = p_sequence
             and exists (select 1 from public.enrollment_stages st
                         where st.sequence_id = p_sequence and st.status = 'sent'
                           and st.sender_user_id = m.user_id))
  from (select private.pipeline_state(e.status, e.response_status) as state, e.response_status,
               e.linked_job_archived_at, e.converted_at, e.contacted_at, e.opened_at, e.machine_opened_at, e.clicked_at
        from public.enrollments e
        where e.sequence_id = p_sequence and (select ok.yes from ok)) x
$$;

-- The per-stage breakdown for the signed-in user (see public.sequence_stage_metrics), no rows
-- when the user may not view the sequence. Definer, as above. Caller: the public function.
create function private.sequence_stage_metrics(p_sequence uuid)
returns table (
  "position" integer, sent integer, opened integer, machine_opened integer, clicked integer, replied integer,
  tracking_partial boolean)
language sql stable security definer set search_path = '' as $$
  select st.position, pg_catalog.count(*)::int,
         (pg_catalog.count(*) filter (where st.opened_at is not null))::int,
         (pg_catalog.count(*) filter (where st.opened_at is null and st.machine_opened_at is not null))::int,
         (pg_catalog.count(*) filter (where st.clicked_at is not null))::int,
         (pg_catalog.count(*) filter (where st.replied_at is not null))::int,
         -- Emails (status sent; LinkedIn stages end task_done) of a sender with tracking off.
         coalesce(pg_catalog.bool_or(st.status = 'sent' and st.sender_user_id = any (off.ids)), false)
  from public.enrollment_stages st,
       -- The organisation's members with tracking off, once.
       (select coalesce(pg_catalog.array_agg(m.user_id), '{}') as ids
        from public.sequences s join public.members m on m.organization_id = s.organization_id
        where s.id = p_sequence and not m.tracking_enabled) off
  where st.sequence_id = p_sequence and st.status in ('sent', 'task_done')
    and (select private.can_view_sequence((select auth.uid()), p_sequence))
  group by st.position
  order by st.position
$$;

create or replace function public.sequence_metrics(sequence_id uuid)
returns table (
  enrolled integer, in_progress integer, completed integer, replied integer, interested integer,
  converted integer, stopped integer, drafts integer, contacted integer, opened integer, machine_opened integer,
  clicked integer, tracking_partial boolean)
language sql stable security invoker set search_path = '' as $$
  select * from private.sequence_metrics(sequence_metrics.sequence_id)
$$;

create or replace function public.sequence_stage_metrics(sequence_id uuid)
returns table (
  "position" integer, sent integer, opened integer, machine_opened integer, clicked integer, replied integer,
  tracking_partial boolean)
language sql stable security invoker set search_path = '' as $$
  select * from private.sequence_stage_metrics(sequence_stage_metrics.sequence_id)
$$;

-- 3. The home chart ----------------------------------------------------------------------------
create or replace function public.home_activity(scope text default 'mine', weeks integer default 13)
returns table (week_start date, sent integer, replied integer, converted integer)
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_tz text := (select o.time_zone from public.organizations o
                join public.members m on m.organization_id = o.id where m.user_id = (select auth.uid()));
  v_first date;
  v_bounds timestamptz[];
begin
  if scope is null or scope not in ('mine', 'everyone') then
    raise exception 'invalid_scope' using errcode = '22023', detail = 'Scope must be "mine" or "everyone".';
  end if;
  if weeks is null or weeks not between 1 and 104 then
    raise exception 'invalid_weeks' using errcode = '22023', detail = 'Weeks must be between 1 and 104.';
  end if;
  v_tz := coalesce(v_tz, 'UTC');
  v_first := pg_catalog.date_trunc('week', pg_catalog.now() at time zone v_tz)::date - 7 * (weeks - 1);
  -- Monday 00:00 local of each week, and of the week after the last: weeks + 1 boundaries.
  v_bounds := array(select ((v_first + 7 * g)::timestamp at time zone v_tz)
                    from pg_catalog.generate_series(0, weeks) g order by g);
  return query
  with e as (
    -- width_bucket: i when bounds[i] <= started_at < bounds[i + 1] (a binary search).
    select pg_catalog.width_bucket(x.started_at, v_bounds) as b, x.response_status, x.converted_at
    from public.enrollments x
    where x.started_at >= v_bounds[1] and x.started_at < v_bounds[weeks + 1]
      and x.organization_id = (select private.current_org_id())
      and (scope = 'everyone' or x.enrolled_by = (select auth.uid()))
  ), c as (
    select e.b, pg_catalog.count(*) as sent,
           pg_catalog.count(*) filter (where e.response_status in ('replied', 'interested', 'not_interested')) as replied,
           pg_catalog.count(*) filter (where e.converted_at is not null) as converted
    from e group by e.b
  )
  select (v_first + 7 * (g - 1))::date, coalesce(c.sent, 0)::int, coalesce(c.replied, 0)::int,
         coalesce(c.converted, 0)::int
  from pg_catalog.generate_series(1, weeks) g left join c on c.b = g
  order by g;
end $$;

-- 4. The board in pieces -----------------------------------------------------------------------
-- Newest first within a sequence (the board's order), so a first page is a short index walk.
create index enrollments_board_idx on public.enrollments (sequence_id, created_at desc, id);

-- The board's rows (S8), the enrolments the caller may see (security invoker: RLS decides):
-- either the enrolments `enrollment_ids` of the sequence (at most 1,000; ids not of this
-- sequence or not visible are left out, so a live change that hides a row removes it), or,
-- without ids, `row_limit` rows (1–1,000) from `row_offset`, newest first. Each with the pipeline
-- state, conversion marks, candidate and compact stages ([{position, type, status, scheduled_at,
-- sent_at, send_window, deferred_reason}]). The counts come from sequence_metrics. Bad
-- arguments: 22023.
create function public.sequence_board_rows(
  sequence_id uuid, enrollment_ids uuid[] default null, row_offset integer default 0, row_limit integer default 1000)
returns table (
  id uuid, batch_id uuid, status public.enrollment_status, response_status public.response_status,
  pipeline text, interested boolean, converted boolean, end_reason text, hidden_reply_reason text,
  response_provider text, response_confidence real, response_set_by uuid, started_at timestamptz,
  created_at timestamptz, candidate_id uuid, candidate_name text, candidate_email text, stages jsonb)
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_rows text;
begin
  if sequence_board_rows.sequence_id is null then
    raise exception 'invalid_sequence' using errcode = '22023', detail = 'Choose a sequence.';
  end if;
  if row_offset is null or row_offset < 0 then
    raise exception 'invalid_offset' using errcode = '22023', detail = 'row_offset must be 0 or more.';
  end if;
  if row_limit is null or row_limit not between 1 and 1000 then
    raise exception 'invalid_limit' using errcode = '22023', detail = 'row_limit must be between 1 and 1000.';
  end if;
  if pg_catalog.cardinality(enrollment_ids) > 1000 then
    raise exception 'too_many_ids' using errcode = '22023', detail = 'Ask for at most 1000 enrolments at a time.';
  end if;
  -- Which enrolments: planned for the actual arguments on each call (EXECUTE), so a page is an
  -- index walk that stops after row_limit rows and a list of ids is a primary-key probe each.
  v_rows := case when enrollment_ids is null
    then 'x.sequence_id = $1 order by x.created_at desc, x.id limit $4 offset $3'
    else 'x.sequence_id = $1 and x.id = any ($2) order by x.created_at desc, x.id' end;
  return query execute $q$
    select e.id, e.batch_id, e.status, e.response_status,
      private.pipeline_state(e.status, e.response_status),
      e.response_status = 'interested' and e.linked_job_archived_at is null,
      e.converted_at is not null,
      e.end_reason, e.last_reply_hidden_reason, e.response_provider, e.response_confidence, e.response_set_by,
      e.started_at, e.created_at, c.id, pg_catalog.btrim(c.first_name || ' ' || c.last_name), c.email,
      coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                  'position', st.position, 'type', st.type, 'status', st.status, 'scheduled_at', st.scheduled_at,
                  'sent_at', st.sent_at, 'send_window', st.send_window, 'deferred_reason', st.deferred_reason)
                order by st.position)
                from public.enrollment_stages st where st.enrollment_id = e.id), '[]'::jsonb)
    from (
      select x.id, x.batch_id, x.status, x.response_status, x.linked_job_archived_at, x.converted_at,
        x.end_reason, x.last_reply_hidden_reason, x.response_provider, x.response_confidence,
        x.response_set_by, x.started_at, x.candidate_id, x.created_at
      from public.enrollments x
      where $q$ || v_rows || $q$
    ) e
    left join public.candidates c on c.id = e.candidate_id
    order by e.created_at desc, e.id
  $q$ using sequence_board_rows.sequence_id, enrollment_ids, row_offset, row_limit;
end $$;

-- The board of 20261129150000 (pages of 1,000 with the total), now one call of the above, so the
-- board's row shape is written once. Kept for callers that page by number.
create or replace function public.sequence_board(sequence_id uuid, page integer default 0)
returns table (
  id uuid, batch_id uuid, status public.enrollment_status, response_status public.response_status,
  pipeline text, interested boolean, converted boolean, end_reason text, hidden_reply_reason text,
  response_provider text, response_confidence real, response_set_by uuid, started_at timestamptz,
  candidate_id uuid, candidate_name text, candidate_email text, stages jsonb, total integer)
language sql stable security invoker set search_path = '' as $$
  select b.id, b.batch_id, b.status, b.response_status, b.pipeline, b.interested, b.converted, b.end_reason,
    b.hidden_reply_reason, b.response_provider, b.response_confidence, b.response_set_by, b.started_at,
    b.candidate_id, b.candidate_name, b.candidate_email, b.stages,
    (select pg_catalog.count(*) from public.enrollments x where x.sequence_id = sequence_board.sequence_id)::int
  from public.sequence_board_rows(sequence_board.sequence_id, null,
                                  1000 * greatest(coalesce(sequence_board.page, 0), 0), 1000) b
$$;

revoke execute on function private.mark_replied(), private.sequence_metrics(uuid),
  private.sequence_stage_metrics(uuid) from public, anon;
grant execute on function private.mark_replied(), private.sequence_metrics(uuid),
  private.sequence_stage_metrics(uuid) to authenticated, service_role;
revoke execute on function public.sequence_board_rows(uuid, uuid[], integer, integer) from public, anon;
grant execute on function public.sequence_board_rows(uuid, uuid[], integer, integer) to authenticated, service_role;
