-- Authorisation of the private Realtime channel `sequence:<id>` that carries a sequence's
-- collaborative editing (Yjs updates and awareness over broadcast, presence for who is here).
-- Realtime checks these policies on realtime.messages with realtime.topic() set to the topic:
-- viewers may receive broadcast and presence and announce their own presence; only editors may
-- send broadcasts (document updates). A confidential sequence's channel admits its creator only.

-- Whether the signed-in user may view / edit the sequence a topic names. Callers: the
-- realtime.messages policies below.
create function private.can_view_sequence_topic(p_topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.can_view_sequence((select auth.uid()), private.topic_sequence_id(p_topic)), false)
$$;
create function private.can_edit_sequence_topic(p_topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.can_edit_sequence((select auth.uid()), private.topic_sequence_id(p_topic)), false)
$$;
revoke execute on function private.can_view_sequence_topic(text), private.can_edit_sequence_topic(text) from public, anon;
grant execute on function private.can_view_sequence_topic(text), private.can_edit_sequence_topic(text)
  to authenticated, service_role;

create policy "Viewers of a sequence receive its channel" on realtime.messages
  for select to authenticated
  using (extension in ('broadcast', 'presence')
         and (select private.can_view_sequence_topic((select realtime.topic()))));

create policy "Viewers of a sequence announce their presence on its channel" on realtime.messages
  for insert to authenticated
  with check (extension = 'presence'
              and (select private.can_view_sequence_topic((select realtime.topic()))));

create policy "Editors of a sequence broadcast on its channel" on realtime.messages
  for insert to authenticated
  with check (extension = 'broadcast'
              and (select private.can_edit_sequence_topic((select realtime.topic()))));
