-- Settings and administration (S13, issue 16) and three items of the security hardening
-- (issue 11: 3 the plan is billing's, 5 senders only on verified domains, 9 caps by admins).
--
-- Who may change what, all enforced here (the SPA only hides what this refuses):
--   organisation settings ........ organisation admins; never the plan (column grants)
--   custom fields ................ organisation admins; retiring one a stage uses is refused
--   sending domains .............. organisation admins add/remove; the verification state is
--                                  written only by the sending-domains function (service role)
--   people (access, agency, cap,   admins and organisation admins, never above their own
--     deactivate, invitations) ... level, never for themselves (except their own cap), and the
--                                  last active organisation admin stays
--   own sender identity, tracking, the member themselves; the sender address only on a
--     classification preference ... verified domain of their own organisation
--   jobs, job roles, job stages .. admins (20261126000700_policies.sql); the Lead, Reached Out
--                                  and Replied stages the engine moves leads into stay

-- Organisation settings ----------------------------------------------------------------------

-- Whether a send window is {days: [0-6 …], start: 'HH:MM', end: 'HH:MM'} with start < end, the
-- shape the sending engine reads (supabase/functions/_shared email schedule). Pure; callers:
-- check constraints.
create function private.is_valid_send_window(p jsonb) returns boolean
language sql immutable set search_path = '' as $$
  select p is null or (
    pg_catalog.jsonb_typeof(p) = 'object'
    and pg_catalog.jsonb_typeof(p -> 'days') = 'array'
    and pg_catalog.jsonb_array_length(p -> 'days') between 1 and 7
    and not pg_catalog.jsonb_path_exists(p -> 'days', '$[*] ? (@.type() != "number" || @ < 0 || @ > 6)')
    and coalesce(p ->> 'start', '') ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
    and coalesce(p ->> 'end', '') ~ '^([01][0-9]|2[0-4]):[0-5][0-9]$'
    and (p ->> 'start') < (p ->> 'end'))
$$;
grant execute on function private.is_valid_send_window(jsonb) to authenticated, service_role;

alter table public.organizations
  -- Business hours new sequence stages start with (S9); null: any time.
  add column default_send_window jsonb check (private.is_valid_send_window(default_send_window)),
  -- What "Include unsubscribe link" starts as on new sequences (S3).
  add column default_include_unsubscribe_link boolean not null default true,
  -- Opt-in: AI tokens such as {{ai.opening_line}} (S13).
  add column ai_tokens_enabled boolean not null default false;

-- The plan is billing's (issue 11 item 3): the organisation edits everything else, never it.
revoke insert, update, delete on public.organizations from authenticated, anon;
grant update (name, time_zone, outreach_frequency_days, reply_classification_enabled,
  exclude_hired_candidate_emails, exclude_confidential_job_candidate_emails, exclude_internal_candidate_emails,
  default_send_window, default_include_unsubscribe_link, ai_tokens_enabled, daily_send_cap)
  on public.organizations to authenticated;

-- Default for sequences.include_unsubscribe_link: the signed-in user's organisation's setting
-- (true outside a user's request, e.g. operators and the seed). Callers: the column default.
create function private.default_include_unsubscribe_link() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce((select o.default_include_unsubscribe_link from public.organizations o
                   where o.id = (select private.current_org_id())), true)
$$;
grant execute on function private.default_include_unsubscribe_link() to authenticated, service_role;
alter table public.sequences alter column include_unsubscribe_link set default private.default_include_unsubscribe_link();

-- Default for sequence_stages.send_window: the organisation's default business hours.
-- Callers: the column default (a stage added by an editor of the sequence).
create function private.default_stage_send_window() returns jsonb
language sql stable security definer set search_path = '' as $$
  select o.default_send_window from public.organizations o where o.id = (select private.current_org_id())
$$;
grant execute on function private.default_stage_send_window() to authenticated, service_role;
alter table public.sequence_stages alter column send_window set default private.default_stage_send_window();

-- Sending domains (issue 11 item 5) ------------------------------------------------------------

create table public.sending_domains (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  domain text not null check (domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$' and length(domain) <= 253),
  -- Resend's domain id, its state, and the DNS records it asks for.
  provider_domain_id text,
  status text not null default 'not_started'
    check (status in ('not_started', 'pending', 'verified', 'failed', 'temporary_failure')),
  records jsonb not null default '[]' check (jsonb_typeof(records) = 'array'),
  last_error text,
  checked_at timestamptz,
  verified_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- A domain belongs to one organisation.
create unique index sending_domains_domain_key on public.sending_domains (domain);
create index sending_domains_organization_id_idx on public.sending_domains (organization_id);
create index sending_domains_created_by_idx on public.sending_domains (created_by);
create trigger sending_domains_set_updated_at before update on public.sending_domains
  for each row execute function private.set_updated_at();
alter table public.sending_domains enable row level security;

create policy "Members see their organisation's sending domains" on public.sending_domains
  for select to authenticated using (organization_id = (select private.current_org_id()));
create policy "Organisation admins add sending domains" on public.sending_domains
  for insert to authenticated
  with check (organization_id = (select private.current_org_id())
              and (select private.current_access_level()) = 'organization_admin'
              and created_by = (select auth.uid()));
create policy "Organisation admins remove sending domains" on public.sending_domains
  for delete to authenticated
  using (organization_id = (select private.current_org_id())
         and (select private.current_access_level()) = 'organization_admin');
-- The state comes from the provider only (supabase/functions/sending-domains).
revoke all on public.sending_domains from anon, authenticated;
grant select, delete on public.sending_domains to authenticated;
grant insert (organization_id, domain, created_by) on public.sending_domains to authenticated;

-- Whether an address may be used as a sender by members of p_org: its domain is a verified
-- sending domain of that organisation. Callers: the member guard, the sending engine (through
-- public.verified_sender_domains) and the settings RPCs.
create function private.sender_address_allowed(p_org uuid, p_address text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.sending_domains d
    where d.organization_id = p_org and d.status = 'verified'
      and d.domain = pg_catalog.lower(pg_catalog.split_part(pg_catalog.btrim(p_address), '@', 2)))
$$;
grant execute on function private.sender_address_allowed(uuid, text) to authenticated, service_role;

-- The verified sending domains of some organisations, for the sending engine's re-check at
-- send time (a domain removed or failing verification after a sender chose it stops sending).
-- Service role only.
create function private.verified_sender_domains(p_org_ids uuid[])
returns table (organization_id uuid, domain text)
language sql stable security definer set search_path = '' as $$
  select d.organization_id, d.domain from public.sending_domains d
  where d.organization_id = any (p_org_ids) and d.status = 'verified'
$$;
revoke execute on function private.verified_sender_domains(uuid[]) from public, anon, authenticated;
grant execute on function private.verified_sender_domains(uuid[]) to service_role;
-- PostgREST entry point: POST /rest/v1/rpc/verified_sender_domains {p_org_ids}. Service role only.
create function public.verified_sender_domains(p_org_ids uuid[])
returns table (organization_id uuid, domain text)
language sql stable security invoker set search_path = '' as $$
  select * from private.verified_sender_domains(p_org_ids)
$$;
revoke execute on function public.verified_sender_domains(uuid[]) from public, anon, authenticated;
grant execute on function public.verified_sender_domains(uuid[]) to service_role;

-- People -------------------------------------------------------------------------------------

alter table public.members
  -- A deactivated member keeps their history but sees and sends nothing.
  add column deactivated_at timestamptz;

-- A deactivated member belongs to no organisation as far as the policies are concerned.
create or replace function private.current_org_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select m.organization_id from public.members m
  where m.user_id = (select auth.uid()) and m.deactivated_at is null
$$;
create or replace function private.effective_access_level(p_user uuid) returns public.access_level
language sql stable security definer set search_path = '' as $$
  select case when m.agency_id is not null then 'limited'::public.access_level else m.access_level end
  from public.members m where m.user_id = p_user and m.deactivated_at is null
$$;

create policy "Admins update the people of their organisation" on public.members
  for update to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin')
  with check (organization_id = (select private.current_org_id()));
-- Members join through invitations (below) and leave by deactivation; never by direct writes.
revoke insert, delete, update on public.members from authenticated, anon;
grant update (display_name, sender_name, sender_email, sender_title, signature, tracking_enabled,
  classification_preference, time_zone, access_level, agency_id, daily_send_cap, deactivated_at)
  on public.members to authenticated;

-- Trigger (before update on members): who may change which column. For API roles:
--   * nobody moves a member to another organisation;
--   * identity and personal settings: only the member themselves; the sender address must be
--     on a verified sending domain of their own organisation (issue 11 item 5);
--   * access level, agency, daily cap, deactivation: admins and organisation admins only
--     (issue 11 item 9), not their own access/agency/deactivation, never for someone above
--     their own level, never to a level above their own; the last active organisation admin
--     stays one.
-- Privileged roles (operators, the seed) are trusted.
create or replace function private.guard_member_update() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_me uuid := (select auth.uid());
  v_level public.access_level;
  v_self boolean := new.user_id = (select auth.uid());
begin
  if pg_catalog.current_setting('role', true) not in ('authenticated', 'anon') then
    return new;
  end if;
  if new.user_id <> old.user_id or new.organization_id <> old.organization_id then
    raise exception 'A member cannot move to another organisation' using errcode = '42501';
  end if;
  if not v_self and (new.display_name, new.sender_name, new.sender_email, new.sender_title, new.signature,
                     new.tracking_enabled, new.classification_preference, new.time_zone)
       is distinct from (old.display_name, old.sender_name, old.sender_email, old.sender_title, old.signature,
                         old.tracking_enabled, old.classification_preference, old.time_zone) then
    raise exception 'Only the member themselves changes their sender identity and personal settings'
      using errcode = '42501';
  end if;
  if new.sender_email is distinct from old.sender_email and new.sender_email is not null then
    if private.is_no_reply_address(new.sender_email) then
      raise exception 'invalid_sender' using errcode = '22023',
        detail = 'A no-reply address cannot send sequences.';
    end if;
    if not private.sender_address_allowed(new.organization_id, new.sender_email) then
      raise exception 'sender_domain_unverified' using errcode = '42501',
        detail = 'The sender address must be on a verified sending domain of your organisation ('
                 || pg_catalog.split_part(new.sender_email, '@', 2) || ' is not).';
    end if;
  end if;
  if (new.access_level, new.agency_id, new.daily_send_cap, new.deactivated_at)
     is distinct from (old.access_level, old.agency_id, old.daily_send_cap, old.deactivated_at) then
    v_level := private.effective_access_level(v_me);
    if v_level is null or v_level < 'admin' then
      raise exception 'not_admin' using errcode = '42501',
        detail = 'Only admins change access levels, agencies, daily sending caps and deactivation.';
    end if;
    if v_self and (new.access_level, new.agency_id, new.deactivated_at)
                  is distinct from (old.access_level, old.agency_id, old.deactivated_at) then
      raise exception 'not_for_self' using errcode = '42501',
        detail = 'You cannot change your own access level, agency or deactivation; ask another admin.';
    end if;
    if old.access_level > v_level then
      raise exception 'above_you' using errcode = '42501',
        detail = 'You cannot change someone whose access level is above yours.';
    end if;
    if new.access_level > v_level then
      raise exception 'above_you' using errcode = '42501',
        detail = 'You cannot give anyone an access level above your own.';
    end if;
  end if;
  if old.access_level = 'organization_admin' and old.deactivated_at is null
     and (new.access_level <> 'organization_admin' or new.deactivated_at is not null)
     and not exists (select 1 from public.members m
                     where m.organization_id = old.organization_id and m.user_id <> old.user_id
                       and m.access_level = 'organization_admin' and m.deactivated_at is null
                       and m.agency_id is null) then
    raise exception 'last_org_admin' using errcode = '42501',
      detail = 'The organisation needs at least one active organisation admin.';
  end if;
  return new;
end $$;

-- Trigger (after update on members): a deactivated member is signed out everywhere (their
-- refresh tokens stop working; access tokens already lose all rights through current_org_id).
create function private.sign_out_deactivated_member() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- Where the platform does not let migrations' roles touch Auth's tables, deactivation still
  -- takes every right away (current_org_id); the access token then simply expires.
  begin
    delete from auth.sessions s where s.user_id = new.user_id;
  exception when insufficient_privilege then
    null;
  end;
  return null;
end $$;
create trigger members_sign_out_when_deactivated after update of deactivated_at on public.members
  for each row when (new.deactivated_at is not null and old.deactivated_at is null)
  execute function private.sign_out_deactivated_member();

-- Invitations: an admin invites an address at a level up to their own; the person signs in
-- through the magic link Auth mails them, and the Auth user's creation makes them a member.
create table public.member_invitations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  email text not null check (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and email = lower(email) and length(email) <= 320),
  access_level public.access_level not null default 'limited',
  agency_id uuid,
  invited_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  accepted_at timestamptz,
  accepted_user_id uuid references auth.users (id) on delete set null,
  foreign key (agency_id, organization_id) references public.agencies (id, organization_id)
);
-- One open invitation per address (an address joins one organisation).
create unique index member_invitations_open_email_key on public.member_invitations (email) where accepted_at is null;
create index member_invitations_organization_id_idx on public.member_invitations (organization_id);
create index member_invitations_invited_by_idx on public.member_invitations (invited_by);
create index member_invitations_agency_id_idx on public.member_invitations (agency_id);
create index member_invitations_accepted_user_id_idx on public.member_invitations (accepted_user_id);
alter table public.member_invitations enable row level security;

create policy "Admins see their organisation's invitations" on public.member_invitations
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin');
create policy "Admins invite people at most at their own level" on public.member_invitations
  for insert to authenticated
  with check (organization_id = (select private.current_org_id())
              and (select private.current_access_level()) >= 'admin'
              and access_level <= (select private.current_access_level())
              and invited_by = (select auth.uid()));
create policy "Admins withdraw open invitations" on public.member_invitations
  for delete to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin'
         and accepted_at is null);
revoke all on public.member_invitations from anon, authenticated;
grant select, delete on public.member_invitations to authenticated;
grant insert (organization_id, email, access_level, agency_id, invited_by) on public.member_invitations to authenticated;

-- Trigger (before insert on member_invitations): an address that already belongs to a member
-- is not invited again (a user belongs to one organisation). Any role.
create function private.guard_invitation() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  new.email := pg_catalog.lower(pg_catalog.btrim(new.email));
  if exists (select 1 from public.members m join auth.users u on u.id = m.user_id
             where pg_catalog.lower(u.email) = new.email) then
    raise exception 'already_member' using errcode = '23505',
      detail = new.email || ' already has an account in an organisation.';
  end if;
  return new;
end $$;
create trigger member_invitations_guard before insert on public.member_invitations
  for each row execute function private.guard_invitation();

-- Makes a user a member from their open invitation, if any. Callers: the trigger on
-- auth.users and public.accept_invitation (definer context only).
create function private.join_from_invitation(p_user uuid, p_email text) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  v_inv public.member_invitations;
begin
  select * into v_inv from public.member_invitations i
  where i.email = pg_catalog.lower(pg_catalog.btrim(p_email)) and i.accepted_at is null
  for update;
  if not found or exists (select 1 from public.members m where m.user_id = p_user) then
    return false;
  end if;
  insert into public.members (user_id, organization_id, display_name, access_level, agency_id)
  values (p_user, v_inv.organization_id, pg_catalog.split_part(p_email, '@', 1), v_inv.access_level, v_inv.agency_id);
  update public.member_invitations set accepted_at = pg_catalog.now(), accepted_user_id = p_user where id = v_inv.id;
  return true;
end $$;

-- Trigger (after insert on auth.users): the invited person's account, created by Auth when
-- they first ask for their magic link, joins the organisation that invited them.
create function private.join_invited_user() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.email is not null then
    perform private.join_from_invitation(new.id, new.email);
  end if;
  return null;
end $$;
create trigger on_auth_user_created_join_invitation after insert on auth.users
  for each row execute function private.join_invited_user();

-- For a signed-in user who had an account before being invited: joins the organisation that
-- invited their address. Returns whether they joined. Any signed-in user (only their own
-- address counts).
create function private.accept_invitation() returns boolean
language sql volatile security definer set search_path = '' as $$
  select private.join_from_invitation((select auth.uid()), (select u.email from auth.users u where u.id = (select auth.uid())))
$$;
grant execute on function private.accept_invitation() to authenticated;
-- PostgREST entry point: POST /rest/v1/rpc/accept_invitation. Signed-in users.
create function public.accept_invitation() returns boolean
language sql volatile security invoker set search_path = '' as $$
  select private.accept_invitation()
$$;
revoke execute on function public.accept_invitation() from public, anon;
grant execute on function public.accept_invitation() to authenticated;

-- Candidate custom fields -----------------------------------------------------------------------

create table public.custom_fields (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  -- The stable key: candidates.custom_fields[key] and the token {{custom.<key>}}. Never changes.
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label text not null check (btrim(label) <> '' and length(label) <= 80),
  type text not null check (type in ('text', 'number', 'date', 'single_choice')),
  options text[] not null default '{}'
    check (cardinality(options) <= 50 and (type = 'single_choice') = (cardinality(options) > 0)),
  retired_at timestamptz,
  created_at timestamptz not null default now(),
  unique (organization_id, key)
);
create index custom_fields_organization_id_idx on public.custom_fields (organization_id);
alter table public.custom_fields enable row level security;
create policy "Members see their organisation's custom fields" on public.custom_fields
  for select to authenticated using (organization_id = (select private.current_org_id()));
create policy "Organisation admins create custom fields" on public.custom_fields
  for insert to authenticated
  with check (organization_id = (select private.current_org_id())
              and (select private.current_access_level()) = 'organization_admin');
create policy "Organisation admins rename custom fields" on public.custom_fields
  for update to authenticated
  using (organization_id = (select private.current_org_id())
         and (select private.current_access_level()) = 'organization_admin')
  with check (organization_id = (select private.current_org_id()));
revoke all on public.custom_fields from anon, authenticated;
grant select on public.custom_fields to authenticated;
grant insert (organization_id, key, label, type, options) on public.custom_fields to authenticated;
grant update (label, options) on public.custom_fields to authenticated;

-- Retires a custom field (it stops being a token and leaves profiles), unless a sequence stage
-- or an unsent enrolment stage of the organisation uses its token: then refused with the list
-- of those stages. Organisation admins only.
create function private.retire_custom_field(field_id uuid) returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_field public.custom_fields;
  v_pattern text;
  v_uses text;
begin
  select * into v_field from public.custom_fields f
  where f.id = field_id and f.organization_id = (select private.current_org_id());
  if not found then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such custom field.';
  end if;
  if (select private.current_access_level()) is distinct from 'organization_admin' then
    raise exception 'not_admin' using errcode = '42501', detail = 'Only organisation admins retire custom fields.';
  end if;
  -- `{{custom.key}}` typed in a subject or body text, or a token node {"key": "custom.key"}.
  v_pattern := '(\{\{\s*custom\.' || v_field.key || '\s*\}\}|"key":\s*"custom\.' || v_field.key || '")';
  select pg_catalog.string_agg(pg_catalog.format('%s – stage %s', s.title, st.position + 1), '; '
                               order by s.title, st.position)
    into v_uses
  from public.sequence_stages st join public.sequences s on s.id = st.sequence_id
  where s.organization_id = v_field.organization_id
    and (st.subject ~ v_pattern or st.body::text ~ v_pattern);
  if v_uses is not null then
    raise exception 'field_in_use' using errcode = '23503',
      detail = 'Used by ' || v_uses || '. Remove {{custom.' || v_field.key || '}} from these stages first.';
  end if;
  update public.custom_fields set retired_at = pg_catalog.now() where id = v_field.id;
end $$;
grant execute on function private.retire_custom_field(uuid) to authenticated;
-- PostgREST entry point: POST /rest/v1/rpc/retire_custom_field {field_id}.
create function public.retire_custom_field(field_id uuid) returns void
language sql volatile security invoker set search_path = '' as $$
  select private.retire_custom_field(field_id)
$$;
revoke execute on function public.retire_custom_field(uuid) from public, anon;
grant execute on function public.retire_custom_field(uuid) to authenticated;

-- Jobs -----------------------------------------------------------------------------------------

-- Trigger (before delete on job_stages): the stages the engine moves leads into (Lead, Reached
-- Out, Replied) stay while their job exists. Any role; a job's deletion removes them.
create function private.keep_engine_job_stages() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if old.kind in ('lead', 'reached_out', 'replied')
     and exists (select 1 from public.jobs j where j.id = old.job_id) then
    raise exception 'stage_required' using errcode = '42501',
      detail = 'The ' || old.name || ' stage is used by sequences and cannot be removed; rename it instead.';
  end if;
  return old;
end $$;
create trigger job_stages_keep_engine_stages before delete on public.job_stages
  for each row execute function private.keep_engine_job_stages();
-- The kind of a stage is fixed (the engine finds stages by kind).
revoke update on public.job_stages from authenticated;
grant update (name, position) on public.job_stages to authenticated;

revoke execute on all functions in schema private from public, anon;
grant execute on function
  private.retire_custom_field(uuid),
  private.accept_invitation(),
  private.current_org_id(),
  private.effective_access_level(uuid),
  private.guard_member_update()
to authenticated, service_role;
