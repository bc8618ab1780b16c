-- Columns and helpers the sending engine (issue 6) adds to the domain schema of
-- 20261126000100..0900: the reply token that routes replies back to an enrolment, the
-- provider request a stage is part of while its outcome is unknown, why a stage was deferred,
-- per-sender daily caps, and when a never-replying lead is archived in the linked job.

-- Reply-To is reply+<reply_token>@<INBOUND_EMAIL_DOMAIN>; the inbound webhook matches replies
-- by it. 30 hex characters (120 random bits): unguessable, and case-insensitive mail systems
-- cannot alter it.
alter table public.enrollments
  add column reply_token text not null default encode(extensions.gen_random_bytes(15), 'hex'),
  -- Set when the enrolment completes without a reply and its sequence auto-archives (S2).
  add column auto_archive_at timestamptz;
alter table public.enrollments add constraint enrollments_reply_token_key unique (reply_token);
create index enrollments_auto_archive_at_idx on public.enrollments (auto_archive_at) where auto_archive_at is not null;
create index enrollments_resume_at_idx on public.enrollments (resume_at) where status = 'paused' and resume_at is not null;

alter table public.enrollment_stages
  -- The Idempotency-Key of the provider request this stage was last part of, kept while that
  -- request's outcome is unknown (crash, timeout). Stages sharing a key are re-sent together
  -- as the identical request, so the provider answers with the original result instead of
  -- sending again. Null when the stage was never sent or its last request was refused.
  add column send_key text,
  -- Why the stage is later than its nominal time: outside_send_window, daily_cap,
  -- rate_limited, provider_error … (shown next to "next stage triggers at").
  add column deferred_reason text;
create index enrollment_stages_send_key_idx on public.enrollment_stages (send_key) where send_key is not null;
-- Per-sender daily cap counting.
create index enrollment_stages_sender_sent_idx on public.enrollment_stages (sender_user_id, sent_at) where status = 'sent';

-- Daily caps (S9): the organisation's default and an optional per-member override.
alter table public.organizations
  add column daily_send_cap integer not null default 400 check (daily_send_cap between 1 and 100000);
alter table public.members
  add column daily_send_cap integer check (daily_send_cap is null or daily_send_cap between 1 and 100000);

-- Whether an address is a no-reply style address that may never send a sequence; the same
-- rule as isNoReplyAddress in src/lib/email/validate.ts. Pure; callers: engine and RPCs.
create function private.is_no_reply_address(p_address text) returns boolean
language sql immutable set search_path = '' as $$
  select pg_catalog.split_part(pg_catalog.lower(pg_catalog.btrim(p_address)), '@', 1)
         ~ '(^|[._+-])(no[._-]?reply|do[._-]?not[._-]?reply|mailer[._-]?daemon)($|[._+0-9-])'
$$;

-- Why the organisation's outreach frequency policy (S4) blocks contacting a candidate now, or
-- null when it does not: a stage sent to the candidate (by any sequence) on day D in the
-- organisation's time zone blocks days D .. D+N-1. One-off emails are not stages, so they do
-- not count. Callers: start_enrollments (definer context).
create function private.frequency_policy_block(p_candidate uuid) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_org public.organizations;
  v_last timestamptz;
begin
  select o.* into v_org from public.organizations o
  join public.candidates c on c.organization_id = o.id where c.id = p_candidate;
  if not found or v_org.outreach_frequency_days = 0 then return null; end if;
  select pg_catalog.max(st.sent_at) into v_last
  from public.enrollment_stages st where st.candidate_id = p_candidate and st.status = 'sent';
  if v_last is null or (v_last at time zone v_org.time_zone)::date
       <= (pg_catalog.now() at time zone v_org.time_zone)::date - v_org.outreach_frequency_days then
    return null;
  end if;
  return 'Contacted on ' || pg_catalog.to_char(v_last at time zone v_org.time_zone, 'YYYY-MM-DD')
         || '; your organisation allows contact again from '
         || pg_catalog.to_char((v_last at time zone v_org.time_zone)::date + v_org.outreach_frequency_days, 'YYYY-MM-DD') || '.';
end $$;

revoke execute on function private.is_no_reply_address(text), private.frequency_policy_block(uuid) from public, anon;
grant execute on function private.is_no_reply_address(text), private.frequency_policy_block(uuid) to authenticated, service_role;
