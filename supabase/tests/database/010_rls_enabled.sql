-- Structural guarantees of the security model: RLS everywhere, policies only for signed-in
-- users, no security definer code in the exposed schema, helpers pinned and not public.
begin;
set local search_path = public, extensions;
select plan(7);

select is(
  array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity order by 1),
  '{}'::text[], 'every table in public has row-level security enabled');

select cmp_ok(
  (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r'), '>=', 23::bigint, 'the domain tables exist');

select is(
  array(select tablename || ': ' || policyname from pg_policies
        where schemaname in ('public', 'realtime') and roles <> '{authenticated}'::name[] order by 1),
  '{}'::text[], 'every policy applies to authenticated only (anon gets nothing)');

select is(
  array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'webhook_receipts'
          and not exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)
        order by 1),
  '{}'::text[], 'every table except webhook_receipts has policies');

select is(
  array(select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef order by 1),
  '{}'::text[], 'no security definer function in the exposed public schema');

select is(
  array(select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'private' and p.prosecdef
          and not coalesce(p.proconfig @> array['search_path=""'], false) order by 1),
  '{}'::text[], 'every security definer helper pins an empty search_path');

select is(
  array(select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('private', 'public') and p.proname in ('enroll_candidates', 'redeem_sequence_link',
          'can_enroll', 'can_view_sequence', 'can_edit_sequence', 'visible_sequence_ids')
          and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('public', p.oid, 'execute'))
        order by 1),
  '{}'::text[], 'anon and public cannot execute the enrolment RPCs or the permission helpers');

select * from finish();
rollback;
