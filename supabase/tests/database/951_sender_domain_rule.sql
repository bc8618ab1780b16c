-- A sender address's domain is what follows its last "@" (20261129190400), the rule the
-- no-reply check and the engine's TypeScript use.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(3);

insert into public.sending_domains (organization_id, domain, status)
values (tests.id('org_a'), 'rule-951.test', 'verified');
select ok(private.sender_address_allowed(tests.id('org_a'), ' Jo@Rule-951.TEST '), 'a plain address on a verified domain is allowed');
select ok(private.sender_address_allowed(tests.id('org_a'), '"jo@evil.test"@rule-951.test'),
  'the domain is read after the last @ (a quoted local part may hold one)');
select ok(not private.sender_address_allowed(tests.id('org_a'), 'jo@rule-951.test@evil.test'),
  'an address whose real domain is another one is refused');

select * from finish();
rollback;
