-- Sequence templates: the sequence (owner, access, direct-link secret, linked job, defaults),
-- its materialised stages, the Yjs document it is co-edited as (append-only updates plus a
-- compacted snapshot), and the link grants that open personal sequences to elevated users.

create type public.sequence_access as enum ('shared', 'personal', 'confidential');
create type public.stage_type as enum ('email', 'linkedin_inmail', 'linkedin_connection');
create type public.thread_mode as enum ('reply', 'new_thread');

create table public.sequences (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  -- The creator. Immutable: only the creator may change `access`, so ownership cannot move.
  owner_id uuid not null default auth.uid(),
  title text not null check (btrim(title) <> ''),
  access public.sequence_access not null default 'shared',
  -- Presenting it (redeem_sequence_link) opens a personal sequence to an elevated user.
  -- Regenerated whenever access changes, so a link seen under one setting does not outlive it.
  direct_link_secret text not null default encode(extensions.gen_random_bytes(24), 'hex'),
  job_id uuid,
  include_unsubscribe_link boolean not null default true,
  -- Archive a never-replying lead in the linked job this many days after the last stage.
  auto_archive_after_days integer check (auto_archive_after_days is null or auto_archive_after_days between 1 and 365),
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, organization_id),
  foreign key (owner_id, organization_id) references public.members (user_id, organization_id),
  foreign key (job_id, organization_id) references public.jobs (id, organization_id) on delete set null (job_id)
);
create index sequences_organization_id_idx on public.sequences (organization_id, access);
create index sequences_owner_id_idx on public.sequences (owner_id);
create index sequences_job_id_idx on public.sequences (job_id);
create trigger sequences_set_updated_at before update on public.sequences
  for each row execute function private.set_updated_at();

-- Trigger (before insert or update on sequences), for every role: confidential sequences exist
-- only on the plans that include them; the owner never changes; and only the creator changes
-- `access` (privileged maintenance roles excepted, which act for the platform, not a user).
create function private.guard_sequence_access() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  org_plan public.organization_plan;
begin
  if tg_op = 'UPDATE' and new.owner_id is distinct from old.owner_id then
    raise exception 'The creator of a sequence cannot be changed' using errcode = '42501';
  end if;
  if tg_op = 'UPDATE' and new.access is distinct from old.access then
    if pg_catalog.current_setting('role', true) in ('authenticated', 'anon')
       and (select auth.uid()) is distinct from old.owner_id then
      raise exception 'Only the creator of a sequence can change its access'
        using errcode = '42501', hint = 'access_change_not_allowed';
    end if;
    -- A new setting gets a new link, and grants made through the old link lapse.
    new.direct_link_secret := pg_catalog.encode(extensions.gen_random_bytes(24), 'hex');
    delete from public.sequence_link_grants g where g.sequence_id = old.id;
  end if;
  if new.access = 'confidential' and (tg_op = 'INSERT' or old.access is distinct from 'confidential') then
    select o.plan into org_plan from public.organizations o where o.id = new.organization_id;
    if org_plan is null or org_plan not in ('legacy_plus', 'plus', 'enterprise') then
      raise exception 'Confidential sequences are not available on the % plan', coalesce(org_plan::text, 'current')
        using errcode = '42501', hint = 'confidential_not_allowed';
    end if;
  end if;
  return new;
end $$;
create trigger sequences_guard_access before insert or update on public.sequences
  for each row execute function private.guard_sequence_access();

create table public.sequence_stages (
  id uuid primary key default gen_random_uuid(),
  sequence_id uuid not null references public.sequences (id) on delete cascade,
  position integer not null check (position >= 0),
  type public.stage_type not null default 'email',
  -- Measured from enrolment, not from the previous stage (src/lib/email/schedule.ts).
  delay_days integer not null default 0 check (delay_days between 0 and 365),
  delay_hours integer not null default 0 check (delay_hours between 0 and 23),
  -- {days: [1..7], start: 'HH:MM', end: 'HH:MM'} in the recipient's zone; null = any time.
  send_window jsonb check (send_window is null or jsonb_typeof(send_window) = 'object'),
  -- Email stages: the sender; LinkedIn stages: the user prompted. Null = the enrolling user.
  sender_user_id uuid references auth.users (id) on delete set null,
  subject text not null default '',
  body jsonb not null default '{"type": "doc", "content": []}' check (jsonb_typeof(body) = 'object'),
  thread_mode public.thread_mode not null default 'reply',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (sequence_id, position) deferrable initially immediate
);
create index sequence_stages_sender_user_id_idx on public.sequence_stages (sender_user_id);
create trigger sequence_stages_set_updated_at before update on public.sequence_stages
  for each row execute function private.set_updated_at();

-- Append-only Yjs updates of the sequence's document; replaying them on the snapshot gives the
-- current document.
create table public.sequence_doc_updates (
  id bigint generated always as identity primary key,
  sequence_id uuid not null references public.sequences (id) on delete cascade,
  "update" bytea not null check (octet_length("update") > 0),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index sequence_doc_updates_sequence_id_idx on public.sequence_doc_updates (sequence_id, id);
create index sequence_doc_updates_created_by_idx on public.sequence_doc_updates (created_by);

-- Trigger (before update on sequence_doc_updates): updates are immutable once stored, for
-- every role; compaction deletes them after folding them into the snapshot.
create function private.refuse_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception '% rows cannot be changed', tg_table_name using errcode = '42501';
end $$;
grant execute on function private.refuse_update() to authenticated, service_role;
create trigger sequence_doc_updates_append_only before update on public.sequence_doc_updates
  for each row execute function private.refuse_update();

-- The compacted document: the Yjs state containing every update with id <= last_update_id.
create table public.sequence_doc_snapshots (
  sequence_id uuid primary key references public.sequences (id) on delete cascade,
  state bytea not null,
  last_update_id bigint not null default 0,
  updated_at timestamptz not null default now()
);
create trigger sequence_doc_snapshots_set_updated_at before update on public.sequence_doc_snapshots
  for each row execute function private.set_updated_at();

-- Elevated users who presented a personal sequence's direct link (public.redeem_sequence_link);
-- kept so the access lasts.
create table public.sequence_link_grants (
  sequence_id uuid not null references public.sequences (id) on delete cascade,
  user_id uuid not null references public.members (user_id) on delete cascade,
  granted_at timestamptz not null default now(),
  primary key (sequence_id, user_id)
);
create index sequence_link_grants_user_id_idx on public.sequence_link_grants (user_id, sequence_id);
