-- Live boards over database broadcast (issue 15): a change to an enrolment, its stages, an
-- email event or a reply sends one message to the private topic board:<sequence>, carrying ids
-- only; viewers of the sequence may join that topic, others (limited, agency, other
-- organisations, anon) may not.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(10);

create function tests.can_join_board(p_user uuid, p_seq uuid) returns boolean language plpgsql as $$
declare v boolean;
begin
  -- As Realtime authorises a join: the probe row, the topic, the user's role and claims.
  insert into realtime.messages (topic, extension, private) values ('board:' || p_seq, 'broadcast', true);
  perform set_config('realtime.topic', 'board:' || p_seq, true);
  if p_user is null then
    perform set_config('request.jwt.claims', '{"role":"anon"}', true);
    perform set_config('role', 'anon', true);
  else
    perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
    perform set_config('role', 'authenticated', true);
  end if;
  v := exists (select 1 from realtime.messages where topic = 'board:' || p_seq and extension = 'broadcast');
  perform set_config('role', 'postgres', true);
  delete from realtime.messages where topic = 'board:' || p_seq;
  return v;
exception when insufficient_privilege then
  perform set_config('role', 'postgres', true);
  return false;
end $$;

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
  format($$values ('board:%s', 'change', 'enrollments', jsonb_build_array(%L::uuid))$$, tests.id('shared'),
         (select id from public.enrollments where sequence_id = tests.id('shared'))),
  'an enrolment update sends one message with its id to its board');
delete from realtime.messages;
update public.enrollments set response_reason = 'y' where organization_id = tests.id('org_a');
select is((select count(*)::int from realtime.messages), 3, 'one statement touching three sequences sends one message per board');
select ok(not exists (select 1 from realtime.messages where payload::text like '%response_reason%' or payload::text like '%"y"%'),
  'messages carry ids only, never row content');

select * from finish();
rollback;
