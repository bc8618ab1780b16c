-- Enrolments are readable column by column since 20261129110000_security_hardening.sql (every
-- column but reply_token). The reporting columns that 20261129150000_reporting.sql added are
-- read by the board, the metrics (security invoker: RLS and these grants decide) and Realtime,
-- so they are granted like the others. reply_token stays unreadable.
grant select (converted_at, linked_job_archived_at, contacted_at, opened_at, machine_opened_at, clicked_at)
  on public.enrollments to authenticated;
