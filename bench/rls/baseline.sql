-- Puts the RLS helpers of the bench database back to their state before
-- supabase/migrations/20261126000950_rls_performance.sql (the definitions of
-- 20261126000600_rls_helpers.sql, and no list index), to measure the "before" numbers:
--   psql -d bench -f bench/rls/baseline.sql && node bench/rls.js
-- Re-apply the migration file to the bench database to measure "after". Never run this
-- against an application database.
\set ON_ERROR_STOP on
create or replace function private.sees_sequence(
  p_sequence uuid, p_owner uuid, p_access public.sequence_access, p_user uuid, p_level public.access_level)
returns boolean language sql stable as $$
  select p_owner = p_user
      or (p_access = 'shared' and p_level >= 'elevated')
      or (p_access = 'personal' and (p_level = 'organization_admin'
            or (p_level >= 'elevated' and exists (
                  select 1 from public.sequence_link_grants g
                  where g.sequence_id = p_sequence and g.user_id = p_user))))
$$;

create or replace function private.visible_sequence_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select s.id
  from public.members m
  join public.sequences s on s.organization_id = m.organization_id
  where m.user_id = (select auth.uid())
    and private.sees_sequence(s.id, s.owner_id, s.access, m.user_id,
          case when m.agency_id is not null then 'limited'::public.access_level else m.access_level end)
$$;

drop index if exists public.sequences_list_idx;
drop function if exists private.sees_sequence_with_grant(uuid, public.sequence_access, uuid, public.access_level, boolean);
