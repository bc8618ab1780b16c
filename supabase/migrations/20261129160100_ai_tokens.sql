-- AI tokens (S13, issue 16): `{{ai.<key>}}` values generated per candidate's draft by the
-- ai-tokens edge function (the same OpenAI-compatible provider as the reply classifier),
-- reviewed — and possibly edited — by a person before start, never sent unseen:
--   * values live here, one row per enrolment and key, with the model and time that made them;
--   * users read them like the enrolment (viewers of its sequence) and write them only through
--     public.review_ai_token (who may enrol the candidate, while the enrolment is a draft);
--   * an enrolment cannot leave draft while a stage of it uses an AI token without a reviewed
--     value, and the sending engine re-checks the same at send time.

-- The AI token keys (`ai.<key>`) a stage's subject or body uses: `{{ai.key}}` in text and
-- token nodes `{"type": "token", "attrs": {"key": "ai.key"}}` in the body. Pure.
create function private.ai_token_keys(p_subject text, p_body jsonb) returns text[]
language sql immutable set search_path = '' as $$
  select coalesce(pg_catalog.array_agg(distinct m[1]), '{}')
  from pg_catalog.regexp_matches(coalesce(p_subject, '') || ' ' || coalesce(p_body::text, ''),
                                 '(?:\{\{\s*|"key":\s*")ai\.([a-z_]+)', 'g') as m
$$;
grant execute on function private.ai_token_keys(text, jsonb) to authenticated, service_role;

create table public.enrollment_ai_tokens (
  enrollment_id uuid not null references public.enrollments (id) on delete cascade,
  key text not null check (key ~ '^[a-z_]{1,40}$'),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  sequence_id uuid not null references public.sequences (id) on delete cascade,
  value text check (value is null or (length(value) between 1 and 300 and value !~ '[{}<>]')),
  -- The model that generated the value and when (null when a person wrote it from nothing).
  model text,
  generated_at timestamptz,
  -- Why generation failed (the value then stays null until a person writes one).
  error text,
  reviewed_by uuid references auth.users (id) on delete set null,
  reviewed_at timestamptz,
  primary key (enrollment_id, key)
);
create index enrollment_ai_tokens_organization_id_idx on public.enrollment_ai_tokens (organization_id);
create index enrollment_ai_tokens_sequence_id_idx on public.enrollment_ai_tokens (sequence_id);
create index enrollment_ai_tokens_reviewed_by_idx on public.enrollment_ai_tokens (reviewed_by);
alter table public.enrollment_ai_tokens enable row level security;
create policy "Viewers of a sequence see its enrolments' AI tokens" on public.enrollment_ai_tokens
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and sequence_id in (select private.visible_sequence_ids()));
revoke all on public.enrollment_ai_tokens from anon, authenticated;
grant select on public.enrollment_ai_tokens to authenticated;

-- The drafts among p_enrollment_ids the signed-in user may enrol, with the AI token keys their
-- stages use and the inputs a generator needs (candidate profile, job, reason for outreach),
-- and whether the organisation turned AI tokens on. Callers: the ai-tokens function, with the
-- user's JWT, before it generates anything.
create function private.ai_token_targets(p_enrollment_ids uuid[])
returns table (enrollment_id uuid, organization_id uuid, sequence_id uuid, keys text[], ai_enabled boolean,
               first_name text, last_name text, title text, company text, location text, job_title text,
               reason_for_outreach text)
language sql stable security definer set search_path = '' as $$
  select e.id, e.organization_id, e.sequence_id,
         (select coalesce(pg_catalog.array_agg(distinct k), '{}')
          from public.enrollment_stages st, pg_catalog.unnest(private.ai_token_keys(st.subject, st.body)) k
          where st.enrollment_id = e.id),
         o.ai_tokens_enabled, c.first_name, c.last_name, c.title, c.company, c.location, j.title, c.reason_for_outreach
  from public.enrollments e
  join public.organizations o on o.id = e.organization_id
  join public.candidates c on c.id = e.candidate_id
  join public.sequences s on s.id = e.sequence_id
  left join public.jobs j on j.id = s.job_id
  where e.id = any (p_enrollment_ids[1:500])
    and e.organization_id = (select private.current_org_id())
    and e.status = 'draft'
    and private.can_enroll((select auth.uid()), e.sequence_id, e.candidate_id)
$$;
grant execute on function private.ai_token_targets(uuid[]) to authenticated;
-- PostgREST entry point: POST /rest/v1/rpc/ai_token_targets {enrollment_ids}.
create function public.ai_token_targets(enrollment_ids uuid[])
returns table (enrollment_id uuid, organization_id uuid, sequence_id uuid, keys text[], ai_enabled boolean,
               first_name text, last_name text, title text, company text, location text, job_title text,
               reason_for_outreach text)
language sql stable security invoker set search_path = '' as $$
  select * from private.ai_token_targets(enrollment_ids)
$$;
revoke execute on function public.ai_token_targets(uuid[]) from public, anon;
grant execute on function public.ai_token_targets(uuid[]) to authenticated;

-- A person approves (and may edit) an AI token's value on a draft they may enrol. The value
-- is what will be sent: one line, 1–300 characters, no braces or angle brackets.
create function private.review_ai_token(p_enrollment_id uuid, p_key text, p_value text)
returns public.enrollment_ai_tokens
language plpgsql security definer set search_path = '' as $$
declare
  v_e public.enrollments;
  v_value text := pg_catalog.btrim(pg_catalog.regexp_replace(coalesce(p_value, ''), '\s+', ' ', 'g'));
  v_row public.enrollment_ai_tokens;
begin
  select * into v_e from public.enrollments e
  where e.id = p_enrollment_id and e.organization_id = (select private.current_org_id());
  if not found or not private.can_view_sequence((select auth.uid()), v_e.sequence_id) then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such enrolment.';
  end if;
  if not private.can_enroll((select auth.uid()), v_e.sequence_id, v_e.candidate_id) then
    raise exception 'no_permission' using errcode = '42501', detail = 'You may not edit this candidate''s draft.';
  end if;
  if v_e.status <> 'draft' then
    raise exception 'not_draft' using errcode = '22023', detail = 'Only drafts are reviewed; this enrolment has started.';
  end if;
  if p_key is null or p_key !~ '^[a-z_]{1,40}$' then
    raise exception 'bad_key' using errcode = '22023', detail = 'Unknown AI token.';
  end if;
  if v_value = '' or pg_catalog.length(v_value) > 300 or v_value ~ '[{}<>]' then
    raise exception 'bad_value' using errcode = '22023',
      detail = 'The line must be 1 to 300 characters, without braces or angle brackets.';
  end if;
  insert into public.enrollment_ai_tokens as t (enrollment_id, key, organization_id, sequence_id, value,
                                                reviewed_by, reviewed_at)
  values (v_e.id, p_key, v_e.organization_id, v_e.sequence_id, v_value, (select auth.uid()), pg_catalog.now())
  on conflict (enrollment_id, key) do update
    set value = excluded.value, reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at
  returning * into v_row;
  return v_row;
end $$;
grant execute on function private.review_ai_token(uuid, text, text) to authenticated;
-- PostgREST entry point: POST /rest/v1/rpc/review_ai_token {enrollment_id, key, value}.
create function public.review_ai_token(enrollment_id uuid, key text, value text)
returns public.enrollment_ai_tokens
language sql volatile security invoker set search_path = '' as $$
  select * from private.review_ai_token(enrollment_id, key, value)
$$;
revoke execute on function public.review_ai_token(uuid, text, text) from public, anon;
grant execute on function public.review_ai_token(uuid, text, text) to authenticated;

-- The AI tokens of an enrolment that still need a person's review before it may start.
-- Callers: the start guard below and the engine's re-check (definer context).
create function private.unreviewed_ai_tokens(p_enrollment_id uuid) returns text[]
language sql stable security definer set search_path = '' as $$
  select coalesce(pg_catalog.array_agg(distinct k order by k), '{}')
  from public.enrollment_stages st, pg_catalog.unnest(private.ai_token_keys(st.subject, st.body)) k
  where st.enrollment_id = p_enrollment_id and st.status = 'scheduled'
    and not exists (select 1 from public.enrollment_ai_tokens t
                    where t.enrollment_id = p_enrollment_id and t.key = k
                      and t.reviewed_at is not null and t.value is not null)
$$;

-- Trigger (before update of status on enrollments): a draft whose stages use AI tokens starts
-- only once a person has reviewed every value ("never sent unseen"). Any role.
create function private.guard_ai_tokens_reviewed() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_missing text[];
begin
  if old.status = 'draft' and new.status = 'running' then
    v_missing := private.unreviewed_ai_tokens(new.id);
    if pg_catalog.cardinality(v_missing) > 0 then
      raise exception 'ai_token_unreviewed' using errcode = '22023',
        detail = 'Review the AI-written ' || pg_catalog.array_to_string(v_missing, ', ')
                 || ' of this draft before starting it.';
    end if;
  end if;
  return new;
end $$;
create trigger enrollments_ai_tokens_reviewed before update of status on public.enrollments
  for each row execute function private.guard_ai_tokens_reviewed();

-- The reviewed AI token values of some enrolments, for rendering at send time. Service role.
create function private.ai_token_values(p_enrollment_ids uuid[])
returns table (enrollment_id uuid, key text, value text)
language sql stable security definer set search_path = '' as $$
  select t.enrollment_id, t.key, t.value from public.enrollment_ai_tokens t
  where t.enrollment_id = any (p_enrollment_ids) and t.reviewed_at is not null and t.value is not null
$$;
revoke execute on function private.ai_token_values(uuid[]) from public, anon, authenticated;
grant execute on function private.ai_token_values(uuid[]) to service_role;
create function public.ai_token_values(p_enrollment_ids uuid[])
returns table (enrollment_id uuid, key text, value text)
language sql stable security invoker set search_path = '' as $$
  select * from private.ai_token_values(p_enrollment_ids)
$$;
revoke execute on function public.ai_token_values(uuid[]) from public, anon, authenticated;
grant execute on function public.ai_token_values(uuid[]) to service_role;

revoke execute on function private.unreviewed_ai_tokens(uuid), private.guard_ai_tokens_reviewed() from public, anon;
grant execute on function private.guard_ai_tokens_reviewed() to authenticated, service_role;
