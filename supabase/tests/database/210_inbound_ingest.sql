-- public.ingest_resend_event (20261126001510): who may call it, and idempotency — a delivery
-- id is applied once, and the same events in another order end in the same state.
begin;
set local search_path = public, extensions;
select plan(16);

create schema if not exists tests_inbound;
-- One organisation, candidate, sequence and running enrolment whose first stage was sent.
create function tests_inbound.world(p_tag text) returns table (enrollment_id uuid, stage_id uuid, candidate_id uuid, provider_id text)
language plpgsql as $$
declare
  v_org uuid; v_user uuid := gen_random_uuid(); v_cand uuid; v_seq uuid; v_enr uuid; v_stage uuid;
begin
  insert into public.organizations (name) values ('pgtap inbound ' || p_tag) returning id into v_org;
  insert into auth.users (id, aud, role, email) values (v_user, 'authenticated', 'authenticated', p_tag || '@pgtap.test');
  insert into public.members (user_id, organization_id, access_level) values (v_user, v_org, 'admin');
  insert into public.candidates (organization_id, first_name, email) values (v_org, 'Ada', p_tag || '@cand.test') returning id into v_cand;
  insert into public.sequences (organization_id, owner_id, title) values (v_org, v_user, 'pgtap ' || p_tag) returning id into v_seq;
  insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status, started_at)
  values (v_org, v_seq, v_cand, v_user, p_tag || '@cand.test', 'running', now()) returning id into v_enr;
  insert into public.enrollment_stages (enrollment_id, position, status, sent_at, message_id, provider_message_id)
  values (v_enr, 0, 'sent', now(), '<' || p_tag || '@pgtap.test>', 're_' || p_tag) returning id into v_stage;
  insert into public.enrollment_stages (enrollment_id, position, status, scheduled_at) values (v_enr, 1, 'scheduled', now() + interval '2 days');
  return query select v_enr, v_stage, v_cand, 're_' || p_tag;
end $$;

create function tests_inbound.ev(p_type text, p_provider text, p_extra jsonb default '{}') returns jsonb
language sql as $$
  select jsonb_build_object('type', p_type, 'created_at', now(), 'data', jsonb_build_object('email_id', p_provider) || p_extra)
$$;

-- The state a delivery can change, as one comparable value.
create function tests_inbound.state(p_enr uuid) returns jsonb language sql as $$
  select jsonb_build_object(
    'enrollment', (select jsonb_build_object('status', status, 'end_reason', end_reason, 'response', response_status)
                   from public.enrollments where id = p_enr),
    'events', (select coalesce(jsonb_agg(kind order by kind), '[]') from public.email_events where enrollment_id = p_enr),
    'suppressed', (select s.suppressed_reason from public.subscriptions s join public.enrollments e on e.candidate_id = s.candidate_id
                   where e.id = p_enr),
    'stages', (select jsonb_agg(jsonb_build_object('status', status, 'end_reason', end_reason) order by position)
               from public.enrollment_stages where enrollment_id = p_enr))
$$;

-- Privileges -----------------------------------------------------------------------------------
select ok(has_function_privilege('service_role', 'public.ingest_resend_event(text, jsonb, jsonb)', 'execute'),
  'the service role may ingest webhook events');
select ok(not has_function_privilege('authenticated', 'public.ingest_resend_event(text, jsonb, jsonb)', 'execute'),
  'signed-in users may not');
select ok(not has_function_privilege('anon', 'public.ingest_resend_event(text, jsonb, jsonb)', 'execute'),
  'anonymous callers may not');
select ok(not has_function_privilege('authenticated', 'private.ingest_resend_event(text, jsonb, jsonb)', 'execute'),
  'nor may they call the private function');

-- Idempotency ----------------------------------------------------------------------------------
create temporary table w as select * from tests_inbound.world('a');
select is(public.ingest_resend_event('d-1', tests_inbound.ev('email.delivered', (select provider_id from w)))->>'status', 'applied',
  'a first delivery is applied');
select is(public.ingest_resend_event('d-1', tests_inbound.ev('email.delivered', (select provider_id from w))), '{"status": "duplicate"}'::jsonb,
  'the same delivery id again is a duplicate');
select is((select count(*)::int from public.email_events where enrollment_id = (select enrollment_id from w)), 1,
  'and stored one event');
select is((select count(*)::int from public.webhook_receipts where delivery_id = 'd-1'), 1, 'one receipt per delivery id');

select lives_ok($$ select public.ingest_resend_event('d-2', tests_inbound.ev('email.bounced', (select provider_id from w),
  '{"bounce": {"type": "Permanent", "message": "550"}}')) $$, 'a bounce applies');
create temporary table after_bounce as select tests_inbound.state((select enrollment_id from w)) as s;
select lives_ok($$ select public.ingest_resend_event('d-2', tests_inbound.ev('email.bounced', (select provider_id from w), '{"bounce": {"type": "Permanent"}}')) $$,
  'the bounce re-delivered');
select is(tests_inbound.state((select enrollment_id from w)), (select s from after_bounce), 're-delivering it changes nothing');
select public.ingest_resend_event('d-3', tests_inbound.ev('email.delivered', (select provider_id from w)));
select is(tests_inbound.state((select enrollment_id from w))->'enrollment', '{"status": "cancelled", "end_reason": "bounced", "response": "none"}'::jsonb,
  'a later delivered event does not bring a bounced enrolment back');

-- Order independence: the same four events in opposite orders end in the same state.
create temporary table x as select * from tests_inbound.world('x');
create temporary table y as select * from tests_inbound.world('y');
select public.ingest_resend_event('x-' || n, tests_inbound.ev(t, (select provider_id from x), e))
from (values (1, 'email.delivered', '{}'::jsonb), (2, 'email.opened', '{}'), (3, 'email.bounced', '{"bounce": {"type": "Permanent"}}'),
             (4, 'email.complained', '{}')) v (n, t, e) order by n;
select public.ingest_resend_event('y-' || n, tests_inbound.ev(t, (select provider_id from y), e))
from (values (1, 'email.delivered', '{}'::jsonb), (2, 'email.opened', '{}'), (3, 'email.bounced', '{"bounce": {"type": "Permanent"}}'),
             (4, 'email.complained', '{}')) v (n, t, e) order by n desc;
select is(tests_inbound.state((select enrollment_id from x)), tests_inbound.state((select enrollment_id from y)),
  'events applied in either order give the same state');
select is(tests_inbound.state((select enrollment_id from y))->>'suppressed', 'complained', 'a complaint outranks a bounce whatever the order');

-- Bad input raises before writing anything.
select throws_ok($$ select public.ingest_resend_event('bad-1', '{"type": "email.teleported", "data": {"email_id": "x"}}') $$,
  '22023', 'unknown_event_type', 'an unknown event type is refused');
select is((select count(*)::int from public.webhook_receipts where delivery_id = 'bad-1'), 0, 'and leaves no receipt');

select * from finish();
rollback;
