-- What happens around sending: provider events (delivered/opened/clicked/…), replies (matched
-- and unmatched), the candidate's subscriptions and suppression, the activity log, LinkedIn
-- tasks, and webhook receipts for de-duplicating provider deliveries.

create type public.email_event_kind as enum (
  'delivered', 'opened', 'clicked', 'bounced', 'complained', 'replied', 'delivery_delayed');
create type public.reply_classification as enum ('interested', 'not_interested', 'out_of_office', 'other');
create type public.reply_match as enum ('reply_to_token', 'in_reply_to', 'references', 'manual');
create type public.suppression_reason as enum ('bounced', 'complained');
create type public.task_status as enum ('open', 'done', 'skipped');

create table public.email_events (
  id bigint generated always as identity primary key,
  enrollment_stage_id uuid not null references public.enrollment_stages (id),
  -- Copied from the stage by a trigger, for policies and per-sequence metrics without joins.
  organization_id uuid not null,
  sequence_id uuid not null,
  enrollment_id uuid not null,
  kind public.email_event_kind not null,
  -- Opens/clicks by privacy proxies and security scanners (counted apart from humans, S8).
  is_machine boolean not null default false,
  url text,
  occurred_at timestamptz not null default now(),
  provider_event_id text unique,
  created_at timestamptz not null default now()
);
create index email_events_enrollment_stage_id_idx on public.email_events (enrollment_stage_id, kind);
create index email_events_sequence_id_idx on public.email_events (sequence_id, kind, is_machine);
create index email_events_enrollment_id_idx on public.email_events (enrollment_id);
create index email_events_organization_id_idx on public.email_events (organization_id);

-- Trigger (before insert on email_events): copies organisation, sequence and enrolment from the
-- stage. Any role (in practice the webhook function, as service_role).
create function private.fill_email_event() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  select s.organization_id, s.sequence_id, s.enrollment_id
    into new.organization_id, new.sequence_id, new.enrollment_id
  from public.enrollment_stages s where s.id = new.enrollment_stage_id;
  return new;
end $$;
create trigger email_events_fill before insert on public.email_events
  for each row execute function private.fill_email_event();

create table public.replies (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  candidate_id uuid not null,
  enrollment_id uuid references public.enrollments (id),
  enrollment_stage_id uuid references public.enrollment_stages (id),
  -- Copied from the enrolment by a trigger (null for a reply outside any sequence).
  sequence_id uuid references public.sequences (id),
  from_email text not null,
  subject text not null default '',
  body_text text not null default '',
  -- Sanitised HTML for display.
  body_display text,
  message_id text,
  received_at timestamptz not null default now(),
  classification public.reply_classification,
  matched_by public.reply_match not null,
  created_at timestamptz not null default now(),
  foreign key (candidate_id, organization_id) references public.candidates (id, organization_id)
);
create index replies_candidate_id_idx on public.replies (candidate_id);
create index replies_enrollment_id_idx on public.replies (enrollment_id);
create index replies_enrollment_stage_id_idx on public.replies (enrollment_stage_id);
create index replies_sequence_id_idx on public.replies (sequence_id);
create index replies_organization_id_idx on public.replies (organization_id);

-- Trigger (before insert on replies): the sequence comes from the enrolment. Any role.
create function private.fill_reply() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.enrollment_id is not null then
    select e.sequence_id into new.sequence_id from public.enrollments e where e.id = new.enrollment_id;
  end if;
  return new;
end $$;
create trigger replies_fill before insert on public.replies
  for each row execute function private.fill_reply();

-- Inbound mail that matched no enrolment, kept for inspection by organisation admins.
create table public.unmatched_replies (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references public.organizations (id) on delete cascade,
  to_email text,
  from_email text,
  subject text,
  body_text text,
  headers jsonb not null default '{}',
  received_at timestamptz not null default now()
);
create index unmatched_replies_organization_id_idx on public.unmatched_replies (organization_id);

-- A candidate's choices (S7) and the suppression of their address after a bounce/complaint.
-- No row = subscribed to both.
create table public.subscriptions (
  candidate_id uuid primary key,
  organization_id uuid not null,
  current_outreach boolean not null default true,
  new_roles boolean not null default true,
  suppressed_reason public.suppression_reason,
  suppressed_email text,
  suppressed_at timestamptz,
  updated_by uuid references auth.users (id) on delete set null,
  updated_at timestamptz not null default now(),
  foreign key (candidate_id, organization_id) references public.candidates (id, organization_id) on delete cascade
);
create index subscriptions_organization_id_idx on public.subscriptions (organization_id);
create index subscriptions_updated_by_idx on public.subscriptions (updated_by);
create trigger subscriptions_set_updated_at before update on public.subscriptions
  for each row execute function private.set_updated_at();

-- The candidate's timeline: enrolled, unsubscribed, replied, status changed …
create table public.activities (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  candidate_id uuid not null,
  -- Set when the activity concerns a sequence: then only its viewers see it.
  sequence_id uuid references public.sequences (id),
  enrollment_id uuid references public.enrollments (id),
  kind text not null check (kind ~ '^[a-z][a-z_]*$'),
  data jsonb not null default '{}',
  -- Null when the candidate (unsubscribe page) or the system acted.
  actor_id uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (candidate_id, organization_id) references public.candidates (id, organization_id) on delete cascade
);
create index activities_candidate_id_idx on public.activities (candidate_id, created_at desc);
create index activities_sequence_id_idx on public.activities (sequence_id);
create index activities_enrollment_id_idx on public.activities (enrollment_id);
create index activities_organization_id_idx on public.activities (organization_id);
create index activities_actor_id_idx on public.activities (actor_id);

-- LinkedIn stages become tasks for the prompted user at the due time.
create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  enrollment_stage_id uuid not null unique references public.enrollment_stages (id),
  organization_id uuid not null,
  sequence_id uuid not null references public.sequences (id),
  candidate_id uuid not null,
  assignee_id uuid references auth.users (id) on delete set null,
  status public.task_status not null default 'open',
  due_at timestamptz not null default now(),
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (candidate_id, organization_id) references public.candidates (id, organization_id)
);
create index tasks_assignee_id_idx on public.tasks (assignee_id, status);
create index tasks_sequence_id_idx on public.tasks (sequence_id);
create index tasks_organization_id_idx on public.tasks (organization_id);
create index tasks_candidate_id_idx on public.tasks (candidate_id);
create trigger tasks_set_updated_at before update on public.tasks
  for each row execute function private.set_updated_at();

-- Provider webhook deliveries already processed (the Svix/Resend delivery id), so a retried
-- delivery is acknowledged without being applied twice. Service role only.
create table public.webhook_receipts (
  delivery_id text primary key,
  source text not null default 'resend',
  received_at timestamptz not null default now()
);
