-- private.enroll_candidates, split into one small helper per rule (issue 14, item 4).
--
-- The enrolment RPC was re-created whole five times (20261126000800, 20261129110000,
-- 20261129135000, 20261129170000, 20261129190400), each time to change a line or two. Its rules
-- now live in the named helpers below, so the next rule change replaces one helper and leaves
-- the loop alone. Behaviour is that of 20261129190400_schedule_rule_everywhere.sql, checked by
-- the existing pgTAP files (030, 100, 110, 301, 330, 400, 710, 900).
--
-- New: an enrolment made in several calls can form one batch. The sequence manager's Enroll
-- dialog creates up to 500 drafts 50 at a time (so its progress bar is real); the first call
-- makes the batch, the next ones pass its id (p_batch_id / batch_id) and join it. A batch id
-- that is not the caller's own batch of that sequence is refused (22023 invalid_batch).
--
-- The helpers are plain (security invoker) functions that nobody may call directly: they run
-- inside private.enroll_candidates, a security definer, as its owner.

-- Refusal that holds for every candidate of a call: the plan does not allow confidential
-- sequences, a confidential sequence is someone else's, the sequence is archived, has no
-- stages, or (when starting at once) a stage without subject or body. Null reason: none.
create function private.enrol_sequence_block(
  p_user uuid, p_seq public.sequences, p_org public.organizations, p_start boolean,
  out reason text, out detail text)
language plpgsql stable set search_path = '' as $$
begin
  if p_seq.access = 'confidential' and p_org.plan not in ('legacy_plus', 'plus', 'enterprise') then
    reason := 'confidential_not_allowed';
    detail := 'Confidential sequences are not available on your organisation''s plan.';
  elsif p_seq.access = 'confidential' and p_seq.owner_id <> p_user then
    reason := 'confidential_not_allowed';
    detail := 'Only the creator of a confidential sequence can enrol candidates.';
  elsif p_seq.archived_at is not null then
    reason := 'sequence_has_errors';
    detail := 'The sequence is archived.';
  elsif not exists (select 1 from public.sequence_stages st where st.sequence_id = p_seq.id) then
    reason := 'sequence_has_errors';
    detail := 'The sequence has no stages.';
  elsif p_start then
    select 'Stage ' || (st.position + 1) || case
             when st.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(st.subject) = '' then ' has no subject.'
             else ' has an empty body.' end
      into detail
    from public.sequence_stages st
    where st.sequence_id = p_seq.id
      and ((st.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(st.subject) = '')
           or st.body = '{"type": "doc", "content": []}'::jsonb or st.body -> 'content' is null)
    order by st.position limit 1;
    if detail is not null then reason := 'sequence_has_errors'; end if;
  end if;
end $$;

-- Why p_user may not enrol the candidate in the sequence (reason no_permission), or null. Only
-- jobs the user may see are named (issue 11 item 2); the others are counted.
create function private.enrol_permission_block(p_user uuid, p_sequence uuid, p_candidate uuid) returns text
language plpgsql stable set search_path = '' as $$
declare
  v_level public.access_level;
  v_missing_jobs text;
  v_hidden_jobs integer;
begin
  if private.can_enroll(p_user, p_sequence, p_candidate) then return null; end if;
  v_level := private.effective_access_level(p_user);
  if v_level is null or v_level < 'elevated' then
    return 'Your access level does not allow enrolling candidates.';
  end if;
  with missing as (
    select j.title, j.id in (select private.visible_job_ids()) as visible
    from public.considerations c join public.jobs j on j.id = c.job_id
    where c.candidate_id = p_candidate and c.archived_at is null
      and not exists (select 1 from public.job_members jm
                      where jm.job_id = c.job_id and jm.user_id = p_user
                        and jm.role in ('hiring_manager', 'admin', 'admin_private')))
  select pg_catalog.string_agg(m.title, ', ' order by m.title) filter (where m.visible),
         pg_catalog.count(*) filter (where not m.visible)
    into v_missing_jobs, v_hidden_jobs
  from missing m;
  return 'You need to be hiring manager or higher on every job this candidate is considered for: '
         || pg_catalog.concat_ws(' and ', v_missing_jobs,
              case when v_hidden_jobs = 1 then '1 other job you cannot see'
                   when v_hidden_jobs > 1 then v_hidden_jobs || ' other jobs you cannot see' end) || '.';
end $$;

-- Why the candidate may not be contacted at all (reason unsubscribed): suppressed after a
-- bounce or a spam complaint, or unsubscribed from current outreach. Null: subscribed.
create function private.enrol_subscription_block(p_candidate uuid) returns text
language sql stable set search_path = '' as $$
  select case when s.suppressed_reason = 'bounced' then 'Emails to this candidate bounced; the address is suppressed.'
              when s.suppressed_reason is not null then 'This candidate marked an email as spam; the address is suppressed.'
              when not s.current_outreach then 'This candidate unsubscribed from outreach.' end
  from public.subscriptions s where s.candidate_id = p_candidate
$$;

-- The address an enrolment sends to: p_to_email when it is one of the candidate's, else the
-- primary, else the first non-empty alternate. Null email: refused as no_email with `detail`.
create function private.enrol_address(p_cand public.candidates, p_to_email text, out email text, out detail text)
language plpgsql immutable set search_path = '' as $$
begin
  email := coalesce(nullif(pg_catalog.btrim(p_cand.email), ''),
                    (select e from pg_catalog.unnest(p_cand.alternate_emails) e where pg_catalog.btrim(e) <> '' limit 1));
  if email is null then
    detail := 'This candidate has no email address.';
    return;
  end if;
  if nullif(pg_catalog.btrim(p_to_email), '') is not null then
    select a into email from pg_catalog.unnest(array[p_cand.email] || p_cand.alternate_emails) a
    where pg_catalog.lower(pg_catalog.btrim(a)) = pg_catalog.lower(pg_catalog.btrim(p_to_email)) limit 1;
    if email is null then
      detail := 'That address is not one of the candidate''s; add it to the candidate first.';
    end if;
  end if;
end $$;

-- One active sequence per candidate (SPEC S3), and one draft per candidate and sequence:
-- already_enrolled (naming a sequence the user sees) or already_enrolled_hidden. Null: free.
create function private.enrol_other_enrolment_block(
  p_user uuid, p_candidate uuid, p_sequence uuid, out reason text, out detail text)
language plpgsql stable set search_path = '' as $$
declare v_other record;
begin
  select e.sequence_id, e.status, s.title into v_other
  from public.enrollments e join public.sequences s on s.id = e.sequence_id
  where e.candidate_id = p_candidate
    and (e.status in ('running', 'paused') or (e.status = 'draft' and e.sequence_id = p_sequence))
  order by (e.status = 'draft') limit 1;
  if not found then return; end if;
  if private.can_view_sequence(p_user, v_other.sequence_id) then
    reason := 'already_enrolled';
    detail := case when v_other.status = 'draft' then 'A draft enrolment in this sequence already exists.'
              else 'Already in the sequence "' || v_other.title || '".' end;
  else
    reason := 'already_enrolled_hidden';
    detail := 'Already in another sequence that you cannot see.';
  end if;
end $$;

-- Creates one enrolment (draft, or running when p_start) with the candidate's own copy of every
-- template stage scheduled from now in the zone private.stage_time_zone picks, and logs the
-- `enrolled` activity. Null when another enrolment of the candidate started at the same moment.
create function private.create_enrolment(
  p_user uuid, p_seq public.sequences, p_candidate uuid, p_batch uuid, p_email text, p_start boolean,
  p_include_unsubscribe_link boolean) returns uuid
language plpgsql volatile set search_path = '' as $$
declare v_enrollment uuid;
begin
  begin
    insert into public.enrollments (organization_id, sequence_id, candidate_id, batch_id, enrolled_by, to_email,
                                    status, include_unsubscribe_link, started_at)
    values (p_seq.organization_id, p_seq.id, p_candidate, p_batch, p_user, p_email,
            case when p_start then 'running' else 'draft' end::public.enrollment_status,
            coalesce(p_include_unsubscribe_link, p_seq.include_unsubscribe_link),
            case when p_start then pg_catalog.now() end)
    returning id into v_enrollment;
  exception when unique_violation then
    return null;
  end;
  insert into public.enrollment_stages (enrollment_id, position, type, delay_days, delay_hours, send_window,
                                        scheduled_at, subject, body, sender_user_id, thread_mode)
  select v_enrollment, st.position, st.type, st.delay_days, st.delay_hours, st.send_window,
         private.stage_due_at(pg_catalog.now(), st.delay_days, st.delay_hours,
           private.stage_time_zone(p_candidate, coalesce(st.sender_user_id, p_user))),
         st.subject, st.body, coalesce(st.sender_user_id, p_user), st.thread_mode
  from public.sequence_stages st where st.sequence_id = p_seq.id order by st.position;
  insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
  values (p_seq.organization_id, p_candidate, p_seq.id, v_enrollment, 'enrolled',
          pg_catalog.jsonb_build_object('sequence_title', p_seq.title, 'started', p_start), p_user);
  return v_enrollment;
end $$;

revoke execute on function
  private.enrol_sequence_block(uuid, public.sequences, public.organizations, boolean),
  private.enrol_permission_block(uuid, uuid, uuid),
  private.enrol_subscription_block(uuid),
  private.enrol_address(public.candidates, text),
  private.enrol_other_enrolment_block(uuid, uuid, uuid),
  private.create_enrolment(uuid, public.sequences, uuid, uuid, text, boolean, boolean)
  from public, anon, authenticated, service_role;

-- Enrols candidates for the signed-in user (signed-in users, through the public wrappers): one
-- row per distinct candidate id, in input order, (candidate_id, enrollment_id, ok, reason,
-- detail); see 20261126000800_enroll_rpc.sql for the reasons. Each rule is a helper above, asked
-- in this order: the candidate exists in the sequence's organisation, the sequence accepts
-- enrolments, permission, subscription, an address, no other enrolment, the organisation's
-- outreach frequency (private.frequency_policy_block, the rule start_enrollments asks too).
-- p_individual: no batch (the extension); p_to_email: which of the candidate's addresses;
-- p_batch_id: join this batch (the caller's own, of this sequence) instead of making one.
-- Errors: 42501 not signed in; 22023 too_many (over 500 candidates) or invalid_batch;
-- PT404 no such sequence or not visible.
create function private.enroll_candidates(
  p_sequence_id uuid, p_candidate_ids uuid[], p_start boolean, p_include_unsubscribe_link boolean,
  p_individual boolean, p_to_email text, p_batch_id uuid)
returns table (candidate_id uuid, enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := (select auth.uid());
  v_seq public.sequences;
  v_org public.organizations;
  v_seq_block record;
  v_batch uuid;
  v_cand public.candidates;
  v_address record;
  v_block text;
  v_other record;
  v_id uuid;
begin
  if v_user is null then
    raise exception 'not_authenticated' using errcode = '42501', detail = 'Sign in to enrol candidates.';
  end if;
  if (select pg_catalog.count(*) from private.distinct_ids(p_candidate_ids)) > 500 then
    raise exception 'too_many' using errcode = '22023',
      detail = 'At most 500 candidates can be enrolled at once.';
  end if;
  select * into v_seq from public.sequences s where s.id = p_sequence_id;
  if not found or not private.can_view_sequence(v_user, v_seq.id) then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such sequence, or you cannot see it.';
  end if;
  if p_batch_id is not null and not p_individual then
    select b.id into v_batch from public.enrollment_batches b
    where b.id = p_batch_id and b.sequence_id = v_seq.id and b.created_by = v_user;
    if v_batch is null then
      raise exception 'invalid_batch' using errcode = '22023',
        detail = 'That enrolment batch is not one of yours in this sequence.';
    end if;
  end if;
  select * into v_org from public.organizations o where o.id = v_seq.organization_id;
  select * into v_seq_block from private.enrol_sequence_block(v_user, v_seq, v_org, p_start);

  for v_id in select * from private.distinct_ids(p_candidate_ids) loop
    candidate_id := v_id; enrollment_id := null; ok := false; reason := null; detail := null;
    select * into v_cand from public.candidates k where k.id = v_id and k.organization_id = v_seq.organization_id;
    if not found then
      reason := 'not_found'; detail := 'No such candidate in your organisation.';
      return next; continue;
    end if;
    if v_seq_block.reason is not null then
      reason := v_seq_block.reason; detail := v_seq_block.detail;
      return next; continue;
    end if;
    v_block := private.enrol_permission_block(v_user, v_seq.id, v_id);
    if v_block is not null then
      reason := 'no_permission'; detail := v_block;
      return next; continue;
    end if;
    v_block := private.enrol_subscription_block(v_id);
    if v_block is not null then
      reason := 'unsubscribed'; detail := v_block;
      return next; continue;
    end if;
    select * into v_address from private.enrol_address(v_cand, p_to_email);
    if v_address.email is null then
      reason := 'no_email'; detail := v_address.detail;
      return next; continue;
    end if;
    select * into v_other from private.enrol_other_enrolment_block(v_user, v_id, v_seq.id);
    if v_other.reason is not null then
      reason := v_other.reason; detail := v_other.detail;
      return next; continue;
    end if;
    v_block := private.frequency_policy_block(v_id);
    if v_block is not null then
      reason := 'frequency_policy'; detail := v_block;
      return next; continue;
    end if;

    if v_batch is null and not p_individual then
      insert into public.enrollment_batches (organization_id, sequence_id, created_by)
      values (v_seq.organization_id, v_seq.id, v_user) returning id into v_batch;
    end if;
    enrollment_id := private.create_enrolment(v_user, v_seq, v_id, case when p_individual then null else v_batch end,
                                              v_address.email, p_start, p_include_unsubscribe_link);
    if enrollment_id is null then
      -- Another enrolment started for this candidate at the same moment.
      reason := 'already_enrolled'; detail := 'Already in another sequence.';
      return next; continue;
    end if;
    ok := true;
    return next;
  end loop;
end $$;
revoke execute on function private.enroll_candidates(uuid, uuid[], boolean, boolean, boolean, text, uuid) from public, anon;
grant execute on function private.enroll_candidates(uuid, uuid[], boolean, boolean, boolean, text, uuid) to authenticated, service_role;

-- The six-argument form the extension's entry point (public.enroll_candidate) calls: no batch
-- to join. Same rules (it is the function above). Signed-in users.
create or replace function private.enroll_candidates(
  p_sequence_id uuid, p_candidate_ids uuid[], p_start boolean, p_include_unsubscribe_link boolean,
  p_individual boolean, p_to_email text)
returns table (candidate_id uuid, enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$
  select * from private.enroll_candidates($1, $2, $3, $4, $5, $6, null::uuid)
$$;

-- PostgREST entry point: POST /rest/v1/rpc/enroll_candidates {sequence_id, candidate_ids,
-- start?, include_unsubscribe_link?, batch_id?}. batch_id is new (joins a batch an earlier call
-- of the same enrolment made); callers that leave it out behave as before. Signed-in users.
drop function public.enroll_candidates(uuid, uuid[], boolean, boolean);
create function public.enroll_candidates(
  sequence_id uuid, candidate_ids uuid[], start boolean default false, include_unsubscribe_link boolean default null,
  batch_id uuid default null)
returns table (candidate_id uuid, enrollment_id uuid, ok boolean, reason text, detail text)
language sql volatile security invoker set search_path = '' as $$
  select * from private.enroll_candidates($1, $2, coalesce($3, false), $4, false, null, $5)
$$;
revoke execute on function public.enroll_candidates(uuid, uuid[], boolean, boolean, uuid) from public, anon;
grant execute on function public.enroll_candidates(uuid, uuid[], boolean, boolean, uuid) to authenticated, service_role;
