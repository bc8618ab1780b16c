-- The platform the migrations rely on (issue 2): JWT claims, role separation, Vault, pg_net.
begin;
set local search_path = public, extensions;
select plan(8);

select set_config('request.jwt.claims', '{"sub":"11111111-1111-4111-8111-111111111111","role":"authenticated"}', true);
select is(auth.uid(), '11111111-1111-4111-8111-111111111111'::uuid, 'auth.uid() is the sub claim of request.jwt.claims');
select is(auth.role(), 'authenticated', 'auth.role() is the role claim');
select set_config('request.jwt.claims', '{"sub":"22222222-2222-4222-8222-222222222222","role":"authenticated"}', true);
select is(auth.uid(), '22222222-2222-4222-8222-222222222222'::uuid, 'auth.uid() follows a change of claims');

set local role anon;
select throws_ok('select count(*) from auth.users', '42501', null, 'anon cannot read auth.users');
reset role;

insert into public.organizations (name) values ('Platform test organisation');
set local role authenticated;
select is((select count(*) from public.organizations where name = 'Platform test organisation'), 0::bigint,
  'an authenticated non-member sees no organisation rows (RLS applies)');
reset role;
set local role service_role;
select is((select count(*) from public.organizations where name = 'Platform test organisation'), 1::bigint,
  'service_role bypasses RLS');
reset role;

-- Separate statements: a row written by a function is not visible to the statement calling it.
select vault.create_secret('s3cret-value', 'pgtap_platform_secret', 'test') as secret_id \gset
select is((select decrypted_secret from vault.decrypted_secrets where id = :'secret_id'),
  's3cret-value', 'vault.create_secret round-trips through vault.decrypted_secrets');

select net.http_post(url := 'https://hooks.example.test/send', body := '{"batch": 1}'::jsonb,
  headers := '{"Content-Type": "application/json", "Authorization": "Bearer t"}'::jsonb) as request_id \gset
select results_eq(
  format($$ select q.method, q.url, q.headers, convert_from(q.body, 'UTF8')::jsonb
            from net.http_request_queue q where q.id = %s $$, :'request_id'),
  $$ values ('POST', 'https://hooks.example.test/send',
             '{"Content-Type": "application/json", "Authorization": "Bearer t"}'::jsonb, '{"batch": 1}'::jsonb) $$,
  'net.http_post enqueues the request with its URL, headers and body');

select * from finish();
rollback;
