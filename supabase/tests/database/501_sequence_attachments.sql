-- Stage attachments (20261129120100_sequence_attachments.sql): RLS on storage.objects in the
-- `sequence-attachments` bucket follows the sequence — viewers read, editors add and remove,
-- nobody else sees or writes, and a name outside `<sequence>/<stage>/<file>` is refused.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(8);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function tests.path(p_seq text) returns text language sql as $$
  select tests.id(p_seq) || '/00000000-0000-4000-8000-0000000000a1/cv.pdf'
$$;
insert into storage.objects (bucket_id, name) values
  ('sequence-attachments', tests.path('shared')),
  ('sequence-attachments', tests.path('confidential'));

select tests.as_user('analyst');
select is((select count(*) from storage.objects where name = tests.path('shared')), 1::bigint,
  'a viewer of a shared sequence sees its attachment');
select is((select count(*) from storage.objects where name = tests.path('confidential')), 0::bigint,
  'nobody but its creator sees a confidential sequence''s attachment');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('sequence-attachments', %L)$$,
  tests.id('shared') || '/00000000-0000-4000-8000-0000000000a1/other.pdf'), '42501', null, 'a viewer cannot add an attachment');
delete from storage.objects where name = tests.path('shared');
select tests.as_user('owner');
select is((select count(*) from storage.objects where name = tests.path('shared')), 1::bigint,
  'a viewer cannot remove an attachment');

select tests.as_user('owner');
select lives_ok(format($$insert into storage.objects (bucket_id, name) values ('sequence-attachments', %L)$$,
  tests.id('shared') || '/00000000-0000-4000-8000-0000000000a1/brochure.pdf'), 'the creator adds an attachment');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('sequence-attachments', %L)$$,
  tests.id('shared') || '/brochure.pdf'), '42501', null, 'a name outside <sequence>/<stage>/<file> is refused');
delete from storage.objects where name = tests.path('shared');
select is((select count(*) from storage.objects where name = tests.path('shared')), 0::bigint,
  'the creator removes an attachment');

select tests.as_user('outsider');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('sequence-attachments', %L)$$,
  tests.id('shared') || '/00000000-0000-4000-8000-0000000000a1/x.pdf'), '42501', null, 'another organisation cannot add attachments');

select * from finish();
rollback;
