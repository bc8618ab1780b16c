-- Live boards over database broadcast (issue 15): a change to an enrolment, its stages, an
-- email event or a reply sends one message to the private topic board:<sequence>:<channel key>
-- (20261129190200: keyed like the sequence's own channel, and told when the key rotates), carrying ids
-- (and, since 20261201100000, the board rows of up to 20 enrolments: 603); viewers of the sequence may join that topic, others (limited, agency, other
-- organisations, anon) may not.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(14);

create function tests.board(p_seq uuid) returns text language sql stable as $$
  select 'board:' || s.id || ':' || s.channel_key from public.sequences s where s.id = p_seq
$$;

create function tests.can_join_topic(p_user uuid, p_topic text) returns boolean language plpgsql as $$
declare v boolean;
begin
  -- As Realtime authorises a join: the probe row, the topic, the user's role and claims.
  insert into realtime.messages (topic, extension, private) values (p_topic, 'broadcast', true);
  perform set_config('realtime.topic', p_topic, true);
  if p_user is null then
    perform set_config('request.jwt.claims', '{"role":"anon"}', true);
    perform set_config('role', 'anon', true);
  else
    perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
    perform set_config('role', 'authenticated', true);
  end if;
  v := exists (select 1 from realtime.messages where topic = p_topic and extension = 'broadcast');
  perform set_config('role', 'postgres', true);
  delete from realtime.messages where topic = p_topic;
  return v;
exception when insufficient_privilege then
  perform set_config('role', 'postgres', true);
  return false;
end $$;
create function tests.can_join_board(p_user uuid, p_seq uuid) returns boolean language sql as $$
  select tests.can_join_topic(p_user, tests.board(p_seq))
$$;

select ok(tests.can_join_board(tests.id('owner'), tests.id('shared')), 'the creator may watch the board');
select ok(tests.can_join_board(tests.id('analyst'), tests.id('shared')), 'an elevated viewer of a shared sequence may watch it');
select ok(not tests.can_join_board(tests.id('limited'), tests.id('shared')), 'a limited user may not');
select ok(not tests.can_join_board(tests.id('agency'), tests.id('shared')), 'an agency user may not');
select ok(not tests.can_join_board(tests.id('outsider'), tests.id('shared')), 'another organisation may not');
select ok(not tests.can_join_board(tests.id('analyst'), tests.id('confidential')), 'nobody but the creator watches a confidential board');
select ok(not tests.can_join_board(null, tests.id('shared')), 'anonymous clients may not');

-- What changes send.
delete from realtime.messages;
update public.enrollments set response_reason = 'x' where sequence_id = tests.id('shared');
select results_eq(
  $$select topic, event, payload ->> 'table', payload -> 'enrollment_ids' from realtime.messages$$,
  format($$values (%L, 'change', 'enrollments', jsonb_build_array(%L::uuid))$$, tests.board(tests.id('shared')),
         (select id from public.enrollments where sequence_id = tests.id('shared'))),
  'an enrolment update sends one message with its id to its board');
delete from realtime.messages;
update public.enrollments set response_reason = 'y' where organization_id = tests.id('org_a');
select is((select count(*)::int from realtime.messages), 3, 'one statement touching three sequences sends one message per board');
select ok(not exists (select 1 from realtime.messages where payload::text like '%response_reason%' or payload::text like '%"y"%'),
  'messages carry no reason text or other content written to the enrolment');


-- Keyed topics and rotation (issue 11 item 4 for boards).
select ok(not tests.can_join_topic(tests.id('owner'), 'board:' || tests.id('shared')),
  'the bare board:<id> topic is not authorised');
select tests.board(tests.id('shared')) as board_before \gset
select tests.topic(tests.id('shared')) as topic_before \gset
delete from realtime.messages;
update public.sequences set access = 'personal' where id = tests.id('shared');
select results_eq(
  $$select topic, event from realtime.messages where event = 'access-changed' order by topic$$,
  format($$values (%L, 'access-changed'), (%L, 'access-changed')$$, :'board_before', :'topic_before'),
  'a rotated key tells the old board and sequence topics, so everyone still allowed follows');
select is((select count(*)::int from realtime.messages where event = 'access-changed' and payload::text like '%personal%'),
  0, 'the notice carries the sequence id only');
-- (The join probe below cleans up its own rows on the topic, so it runs after the checks above.)
select ok(not tests.can_join_topic(tests.id('analyst'), :'board_before'),
  'after an access change the old board topic admits nobody');

select * from finish();
rollback;
