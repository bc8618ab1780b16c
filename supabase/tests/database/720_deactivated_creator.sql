-- A deactivated creator can neither join nor read their own sequences (issue 16): not the
-- collaboration channel (receive, presence, broadcast), not the board channel, not the rows.
-- Deactivation does not rotate a confidential sequence's key (nobody else is on it), so only
-- the helpers' own check keeps its creator out (20261130130000_deactivated_members_see_no_sequence.sql).
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(12);

-- Whether p_user may use p_topic with p_extension, as Realtime asks at join: 'read' is the
-- select policy (receive), 'presence' and 'broadcast' the insert policies (announce, send).
create function tests.can(p_user text, p_topic text, p_what text) returns boolean language plpgsql as $$
declare v boolean;
begin
  begin
    if p_what = 'read' then
      insert into realtime.messages (topic, extension, private) values (p_topic, 'broadcast', true);
    end if;
    perform set_config('realtime.topic', p_topic, true);
    perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_user), 'role', 'authenticated')::text, true);
    perform set_config('role', 'authenticated', true);
    if p_what = 'read' then
      v := exists (select 1 from realtime.messages where topic = p_topic and extension = 'broadcast');
    else
      begin
        insert into realtime.messages (topic, extension, private, payload)
        values (p_topic, p_what, true, '{}'::jsonb);
        v := true;
      exception when insufficient_privilege then
        v := false;
      end;
    end if;
    raise exception using errcode = 'TA001', detail = v::text;
  exception when sqlstate 'TA001' then
    get stacked diagnostics p_topic = pg_exception_detail;
    return p_topic::boolean;
  end;
end $$;
-- How many of the creator's sequences / stages p_user reads through the API's policies.
create function tests.rows_seen(p_user text) returns int language plpgsql as $$
declare v int;
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_user), 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
  v := (select count(*) from public.sequences where id in (tests.id('confidential'), tests.id('shared')))
     + (select count(*) from public.sequence_stages where sequence_id in (tests.id('confidential'), tests.id('shared')));
  reset role;
  return v;
end $$;

select tests.topic(tests.id('confidential')) as conf \gset
select ok(tests.can('owner', :'conf', 'read'), 'an active creator joins their confidential sequence''s channel');
select ok(tests.can('owner', :'conf', 'broadcast'), 'and sends edits on it');
select ok(tests.can('owner', replace(:'conf', 'sequence:', 'board:'), 'read'), 'and watches its board');
select is(tests.rows_seen('owner'), 4, 'and reads both sequences and their stages');

update public.members set deactivated_at = now() where user_id = tests.id('owner');
select tests.topic(tests.id('confidential')) as conf_after \gset
select is(:'conf_after'::text, :'conf'::text, 'deactivation leaves the confidential key as it was');
select ok(not tests.can('owner', :'conf', 'read'), 'a deactivated creator cannot receive on their confidential channel');
select ok(not tests.can('owner', :'conf', 'presence'), 'nor announce presence there');
select ok(not tests.can('owner', :'conf', 'broadcast'), 'nor send edits there');
select ok(not tests.can('owner', tests.topic(tests.id('shared')), 'read'), 'nor join their shared sequence''s new channel');
select ok(not tests.can('owner', replace(:'conf', 'sequence:', 'board:'), 'read'), 'nor watch the board');
select is(tests.rows_seen('owner'), 0, 'nor read their sequences or stages');
select ok(private.can_view_sequence(tests.id('admin'), tests.id('shared')),
  'an active admin still views the shared sequence');

select * from finish();
rollback;
