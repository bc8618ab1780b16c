-- Issue 11, item 4: a sequence's Realtime channel is `sequence:<id>:<channel_key>` and the key
-- rotates whenever someone may have lost access, so a member who stays joined after losing
-- access is left on a topic nobody may use any more (20261129110100_sequence_channel_key.sql).
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(11);

-- Whether p_user may receive broadcasts on p_topic (the check Realtime makes at join).
create function tests.can_read(p_user text, p_topic text) returns boolean language plpgsql as $$
declare v boolean;
begin
  begin
    insert into realtime.messages (topic, extension, private) values (p_topic, 'broadcast', true);
    perform set_config('realtime.topic', p_topic, true);
    perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_user), 'role', 'authenticated')::text, true);
    perform set_config('role', 'authenticated', true);
    v := exists (select 1 from realtime.messages where topic = p_topic and extension = 'broadcast');
    raise exception using errcode = 'TA001', detail = v::text;
  exception when sqlstate 'TA001' then
    get stacked diagnostics p_topic = pg_exception_detail;
    return p_topic::boolean;
  end;
end $$;
create function tests.as_user(p_label text) returns void language plpgsql as $$
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
end $$;

select tests.topic(tests.id('shared')) as shared_before \gset
select ok(tests.can_read('admin', :'shared_before'), 'a viewer joins the current keyed topic');
select ok(not tests.can_read('admin', 'sequence:' || tests.id('shared')), 'the bare sequence:<id> topic is not authorised any more');

-- The creator makes the shared sequence confidential: the old topic is dead for everyone.
select tests.as_user('owner');
update public.sequences set access = 'confidential' where id = tests.id('shared');
reset role;
select tests.topic(tests.id('shared')) as shared_after \gset
select isnt(:'shared_after'::text, :'shared_before'::text, 'changing access rotates the channel key');
select ok(not tests.can_read('admin', :'shared_before'), 'a member who lost access cannot use the old topic');
select ok(not tests.can_read('owner', :'shared_before'), 'nor can the creator: nobody legitimate is left on it');
select ok(tests.can_read('owner', :'shared_after'), 'the creator moves to the new topic');
select ok(not tests.can_read('admin', :'shared_after'), 'which the member who lost access cannot join');

-- Revoking a link grant rotates the personal sequence's key.
select tests.topic(tests.id('personal')) as personal_before \gset
select ok(tests.can_read('link_holder', :'personal_before'), 'a link holder joins the personal sequence''s channel');
select tests.as_user('owner');
delete from public.sequence_link_grants where sequence_id = tests.id('personal') and user_id = tests.id('link_holder');
reset role;
select isnt(tests.topic(tests.id('personal')), :'personal_before'::text, 'revoking a link grant rotates the channel key');

-- A member losing their access level rotates the organisation's shared and personal channels.
update public.sequences set access = 'shared' where id = tests.id('shared');
select tests.topic(tests.id('shared')) as shared_again \gset
select tests.topic(tests.id('confidential')) as conf_before \gset
update public.members set access_level = 'limited' where user_id = tests.id('admin');
select isnt(tests.topic(tests.id('shared')), :'shared_again'::text, 'demoting a member rotates the organisation''s shared channels');
select is(tests.topic(tests.id('confidential')), :'conf_before'::text, 'confidential channels (creator only) keep their key');

select * from finish();
rollback;
