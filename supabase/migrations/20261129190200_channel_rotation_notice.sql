-- Rotating a sequence's channel key (20261129110100) protects only if everyone who keeps access
-- really moves to the new topic: Realtime checks rights at join, so whoever stays joined to the
-- old topic still hears what is sent there. Moving must not depend on who changed the access
-- (the creator in the editor, an admin demoting or deactivating someone in Settings, a revoked
-- link), so the database itself tells the old topics: when a key rotates, an `access-changed`
-- broadcast goes to the old sequence and board topics. Receivers only re-read the sequence
-- through RLS — those who still may see it follow to the new key, the others learn they cannot —
-- so a forged notice achieves nothing.
--
-- Live boards (20261129150100) get the same keyed topic, `board:<id>:<channel_key>`, so a
-- member who lost access stops receiving a board's change notices too.

-- Trigger (after update on sequences, when the key changed), every role. Not `update of
-- channel_key`: the key is rotated by before-triggers, which column triggers do not see.
-- Security definer: realtime.send writes realtime.messages, which the changing role may not.
create function private.announce_channel_rotation() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(pg_catalog.jsonb_build_object('seq', old.id), 'access-changed',
    'sequence:' || old.id::text || ':' || old.channel_key, true);
  perform realtime.send(pg_catalog.jsonb_build_object('seq', old.id), 'access-changed',
    'board:' || old.id::text || ':' || old.channel_key, true);
  return null;
end $$;
create trigger sequences_announce_channel_rotation after update on public.sequences
  for each row when (old.channel_key is distinct from new.channel_key)
  execute function private.announce_channel_rotation();

-- The sequence a board topic `board:<uuid>:<channel_key>` names while that key is current, else
-- null. Definer: reads the key whatever the caller may see (the policy then checks rights).
-- Caller: private.can_watch_board_topic (the realtime.messages policy of 20261129150100).
create or replace function private.board_topic_sequence_id(p_topic text) returns uuid
language sql stable security definer set search_path = '' as $$
  select s.id from public.sequences s
  where p_topic ~ '^board:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:[0-9a-f]{32}$'
    and s.id = pg_catalog.substr(p_topic, 7, 36)::uuid
    and s.channel_key = pg_catalog.substr(p_topic, 44)
$$;

-- Triggers of 20261129150100, now sending to the keyed board topic. Security definer, as there.
create or replace function private.broadcast_board_changes() returns trigger
language plpgsql security definer set search_path = '' as $$
declare r record;
begin
  for r in
    select n.sequence_id, s.channel_key, (pg_catalog.array_agg(distinct n.enrollment_id))[1:100] as ids
    from new_rows n join public.sequences s on s.id = n.sequence_id
    group by n.sequence_id, s.channel_key
  loop
    perform realtime.send(
      pg_catalog.jsonb_build_object('table', tg_table_name, 'op', pg_catalog.lower(tg_op), 'enrollment_ids', r.ids),
      'change', 'board:' || r.sequence_id::text || ':' || r.channel_key, true);
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
    perform realtime.send(
      pg_catalog.jsonb_build_object('table', tg_table_name, 'op', pg_catalog.lower(tg_op), 'enrollment_ids', r.ids),
      'change', 'board:' || r.sequence_id::text || ':' || r.channel_key, true);
  end loop;
  return null;
end $$;

revoke execute on function private.announce_channel_rotation() from public, anon;
grant execute on function private.announce_channel_rotation() to authenticated, service_role;
