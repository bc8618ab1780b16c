-- RLS performance (issue 5 benchmark, bench/README.md "RLS: sequences list and pipeline
-- counts"). Same answers as 20261126000600_rls_helpers.sql, cheaper to compute:
--
-- 1. private.sees_sequence was never inlined: Postgres inlines a SQL scalar function only when
--    its body has no subquery, and its EXISTS on sequence_link_grants is one. So
--    visible_sequence_ids() — behind the policies of sequences, their stages and documents,
--    enrolments, enrolment stages, email events, replies, activities and tasks — paid a SQL
--    function call for each sequence of the organisation (2,000 sequences: ~5 ms, and the
--    list page pays it twice). The predicate now lives in sees_sequence_with_grant, which
--    takes "holds a link grant" as an argument and has no subquery, so it inlines;
--    visible_sequence_ids() finds the grants with one join instead of a probe per sequence.
--    sees_sequence keeps its signature for its single-row callers and delegates to it, so the
--    rule is still written once.
-- 2. The sequences list (newest 200 unarchived, embeds evaluated per row before the limit)
--    can walk an index in updated_at order and stop after 200 rows instead of embedding and
--    sorting every sequence of the organisation.

-- The heart of sequence visibility (S1), given whether p_user holds a link grant on the
-- sequence: the creator always; shared: elevated or higher; personal: organisation admins,
-- and elevated or higher users holding a link grant; confidential: nobody else.
-- Not security definer, without a SET clause, one expression without subqueries and every
-- name schema-qualified, so that Postgres inlines it into its callers (security definer
-- helpers below). Callers: private.sees_sequence, private.visible_sequence_ids.
create function private.sees_sequence_with_grant(
  p_owner uuid, p_access public.sequence_access, p_user uuid, p_level public.access_level, p_has_grant boolean)
returns boolean language sql immutable as $$
  select p_owner = p_user
      or (p_access = 'shared' and p_level >= 'elevated')
      or (p_access = 'personal' and (p_level = 'organization_admin' or (p_level >= 'elevated' and p_has_grant)))
$$;

-- Whether p_user (at p_level) sees sequence p_sequence; one sequence at a time (can_view_sequence).
-- The grant lookup is a primary-key probe; set-based callers use sees_sequence_with_grant.
create or replace function private.sees_sequence(
  p_sequence uuid, p_owner uuid, p_access public.sequence_access, p_user uuid, p_level public.access_level)
returns boolean language sql stable as $$
  select private.sees_sequence_with_grant(p_owner, p_access, p_user, p_level,
           exists (select 1 from public.sequence_link_grants g
                   where g.sequence_id = p_sequence and g.user_id = p_user))
$$;

-- Every sequence the signed-in user may view. Callers: policies (`in (select …)`). The left
-- join finds the user's link grants (at most one per sequence: the primary key) in one pass.
create or replace function private.visible_sequence_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select s.id
  from public.members m
  join public.sequences s on s.organization_id = m.organization_id
  left join public.sequence_link_grants g on g.sequence_id = s.id and g.user_id = m.user_id
  where m.user_id = (select auth.uid())
    and private.sees_sequence_with_grant(s.owner_id, s.access, m.user_id,
          case when m.agency_id is not null then 'limited'::public.access_level else m.access_level end,
          g.user_id is not null)
$$;

revoke execute on function private.sees_sequence_with_grant(uuid, public.sequence_access, uuid, public.access_level, boolean)
  from public, anon;
grant execute on function private.sees_sequence_with_grant(uuid, public.sequence_access, uuid, public.access_level, boolean)
  to authenticated, service_role;

-- The Sequences list: an organisation's unarchived sequences, newest first.
create index sequences_list_idx on public.sequences (organization_id, updated_at desc) where archived_at is null;
