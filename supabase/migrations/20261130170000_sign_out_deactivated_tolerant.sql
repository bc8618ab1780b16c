-- Deactivation signs the member out where the platform lets migrations' roles touch Auth's
-- sessions, and still takes every right away where it does not (current_org_id); the access
-- token then simply expires.
--
-- This behaviour was first written into 20261129160000_settings.sql after that file had landed
-- (before migrations were frozen, issue 13). A database that applied the file's first version
-- lacks the exception handler; this migration gives every database the same definition.
create or replace function private.sign_out_deactivated_member() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  begin
    delete from auth.sessions s where s.user_id = new.user_id;
  exception when insufficient_privilege then
    null;
  end;
  return null;
end $$;
