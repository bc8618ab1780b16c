-- Helpers the row-level security policies call (S1). All live in `private` (not exposed by the
-- API), are `security definer` with an empty search_path so they can read membership tables
-- without recursing into those tables' own policies, and are granted to authenticated and
-- service_role only. Set-returning helpers are meant to be used as `col in (select …())` so
-- Postgres evaluates them once per query rather than once per row.

-- The organisation of the signed-in user (null when not a member). Callers: policies.
create function private.current_org_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select m.organization_id from public.members m where m.user_id = (select auth.uid())
$$;

-- A user's access level for sequences: agency users count as `limited` (S1). Null when the
-- user is not a member. Callers: policies and other helpers.
create function private.effective_access_level(p_user uuid) returns public.access_level
language sql stable security definer set search_path = '' as $$
  select case when m.agency_id is not null then 'limited'::public.access_level else m.access_level end
  from public.members m where m.user_id = p_user
$$;

-- The signed-in user's effective access level. Callers: policies.
create function private.current_access_level() returns public.access_level
language sql stable security definer set search_path = '' as $$
  select private.effective_access_level((select auth.uid()))
$$;

-- The heart of sequence visibility (S1), given whether p_user holds a link grant on the
-- sequence: the creator always; shared: elevated or higher; personal: organisation admins,
-- and elevated or higher users holding a link grant; confidential: nobody else.
-- Not security definer, without a SET clause, one expression without subqueries and every
-- name schema-qualified, so that Postgres inlines it into its callers (security definer
-- helpers below; a pinned search_path or a subquery would prevent the inlining: with the
-- grant lookup inside, 2,000 sequences cost ~5 ms per policy check, bench/README.md "RLS").
-- Callers: private.sees_sequence, private.visible_sequence_ids.
create function private.sees_sequence_with_grant(
  p_owner uuid, p_access public.sequence_access, p_user uuid, p_level public.access_level, p_has_grant boolean)
returns boolean language sql immutable as $$
  select p_owner = p_user
      or (p_access = 'shared' and p_level >= 'elevated')
      or (p_access = 'personal' and (p_level = 'organization_admin' or (p_level >= 'elevated' and p_has_grant)))
$$;

-- Whether p_user (at p_level) sees sequence p_sequence; one sequence at a time (can_view_sequence).
-- The grant lookup is a primary-key probe; set-based callers use sees_sequence_with_grant.
create function private.sees_sequence(
  p_sequence uuid, p_owner uuid, p_access public.sequence_access, p_user uuid, p_level public.access_level)
returns boolean language sql stable as $$
  select private.sees_sequence_with_grant(p_owner, p_access, p_user, p_level,
           exists (select 1 from public.sequence_link_grants g
                   where g.sequence_id = p_sequence and g.user_id = p_user))
$$;

-- Whether p_user may view sequence p_sequence and its data. Callers: policies, RPCs, Realtime.
create function private.can_view_sequence(p_user uuid, p_sequence uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((
    select private.sees_sequence(s.id, s.owner_id, s.access, m.user_id,
             case when m.agency_id is not null then 'limited'::public.access_level else m.access_level end)
    from public.sequences s
    join public.members m on m.user_id = p_user and m.organization_id = s.organization_id
    where s.id = p_sequence), false)
$$;

-- Every sequence the signed-in user may view. Callers: policies (`in (select …)`). The left
-- join finds the user's link grants (at most one per sequence: the primary key) in one pass.
create function private.visible_sequence_ids() returns setof uuid
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

-- Whether p_user may edit the sequence's template (stages, title, settings, its Yjs document):
-- the creator; for shared sequences also admins and organisation admins. Elevated users who
-- can view a shared sequence do not edit it unless they created it. Callers: policies, Realtime.
create function private.can_edit_sequence(p_user uuid, p_sequence uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((
    select s.owner_id = m.user_id
        or (s.access = 'shared' and m.agency_id is null and m.access_level >= 'admin')
    from public.sequences s
    join public.members m on m.user_id = p_user and m.organization_id = s.organization_id
    where s.id = p_sequence), false)
$$;

-- Whether p_user may enrol p_candidate in p_sequence (S1 matrix and rule):
--   must see the sequence (so confidential: only its creator), candidate in the same
--   organisation; limited/agency: never; admin, organisation admin: yes; elevated: only when
--   every job the candidate is actively considered for gives the user hiring manager or higher
--   (or there is none). Callers: policies, public.enroll_candidates.
create function private.can_enroll(p_user uuid, p_sequence uuid, p_candidate uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((
    select case
      when private.effective_access_level(p_user) >= 'admin' then true
      when private.effective_access_level(p_user) = 'elevated' then not exists (
        select 1 from public.considerations c
        where c.candidate_id = p_candidate and c.archived_at is null
          and not exists (
            select 1 from public.job_members jm
            where jm.job_id = c.job_id and jm.user_id = p_user
              and jm.role in ('hiring_manager', 'admin', 'admin_private')))
      else false
    end
    from public.sequences s
    join public.candidates k on k.id = p_candidate and k.organization_id = s.organization_id
    where s.id = p_sequence and private.can_view_sequence(p_user, s.id)), false)
$$;

-- Jobs the signed-in user may see: non-confidential jobs for elevated or higher; every job
-- for admins and organisation admins; and the jobs the user holds a role on. Callers: policies.
create function private.visible_job_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select j.id
  from public.members m
  join public.jobs j on j.organization_id = m.organization_id
  where m.user_id = (select auth.uid())
    and (   (m.agency_id is null and m.access_level >= 'admin')
         or (m.agency_id is null and m.access_level = 'elevated' and not j.confidential)
         or exists (select 1 from public.job_members jm where jm.job_id = j.id and jm.user_id = m.user_id))
$$;

-- Candidates a limited (or agency) user may see: those actively considered for a job the user
-- holds a role on. Elevated or higher see every candidate of their organisation without this.
-- Callers: policies.
create function private.limited_candidate_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select distinct c.candidate_id
  from public.job_members jm
  join public.considerations c on c.job_id = jm.job_id and c.archived_at is null
  where jm.user_id = (select auth.uid())
$$;

-- Whether the signed-in user may see a candidate. Callers: policies on candidate-owned rows.
create function private.can_view_candidate(p_candidate uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.candidates k
    join public.members m on m.user_id = (select auth.uid()) and m.organization_id = k.organization_id
    where k.id = p_candidate
      and ((m.agency_id is null and m.access_level >= 'elevated')
           or k.id in (select private.limited_candidate_ids())))
$$;

-- The sequence a Realtime topic `sequence:<uuid>` names, or null for any other topic.
create function private.topic_sequence_id(p_topic text) returns uuid
language sql immutable set search_path = '' as $$
  select case when p_topic ~ '^sequence:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
              then pg_catalog.substr(p_topic, 10)::uuid end
$$;

revoke execute on all functions in schema private from public, anon;
grant execute on function
  private.current_org_id(),
  private.effective_access_level(uuid),
  private.current_access_level(),
  private.sees_sequence_with_grant(uuid, public.sequence_access, uuid, public.access_level, boolean),
  private.sees_sequence(uuid, uuid, public.sequence_access, uuid, public.access_level),
  private.can_view_sequence(uuid, uuid),
  private.visible_sequence_ids(),
  private.can_edit_sequence(uuid, uuid),
  private.can_enroll(uuid, uuid, uuid),
  private.visible_job_ids(),
  private.limited_candidate_ids(),
  private.can_view_candidate(uuid),
  private.topic_sequence_id(text),
  private.is_valid_time_zone(text),
  private.set_updated_at(),
  private.refuse_update(),
  private.refuse_delete(),
  private.stage_due_at(timestamptz, integer, integer, text),
  private.guard_enrollment_stage_update(),
  private.guard_enrollment_update()
to authenticated, service_role;
