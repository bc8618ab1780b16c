-- S1 permission matrix, table-driven: every access level × job role × sequence access ×
-- action, anon and another organisation included. Each row of the expectation table below is
-- one user and one sequence; each column one action, performed as that user through RLS,
-- the RPC or the Realtime probe exactly as the API would. The owner of all three sequences is
-- an elevated hiring manager on job J; the `with_job` candidate is considered for job J,
-- `without_job` for nothing.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql

create table tests.expected (
  who text, seq text,
  view_sequence boolean, view_enrollments boolean, enroll_with_job boolean, enroll_without_job boolean,
  edit_template boolean, change_access boolean, realtime_read boolean, realtime_write boolean);
insert into tests.expected values
  -- who                  sequence       view  enrols enr+job enr-job edit  access rt-read rt-write
  ('orgadmin',           'shared',       true,  true,  true,  true,  true,  false, true,  true),
  ('admin',              'shared',       true,  true,  true,  true,  true,  false, true,  true),
  ('owner',              'shared',       true,  true,  true,  true,  true,  true,  true,  true),
  ('hiring_manager',     'shared',       true,  true,  true,  true,  false, false, true,  false),
  ('admin_private',      'shared',       true,  true,  true,  true,  false, false, true,  false),
  ('job_admin',          'shared',       true,  true,  true,  true,  false, false, true,  false),
  ('external_recruiter', 'shared',       true,  true,  false, true,  false, false, true,  false),
  ('analyst',            'shared',       true,  true,  false, true,  false, false, true,  false),
  ('hiring_team_member', 'shared',       true,  true,  false, true,  false, false, true,  false),
  ('elevated_no_role',   'shared',       true,  true,  false, true,  false, false, true,  false),
  ('link_holder',        'shared',       true,  true,  false, true,  false, false, true,  false),
  ('limited',            'shared',       false, false, false, false, false, false, false, false),
  ('agency',             'shared',       false, false, false, false, false, false, false, false),
  ('outsider',           'shared',       false, false, false, false, false, false, false, false),
  ('anon',               'shared',       false, false, false, false, false, false, false, false),

  ('orgadmin',           'personal',     true,  true,  true,  true,  false, false, true,  false),
  ('admin',              'personal',     false, false, false, false, false, false, false, false),
  ('owner',              'personal',     true,  true,  true,  true,  true,  true,  true,  true),
  ('hiring_manager',     'personal',     false, false, false, false, false, false, false, false),
  ('admin_private',      'personal',     false, false, false, false, false, false, false, false),
  ('job_admin',          'personal',     false, false, false, false, false, false, false, false),
  ('external_recruiter', 'personal',     false, false, false, false, false, false, false, false),
  ('analyst',            'personal',     false, false, false, false, false, false, false, false),
  ('hiring_team_member', 'personal',     false, false, false, false, false, false, false, false),
  ('elevated_no_role',   'personal',     false, false, false, false, false, false, false, false),
  ('link_holder',        'personal',     true,  true,  false, true,  false, false, true,  false),
  ('limited',            'personal',     false, false, false, false, false, false, false, false),
  ('agency',             'personal',     false, false, false, false, false, false, false, false),
  ('outsider',           'personal',     false, false, false, false, false, false, false, false),
  ('anon',               'personal',     false, false, false, false, false, false, false, false),

  ('orgadmin',           'confidential', false, false, false, false, false, false, false, false),
  ('admin',              'confidential', false, false, false, false, false, false, false, false),
  ('owner',              'confidential', true,  true,  true,  true,  true,  true,  true,  true),
  ('hiring_manager',     'confidential', false, false, false, false, false, false, false, false),
  ('admin_private',      'confidential', false, false, false, false, false, false, false, false),
  ('job_admin',          'confidential', false, false, false, false, false, false, false, false),
  ('external_recruiter', 'confidential', false, false, false, false, false, false, false, false),
  ('analyst',            'confidential', false, false, false, false, false, false, false, false),
  ('hiring_team_member', 'confidential', false, false, false, false, false, false, false, false),
  ('elevated_no_role',   'confidential', false, false, false, false, false, false, false, false),
  ('link_holder',        'confidential', false, false, false, false, false, false, false, false),
  ('limited',            'confidential', false, false, false, false, false, false, false, false),
  ('agency',             'confidential', false, false, false, false, false, false, false, false),
  ('outsider',           'confidential', false, false, false, false, false, false, false, false),
  ('anon',               'confidential', false, false, false, false, false, false, false, false);

select plan((select count(*)::int * 8 from tests.expected));

select is(
  tests.act(case when e.who = 'anon' then null else tests.id(e.who) end,
            case when a.action like 'enroll_%' then 'enroll' else a.action end,
            tests.id(e.seq),
            case a.action when 'enroll_with_job' then tests.id('with_job')
                          when 'enroll_without_job' then tests.id('without_job') end),
  a.expected,
  format('%s %s %s the %s sequence', e.who, case when a.expected then 'may' else 'may not' end,
         replace(a.action, '_', ' '), e.seq))
from tests.expected e
cross join lateral (values
  (1, 'view_sequence', e.view_sequence), (2, 'view_enrollments', e.view_enrollments),
  (3, 'enroll_with_job', e.enroll_with_job), (4, 'enroll_without_job', e.enroll_without_job),
  (5, 'edit_template', e.edit_template), (6, 'change_access', e.change_access),
  (7, 'realtime_read', e.realtime_read), (8, 'realtime_write', e.realtime_write)) as a (n, action, expected)
order by e.seq, e.who, a.n;

select * from finish();
rollback;
