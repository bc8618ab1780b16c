-- Candidates (leads) and their considerations on jobs (candidate × job, with a pipeline stage
-- and an archived state). Archiving a consideration cancels the candidate's live sequences (S5).

create table public.candidates (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  first_name text not null default '',
  last_name text not null default '',
  -- The address sequences send to by default; alternate_emails are the candidate's others.
  email text check (email is null or email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  alternate_emails text[] not null default '{}',
  time_zone text check (time_zone is null or private.is_valid_time_zone(time_zone)),
  company text,
  title text,
  location text,
  linkedin_url text,
  -- Organisation-defined fields keyed by stable key (tokens `custom.<key>`).
  custom_fields jsonb not null default '{}' check (jsonb_typeof(custom_fields) = 'object'),
  reason_for_outreach text,
  hired boolean not null default false,
  internal boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id)
);
create index candidates_organization_id_idx on public.candidates (organization_id);
create index candidates_email_idx on public.candidates (organization_id, lower(email));
create index candidates_linkedin_url_idx on public.candidates (organization_id, linkedin_url);
create index candidates_created_by_idx on public.candidates (created_by);
create trigger candidates_set_updated_at before update on public.candidates
  for each row execute function private.set_updated_at();

create table public.considerations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  candidate_id uuid not null,
  job_id uuid not null,
  stage_id uuid,
  archived_at timestamptz,
  archive_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (candidate_id, job_id),
  foreign key (candidate_id, organization_id) references public.candidates (id, organization_id) on delete cascade,
  foreign key (job_id, organization_id) references public.jobs (id, organization_id) on delete cascade,
  foreign key (stage_id, job_id) references public.job_stages (id, job_id)
);
create index considerations_job_id_idx on public.considerations (job_id);
create index considerations_stage_id_idx on public.considerations (stage_id);
create index considerations_organization_id_idx on public.considerations (organization_id);
create index considerations_active_candidate_idx on public.considerations (candidate_id) where archived_at is null;
create trigger considerations_set_updated_at before update on public.considerations
  for each row execute function private.set_updated_at();

-- Trigger (before insert on considerations): a new consideration starts in the job's Lead stage
-- unless a stage is given. Any role.
create function private.default_consideration_stage() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.stage_id is null then
    select s.id into new.stage_id from public.job_stages s where s.job_id = new.job_id and s.kind = 'lead';
  end if;
  return new;
end $$;
create trigger considerations_default_stage before insert on public.considerations
  for each row execute function private.default_consideration_stage();
