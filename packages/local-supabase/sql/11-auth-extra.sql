-- What the local Auth server (local/api/auth) needs beyond 10-auth.sql, with Supabase Auth's
-- own names: the per-session authentication methods (the `amr` claim must survive a refresh,
-- so it is stored per session as GoTrue does in auth.mfa_amr_claims).
set role supabase_auth_admin;

create table if not exists auth.mfa_amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid not null primary key,
  constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);

reset role;

grant all on auth.mfa_amr_claims to postgres, dashboard_user;
