-- Two rules of 20261129135000_one_schedule_rule.sql that migrations written beside it did not
-- carry (they were built on the earlier definitions):
-- * The enrolment RPC of 20261129170000_extension_enrol.sql (the extension's individual
--   enrolments) schedules stages in the zone private.stage_time_zone picks — the recipient's,
--   else the stage sender's, else the organisation's (SPEC S9) — like every other scheduling
--   path. Same body otherwise.
-- * A sender address's domain is what follows its LAST "@" (a quoted local part may hold one,
--   the domain never does), as private.is_no_reply_address and the TypeScript read it.

-- Enrols candidates for the signed-in user: see 20261126000800_enroll_rpc.sql for the reasons and
-- errors. New here: p_individual creates the enrolment without a batch (the extension's single
-- enrolments; bulk edits never reach them), p_to_email picks which of the candidate's addresses
-- the sequence sends to (refused as no_email when it is not one of theirs). Signed-in users.
create or replace function private.enroll_candidates(
  p_sequence_id uuid, p_candidate_ids uuid[], p_start boolean, p_include_unsubscribe_link boolean,
  p_individual boolean, p_to_email text)
returns table (candidate_id uuid, enrollment_id uuid, ok boolean, reason text, detail text)
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_user uuid := (select auth.uid());
  v_level public.access_level;
  v_seq public.sequences;
  v_org public.organizations;
  v_seq_reason text;
  v_seq_detail text;
  v_batch uuid;
  v_cand public.candidates;
  v_sub public.subscriptions;
  v_email text;
  v_other record;
  v_last_sent timestamptz;
  v_enrollment uuid;
  v_missing_jobs text;
  v_hidden_jobs integer;
  v_id uuid;
begin
  if v_user is null then
    raise exception 'not_authenticated' using errcode = '42501', detail = 'Sign in to enrol candidates.';
  end if;
  if (select pg_catalog.count(distinct x) from pg_catalog.unnest(p_candidate_ids) x where x is not null) > 500 then
    raise exception 'too_many' using errcode = '22023',
      detail = 'At most 500 candidates can be enrolled at once.';
  end if;
  select * into v_seq from public.sequences s where s.id = p_sequence_id;
  if not found or not private.can_view_sequence(v_user, v_seq.id) then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such sequence, or you cannot see it.';
  end if;
  select * into v_org from public.organizations o where o.id = v_seq.organization_id;
  v_level := private.effective_access_level(v_user);

  -- Reasons that hold for every candidate of this call.
  if v_seq.access = 'confidential' and v_org.plan not in ('legacy_plus', 'plus', 'enterprise') then
    v_seq_reason := 'confidential_not_allowed';
    v_seq_detail := 'Confidential sequences are not available on your organisation''s plan.';
  elsif v_seq.access = 'confidential' and v_seq.owner_id <> v_user then
    v_seq_reason := 'confidential_not_allowed';
    v_seq_detail := 'Only the creator of a confidential sequence can enrol candidates.';
  elsif v_seq.archived_at is not null then
    v_seq_reason := 'sequence_has_errors';
    v_seq_detail := 'The sequence is archived.';
  elsif not exists (select 1 from public.sequence_stages st where st.sequence_id = v_seq.id) then
    v_seq_reason := 'sequence_has_errors';
    v_seq_detail := 'The sequence has no stages.';
  elsif p_start then
    select 'Stage ' || (st.position + 1) || case
             when st.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(st.subject) = '' then ' has no subject.'
             else ' has an empty body.' end
      into v_seq_detail
    from public.sequence_stages st
    where st.sequence_id = v_seq.id
      and ((st.type in ('email', 'linkedin_inmail') and pg_catalog.btrim(st.subject) = '')
           or st.body = '{"type": "doc", "content": []}'::jsonb or st.body -> 'content' is null)
    order by st.position limit 1;
    if v_seq_detail is not null then v_seq_reason := 'sequence_has_errors'; end if;
  end if;

  for v_id in
    select x from pg_catalog.unnest(p_candidate_ids) with ordinality u (x, n)
    where x is not null group by x order by pg_catalog.min(n)
  loop
    candidate_id := v_id; enrollment_id := null; ok := false; reason := null; detail := null;
    select * into v_cand from public.candidates k where k.id = v_id and k.organization_id = v_seq.organization_id;
    if not found then
      reason := 'not_found'; detail := 'No such candidate in your organisation.';
      return next; continue;
    end if;
    if v_seq_reason is not null then
      reason := v_seq_reason; detail := v_seq_detail;
      return next; continue;
    end if;
    if not private.can_enroll(v_user, v_seq.id, v_id) then
      reason := 'no_permission';
      if v_level is null or v_level < 'elevated' then
        detail := 'Your access level does not allow enrolling candidates.';
      else
        -- Only jobs the caller may see are named (issue 11 item 2); the others are counted.
        with missing as (
          select j.title, j.id in (select private.visible_job_ids()) as visible
          from public.considerations c join public.jobs j on j.id = c.job_id
          where c.candidate_id = v_id and c.archived_at is null
            and not exists (select 1 from public.job_members jm
                            where jm.job_id = c.job_id and jm.user_id = v_user
                              and jm.role in ('hiring_manager', 'admin', 'admin_private')))
        select pg_catalog.string_agg(m.title, ', ' order by m.title) filter (where m.visible),
               pg_catalog.count(*) filter (where not m.visible)
          into v_missing_jobs, v_hidden_jobs
        from missing m;
        detail := 'You need to be hiring manager or higher on every job this candidate is considered for: '
                  || pg_catalog.concat_ws(' and ', v_missing_jobs,
                       case when v_hidden_jobs = 1 then '1 other job you cannot see'
                            when v_hidden_jobs > 1 then v_hidden_jobs || ' other jobs you cannot see' end) || '.';
      end if;
      return next; continue;
    end if;
    select * into v_sub from public.subscriptions s where s.candidate_id = v_id;
    if found and v_sub.suppressed_reason is not null then
      reason := 'unsubscribed';
      detail := case v_sub.suppressed_reason when 'bounced' then 'Emails to this candidate bounced; the address is suppressed.'
                else 'This candidate marked an email as spam; the address is suppressed.' end;
      return next; continue;
    elsif found and not v_sub.current_outreach then
      reason := 'unsubscribed'; detail := 'This candidate unsubscribed from outreach.';
      return next; continue;
    end if;
    v_email := coalesce(nullif(pg_catalog.btrim(v_cand.email), ''),
                        (select e from pg_catalog.unnest(v_cand.alternate_emails) e where pg_catalog.btrim(e) <> '' limit 1));
    if v_email is null then
      reason := 'no_email'; detail := 'This candidate has no email address.';
      return next; continue;
    end if;
    if nullif(pg_catalog.btrim(p_to_email), '') is not null then
      select a into v_email from pg_catalog.unnest(array[v_cand.email] || v_cand.alternate_emails) a
      where pg_catalog.lower(pg_catalog.btrim(a)) = pg_catalog.lower(pg_catalog.btrim(p_to_email)) limit 1;
      if v_email is null then
        reason := 'no_email'; detail := 'That address is not one of the candidate''s; add it to the candidate first.';
        return next; continue;
      end if;
    end if;
    select e.sequence_id, e.status, s.title into v_other
    from public.enrollments e join public.sequences s on s.id = e.sequence_id
    where e.candidate_id = v_id
      and (e.status in ('running', 'paused') or (e.status = 'draft' and e.sequence_id = v_seq.id))
    order by (e.status = 'draft') limit 1;
    if found then
      if private.can_view_sequence(v_user, v_other.sequence_id) then
        reason := 'already_enrolled';
        detail := case when v_other.status = 'draft' then 'A draft enrolment in this sequence already exists.'
                  else 'Already in the sequence "' || v_other.title || '".' end;
      else
        reason := 'already_enrolled_hidden';
        detail := 'Already in another sequence that you cannot see.';
      end if;
      return next; continue;
    end if;
    if v_org.outreach_frequency_days > 0 then
      select pg_catalog.max(st.sent_at) into v_last_sent
      from public.enrollment_stages st where st.candidate_id = v_id and st.status = 'sent';
      -- Day boundaries in the organisation's zone: contacted on day D blocks D .. D+N-1.
      if v_last_sent is not null and (v_last_sent at time zone v_org.time_zone)::date
           > (pg_catalog.now() at time zone v_org.time_zone)::date - v_org.outreach_frequency_days then
        reason := 'frequency_policy';
        detail := 'Contacted on ' || pg_catalog.to_char(v_last_sent at time zone v_org.time_zone, 'YYYY-MM-DD')
                  || '; your organisation allows contact again from '
                  || pg_catalog.to_char((v_last_sent at time zone v_org.time_zone)::date + v_org.outreach_frequency_days, 'YYYY-MM-DD')
                  || '.';
        return next; continue;
      end if;
    end if;

    if v_batch is null and not p_individual then
      insert into public.enrollment_batches (organization_id, sequence_id, created_by)
      values (v_seq.organization_id, v_seq.id, v_user) returning id into v_batch;
    end if;
    begin
      insert into public.enrollments (organization_id, sequence_id, candidate_id, batch_id, enrolled_by, to_email,
                                      status, include_unsubscribe_link, started_at)
      values (v_seq.organization_id, v_seq.id, v_id, v_batch, v_user, v_email,
              case when p_start then 'running' else 'draft' end::public.enrollment_status,
              coalesce(p_include_unsubscribe_link, v_seq.include_unsubscribe_link),
              case when p_start then pg_catalog.now() end)
      returning id into v_enrollment;
    exception when unique_violation then
      -- Another enrolment started for this candidate at the same moment.
      reason := 'already_enrolled'; detail := 'Already in another sequence.';
      return next; continue;
    end;
    insert into public.enrollment_stages (enrollment_id, position, type, delay_days, delay_hours, send_window,
                                          scheduled_at, subject, body, sender_user_id, thread_mode)
    select v_enrollment, st.position, st.type, st.delay_days, st.delay_hours, st.send_window,
           private.stage_due_at(pg_catalog.now(), st.delay_days, st.delay_hours,
             private.stage_time_zone(v_id, coalesce(st.sender_user_id, v_user))),
           st.subject, st.body, coalesce(st.sender_user_id, v_user), st.thread_mode
    from public.sequence_stages st where st.sequence_id = v_seq.id order by st.position;
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_seq.organization_id, v_id, v_seq.id, v_enrollment, 'enrolled',
            pg_catalog.jsonb_build_object('sequence_title', v_seq.title, 'started', p_start), v_user);
    enrollment_id := v_enrollment; ok := true;
    return next;
  end loop;
end $$;

-- Whether an address may be used as a sender by members of p_org: its domain (after the last
-- "@") is a verified sending domain of that organisation. Callers: the member guard, the sending
-- engine (through public.verified_sender_domains) and the settings RPCs. Same as in
-- 20261129160000_settings.sql but for where the domain starts.
create or replace function private.sender_address_allowed(p_org uuid, p_address text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.sending_domains d
    where d.organization_id = p_org and d.status = 'verified'
      and d.domain = pg_catalog.substring(pg_catalog.lower(pg_catalog.btrim(p_address)), '@([^@]*)$'))
$$;
