-- Two rules that met only when the security hardening (20261129110000, 20261129110100) and the
-- settings work (20261129160000, 20261129160100) came together:
--
-- * A deactivated member loses access to every shared and personal sequence, so — like a
--   demotion — deactivation rotates the organisation's sequence channel keys: whoever was joined
--   to a sequence's Realtime topic is left on a dead topic at once (hosted Realtime checks rights
--   at join only).
-- * The AI token helpers are called only by their public RPC wrappers (security definer, with
--   their own checks); anon may run no definer function (pgTAP 400 checks every one).

-- Trigger (after update of access_level, agency_id, deactivated_at or delete on members), every
-- role: someone may have lost access, so the organisation's non-confidential sequences get new
-- channel keys. Same function as in 20261129110100, now also watching deactivation.
create or replace function private.rotate_channels_on_member_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and (new.access_level, new.agency_id, new.deactivated_at)
       is not distinct from (old.access_level, old.agency_id, old.deactivated_at) then
    return null;
  end if;
  update public.sequences s set channel_key = pg_catalog.encode(extensions.gen_random_bytes(16), 'hex')
  where s.organization_id = old.organization_id and s.access <> 'confidential';
  return null;
end $$;
drop trigger members_rotate_channels on public.members;
create trigger members_rotate_channels
  after update of access_level, agency_id, deactivated_at or delete on public.members
  for each row execute function private.rotate_channels_on_member_change();

revoke execute on function private.ai_token_targets(uuid[]) from public, anon;
revoke execute on function private.review_ai_token(uuid, text, text) from public, anon;
