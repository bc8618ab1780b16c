-- The Resend webhook's database side (S6, S8, S9). The edge function resend-webhook verifies
-- the Svix signature, reads what only TypeScript reads well (the reply's visible text,
-- out-of-office wording, machine user agents) into `derived`, and makes ONE call:
-- public.ingest_resend_event(delivery_id, event, derived). Everything else happens here, in
-- one transaction: the delivery id is recorded in webhook_receipts first, so a retried
-- delivery changes nothing, and every state change below is monotonic (events are appended;
-- stopping, suppressing and stage moves only go forward), so deliveries arriving in any order
-- end in the same state.

-- A timestamp from provider JSON, or null when it is missing or unreadable. Pure helper.
create function private.try_timestamptz(p_value text) returns timestamptz
language plpgsql immutable set search_path = '' as $$
begin
  if p_value is null or pg_catalog.btrim(p_value) = '' then return null; end if;
  return p_value::timestamptz;
exception when others then
  return null;
end $$;

-- Suppresses a candidate's address after a bounce or complaint and stops the enrolment the
-- email belonged to (S9). A complaint outranks a bounce whatever order they arrive in, so the
-- final reason does not depend on delivery order. Callers: private.ingest_resend_event.
create function private.suppress_after_event(
  p_stage public.enrollment_stages, p_reason public.suppression_reason, p_at timestamptz, p_detail text)
returns void language plpgsql security definer set search_path = '' as $$
declare
  v_email text;
begin
  select e.to_email into v_email from public.enrollments e where e.id = p_stage.enrollment_id;
  insert into public.subscriptions (candidate_id, organization_id, suppressed_reason, suppressed_email, suppressed_at)
  values (p_stage.candidate_id, p_stage.organization_id, p_reason, v_email, p_at)
  on conflict (candidate_id) do update
    set suppressed_reason = case when public.subscriptions.suppressed_reason = 'complained' then 'complained'::public.suppression_reason
                                 else excluded.suppressed_reason end,
        suppressed_email = coalesce(case when excluded.suppressed_reason = 'complained' then excluded.suppressed_email end,
                                    public.subscriptions.suppressed_email, excluded.suppressed_email),
        suppressed_at = least(coalesce(public.subscriptions.suppressed_at, excluded.suppressed_at), excluded.suppressed_at);
  -- Cancelled (not completed), like every other stop for a reason other than a reply, so
  -- "Completed – no reply" counts only sequences that ran their course.
  update public.enrollments e
    set status = 'cancelled', end_reason = p_reason::text
  where e.id = p_stage.enrollment_id and e.status in ('running', 'paused');
  -- Bounce first, complaint later: the stronger reason is what the page shows.
  update public.enrollments e
    set end_reason = 'complained'
  where e.id = p_stage.enrollment_id and p_reason = 'complained' and e.status = 'cancelled' and e.end_reason = 'bounced';
  update public.enrollment_stages s
    set end_reason = 'complained'
  where s.enrollment_id = p_stage.enrollment_id and p_reason = 'complained' and s.status = 'cancelled'
    and s.end_reason = 'bounced';
  insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
  values (p_stage.organization_id, p_stage.candidate_id, p_stage.sequence_id, p_stage.enrollment_id,
          'email_' || p_reason::text,
          pg_catalog.jsonb_build_object('email', v_email, 'detail', p_detail, 'stage_position', p_stage.position), null);
end $$;

-- Applies an inbound email (`email.received`) that `derived` describes:
--   from_email, subject, text, html, visible (the candidate's own words, from stripReply),
--   message_id, in_reply_to, references[] (bare ids, oldest first), reply_tokens[] (from
--   `reply+<token>@` recipients), headers, ooo {return_date, resume_on} when it is an
--   out-of-office answer.
-- Matches the enrolment by reply token, then In-Reply-To, then References (newest first).
-- Outcomes: 'stopped' (logged, sequence ended with reason replied, lead moved to the linked
-- job's Replied stage), 'paused' (out-of-office: logged, sequence paused until resume_on),
-- 'hidden' (visibility settings exclude the candidate: nothing logged, sequence goes on,
-- enrollments.last_reply_hidden_reason says why), 'unmatched' (kept in unmatched_replies),
-- 'duplicate' (this inbound email was applied before). Callers: private.ingest_resend_event.
create function private.ingest_inbound_email(p_data jsonb, p_derived jsonb, p_at timestamptz)
returns jsonb language plpgsql security definer set search_path = '' as $$
declare
  v_email_id text := nullif(p_data ->> 'email_id', '');
  v_from text := pg_catalog.lower(nullif(pg_catalog.btrim(p_derived ->> 'from_email'), ''));
  v_enr public.enrollments;
  v_match public.reply_match;
  v_stage_id uuid;
  v_hdr_stage uuid;
  v_hdr_enr uuid;
  v_token text;
  v_mid text;
  v_ord bigint;
  v_org public.organizations;
  v_cand public.candidates;
  v_seq public.sequences;
  v_hidden text;
  v_reply uuid;
  v_ooo jsonb := p_derived -> 'ooo';
  v_tz text;
  v_resume timestamptz;
  v_replied_stage uuid;
  v_replied_pos integer;
  v_outcome text;
  v_pref public.classification_preference;
  v_notify text;
  v_unmatched_org uuid;
  v_orgs uuid[];
begin
  for v_token in select t from pg_catalog.jsonb_array_elements_text(coalesce(p_derived -> 'reply_tokens', '[]')) t loop
    select e.* into v_enr from public.enrollments e
    where pg_catalog.lower(e.reply_token::text) = pg_catalog.lower(v_token) limit 1;
    if found then v_match := 'reply_to_token'; exit; end if;
  end loop;

  -- In-Reply-To first, then References newest first. A header match also names the stage
  -- the candidate answered, which a token match refines when both are present.
  for v_mid, v_ord in
    select x.id, x.ord from (
      select p_derived ->> 'in_reply_to' as id, 0::bigint as ord
      union all
      select r.id, (1000000 - r.n) from pg_catalog.jsonb_array_elements_text(coalesce(p_derived -> 'references', '[]'))
        with ordinality r (id, n)) x
    where x.id is not null and x.id <> ''
    order by x.ord
  loop
    select s.id, s.enrollment_id into v_hdr_stage, v_hdr_enr from public.enrollment_stages s
    where s.message_id in (v_mid, '<' || v_mid || '>')
      and (v_match is null or s.enrollment_id = v_enr.id)
    limit 1;
    if found then
      v_stage_id := v_hdr_stage;
      if v_match is null then
        select e.* into v_enr from public.enrollments e where e.id = v_hdr_enr;
        v_match := case when v_ord = 0 then 'in_reply_to' else 'references' end::public.reply_match;
      end if;
      exit;
    end if;
  end loop;

  if v_match is null then
    select pg_catalog.array_agg(distinct k.organization_id) into v_orgs
    from public.candidates k where v_from is not null and pg_catalog.lower(k.email) = v_from;
    if pg_catalog.cardinality(v_orgs) = 1 then v_unmatched_org := v_orgs[1]; end if;
    insert into public.unmatched_replies (organization_id, to_email, from_email, subject, body_text, headers,
                                          received_at, provider_email_id, message_id)
    values (v_unmatched_org,
            (select pg_catalog.string_agg(t, ', ') from pg_catalog.jsonb_array_elements_text(
               case when pg_catalog.jsonb_typeof(p_data -> 'to') = 'array' then p_data -> 'to' else '[]' end) t),
            v_from, coalesce(p_derived ->> 'subject', ''), coalesce(p_derived ->> 'text', ''),
            coalesce(case when pg_catalog.jsonb_typeof(p_derived -> 'headers') = 'object' then p_derived -> 'headers' end, '{}'),
            p_at, v_email_id, p_derived ->> 'message_id')
    on conflict (provider_email_id) do nothing;
    return pg_catalog.jsonb_build_object('status', 'applied', 'outcome', 'unmatched');
  end if;

  if v_stage_id is null then
    select s.id into v_stage_id from public.enrollment_stages s
    where s.enrollment_id = v_enr.id and s.status = 'sent' order by s.position desc limit 1;
  end if;

  select * into v_org from public.organizations o where o.id = v_enr.organization_id;
  select * into v_cand from public.candidates k where k.id = v_enr.candidate_id;
  select * into v_seq from public.sequences s where s.id = v_enr.sequence_id;

  v_hidden := case
    when v_org.exclude_hired_candidate_emails and v_cand.hired then 'hired'
    when v_org.exclude_confidential_job_candidate_emails and exists (
      select 1 from public.jobs j
      where j.confidential and (j.id = v_seq.job_id or j.id in (
        select c.job_id from public.considerations c where c.candidate_id = v_cand.id and c.archived_at is null)))
      then 'confidential_job'
    when v_org.exclude_internal_candidate_emails and v_cand.internal then 'internal'
  end;
  if v_hidden is not null then
    -- Nothing about the reply is stored: the settings exist so that these emails stay out of
    -- the product. Only the reason is kept, for the sequence page.
    update public.enrollments e
      set last_reply_hidden_reason = v_hidden, last_reply_hidden_at = p_at
    where e.id = v_enr.id and (e.last_reply_hidden_at is null or e.last_reply_hidden_at <= p_at);
    return pg_catalog.jsonb_build_object('status', 'applied', 'outcome', 'hidden', 'reason', v_hidden,
                                         'enrollment_id', v_enr.id);
  end if;

  insert into public.replies (organization_id, candidate_id, enrollment_id, enrollment_stage_id, from_email, subject,
                              body_text, body_display, message_id, received_at, classification,
                              classification_provider, return_date, matched_by, provider_email_id)
  values (v_enr.organization_id, v_enr.candidate_id, v_enr.id, v_stage_id, coalesce(v_from, ''),
          coalesce(p_derived ->> 'subject', ''), coalesce(p_derived ->> 'text', ''),
          coalesce(p_derived ->> 'visible', p_derived ->> 'text', ''), p_derived ->> 'message_id', p_at,
          case when v_ooo is not null then 'out_of_office'::public.reply_classification end,
          case when v_ooo is not null then 'rules' end,
          case when v_ooo is not null then private.try_timestamptz(v_ooo ->> 'return_date')::date end,
          v_match, v_email_id)
  on conflict (provider_email_id) do nothing
  returning id into v_reply;
  if v_reply is null then
    return pg_catalog.jsonb_build_object('status', 'duplicate', 'outcome', 'duplicate');
  end if;

  if v_ooo is not null then
    -- Out-of-office: the sequence pauses and private.resume_due_ooo resumes it at 09:00 in the
    -- candidate's zone on the resume day. Not counted as a reply in metrics.
    v_tz := coalesce(v_cand.time_zone, v_org.time_zone);
    v_resume := (coalesce(private.try_timestamptz(v_ooo ->> 'resume_on')::date,
                          (p_at at time zone v_tz)::date + 7)::timestamp + interval '9 hours') at time zone v_tz;
    update public.enrollments e
      set status = 'paused', pause_reason = 'out_of_office', resume_at = v_resume,
          response_status = case when e.response_status = 'none' then 'out_of_office'::public.response_status
                                 else e.response_status end
    where e.id = v_enr.id and e.status = 'running';
    update public.enrollments e
      set resume_at = greatest(e.resume_at, v_resume)
    where e.id = v_enr.id and e.status = 'paused' and e.pause_reason = 'out_of_office';
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_enr.organization_id, v_enr.candidate_id, v_enr.sequence_id, v_enr.id, 'out_of_office_reply',
            pg_catalog.jsonb_build_object('reply_id', v_reply, 'subject', p_derived ->> 'subject',
              'return_date', v_ooo ->> 'return_date', 'resume_at', v_resume), null);
    v_outcome := 'paused';
  else
    if v_stage_id is not null then
      insert into public.email_events (enrollment_stage_id, kind, occurred_at, provider_event_id)
      values (v_stage_id, 'replied', p_at, 'reply:' || v_reply::text)
      on conflict (provider_event_id) do nothing;
    end if;
    insert into public.activities (organization_id, candidate_id, sequence_id, enrollment_id, kind, data, actor_id)
    values (v_enr.organization_id, v_enr.candidate_id, v_enr.sequence_id, v_enr.id, 'replied',
            pg_catalog.jsonb_build_object('reply_id', v_reply, 'subject', p_derived ->> 'subject',
              'excerpt', pg_catalog.left(coalesce(p_derived ->> 'visible', ''), 280), 'matched_by', v_match), null);
    update public.enrollments e
      set status = case when e.status in ('running', 'paused') then 'completed'::public.enrollment_status else e.status end,
          end_reason = case when e.status in ('running', 'paused') then 'replied' else e.end_reason end,
          pause_reason = case when e.status in ('running', 'paused') then null else e.pause_reason end,
          response_status = case when e.response_status in ('none', 'out_of_office') then 'replied'::public.response_status
                                 else e.response_status end,
          last_reply_hidden_reason = case when e.last_reply_hidden_at is null or e.last_reply_hidden_at <= p_at then null
                                          else e.last_reply_hidden_reason end
    where e.id = v_enr.id;
    -- The lead moves forward to the linked job's Replied stage, never backwards (S2).
    if v_seq.job_id is not null then
      select js.id, js.position into v_replied_stage, v_replied_pos
      from public.job_stages js where js.job_id = v_seq.job_id and js.kind = 'replied';
      if v_replied_stage is not null then
        insert into public.considerations (organization_id, candidate_id, job_id, stage_id)
        values (v_enr.organization_id, v_enr.candidate_id, v_seq.job_id, v_replied_stage)
        on conflict (candidate_id, job_id) do nothing;
        update public.considerations c
          set stage_id = v_replied_stage
        where c.candidate_id = v_enr.candidate_id and c.job_id = v_seq.job_id and c.archived_at is null
          and (c.stage_id is null or (select js.position from public.job_stages js where js.id = c.stage_id) < v_replied_pos);
      end if;
    end if;
    v_outcome := 'stopped';
  end if;

  select m.classification_preference into v_pref from public.members m where m.user_id = v_enr.enrolled_by;
  select coalesce(nullif(m.sender_email, ''), u.email) into v_notify
  from auth.users u left join public.members m on m.user_id = u.id where u.id = v_enr.enrolled_by;
  return pg_catalog.jsonb_build_object(
    'status', 'applied', 'outcome', v_outcome, 'reply_id', v_reply, 'enrollment_id', v_enr.id,
    'sequence_id', v_enr.sequence_id, 'matched_by', v_match,
    -- Classification: the organisation opted in and the initiating user did not opt out.
    'classify', v_outcome = 'stopped' and v_org.reply_classification_enabled and coalesce(v_pref, 'organization_default') <> 'off',
    'notify_email', v_notify,
    'candidate_name', nullif(pg_catalog.btrim(v_cand.first_name || ' ' || v_cand.last_name), ''),
    'candidate_email', v_from);
end $$;

-- Applies one Resend webhook delivery, once (S6, S8, S9). p_delivery_id is the `svix-id`;
-- p_event the verified JSON body; p_derived what the function computed (see above, plus
-- is_machine for opens/clicks). Returns {status: applied | duplicate | ignored, …}.
-- Unknown event types and malformed events raise 22023 before anything is written, so the
-- caller answers 400 and a later, corrected delivery can still apply. Callers: the service
-- role only (the resend-webhook function), through public.ingest_resend_event.
create function private.ingest_resend_event(p_delivery_id text, p_event jsonb, p_derived jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_type text := p_event ->> 'type';
  v_data jsonb := p_event -> 'data';
  v_at timestamptz;
  v_stage public.enrollment_stages;
  v_kind public.email_event_kind;
  v_url text;
  v_bounce_type text;
begin
  if p_delivery_id is null or pg_catalog.btrim(p_delivery_id) = '' or pg_catalog.length(p_delivery_id) > 255 then
    raise exception 'missing_delivery_id' using errcode = '22023', detail = 'Every delivery needs its svix-id.';
  end if;
  if pg_catalog.jsonb_typeof(p_event) is distinct from 'object' or pg_catalog.jsonb_typeof(v_data) is distinct from 'object' then
    raise exception 'malformed_event' using errcode = '22023', detail = 'The event must be an object with a data object.';
  end if;
  if v_type is null or v_type not in ('email.sent', 'email.delivered', 'email.delivery_delayed', 'email.bounced',
                                      'email.complained', 'email.opened', 'email.clicked', 'email.received') then
    raise exception 'unknown_event_type' using errcode = '22023', detail = pg_catalog.format('Unsupported event type %L.', v_type);
  end if;
  if v_type <> 'email.received' and nullif(v_data ->> 'email_id', '') is null then
    raise exception 'malformed_event' using errcode = '22023', detail = 'data.email_id is missing.';
  end if;

  insert into public.webhook_receipts (delivery_id, source) values (p_delivery_id, 'resend')
  on conflict (delivery_id) do nothing;
  if not found then
    return pg_catalog.jsonb_build_object('status', 'duplicate');
  end if;
  v_at := coalesce(private.try_timestamptz(p_event ->> 'created_at'), pg_catalog.now());

  if v_type = 'email.received' then
    return private.ingest_inbound_email(v_data, coalesce(p_derived, '{}'), v_at);
  end if;

  select s.* into v_stage from public.enrollment_stages s where s.provider_message_id = v_data ->> 'email_id' limit 1;
  if not found then
    -- Mail that is not a sequence stage (e.g. the reply notifications this app sends).
    return pg_catalog.jsonb_build_object('status', 'ignored', 'reason', 'not_a_sequence_email');
  end if;
  if v_type = 'email.sent' then
    -- The engine records the send itself when Resend accepts it; this event adds nothing.
    return pg_catalog.jsonb_build_object('status', 'applied', 'kind', 'sent', 'enrollment_id', v_stage.enrollment_id);
  end if;

  v_kind := case v_type
    when 'email.delivered' then 'delivered' when 'email.delivery_delayed' then 'delivery_delayed'
    when 'email.bounced' then 'bounced' when 'email.complained' then 'complained'
    when 'email.opened' then 'opened' when 'email.clicked' then 'clicked' end::public.email_event_kind;
  v_url := case when v_kind = 'clicked' then pg_catalog.left(v_data -> 'click' ->> 'link', 2048) end;
  v_bounce_type := pg_catalog.lower(coalesce(v_data -> 'bounce' ->> 'type', ''));

  insert into public.email_events (enrollment_stage_id, kind, is_machine, url, occurred_at, provider_event_id, user_agent)
  values (v_stage.id, v_kind, coalesce((p_derived ->> 'is_machine')::boolean, false), v_url, v_at,
          'resend:' || p_delivery_id,
          pg_catalog.left(coalesce(v_data -> 'open' ->> 'userAgent', v_data -> 'click' ->> 'userAgent'), 512))
  on conflict (provider_event_id) do nothing;

  -- A transient (soft) bounce is a delay, not a dead address.
  if v_kind = 'bounced' and v_bounce_type not in ('transient', 'soft') then
    perform private.suppress_after_event(v_stage, 'bounced', v_at, v_data -> 'bounce' ->> 'message');
  elsif v_kind = 'complained' then
    perform private.suppress_after_event(v_stage, 'complained', v_at, null);
  end if;
  return pg_catalog.jsonb_build_object('status', 'applied', 'kind', v_kind, 'enrollment_id', v_stage.enrollment_id);
end $$;

revoke execute on function private.try_timestamptz(text), private.suppress_after_event(public.enrollment_stages, public.suppression_reason, timestamptz, text),
  private.ingest_inbound_email(jsonb, jsonb, timestamptz), private.ingest_resend_event(text, jsonb, jsonb) from public, anon, authenticated;
grant execute on function private.try_timestamptz(text), private.suppress_after_event(public.enrollment_stages, public.suppression_reason, timestamptz, text),
  private.ingest_inbound_email(jsonb, jsonb, timestamptz), private.ingest_resend_event(text, jsonb, jsonb) to service_role;

-- PostgREST entry point: POST /rest/v1/rpc/ingest_resend_event {delivery_id, event, derived?}.
-- Service role only (the resend-webhook function).
create function public.ingest_resend_event(delivery_id text, event jsonb, derived jsonb default '{}')
returns jsonb language sql volatile security invoker set search_path = '' as $$
  select private.ingest_resend_event($1, $2, coalesce($3, '{}'))
$$;
revoke execute on function public.ingest_resend_event(text, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.ingest_resend_event(text, jsonb, jsonb) to service_role;
