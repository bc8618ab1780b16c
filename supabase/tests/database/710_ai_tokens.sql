-- AI tokens (S13): values are written only by the generator (service role) or approved through
-- public.review_ai_token by someone who may enrol the candidate, on drafts only; a draft whose
-- stages use an AI token cannot start before a person reviewed its value.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(12);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;

-- A draft of the shared sequence whose first stage uses {{ai.opening_line}} (as a token node).
update public.sequence_stages
set body = '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"token","attrs":{"key":"ai.opening_line"}}]}]}'
where sequence_id = tests.id('shared');
select tests.as_user('admin');
set local role authenticated;
select e.enrollment_id as draft from public.enroll_candidates(tests.id('shared'), array[tests.id('without_job')]) e \gset
reset role;
select isnt(:'draft'::uuid, null::uuid, 'the draft exists');
select is(private.ai_token_keys(null, (select body from public.enrollment_stages where enrollment_id = :'draft' and position = 0)),
          array['opening_line'], 'the AI token in the stage body is found');

-- Nobody writes values directly.
select tests.as_user('admin');
set local role authenticated;
select throws_ok(format($$ insert into public.enrollment_ai_tokens (enrollment_id, key, organization_id, sequence_id, value)
                          values (%L, 'opening_line', %L, %L, 'x') $$, :'draft', tests.id('org_a'), tests.id('shared')),
  '42501', null, 'an admin cannot write an AI token value directly');
-- Starting before review is refused.
select throws_ok(format($$ select * from public.start_enrollments(array[%L]::uuid[]) $$, :'draft'),
  '22023', 'ai_token_unreviewed', 'a draft with an unreviewed AI token cannot start');
reset role;

-- Who may approve.
select tests.as_user('limited');
set local role authenticated;
select throws_ok(format($$ select public.review_ai_token(%L, 'opening_line', 'Hello there.') $$, :'draft'),
  'PT404', 'not_found', 'a limited user cannot approve (nor see the enrolment)');
reset role;
select tests.as_user('outsider');
set local role authenticated;
select throws_ok(format($$ select public.review_ai_token(%L, 'opening_line', 'Hello there.') $$, :'draft'),
  'PT404', 'not_found', 'another organisation cannot approve');
reset role;
select tests.as_user('admin');
set local role authenticated;
select throws_ok(format($$ select public.review_ai_token(%L, 'opening_line', 'Hi {{candidate.first_name}}') $$, :'draft'),
  '22023', 'bad_value', 'a value with braces is refused');
select throws_ok(format($$ select public.review_ai_token(%L, 'opening_line', %L) $$, :'draft', repeat('x', 301)),
  '22023', 'bad_value', 'a value over 300 characters is refused');
select is((select value from public.review_ai_token(:'draft', 'opening_line', '  Your work on   Kafka caught my eye. ')),
  'Your work on Kafka caught my eye.', 'the admin approves an edited line; whitespace is normalised');
select is((select reviewed_by from public.enrollment_ai_tokens where enrollment_id = :'draft'), tests.id('admin'),
  'the reviewer is recorded');
select is((select ok from public.start_enrollments(array[:'draft']::uuid[])), true, 'after review the draft starts');
select throws_ok(format($$ select public.review_ai_token(%L, 'opening_line', 'Changed after start.') $$, :'draft'),
  '22023', 'not_draft', 'a started enrolment''s AI token cannot be changed');
reset role;

select * from finish();
rollback;
