-- Live boards over database broadcast (SPEC S8, issue 15; bench/README.md "Live boards").
--
-- postgres_changes authorises every change for every subscriber (hosted Realtime runs an RLS
-- query per subscriber per change), so 500 people watching one board at 50 changes/s cost
-- 25,000 authorisation queries a second. A private broadcast channel `board:<sequence id>` is
-- authorised once, at join, by the policy below; statement-level triggers then send one small
-- message per sequence and statement (a burst of stages sending is one message). Everyone who
-- may view a sequence may see all of its enrolments (their RLS is the sequence's visibility), so
-- join-time authorisation loses nothing. Messages carry ids only; boards reload what changed
-- through RLS-protected reads, so no row content travels on the channel.
--
-- Covers what moves a board or its metrics: enrolments (status, response, conversion marks),
-- their stages (sends), email events (opens, clicks) and replies.

-- The sequence a board topic `board:<uuid>` names, or null. Pure helper for the policy below.
create function private.board_topic_sequence_id(p_topic text) returns uuid
language sql immutable set search_path = '' as $$
  select case when p_topic ~ '^board:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
              then pg_catalog.substr(p_topic, 7)::uuid end
$$;

-- Whether the signed-in user may watch the board a topic names. Caller: the policy below.
create function private.can_watch_board_topic(p_topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.can_view_sequence((select auth.uid()), private.board_topic_sequence_id(p_topic)), false)
$$;

create policy "Viewers of a sequence receive its board's changes" on realtime.messages
  for select to authenticated
  using (extension = 'broadcast' and (select private.can_watch_board_topic((select realtime.topic()))));

-- Trigger (after insert / update, for each statement, on enrollments, enrollment_stages,
-- email_events and replies): one broadcast per sequence touched, to `board:<sequence id>`, with
-- the table, the operation and up to 100 enrolment ids. Security definer: realtime.send writes
-- realtime.messages, which the changing role (the sending engine, a webhook, a user) may not.
create function private.broadcast_board_changes() returns trigger
language plpgsql security definer set search_path = '' as $$
declare r record;
begin
  for r in
    select n.sequence_id, (pg_catalog.array_agg(distinct n.enrollment_id))[1:100] as ids
    from new_rows n where n.sequence_id is not null group by n.sequence_id
  loop
    perform realtime.send(
      pg_catalog.jsonb_build_object('table', tg_table_name, 'op', pg_catalog.lower(tg_op), 'enrollment_ids', r.ids),
      'change', 'board:' || r.sequence_id::text, true);
  end loop;
  return null;
end $$;

-- The same for enrollments, whose own id is the enrolment id. Security definer, as above.
create function private.broadcast_enrollment_changes() returns trigger
language plpgsql security definer set search_path = '' as $$
declare r record;
begin
  for r in
    select n.sequence_id, (pg_catalog.array_agg(n.id))[1:100] as ids
    from new_rows n group by n.sequence_id
  loop
    perform realtime.send(
      pg_catalog.jsonb_build_object('table', tg_table_name, 'op', pg_catalog.lower(tg_op), 'enrollment_ids', r.ids),
      'change', 'board:' || r.sequence_id::text, true);
  end loop;
  return null;
end $$;

create trigger enrollments_broadcast_insert after insert on public.enrollments
  referencing new table as new_rows for each statement execute function private.broadcast_enrollment_changes();
create trigger enrollments_broadcast_update after update on public.enrollments
  referencing new table as new_rows for each statement execute function private.broadcast_enrollment_changes();
create trigger enrollment_stages_broadcast_update after update on public.enrollment_stages
  referencing new table as new_rows for each statement execute function private.broadcast_board_changes();
create trigger email_events_broadcast_insert after insert on public.email_events
  referencing new table as new_rows for each statement execute function private.broadcast_board_changes();
create trigger replies_broadcast_insert after insert on public.replies
  referencing new table as new_rows for each statement execute function private.broadcast_board_changes();

revoke execute on function private.board_topic_sequence_id(text), private.can_watch_board_topic(text),
  private.broadcast_board_changes(), private.broadcast_enrollment_changes() from public, anon;
grant execute on function private.board_topic_sequence_id(text), private.can_watch_board_topic(text),
  private.broadcast_board_changes(), private.broadcast_enrollment_changes() to authenticated, service_role;
