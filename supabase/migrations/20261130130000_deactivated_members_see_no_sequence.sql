-- A deactivated member sees and edits no sequence, their own included (issue 16).
--
-- 20261129160000_settings.sql made deactivation take every right away through
-- current_org_id() and effective_access_level(), which the table policies use. The sequence
-- helpers below join public.members themselves and let the creator through on
-- `owner_id = user` alone, so a deactivated creator still passed can_view_sequence /
-- can_edit_sequence: the realtime.messages policies (private.can_view_sequence_topic,
-- can_edit_sequence_topic, board topics) admitted them to their sequences' channels, and a
-- confidential sequence's key is not rotated by deactivation (it has no other viewer). The
-- same definitions as in 20261126000600_rls_helpers.sql, now only for active members.

-- Whether p_user may view sequence p_sequence and its data. Callers: policies, RPCs, Realtime.
create or replace function private.can_view_sequence(p_user uuid, p_sequence uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((
    select private.sees_sequence(s.id, s.owner_id, s.access, m.user_id,
             case when m.agency_id is not null then 'limited'::public.access_level else m.access_level end)
    from public.sequences s
    join public.members m on m.user_id = p_user and m.organization_id = s.organization_id
                         and m.deactivated_at is null
    where s.id = p_sequence), false)
$$;

-- Every sequence the signed-in (active) member may view. Callers: policies (`in (select …)`).
create or replace function private.visible_sequence_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select s.id
  from public.members m
  join public.sequences s on s.organization_id = m.organization_id
  left join public.sequence_link_grants g on g.sequence_id = s.id and g.user_id = m.user_id
  where m.user_id = (select auth.uid()) and m.deactivated_at is null
    and private.sees_sequence_with_grant(s.owner_id, s.access, m.user_id,
          case when m.agency_id is not null then 'limited'::public.access_level else m.access_level end,
          g.user_id is not null)
$$;

-- Whether p_user may edit the sequence's template: the creator; for shared sequences also
-- admins and organisation admins; active members only. Callers: policies, Realtime.
create or replace function private.can_edit_sequence(p_user uuid, p_sequence uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((
    select s.owner_id = m.user_id
        or (s.access = 'shared' and m.agency_id is null and m.access_level >= 'admin')
    from public.sequences s
    join public.members m on m.user_id = p_user and m.organization_id = s.organization_id
                         and m.deactivated_at is null
    where s.id = p_sequence), false)
$$;
