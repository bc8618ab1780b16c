-- Enrolments: a batch per enrolment action, an enrolment per candidate and sequence (never
-- deleted), and the candidate's own copy of each stage, which the sending engine claims and
-- sends. Created only through public.enroll_candidates (20261126000800_enroll_rpc.sql).

create type public.enrollment_status as enum ('draft', 'running', 'paused', 'completed', 'cancelled');
create type public.response_status as enum ('none', 'replied', 'interested', 'not_interested', 'out_of_office');
create type public.enrollment_stage_status as enum (
  'scheduled', 'claimed', 'sent', 'skipped', 'failed', 'cancelled', 'task_open', 'task_done');

create table public.enrollment_batches (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  sequence_id uuid not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (sequence_id, organization_id) references public.sequences (id, organization_id)
);
create index enrollment_batches_sequence_id_idx on public.enrollment_batches (sequence_id);
create index enrollment_batches_organization_id_idx on public.enrollment_batches (organization_id);
create index enrollment_batches_created_by_idx on public.enrollment_batches (created_by);

create table public.enrollments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  sequence_id uuid not null,
  candidate_id uuid not null,
  batch_id uuid references public.enrollment_batches (id),
  enrolled_by uuid references auth.users (id) on delete set null,
  -- The address this enrolment sends to (chosen at enrolment; default the candidate's primary).
  to_email text,
  status public.enrollment_status not null default 'draft',
  response_status public.response_status not null default 'none',
  response_reason text,
  -- Why the enrolment ended or a stage was skipped: replied, unsubscribed, bounced,
  -- cancelled, candidate_archived, frequency_policy, no_email, sender_disconnected …
  end_reason text,
  include_unsubscribe_link boolean not null default true,
  started_at timestamptz,
  paused_at timestamptz,
  resume_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id),
  foreign key (sequence_id, organization_id) references public.sequences (id, organization_id),
  foreign key (candidate_id, organization_id) references public.candidates (id, organization_id)
);
-- One active sequence per candidate at a time (S3).
create unique index enrollments_one_active_per_candidate_idx on public.enrollments (candidate_id)
  where status in ('running', 'paused');
create index enrollments_candidate_id_idx on public.enrollments (candidate_id);
create index enrollments_sequence_id_idx on public.enrollments (sequence_id, status, response_status);
create index enrollments_organization_id_idx on public.enrollments (organization_id);
create index enrollments_batch_id_idx on public.enrollments (batch_id);
create index enrollments_enrolled_by_idx on public.enrollments (enrolled_by);
create trigger enrollments_set_updated_at before update on public.enrollments
  for each row execute function private.set_updated_at();

-- Trigger (before delete / truncate on enrollments): enrolment records are never deleted, for
-- every role including service_role and postgres (S5).
create function private.refuse_delete() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception '% rows can never be deleted', tg_table_name
    using errcode = '42501', hint = 'Cancel the enrolment instead.';
end $$;
grant execute on function private.refuse_delete() to authenticated, service_role;
create trigger enrollments_never_deleted before delete on public.enrollments
  for each row execute function private.refuse_delete();
create trigger enrollments_never_truncated before truncate on public.enrollments
  for each statement execute function private.refuse_delete();

create table public.enrollment_stages (
  id uuid primary key default gen_random_uuid(),
  enrollment_id uuid not null references public.enrollments (id),
  -- Copied from the enrolment by a trigger, so policies and the engine filter without a join.
  organization_id uuid not null,
  sequence_id uuid not null,
  candidate_id uuid not null,
  position integer not null check (position >= 0),
  type public.stage_type not null default 'email',
  delay_days integer not null default 0 check (delay_days between 0 and 365),
  delay_hours integer not null default 0 check (delay_hours between 0 and 23),
  send_window jsonb check (send_window is null or jsonb_typeof(send_window) = 'object'),
  scheduled_at timestamptz,
  status public.enrollment_stage_status not null default 'scheduled',
  end_reason text,
  subject text not null default '',
  body jsonb not null default '{"type": "doc", "content": []}' check (jsonb_typeof(body) = 'object'),
  sender_user_id uuid references auth.users (id) on delete set null,
  thread_mode public.thread_mode not null default 'reply',
  provider_message_id text,
  -- RFC 5322 Message-ID of the sent email, for In-Reply-To/References and reply matching.
  message_id text,
  -- Stored before the provider call; sent as Resend's Idempotency-Key (default: the row id).
  idempotency_key text not null unique,
  lease_until timestamptz,
  attempts integer not null default 0 check (attempts >= 0),
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (enrollment_id, position)
);
create index enrollment_stages_due_idx on public.enrollment_stages (scheduled_at)
  where status in ('scheduled', 'claimed');
create index enrollment_stages_sent_idx on public.enrollment_stages (candidate_id, sent_at) where status = 'sent';
create index enrollment_stages_sequence_id_idx on public.enrollment_stages (sequence_id, position, status);
create index enrollment_stages_organization_id_idx on public.enrollment_stages (organization_id);
create index enrollment_stages_sender_user_id_idx on public.enrollment_stages (sender_user_id);
create index enrollment_stages_message_id_idx on public.enrollment_stages (message_id);
create trigger enrollment_stages_set_updated_at before update on public.enrollment_stages
  for each row execute function private.set_updated_at();

-- Trigger (before insert on enrollment_stages): copies organisation, sequence and candidate
-- from the enrolment and defaults the idempotency key. Any role.
create function private.fill_enrollment_stage() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  select e.organization_id, e.sequence_id, e.candidate_id
    into new.organization_id, new.sequence_id, new.candidate_id
  from public.enrollments e where e.id = new.enrollment_id;
  new.idempotency_key := coalesce(new.idempotency_key, 'enrollment-stage:' || new.id::text);
  return new;
end $$;
create trigger enrollment_stages_fill before insert on public.enrollment_stages
  for each row execute function private.fill_enrollment_stage();

-- When a stage is due: `days` are calendar days in `tz` (same wall-clock time across DST),
-- then `hours` elapsed hours — the same arithmetic as nominalDueAt in
-- src/lib/email/schedule.ts. Send windows are applied by the sending engine. Pure helper.
create function private.stage_due_at(enrolled_at timestamptz, delay_days integer, delay_hours integer, tz text)
returns timestamptz language sql immutable set search_path = '' as $$
  select (((enrolled_at at time zone tz) + pg_catalog.make_interval(days => delay_days)) at time zone tz)
         + pg_catalog.make_interval(hours => delay_hours)
$$;
grant execute on function private.stage_due_at(timestamptz, integer, integer, text) to authenticated, service_role;

-- Trigger (before update on enrollment_stages): stages that were sent never change (S5);
-- denormalised keys never change. Any role.
create function private.guard_enrollment_stage_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.enrollment_id <> old.enrollment_id or new.organization_id <> old.organization_id
     or new.sequence_id <> old.sequence_id or new.candidate_id <> old.candidate_id
     or new.position <> old.position then
    raise exception 'An enrolment stage cannot move to another enrolment or position' using errcode = '42501';
  end if;
  if old.status = 'sent' and (new.subject, new.body, new.sender_user_id, new.type, new.thread_mode, new.status)
     is distinct from (old.subject, old.body, old.sender_user_id, old.type, old.thread_mode, old.status) then
    raise exception 'A sent stage cannot be changed' using errcode = '42501', hint = 'stage_already_sent';
  end if;
  return new;
end $$;
grant execute on function private.guard_enrollment_stage_update() to authenticated, service_role;
create trigger enrollment_stages_guard_update before update on public.enrollment_stages
  for each row execute function private.guard_enrollment_stage_update();

-- Trigger (before update on enrollments): allowed status moves (completed and cancelled are
-- final, so a cancelled sequence cannot be resumed), the timestamps that go with them, and
-- immutable keys. Any role.
create function private.guard_enrollment_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.organization_id <> old.organization_id or new.sequence_id <> old.sequence_id
     or new.candidate_id <> old.candidate_id or new.batch_id is distinct from old.batch_id then
    raise exception 'An enrolment cannot move to another sequence, candidate or batch' using errcode = '42501';
  end if;
  if new.status <> old.status then
    if not ((old.status = 'draft' and new.status in ('running', 'cancelled'))
         or (old.status = 'running' and new.status in ('paused', 'completed', 'cancelled'))
         or (old.status = 'paused' and new.status in ('running', 'completed', 'cancelled'))) then
      raise exception 'An enrolment cannot go from % to %', old.status, new.status
        using errcode = '22023', hint = 'invalid_status_change';
    end if;
    if new.status = 'running' and old.status = 'draft' then
      new.started_at := pg_catalog.now();
    elsif new.status = 'paused' then
      new.paused_at := pg_catalog.now();
    elsif new.status = 'running' then
      new.paused_at := null;
      new.resume_at := null;
    elsif new.status in ('completed', 'cancelled') then
      new.ended_at := pg_catalog.now();
      new.end_reason := coalesce(new.end_reason, new.status::text);
    end if;
  end if;
  return new;
end $$;
grant execute on function private.guard_enrollment_update() to authenticated, service_role;
create trigger enrollments_guard_update before update on public.enrollments
  for each row execute function private.guard_enrollment_update();

-- Trigger (after update on enrollments): a draft that starts is scheduled from now; a
-- cancelled or completed enrolment ends its unsent stages with the enrolment's reason.
-- Security definer because the stages must follow the enrolment whoever changed it.
create function private.follow_enrollment_status() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  tz text;
begin
  if new.status = old.status then return null; end if;
  if old.status = 'draft' and new.status = 'running' then
    select coalesce(c.time_zone, o.time_zone) into tz
    from public.candidates c join public.organizations o on o.id = c.organization_id
    where c.id = new.candidate_id;
    update public.enrollment_stages s
      set scheduled_at = private.stage_due_at(new.started_at, s.delay_days, s.delay_hours, tz)
    where s.enrollment_id = new.id and s.status = 'scheduled';
  elsif new.status in ('cancelled', 'completed') then
    update public.enrollment_stages s
      set status = 'cancelled', end_reason = new.end_reason, lease_until = null
    where s.enrollment_id = new.id and s.status in ('scheduled', 'task_open');
  end if;
  return null;
end $$;
create trigger enrollments_follow_status after update of status on public.enrollments
  for each row execute function private.follow_enrollment_status();

-- Trigger (after update of archived_at on considerations): archiving a candidate on any job
-- cancels all their running sequences (S5). Security definer: the archiving user may not be
-- allowed to manage those enrolments, yet they must stop.
create function private.cancel_sequences_on_archive() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if old.archived_at is null and new.archived_at is not null then
    update public.enrollments e
      set status = 'cancelled', end_reason = 'candidate_archived'
    where e.candidate_id = new.candidate_id and e.status in ('running', 'paused');
  end if;
  return null;
end $$;
create trigger considerations_cancel_sequences_on_archive after update of archived_at on public.considerations
  for each row execute function private.cancel_sequences_on_archive();
