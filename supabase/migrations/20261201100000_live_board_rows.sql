-- Live boards carry the changed rows (issue 15; bench/README.md "Live boards").
--
-- Until now a board message named enrolment ids only (20261129150100) and every board watching
-- fetched those rows again through RLS. That costs each watcher one more round trip after the
-- message (bench/live-boards.js, 500 watchers at 50 changes/s: delivery p95 44–76 ms, but commit
-- → row on screen p95 168–223 ms), and it costs the database one RLS read per watcher per change
-- (500 watchers at 50 changes/s would be 25,000 reads a second).
--
-- A message about at most 20 enrolments of one sequence (what live activity is: a send, an open,
-- a reply, someone's action) now also carries their board rows, `rows`: every column of
-- public.sequence_board_rows except the candidate's id, name and email, in the same shape
-- (pgTAP 603 binds the two). A board applies them at once and fetches only rows it does not
-- have yet. Larger statements (a bulk start, a burst of sends) still name ids, at most 100, and
-- boards fetch those, as before.
--
-- What travels is the enrolment's and its stages': both tables' RLS is the sequence's
-- visibility ("Viewers of a sequence see its enrolments / enrolment stages"), which is exactly
-- what joining the keyed private topic requires (private.can_watch_board_topic), and a key
-- rotation moves everyone still allowed (20261129190200). The candidate's name and email stay
-- behind the candidates policy: they do not change with enrolment activity, and a board reads
-- them with the row the first time. No reply text, reason or address travels.

-- The board rows of enrolments `p_ids`, as sequence_board_rows returns them minus the
-- candidate's columns, in a JSON array. Callers: the two trigger functions below (security
-- definer, so no RLS here: they send only to the sequence's keyed private topic).
create function private.board_row_states(p_ids uuid[]) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
      'id', e.id, 'batch_id', e.batch_id, 'status', e.status, 'response_status', e.response_status,
      'pipeline', private.pipeline_state(e.status, e.response_status),
      'interested', e.response_status = 'interested' and e.linked_job_archived_at is null,
      'converted', e.converted_at is not null,
      'end_reason', e.end_reason, 'hidden_reply_reason', e.last_reply_hidden_reason,
      'response_provider', e.response_provider, 'response_confidence', e.response_confidence,
      'response_set_by', e.response_set_by, 'started_at', e.started_at, 'created_at', e.created_at,
      'stages', coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                  'position', st.position, 'type', st.type, 'status', st.status, 'scheduled_at', st.scheduled_at,
                  'sent_at', st.sent_at, 'send_window', st.send_window, 'deferred_reason', st.deferred_reason)
                order by st.position)
                from public.enrollment_stages st where st.enrollment_id = e.id), '[]'::jsonb))
    order by e.created_at desc, e.id), '[]'::jsonb)
  from public.enrollments e
  where e.id = any (p_ids)
$$;

-- One board message: the table and operation, at most 100 enrolment ids, and their rows when
-- there are at most 20. Callers: the trigger functions below.
create function private.send_board_change(
  p_sequence uuid, p_channel_key text, p_table text, p_op text, p_ids uuid[]) returns void
language sql volatile security invoker set search_path = '' as $$
  select realtime.send(
    pg_catalog.jsonb_build_object('table', p_table, 'op', pg_catalog.lower(p_op), 'enrollment_ids', p_ids)
      || case when pg_catalog.cardinality(p_ids) <= 20
              then pg_catalog.jsonb_build_object('rows', private.board_row_states(p_ids))
              else '{}'::jsonb end,
    'change', 'board:' || p_sequence::text || ':' || p_channel_key, true)
$$;

-- The triggers of 20261129150100 / 20261129190200, now through send_board_change. Security
-- definer, as there: realtime.send writes realtime.messages, which the changing role may not.
create or replace function private.broadcast_board_changes() returns trigger
language plpgsql security definer set search_path = '' as $$
declare r record;
begin
  for r in
    select n.sequence_id, s.channel_key, (pg_catalog.array_agg(distinct n.enrollment_id))[1:100] as ids
    from new_rows n join public.sequences s on s.id = n.sequence_id
    group by n.sequence_id, s.channel_key
  loop
    perform private.send_board_change(r.sequence_id, r.channel_key, tg_table_name, tg_op, r.ids);
  end loop;
  return null;
end $$;

create or replace function private.broadcast_enrollment_changes() returns trigger
language plpgsql security definer set search_path = '' as $$
declare r record;
begin
  for r in
    select n.sequence_id, s.channel_key, (pg_catalog.array_agg(n.id))[1:100] as ids
    from new_rows n join public.sequences s on s.id = n.sequence_id
    group by n.sequence_id, s.channel_key
  loop
    perform private.send_board_change(r.sequence_id, r.channel_key, tg_table_name, tg_op, r.ids);
  end loop;
  return null;
end $$;

-- Only the definer triggers above call these (as their owner); no client role needs them.
revoke execute on function private.board_row_states(uuid[]),
  private.send_board_change(uuid, text, text, text, uuid[]) from public, anon, authenticated;
grant execute on function private.board_row_states(uuid[]),
  private.send_board_change(uuid, text, text, text, uuid[]) to service_role;
