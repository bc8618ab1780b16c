-- Core domain: organisations, agencies, members (people and their sender identity), jobs,
-- job roles and job pipeline stages. Row-level security for these tables lives in
-- 20261126000700_policies.sql; helpers the policies call live in the `private` schema, which
-- the REST API does not expose.

create schema if not exists private;
-- Functions created here must not be executable by everyone: each one is granted explicitly.
alter default privileges in schema private revoke execute on functions from public;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

create type public.organization_plan as enum ('free', 'legacy', 'legacy_plus', 'plus', 'enterprise');
create type public.access_level as enum ('limited', 'elevated', 'admin', 'organization_admin');
-- Declaration order is the ranking: later values are "higher" (enum comparison uses it).
create type public.job_role as enum (
  'external_recruiter', 'analyst', 'hiring_team_member', 'hiring_manager', 'admin', 'admin_private');
create type public.job_stage_kind as enum ('lead', 'reached_out', 'replied', 'interviewing', 'offer', 'hired', 'custom');
create type public.classification_preference as enum ('on', 'off', 'organization_default');

-- Whether a string names a time zone Postgres knows (IANA names). Used by check constraints.
-- Declared immutable because the zone database does not change within a server's life.
-- Callers: check constraints, as whichever role writes the row.
create function private.is_valid_time_zone(tz text) returns boolean
language plpgsql immutable set search_path = '' as $$
begin
  if tz is null or tz = '' then return false; end if;
  perform pg_catalog.now() at time zone tz;
  return true;
exception when others then
  return false;
end $$;
grant execute on function private.is_valid_time_zone(text) to authenticated, service_role;

-- Trigger: keeps updated_at current on every update. Any role.
create function private.set_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end $$;
grant execute on function private.set_updated_at() to authenticated, service_role;

-- The rank of a job role (1 = external_recruiter … 6 = admin_private), for the UI and for
-- "hiring manager or higher" comparisons (rank >= 4). Pure; anyone may call it.
create function public.job_role_rank(role public.job_role) returns integer
language sql immutable set search_path = '' as $$
  select pg_catalog.array_position(pg_catalog.enum_range(null::public.job_role), role)
$$;

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (btrim(name) <> ''),
  plan public.organization_plan not null default 'free',
  time_zone text not null default 'UTC' check (private.is_valid_time_zone(time_zone)),
  -- 0 means no frequency policy.
  outreach_frequency_days integer not null default 0 check (outreach_frequency_days between 0 and 365),
  reply_classification_enabled boolean not null default false,
  -- Email visibility: replies from these candidate groups are not logged (S5).
  exclude_hired_candidate_emails boolean not null default false,
  exclude_confidential_job_candidate_emails boolean not null default false,
  exclude_internal_candidate_emails boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger organizations_set_updated_at before update on public.organizations
  for each row execute function private.set_updated_at();

create table public.agencies (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (btrim(name) <> ''),
  created_at timestamptz not null default now(),
  unique (id, organization_id)
);
create index agencies_organization_id_idx on public.agencies (organization_id);

-- One row per user: a user belongs to exactly one organisation.
create table public.members (
  user_id uuid primary key references auth.users (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  display_name text not null default '',
  access_level public.access_level not null default 'limited',
  -- Agency users behave like `limited` for sequences whatever their access_level.
  agency_id uuid,
  sender_name text,
  sender_email text check (sender_email is null or sender_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  sender_title text,
  -- Plain text; line breaks are kept when rendered (src/lib/email/tokens.ts).
  signature text,
  tracking_enabled boolean not null default true,
  classification_preference public.classification_preference not null default 'organization_default',
  time_zone text check (time_zone is null or private.is_valid_time_zone(time_zone)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, organization_id),
  foreign key (agency_id, organization_id) references public.agencies (id, organization_id)
);
create index members_organization_id_idx on public.members (organization_id);
create index members_agency_id_idx on public.members (agency_id);
create trigger members_set_updated_at before update on public.members
  for each row execute function private.set_updated_at();

create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  title text not null check (btrim(title) <> ''),
  confidential boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id)
);
create index jobs_organization_id_idx on public.jobs (organization_id);
create trigger jobs_set_updated_at before update on public.jobs
  for each row execute function private.set_updated_at();

create table public.job_members (
  job_id uuid not null,
  user_id uuid not null,
  organization_id uuid not null,
  role public.job_role not null,
  created_at timestamptz not null default now(),
  primary key (job_id, user_id),
  foreign key (job_id, organization_id) references public.jobs (id, organization_id) on delete cascade,
  foreign key (user_id, organization_id) references public.members (user_id, organization_id) on delete cascade
);
create index job_members_user_id_idx on public.job_members (user_id, job_id);
create index job_members_organization_id_idx on public.job_members (organization_id);

create table public.job_stages (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null,
  organization_id uuid not null,
  position integer not null check (position >= 0),
  name text not null check (btrim(name) <> ''),
  kind public.job_stage_kind not null default 'custom',
  created_at timestamptz not null default now(),
  unique (id, job_id),
  unique (job_id, position) deferrable initially immediate,
  foreign key (job_id, organization_id) references public.jobs (id, organization_id) on delete cascade
);
-- Lets the sending engine find a job's Reached Out / Replied stage by kind.
create unique index job_stages_job_id_kind_idx on public.job_stages (job_id, kind) where kind <> 'custom';
create index job_stages_organization_id_idx on public.job_stages (organization_id);

-- Trigger (after insert on jobs): gives every new job the default pipeline. Runs as the
-- inserting role; RLS on job_stages is satisfied because only admins may create jobs.
create function private.create_default_job_stages() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.job_stages (job_id, organization_id, position, name, kind)
  select new.id, new.organization_id, s.position, s.name, s.kind::public.job_stage_kind
  from (values (0, 'Lead', 'lead'), (1, 'Reached Out', 'reached_out'), (2, 'Replied', 'replied'),
               (3, 'Interviewing', 'interviewing'), (4, 'Offer', 'offer'), (5, 'Hired', 'hired'))
       as s (position, name, kind);
  return null;
end $$;
create trigger jobs_create_default_stages after insert on public.jobs
  for each row execute function private.create_default_job_stages();
