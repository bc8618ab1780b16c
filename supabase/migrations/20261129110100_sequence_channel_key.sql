-- Issue 11, item 4: Realtime checks a private channel's rights when a client joins, not while it
-- stays joined (hosted Realtime too), so a member joined to a sequence's channel kept receiving
-- and sending after the creator made the sequence confidential or personal. The product must not
-- rely on clients rejoining, so the channel itself changes: a sequence's Realtime topic is
-- `sequence:<id>:<channel_key>`, and channel_key rotates whenever someone may have lost access
-- to the sequence:
--   * its access changes (shared / personal / confidential);
--   * a link grant on it is revoked;
--   * a member of its organisation changes access level or agency, or leaves (every shared and
--     personal sequence of the organisation rotates; confidential ones admit only their creator).
-- Only the current key's topic is authorised (realtime.messages policies below), so everyone who
-- still has access reads the new key from the sequence row (postgres_changes on `sequences`
-- tells them, and RLS keeps that change from those who lost access) and moves to the new topic;
-- whoever lost access is left alone on a topic nobody else uses: they receive nothing more and
-- what they send reaches nobody. The bare `sequence:<id>` topic is no longer authorised.

alter table public.sequences
  add column channel_key text not null default encode(extensions.gen_random_bytes(16), 'hex');

-- Trigger (before update of access on sequences), every role: a new access setting gets a new key.
create function private.rotate_channel_on_access_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.access is distinct from old.access then
    new.channel_key := pg_catalog.encode(extensions.gen_random_bytes(16), 'hex');
  end if;
  return new;
end $$;
create trigger sequences_rotate_channel before update of access on public.sequences
  for each row execute function private.rotate_channel_on_access_change();

-- Trigger (after delete on sequence_link_grants), every role: the holder of a revoked grant
-- loses the channel. Inside the access-change trigger (which deletes grants and rotates the key
-- itself) the sequence row is being updated already, so it is left alone there.
create function private.rotate_channel_on_grant_revoke() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if pg_catalog.pg_trigger_depth() = 1 then
    update public.sequences s set channel_key = pg_catalog.encode(extensions.gen_random_bytes(16), 'hex')
    where s.id = old.sequence_id;
  end if;
  return null;
end $$;
create trigger sequence_link_grants_rotate_channel after delete on public.sequence_link_grants
  for each row execute function private.rotate_channel_on_grant_revoke();

-- Trigger (after update of access_level, agency_id or delete on members), every role.
create function private.rotate_channels_on_member_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and (new.access_level, new.agency_id) is not distinct from (old.access_level, old.agency_id) then
    return null;
  end if;
  update public.sequences s set channel_key = pg_catalog.encode(extensions.gen_random_bytes(16), 'hex')
  where s.organization_id = old.organization_id and s.access <> 'confidential';
  return null;
end $$;
create trigger members_rotate_channels after update of access_level, agency_id or delete on public.members
  for each row execute function private.rotate_channels_on_member_change();

-- The sequence a topic `sequence:<uuid>:<channel_key>` names while that key is current, else
-- null. Definer: reads the key whatever the caller may see (the policies then check rights).
-- Callers: the topic helpers below.
create function private.keyed_topic_sequence_id(p_topic text) returns uuid
language sql stable security definer set search_path = '' as $$
  select s.id from public.sequences s
  where p_topic ~ '^sequence:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:[0-9a-f]{32}$'
    and s.id = pg_catalog.substr(p_topic, 10, 36)::uuid
    and s.channel_key = pg_catalog.substr(p_topic, 47)
$$;

-- Whether the signed-in user may view / edit the sequence a current keyed topic names.
-- Callers: the realtime.messages policies (20261126000900_realtime_policies.sql).
create or replace function private.can_view_sequence_topic(p_topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.can_view_sequence((select auth.uid()), private.keyed_topic_sequence_id(p_topic)), false)
$$;
create or replace function private.can_edit_sequence_topic(p_topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.can_edit_sequence((select auth.uid()), private.keyed_topic_sequence_id(p_topic)), false)
$$;

revoke execute on function private.rotate_channel_on_access_change(), private.rotate_channel_on_grant_revoke(),
  private.rotate_channels_on_member_change(), private.keyed_topic_sequence_id(text) from public, anon;
grant execute on function private.rotate_channel_on_access_change(), private.rotate_channel_on_grant_revoke(),
  private.rotate_channels_on_member_change(), private.keyed_topic_sequence_id(text) to authenticated, service_role;
