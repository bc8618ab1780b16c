-- A deactivated member loses every shared and personal sequence of the organisation, so
-- deactivation rotates their channel keys like a demotion does
-- (20261129190000_deactivation_and_definer_grants.sql).
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(3);

select tests.topic(tests.id('shared')) as shared_before \gset
select tests.topic(tests.id('confidential')) as conf_before \gset
update public.members set deactivated_at = now() where user_id = tests.id('admin');
select isnt(tests.topic(tests.id('shared')), :'shared_before'::text,
  'deactivating a member rotates the organisation''s shared channels');
select is(tests.topic(tests.id('confidential')), :'conf_before'::text,
  'confidential channels (creator only) keep their key');

select tests.topic(tests.id('shared')) as shared_mid \gset
update public.members set daily_send_cap = 10 where user_id = tests.id('admin');
select is(tests.topic(tests.id('shared')), :'shared_mid'::text,
  'a change that takes no access away (daily cap) keeps the key');

select * from finish();
rollback;
