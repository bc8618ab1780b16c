-- The database side of the links inside sent emails: the open pixel and click redirects
-- (edge function `track`, S8) and the unsubscribe page and RFC 8058 one-click POST (edge
-- function `unsubscribe`, S7). The functions verify the signed token (LINK_SIGNING_SECRET);
-- these RPCs trust the stage id it carries and are callable by the service role only.

-- Records an open or a click of stage p_stage_id. Machine when the user agent looked like a
-- proxy or scanner (decided in supabase/functions/_shared/machine-opens.ts) or, for clicks,
-- when it came within p_machine_window_seconds of the send (no person reads and clicks that
-- fast; link scanners do). Returns the recorded is_machine, or null for an unknown stage.
-- Callers: service role (the track function).
create function private.record_link_event(
  p_stage_id uuid, p_kind text, p_url text, p_user_agent text, p_ua_machine boolean, p_machine_window_seconds integer)
returns boolean language plpgsql volatile security definer set search_path = '' as $$
declare
  v_sent_at timestamptz;
  v_machine boolean;
begin
  if p_kind not in ('opened', 'clicked') then
    raise exception 'unknown_kind' using errcode = '22023';
  end if;
  select coalesce(s.sent_at, s.updated_at) into v_sent_at from public.enrollment_stages s where s.id = p_stage_id;
  if not found then return null; end if;
  v_machine := coalesce(p_ua_machine, false)
    or (p_kind = 'clicked' and v_sent_at is not null
        and pg_catalog.now() - v_sent_at < pg_catalog.make_interval(secs => greatest(coalesce(p_machine_window_seconds, 0), 0)));
  insert into public.email_events (enrollment_stage_id, kind, is_machine, url, user_agent)
  values (p_stage_id, p_kind::public.email_event_kind, v_machine, pg_catalog.left(p_url, 2048), pg_catalog.left(p_user_agent, 512));
  return v_machine;
end $$;

-- What the unsubscribe page shows for the stage's candidate: the organisation's name and the
-- current choices. Null for an unknown stage. Callers: service role (unsubscribe function).
create function private.unsubscribe_state(p_stage_id uuid)
returns jsonb language sql stable security definer set search_path = '' as $$
  select pg_catalog.jsonb_build_object(
           'organization_name', o.name,
           'current_outreach', coalesce(sub.current_outreach, true),
           'new_roles', coalesce(sub.new_roles, true))
  from public.enrollment_stages s
  join public.organizations o on o.id = s.organization_id
  left join public.subscriptions sub on sub.candidate_id = s.candidate_id
  where s.id = p_stage_id
$$;

-- Saves the candidate's choice from the unsubscribe page or a one-click POST (S7):
-- p_current_outreach / p_new_roles are what they still want to receive. Logs an activity on
-- the candidate when something changed and, when current outreach is refused, ends the
-- candidate's running or paused sequences with reason unsubscribed. Returns the saved state,
-- or null for an unknown stage. Callers: service role (unsubscribe function).
create function private.save_subscription_choice(
  p_stage_id uuid, p_current_outreach boolean, p_new_roles boolean, p_source text)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_stage public.enrollment_stages;
  v_old public.subscriptions;
begin
  if p_current_outreach is null or p_new_roles is null or p_source not in ('page', 'one_click') then
    raise exception 'invalid_choice' using errcode = '22023';
  end if;
  select * into v_stage from public.enrollment_stages s where s.id = p_stage_id;
  if not found then return null; end if;
  select * into v_old from public.subscriptions sub where sub.candidate_id = v_stage.candidate_id for update;
  insert into public.subscriptions (candidate_id, organization_id, current_outreach, new_roles, updated_by)
  values (v_stage.candidate_id, v_stage.organization_id, p_current_outreach, p_new_roles, null)
  on conflict (candidate_id) do update
    set current_outreach = excluded.current_outreach, new_roles = excluded.new_roles, updated_by = null;
  if (coalesce(v_old.current_outreach, true), coalesce(v_old.new_roles, true))
     is distinct from (p_current_outreach, p_new_roles) then
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_stage.organization_id, v_stage.candidate_id, null, v_stage.enrollment_id, 'subscription_changed',
            pg_catalog.jsonb_build_object('current_outreach', p_current_outreach, 'new_roles', p_new_roles,
              'previous_current_outreach', coalesce(v_old.current_outreach, true),
              'previous_new_roles', coalesce(v_old.new_roles, true), 'source', p_source), null);
  end if;
  if not p_current_outreach then
    update public.enrollments e
      set status = 'cancelled', end_reason = 'unsubscribed'
    where e.candidate_id = v_stage.candidate_id and e.status in ('running', 'paused');
  end if;
  return pg_catalog.jsonb_build_object('current_outreach', p_current_outreach, 'new_roles', p_new_roles);
end $$;

revoke execute on function private.record_link_event(uuid, text, text, text, boolean, integer),
  private.unsubscribe_state(uuid), private.save_subscription_choice(uuid, boolean, boolean, text)
  from public, anon, authenticated;
grant execute on function private.record_link_event(uuid, text, text, text, boolean, integer),
  private.unsubscribe_state(uuid), private.save_subscription_choice(uuid, boolean, boolean, text)
  to service_role;

-- PostgREST entry points (service role only).
create function public.record_link_event(
  stage_id uuid, kind text, url text default null, user_agent text default null,
  ua_machine boolean default false, machine_window_seconds integer default 10)
returns boolean language sql volatile security invoker set search_path = '' as $$
  select private.record_link_event($1, $2, $3, $4, $5, $6)
$$;
create function public.unsubscribe_state(stage_id uuid)
returns jsonb language sql stable security invoker set search_path = '' as $$
  select private.unsubscribe_state($1)
$$;
create function public.save_subscription_choice(stage_id uuid, current_outreach boolean, new_roles boolean, source text)
returns jsonb language sql volatile security invoker set search_path = '' as $$
  select private.save_subscription_choice($1, $2, $3, $4)
$$;
revoke execute on function public.record_link_event(uuid, text, text, text, boolean, integer),
  public.unsubscribe_state(uuid), public.save_subscription_choice(uuid, boolean, boolean, text)
  from public, anon, authenticated;
grant execute on function public.record_link_event(uuid, text, text, text, boolean, integer),
  public.unsubscribe_state(uuid), public.save_subscription_choice(uuid, boolean, boolean, text)
  to service_role;
