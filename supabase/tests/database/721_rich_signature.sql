-- The sender signature is a rich-text document that only its member writes; its plain text
-- follows from it in the database (20261130130100_rich_signature.sql).
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(8);

create function tests.as_user(p_label text) returns void language plpgsql as $$
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
end $$;

select tests.as_user('owner');
select lives_ok($$
  update public.members set signature_doc =
    '{"type":"doc","content":[
       {"type":"paragraph","content":[{"type":"text","text":"Olive Owner","marks":[{"type":"bold"}]}]},
       {"type":"paragraph","content":[{"type":"text","text":"Recruiter at "},{"type":"token","attrs":{"key":"sender.title"}},
         {"type":"hardBreak"},{"type":"text","text":"acme.example","marks":[{"type":"link","attrs":{"href":"https://acme.example"}}]}]}]}'
  where user_id = tests.id('owner') $$, 'a member saves their own rich-text signature');
reset role;
select is((select signature from public.members where user_id = tests.id('owner')),
  E'Olive Owner\nRecruiter at {{sender.title}}\nacme.example',
  'its plain text follows from the document');

select tests.as_user('owner');
select throws_ok($$ update public.members set signature = 'typed over' where user_id = tests.id('owner') $$,
  '42501', null, 'the plain text is not written directly');
select throws_ok($$ update public.members set signature_doc = '{"type":"paragraph"}' where user_id = tests.id('owner') $$,
  '23514', null, 'a signature must be a document');
select throws_ok($$ update public.members set signature_doc = jsonb_build_object('type', 'doc', 'content',
    jsonb_build_array(jsonb_build_object('type', 'text', 'text', repeat('x', 30000)))) where user_id = tests.id('owner') $$,
  '23514', null, 'and at most 20,000 bytes');
reset role;

select tests.as_user('orgadmin');
select throws_ok($$ update public.members set signature_doc = '{"type":"doc","content":[]}' where user_id = tests.id('owner') $$,
  '42501', null, 'not even an organisation admin changes someone else''s signature');
reset role;

select tests.as_user('owner');
update public.members set signature_doc = '{"type":"doc","content":[{"type":"paragraph"}]}' where user_id = tests.id('owner');
reset role;
select is((select signature from public.members where user_id = tests.id('owner')), null::text,
  'an empty document leaves no signature');

select is((select count(*)::int from public.sender_signature_docs(array[tests.id('owner')])), 1,
  'the sending engine reads signature documents (service role; pgTAP runs as the owner)');

select * from finish();
rollback;
