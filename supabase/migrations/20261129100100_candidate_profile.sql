-- The candidate profile (issue 14): its activity timeline is live, and users manage a
-- candidate's subscriptions from it (SPEC S7, More → Manage subscriptions).

-- Realtime streams a candidate's new activities and subscription changes to whoever has the
-- profile open; each subscriber sees only the rows row-level security lets them select.
do $$
declare t text;
begin
  foreach t in array array['activities', 'subscriptions'] loop
    if not exists (
      select 1 from pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t
    ) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end $$;

-- Saves what a candidate wants to receive, as told to a user (S7): current outreach and
-- outreach about new roles. Logs a `subscription_changed` activity (source `profile`, the user
-- as actor) when something changed, in the same transaction. Security invoker: the
-- subscriptions and activities policies decide (elevated members of the candidate's
-- organisation who see the candidate). Enrolment and the sending engine read the saved state,
-- so an unsubscribed candidate is refused by every enrolment path and sent nothing more.
-- Callers: signed-in users (POST /rest/v1/rpc/set_candidate_subscription).
create function public.set_candidate_subscription(p_candidate_id uuid, p_current_outreach boolean, p_new_roles boolean)
returns jsonb language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_cand public.candidates;
  v_old public.subscriptions;
begin
  if p_current_outreach is null or p_new_roles is null then
    raise exception 'invalid_choice' using errcode = '22023', detail = 'Choose whether the candidate receives each kind of email.';
  end if;
  select * into v_cand from public.candidates c where c.id = p_candidate_id;
  if not found then
    raise exception 'not_found' using errcode = 'PT404', detail = 'This candidate does not exist or you cannot see them.';
  end if;
  if (select private.current_access_level()) < 'elevated' then
    raise exception 'no_permission' using errcode = '42501', detail = 'Only elevated members can change a candidate''s subscriptions.';
  end if;
  select * into v_old from public.subscriptions s where s.candidate_id = p_candidate_id;
  insert into public.subscriptions (candidate_id, organization_id, current_outreach, new_roles, updated_by)
  values (v_cand.id, v_cand.organization_id, p_current_outreach, p_new_roles, (select auth.uid()))
  on conflict (candidate_id) do update
    set current_outreach = excluded.current_outreach, new_roles = excluded.new_roles, updated_by = excluded.updated_by;
  if (coalesce(v_old.current_outreach, true), coalesce(v_old.new_roles, true))
     is distinct from (p_current_outreach, p_new_roles) then
    insert into public.activities (organization_id, candidate_id, kind, data, actor_id)
    values (v_cand.organization_id, v_cand.id, 'subscription_changed',
            pg_catalog.jsonb_build_object('current_outreach', p_current_outreach, 'new_roles', p_new_roles,
              'previous_current_outreach', coalesce(v_old.current_outreach, true),
              'previous_new_roles', coalesce(v_old.new_roles, true), 'source', 'profile'),
            (select auth.uid()));
  end if;
  return pg_catalog.jsonb_build_object('current_outreach', p_current_outreach, 'new_roles', p_new_roles);
end $$;
revoke execute on function public.set_candidate_subscription(uuid, boolean, boolean) from public, anon;
grant execute on function public.set_candidate_subscription(uuid, boolean, boolean) to authenticated;
