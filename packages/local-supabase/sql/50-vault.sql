-- A stand-in for Supabase Vault (supabase_vault): secrets stored encrypted with a key that
-- only the platform can read; same table, view and function signatures as on Supabase.
create table if not exists vault._root_key (id int primary key default 1 check (id = 1), key text not null);
insert into vault._root_key (key) values (encode(extensions.gen_random_bytes(32), 'hex')) on conflict do nothing;
revoke all on vault._root_key from public;

create table if not exists vault.secrets (
  id uuid not null default gen_random_uuid() primary key,
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default extensions.gen_random_bytes(16),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;

create or replace function vault._encrypt(plain text) returns text
language sql security definer set search_path = '' as $$
  select encode(extensions.pgp_sym_encrypt(plain, (select key from vault._root_key)), 'base64')
$$;

create or replace function vault._decrypt(cipher text) returns text
language sql stable security definer set search_path = '' as $$
  select extensions.pgp_sym_decrypt(decode(cipher, 'base64'), (select key from vault._root_key))
$$;

create or replace view vault.decrypted_secrets as
  select id, name, description, secret, vault._decrypt(secret) as decrypted_secret,
         key_id, nonce, created_at, updated_at
  from vault.secrets;

create or replace function vault.create_secret(new_secret text, new_name text default null,
  new_description text default '', new_key_id uuid default null)
returns uuid language plpgsql security definer set search_path = '' as $$
declare rec_id uuid;
begin
  insert into vault.secrets (secret, name, description, key_id)
  values (vault._encrypt(new_secret), new_name, coalesce(new_description, ''), new_key_id)
  returning id into rec_id;
  return rec_id;
end $$;

create or replace function vault.update_secret(secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null)
returns void language plpgsql security definer set search_path = '' as $$
begin
  update vault.secrets s set
    secret = case when new_secret is null then s.secret else vault._encrypt(new_secret) end,
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    key_id = coalesce(new_key_id, s.key_id),
    updated_at = now()
  where s.id = secret_id;
end $$;

revoke all on all tables in schema vault from public, anon, authenticated;
revoke all on all functions in schema vault from public;
grant usage on schema vault to postgres, service_role;
grant execute on function vault._decrypt(text) to postgres, service_role;
grant select, insert, update, delete on vault.secrets, vault.decrypted_secrets to postgres, service_role;
grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) to postgres, service_role;
