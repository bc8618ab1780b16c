-- Co-editing (20261129120000_sequence_collab.sql): the channel key rotates with access so a
-- former member's topic goes dead; the document log and snapshot are readable by viewers,
-- appendable by editors only, the snapshot writable by the materialiser only; the materialiser
-- replaces stage rows atomically and refuses to overwrite a newer snapshot.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(17);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true),
         set_config('role', 'authenticated', true);
$$;
create function tests.as_admin() returns void language sql as $$
  select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true);
$$;
create function tests.topic(p_seq text) returns text language sql as $$
  select 'sequence:' || s.id || ':' || s.channel_key from public.sequences s where s.id = tests.id(p_seq)
$$;

-- Channel key and topic ------------------------------------------------------------------------
select tests.as_admin();
create temp table old_topic as select tests.topic('shared') as t;
grant select on old_topic to authenticated;
select tests.as_user('analyst');
select ok(private.can_view_sequence_topic((select t from old_topic)), 'a viewer of a shared sequence may read its current topic');
select ok(not private.can_view_sequence_topic('sequence:' || tests.id('shared')), 'the bare sequence:<id> topic admits nobody');
select ok(not private.can_edit_sequence_topic((select t from old_topic)), 'a viewer may not broadcast on it');
select tests.as_user('owner');
select ok(private.can_edit_sequence_topic((select t from old_topic)), 'the creator may broadcast on it');
update public.sequences set access = 'personal' where id = tests.id('shared');
select tests.as_admin();
select isnt(tests.topic('shared'), (select t from old_topic), 'changing access rotates the channel key');
select tests.as_user('owner');
select ok(not private.can_edit_sequence_topic((select t from old_topic)), 'the old topic admits nobody, not even the creator');
select ok(private.can_edit_sequence_topic(tests.topic('shared')), 'the creator may broadcast on the new topic');
select tests.as_user('analyst');
select is((select count(*) from public.sequences where id = tests.id('shared')), 0::bigint,
  'the analyst who lost access cannot read the new channel key');

-- Update log and snapshot -----------------------------------------------------------------------
select tests.as_user('owner');
select lives_ok(format($$insert into public.sequence_doc_updates (sequence_id, "update") values (%L, '\x0000')$$, tests.id('shared')),
  'an editor appends an update');
select tests.as_user('admin');
select ok((public.load_sequence_doc(tests.id('confidential'))) is null, 'load_sequence_doc finds nothing for a sequence the user cannot see');
select tests.as_user('analyst');
select throws_ok(format($$insert into public.sequence_doc_updates (sequence_id, "update") values (%L, '\x0000')$$, tests.id('personal')),
  '42501', null, 'a viewer cannot append');
select tests.as_user('owner');
select throws_ok(format($$insert into public.sequence_doc_updates (sequence_id, "update") values (%L, decode(repeat('00', 262145), 'hex'))$$, tests.id('shared')),
  '23514', null, 'an update over 256 KB is refused');
select throws_ok(format($$insert into public.sequence_doc_snapshots (sequence_id, state) values (%L, '\x00')$$, tests.id('shared')),
  '42501', null, 'a browser cannot write the snapshot: only the materialiser does');
select throws_ok(format($$select public.materialise_sequence_doc(%L, -1, '{}', 'AA==', 'x', '[]')$$, tests.id('shared')),
  '42501', null, 'a browser cannot call the materialiser''s RPC');

-- Materialisation ------------------------------------------------------------------------------
select tests.as_admin();
select tests.id('shared') as shared_id, tests.id('outsider') as outsider_id \gset
set local role service_role;
select is(
  public.materialise_sequence_doc(:'shared_id', -1,
    array(select id from public.sequence_doc_updates where sequence_id = :'shared_id'), 'AAA=', 'Renamed',
    jsonb_build_array(
      jsonb_build_object('id', '00000000-0000-4000-8000-0000000000f2', 'type', 'linkedin_connection', 'delay_days', 2,
                         'subject', '', 'body', '{"type":"doc","content":[]}'::jsonb),
      jsonb_build_object('id', '00000000-0000-4000-8000-0000000000f1', 'type', 'email', 'delay_days', 0,
                         'subject', 'Hi {{candidate.first_name}}', 'sender_user_id', :'outsider_id',
                         'body', '{"type":"doc","content":[]}'::jsonb))) ->> 'status',
  'ok', 'the materialiser folds the log and writes the stages');
select results_eq(
  format($$select position, type::text, subject, sender_user_id, (select title from public.sequences where id = %L)
           from public.sequence_stages where sequence_id = %L order by position$$, :'shared_id', :'shared_id'),
  $$values (0, 'linkedin_connection', '', null::uuid, 'Renamed'), (1, 'email', 'Hi {{candidate.first_name}}', null::uuid, 'Renamed')$$,
  'stage rows are replaced in document order; a sender from another organisation is dropped; the title follows');
select is(
  public.materialise_sequence_doc(:'shared_id', -1, '{}', 'AAA=', 'Older', '[]') ->> 'status',
  'conflict', 'a materialiser that started from an older snapshot changes nothing');

select * from finish();
rollback;
