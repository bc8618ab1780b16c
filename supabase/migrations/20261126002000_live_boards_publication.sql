-- Live boards (SPEC S8): enrolments and their stages change as stages send, replies arrive and
-- statuses change; Realtime streams those changes to everyone watching a sequence, each
-- subscriber seeing only the rows row-level security lets them select.
do $$
declare t text;
begin
  foreach t in array array['enrollments', 'enrollment_stages'] loop
    if not exists (
      select 1 from pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t
    ) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end $$;
