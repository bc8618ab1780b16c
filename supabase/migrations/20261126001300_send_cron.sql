-- Schedules the send-due-stages edge function every minute (S4, DESIGN "Sending" 1): pg_cron
-- runs a statement that calls the function through pg_net. The URL and the bearer secret are
-- read from Vault at each run, so this migration carries no environment-specific value and
-- runs unchanged on hosted Supabase and on the local stack:
--   vault secret `project_url`            e.g. https://<ref>.supabase.co (no trailing slash)
--   vault secret `send_due_stages_secret` equal to the function's SEND_DUE_STAGES_SECRET
-- Until both exist the job does nothing (the select finds no row). pg_net does not retry and
-- its requests can be lost; that is fine because every run drains the whole backlog.

create extension if not exists pg_cron;
do $$
begin
  -- Hosted Supabase provides pg_net as an extension; the local stack provides a stand-in
  -- schema `net` with the same functions. Create the extension only where neither exists.
  if not exists (select 1 from pg_namespace where nspname = 'net') then
    create extension if not exists pg_net;
  end if;
end $$;

-- Unschedule first: older pg_cron versions add a second job of the same name.
select cron.unschedule(jobid) from cron.job where jobname = 'send-due-stages';

select cron.schedule(
  'send-due-stages',
  '* * * * *',
  $cron$
  select net.http_post(
    url := u.decrypted_secret || '/functions/v1/send-due-stages',
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || s.decrypted_secret),
    body := jsonb_build_object('source', 'cron'),
    timeout_milliseconds := 60000)
  from vault.decrypted_secrets u, vault.decrypted_secrets s
  where u.name = 'project_url' and s.name = 'send_due_stages_secret'
  $cron$
);
