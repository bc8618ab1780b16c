-- The sequence manager's Enroll dialog (issue 14): candidates found by a pasted list of email
-- addresses, and the address a draft sends to chosen among the candidate's own.

-- Candidates of the caller's organisation whose primary or alternate address is one of
-- p_emails (compared trimmed and lower-cased). Security invoker: the candidates policy decides,
-- so an address of a candidate the user may not see finds nothing, exactly like an unknown one
-- (the dialog says "not found among the candidates you can see" for both). At most 1,000
-- addresses (22023 too_many). Callers: signed-in users (rpc/candidates_by_email, with
-- PostgREST's select).
create function public.candidates_by_email(p_emails text[])
returns setof public.candidates language plpgsql stable security invoker set search_path = '' as $$
declare v_emails text[];
begin
  if pg_catalog.cardinality(p_emails) > 1000 then
    raise exception 'too_many' using errcode = '22023', detail = 'Paste at most 1,000 addresses at once.';
  end if;
  select pg_catalog.array_agg(distinct pg_catalog.lower(pg_catalog.btrim(e))) into v_emails
  from pg_catalog.unnest(p_emails) e where pg_catalog.btrim(e) <> '';
  if v_emails is null then return; end if;
  return query
    select c.* from public.candidates c
    where c.organization_id = (select private.current_org_id())
      and (pg_catalog.lower(c.email) = any (v_emails)
           or (pg_catalog.cardinality(c.alternate_emails) > 0
               and exists (select 1 from pg_catalog.unnest(c.alternate_emails) a
                           where pg_catalog.lower(pg_catalog.btrim(a)) = any (v_emails))));
end $$;
revoke execute on function public.candidates_by_email(text[]) from public, anon;
grant execute on function public.candidates_by_email(text[]) to authenticated, service_role;

-- "Send to" of a draft (the in-place fix "pick another email"): sets the address a draft
-- enrolment sends to, which must be one of the candidate's own (primary or alternate).
-- Answers (ok, reason, detail) like the lifecycle RPCs: not_found, no_permission, not_draft,
-- no_email. Security definer because users hold no write grant on enrolments; the check is
-- private.lock_enrollment_for for auth.uid(), as every lifecycle RPC. Signed-in users.
create function private.set_enrollment_address(p_enrollment_id uuid, p_to_email text)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := private.lifecycle_guard(array[p_enrollment_id]);
  v_lock record;
  v_email text;
begin
  enrollment_id := p_enrollment_id; ok := false;
  select * into v_lock from private.lock_enrollment_for(v_user, p_enrollment_id);
  if v_lock.reason is not null then
    reason := v_lock.reason; detail := v_lock.detail; return next; return;
  end if;
  if (v_lock.e).status <> 'draft' then
    reason := 'not_draft'; detail := 'Only a draft''s address can be changed; this enrolment is ' || (v_lock.e).status || '.';
    return next; return;
  end if;
  select a into v_email
  from public.candidates c, pg_catalog.unnest(array[c.email] || c.alternate_emails) a
  where c.id = (v_lock.e).candidate_id and pg_catalog.btrim(a) <> ''
    and pg_catalog.lower(pg_catalog.btrim(a)) = pg_catalog.lower(pg_catalog.btrim(p_to_email))
  limit 1;
  if v_email is null then
    reason := 'no_email'; detail := 'That address is not one of the candidate''s; add it to the candidate first.';
    return next; return;
  end if;
  update public.enrollments e set to_email = pg_catalog.btrim(v_email) where e.id = p_enrollment_id;
  ok := true; return next;
end $$;
revoke execute on function private.set_enrollment_address(uuid, text) from public, anon;
grant execute on function private.set_enrollment_address(uuid, text) to authenticated, service_role;

create function public.set_enrollment_address(enrollment_id uuid, to_email text)
returns table (enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$
  select * from private.set_enrollment_address($1, $2)
$$;
revoke execute on function public.set_enrollment_address(uuid, text) from public, anon;
grant execute on function public.set_enrollment_address(uuid, text) to authenticated, service_role;
