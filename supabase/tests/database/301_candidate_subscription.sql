-- public.set_candidate_subscription (More → Manage subscriptions on a profile, SPEC S7): saved
-- and logged as an activity in one call, only by elevated members who see the candidate, and
-- the next enrolment is refused as unsubscribed.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(9);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;

select tests.make_candidate('subscriber', 'org_a', 'subscriber@example.test');

select tests.as_user('admin');
set local role authenticated;
select is(public.set_candidate_subscription(tests.id('subscriber'), false, true),
  '{"current_outreach": false, "new_roles": true}'::jsonb, 'an admin saves the candidate''s choice');
select is(public.set_candidate_subscription(tests.id('subscriber'), false, true),
  '{"current_outreach": false, "new_roles": true}'::jsonb, 'saving the same choice again is fine');
reset role;

select is((select (current_outreach, new_roles, updated_by)::text from public.subscriptions where candidate_id = tests.id('subscriber')),
  (false, true, tests.id('admin'))::text, 'the subscription row holds the choice and who made it');
select is((select count(*)::int from public.activities where candidate_id = tests.id('subscriber') and kind = 'subscription_changed'),
  1, 'one activity is logged: only a change is logged');
select is((select data->>'source' || ' ' || (actor_id = tests.id('admin'))::text from public.activities
           where candidate_id = tests.id('subscriber') and kind = 'subscription_changed'),
  'profile true', 'the activity says it came from the profile and who acted');

select tests.as_user('admin');
select is((select reason from public.enroll_candidates(tests.id('shared'), array[tests.id('subscriber')])), 'unsubscribed',
  'the next enrolment is refused as unsubscribed');

select tests.as_user('limited');
set local role authenticated;
select throws_ok(format('select public.set_candidate_subscription(%L, true, true)', tests.id('subscriber')),
  null, null, 'a limited user cannot change subscriptions');
reset role;

select tests.as_user('outsider');
set local role authenticated;
select throws_ok(format('select public.set_candidate_subscription(%L, true, true)', tests.id('subscriber')),
  'PT404', 'not_found', 'another organisation''s candidate is not found');
reset role;

set local role anon;
select throws_ok(format('select public.set_candidate_subscription(%L, true, true)', tests.id('subscriber')),
  '42501', null, 'anonymous callers may not call it');
reset role;

select * from finish();
rollback;
