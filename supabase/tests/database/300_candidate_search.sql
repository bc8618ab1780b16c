-- Candidate search (migration *_candidate_search.sql): a candidate matches when every typed word
-- occurs somewhere in their name, email or company. The query here has the shape the API sends
-- (src/lib/api/candidates.ts: one `search_text ilike '%word%'` filter per word, ANDed), run as
-- a signed-in user so row-level security still decides who is found.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(21);

insert into public.candidates (organization_id, first_name, last_name, email, company) values
  (tests.id('org_a'), 'Oliver', 'Costa', 'oliver.costa@proton.me', 'Delivery Hero'),
  (tests.id('org_a'), 'Olivia', 'Costa', 'olivia@costa.example', 'Zalando'),
  (tests.id('org_a'), 'Tomasz', 'Costa', null, 'Delivery Hero'),
  (tests.id('org_a'), 'Ana', 'Müller', 'ana_m@example.test', '100% Remote'),
  (tests.id('org_b'), 'Oliver', 'Costa', 'oliver@globex.test', 'Globex');

-- The names a user finds for the typed text `q`, through public.search_candidates.
create function tests.search(p_user text, p_query text) returns text language plpgsql as $$
declare v_names text;
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id(p_user), 'role', 'authenticated')::text, true);
  set local role authenticated;
  select coalesce(string_agg(first_name || ' ' || last_name, ', ' order by first_name, last_name), '') into v_names
  from public.search_candidates(p_query) where last_name <> 'Candidate';
  reset role;
  return v_names;
end $$;

select is(tests.search('admin', 'Oliver Costa'), 'Oliver Costa', 'a full name finds the candidate, and only them');
select is(tests.search('admin', 'Costa, Oliver'), 'Oliver Costa', '"Last, First" finds them');
select is(tests.search('admin', 'COSTA'), 'Oliver Costa, Olivia Costa, Tomasz Costa', 'case does not matter');
select is(tests.search('admin', 'oliv cos'), 'Oliver Costa, Olivia Costa', 'parts of names find every candidate holding them');
select is(tests.search('admin', 'oliver.costa@proton'), 'Oliver Costa', 'part of an email finds the candidate');
select is(tests.search('admin', 'delivery hero'), 'Oliver Costa, Tomasz Costa', 'the company finds its candidates');
select is(tests.search('admin', 'tomasz delivery'), 'Tomasz Costa', 'a name and a company together narrow to one');
select is(tests.search('admin', 'oliver costa zalando'), '', 'every word must match: one that matches nothing finds no one');
select is(tests.search('admin', 'müller'), 'Ana Müller', 'non-ASCII letters match');
select is(tests.search('admin', '100%'), 'Ana Müller', '% is a character to find, not a wildcard');
select is(tests.search('admin', 'a_m'), 'Ana Müller', '_ is a character to find, not a wildcard');
select is(tests.search('admin', 'o_l'), '', 'so o_l does not match "oliver"');
select is(tests.search('outsider', 'oliver costa'), 'Oliver Costa', 'another organisation finds only its own Oliver Costa');
select is(tests.search('outsider', 'proton'), '', 'and never this organisation''s candidates (row-level security decides)');

create function tests.visible_candidates() returns setof public.candidates language plpgsql as $$
begin
  set local role authenticated;
  return query select * from public.candidates;
  reset role;
end $$;

-- A limited user finds exactly the matching candidates the policies let them see.
select is(tests.search('limited', 'costa'),
  (select coalesce(string_agg(first_name || ' ' || last_name, ', ' order by first_name, last_name), '')
     from (select set_config('request.jwt.claims', json_build_object('sub', tests.id('limited'), 'role', 'authenticated')::text, true)) _,
          lateral (select * from tests.visible_candidates()) c
    where c.search_text like '%costa%'),
  'a limited user finds only the matching candidates row-level security shows them');
select is(tests.search('admin', ''), '', 'no words find no one (the list without a search is read from the table)');
set local role anon;
select throws_ok($$select * from public.search_candidates('costa')$$, '42501', null, 'anonymous callers may not search');
reset role;
select is(private.candidate_search_words('  Costa,Oliver ; costa'), array['costa', 'oliver'],
  'words are split on spaces, commas and semicolons, lower-cased, once each (src/lib/candidate-search.test.ts has the same cases)');
select is(private.candidate_search_words(E'100%\ta_m'), array['100%', 'a_m'], 'tabs separate words; % and _ stay in them');

update public.candidates set last_name = 'Castro' where first_name = 'Tomasz' and organization_id = tests.id('org_a');
select is(tests.search('admin', 'tomasz castro'), 'Tomasz Castro', 'a renamed candidate is found by the new name at once');

create function tests.explain(p_query text) returns setof text language plpgsql as $$
begin
  return query execute 'explain ' || p_query;
end $$;

-- The index answers the search (the planner may prefer a scan on this tiny table; forbid that).
set local enable_seqscan = off;
select matches(
  (select string_agg(p, E'\n') from tests.explain(
    $q$select id from public.candidates c where c.search_text like '%oliver%' and c.search_text like '%costa%'$q$) p),
  'candidates_search_text_trgm_idx',
  'each word is answered by the trigram index (bench/results/candidate-search.txt shows it at 100k)');

select * from finish();
rollback;
