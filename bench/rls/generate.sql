-- RLS benchmark data set (bench/README.md, "RLS: sequences list and pipeline counts").
-- Run against a scratch database that already holds the platform schema and every migration
-- (bench/rls/setup.sh makes one as a copy of the stack's `postgres` database):
--   psql -v ON_ERROR_STOP=1 -d bench -f bench/rls/generate.sql
--
-- Shape (all set-based, generate_series):
--   50 organisations (plan `plus`, so confidential sequences are allowed), each with
--     1 agency and 40 members: u1-2 organisation_admin, u3-6 admin, u7-30 elevated,
--     u31-38 limited, u39-40 agency users (access_level elevated, but agency → limited);
--     100 jobs (every 10th confidential; 6 default pipeline stages each, by the app's trigger);
--     job roles: members u3-40 hold a role (all six job roles in rotation) on 5 jobs each;
--     10,000 candidates, half of them considered for one job (10% of those archived);
--     2,000 sequences (60% shared, 30% personal, 10% confidential; 5% archived; a third
--       linked to a job; 3 template stages each); link grants on a third of personal ones;
--     20,000 enrolments: sequence #1 of each organisation has 5,000 and #2 3,000 (the
--       "big pipeline" sequences), the remaining 12,000 spread over the other 1,998;
--       each candidate has two enrolments, at most one of them running/paused (S3);
--   → 100,000 sequences, 1,000,000 enrolments, 1,000,000 enrolment stages (one per
--     enrolment) and 5,000,000 email events in total.
--
-- Ids are md5-derived from a tag and a number (e.g. md5('seq:17')::uuid), so each table is
-- generated from arithmetic alone, without lookups, and bench/rls.js can name its subjects.
--
-- Triggers: the app's per-row triggers stay on where they are cheap or do real work (jobs get
-- their pipeline stages, sequences pass the access guard, considerations their default stage).
-- Only for enrollment_stages and email_events — 6M rows — the insert runs with
-- session_replication_role = replica, which skips their "fill" triggers (pure copies of
-- organisation/sequence/enrolment/candidate from the parent row) and FK checks; this script
-- writes exactly the values those triggers would copy, and the checks at the end prove it.
\set ON_ERROR_STOP on
\timing on
set search_path = public, extensions;
set maintenance_work_mem = '512MB';
set work_mem = '256MB';

-- The generator's own numbering, dropped at the end.
create schema bench_gen;
create function bench_gen.id(tag text, n bigint) returns uuid
language sql immutable as $$ select md5(tag || ':' || n)::uuid $$;

-- Organisations, agencies, users and members -------------------------------------------------
insert into organizations (id, name, plan, time_zone)
select bench_gen.id('org', o), 'Bench Org ' || o, 'plus', 'Europe/London'
from generate_series(1, 50) o;

insert into agencies (id, organization_id, name)
select bench_gen.id('agency', o), bench_gen.id('org', o), 'Agency of org ' || o
from generate_series(1, 50) o;

-- Global member number m = (o-1)*40 + u.
create table bench_gen.members as
select o, u, (o - 1) * 40 + u as m, bench_gen.id('user', (o - 1) * 40 + u) as user_id,
       case when u <= 2 then 'organization_admin' when u <= 6 then 'admin'
            when u <= 30 then 'elevated' when u <= 38 then 'limited' else 'elevated' end::access_level as level,
       case when u >= 39 then bench_gen.id('agency', o) end as agency_id
from generate_series(1, 50) o, generate_series(1, 40) u;

insert into auth.users (id, aud, role, email, email_confirmed_at, created_at, updated_at)
select user_id, 'authenticated', 'authenticated', 'bench-user' || m || '@bench.test', now(), now(), now()
from bench_gen.members;

insert into members (user_id, organization_id, display_name, access_level, agency_id, sender_email)
select user_id, bench_gen.id('org', o), 'Member ' || u || ' of org ' || o, level, agency_id,
       'member' || m || '@bench.test'
from bench_gen.members;

-- Jobs (the trigger creates each job's six pipeline stages) and job roles ---------------------
insert into jobs (id, organization_id, title, confidential)
select bench_gen.id('job', (o - 1) * 100 + j), bench_gen.id('org', o), 'Job ' || j || ' of org ' || o, j % 10 = 0
from generate_series(1, 50) o, generate_series(1, 100) j;

-- Member u holds a role on jobs ((u*7 + k*13) mod 100) + 1, k = 0..4 (distinct for one u).
insert into job_members (job_id, user_id, organization_id, role)
select bench_gen.id('job', (m.o - 1) * 100 + ((m.u * 7 + k * 13) % 100) + 1), m.user_id, bench_gen.id('org', m.o),
       (enum_range(null::job_role))[((m.u + k) % 6) + 1]
from bench_gen.members m, generate_series(0, 4) k
where m.u >= 3;

-- Candidates and considerations ---------------------------------------------------------------
-- Global candidate number gc = (o-1)*10000 + c.
insert into candidates (id, organization_id, first_name, last_name, email, company, title)
select bench_gen.id('cand', (o - 1) * 10000 + c), bench_gen.id('org', o), 'First' || c, 'Last' || c,
       'cand' || ((o - 1) * 10000 + c) || '@example.com', 'Company ' || (c % 500), 'Engineer'
from generate_series(1, 50) o, generate_series(1, 10000) c;

insert into considerations (organization_id, candidate_id, job_id, stage_id, archived_at)
select bench_gen.id('org', o), bench_gen.id('cand', (o - 1) * 10000 + c), js.job_id, js.id,
       case when c % 20 = 0 then now() - interval '3 days' end
from generate_series(1, 50) o cross join generate_series(2, 10000, 2) c
join job_stages js on js.job_id = bench_gen.id('job', (o - 1) * 100 + ((c * 31) % 100) + 1) and js.kind = 'lead';

-- Sequences, their stages and link grants -----------------------------------------------------
-- Global sequence number gs = (o-1)*2000 + s. Owner: member ((s*7) mod 30) + 1, i.e. an
-- organisation admin, admin or elevated non-agency user.
insert into sequences (id, organization_id, owner_id, title, access, job_id, archived_at, created_at, updated_at)
select bench_gen.id('seq', (o - 1) * 2000 + s), bench_gen.id('org', o),
       bench_gen.id('user', (o - 1) * 40 + ((s * 7) % 30) + 1),
       'Sequence ' || s || ' of org ' || o,
       case when s <= 2 or s % 10 <= 5 then 'shared' when s % 10 <= 8 then 'personal' else 'confidential' end::sequence_access,
       case when s % 3 = 0 then bench_gen.id('job', (o - 1) * 100 + (s % 100) + 1) end,
       case when s > 2 and s % 20 = 7 then now() - interval '1 day' end,
       now() - interval '400 days' + make_interval(mins => (s * 7919) % 500000),
       now() - make_interval(mins => (s * 104729) % 525600)
from generate_series(1, 50) o, generate_series(1, 2000) s;

insert into sequence_stages (sequence_id, position, type, delay_days, subject, body)
select bench_gen.id('seq', gs), p, case when p = 2 then 'linkedin_inmail' else 'email' end::stage_type, p * 3,
       'Stage ' || (p + 1),
       '{"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Hello {{first_name}}"}]}]}'
from generate_series(1, 100000) gs, generate_series(0, 2) p;

-- A third of personal sequences opened by link to elevated member 7 + (s mod 24), unless that
-- member is the sequence's owner (who needs no grant).
insert into sequence_link_grants (sequence_id, user_id)
select bench_gen.id('seq', (o - 1) * 2000 + s), bench_gen.id('user', (o - 1) * 40 + 7 + (s % 24))
from generate_series(1, 50) o, generate_series(1, 2000) s
where s > 2 and s % 10 between 6 and 8 and s % 3 = 0 and 7 + (s % 24) <> ((s * 7) % 30) + 1;

-- Enrolments ---------------------------------------------------------------------------------
-- Per organisation e = 1..20000: sequence #1 takes e 1..5000, #2 e 5001..8000, the rest spread
-- over #3..#2000. Candidate c = ((e-1) mod 10000) + 1, so each candidate has enrolments e and
-- e+10000; only the first may be running/paused (one active sequence per candidate, S3).
create table bench_gen.enrollments as
select o, e, (o - 1) * 20000 + e as ge,
       case when e <= 5000 then 1 when e <= 8000 then 2 else 3 + ((e * 7919) % 1998) end as s,
       ((e - 1) % 10000) + 1 as c,
       case when e <= 10000 then
              case when (e * 37) % 100 < 40 then 'running' when (e * 37) % 100 < 50 then 'paused'
                   when (e * 37) % 100 < 70 then 'completed' when (e * 37) % 100 < 85 then 'cancelled' else 'draft' end
            else
              case when (e * 37) % 100 < 50 then 'completed' when (e * 37) % 100 < 80 then 'cancelled' else 'draft' end
       end::enrollment_status as status,
       (e * 53) % 100 as r
from generate_series(1, 50) o, generate_series(1, 20000) e;

insert into enrollments (id, organization_id, sequence_id, candidate_id, enrolled_by, to_email, status,
                         response_status, started_at, ended_at, reply_token, created_at, updated_at)
select bench_gen.id('enr', x.ge), bench_gen.id('org', x.o), bench_gen.id('seq', (x.o - 1) * 2000 + x.s),
       bench_gen.id('cand', (x.o - 1) * 10000 + x.c),
       bench_gen.id('user', (x.o - 1) * 40 + 1 + (x.e % 6)),
       'cand' || ((x.o - 1) * 10000 + x.c) || '@example.com', x.status,
       case when x.status = 'draft' or x.r < 70 then 'none' when x.r < 82 then 'replied' when x.r < 90 then 'interested'
            when x.r < 96 then 'not_interested' else 'out_of_office' end::response_status,
       case when x.status <> 'draft' then now() - make_interval(hours => (x.ge % 2000)) end,
       case when x.status in ('completed', 'cancelled') then now() - make_interval(hours => (x.ge % 200)) end,
       substr(md5('rt:' || x.ge), 1, 30),
       now() - make_interval(hours => (x.ge % 2000)), now() - make_interval(hours => (x.ge % 200))
from bench_gen.enrollments x;

-- Enrolment stages and email events: bulk path (see the header) --------------------------------
set session_replication_role = replica;

insert into enrollment_stages (id, enrollment_id, organization_id, sequence_id, candidate_id, position, type,
                               scheduled_at, status, subject, sender_user_id, idempotency_key, sent_at, message_id)
select bench_gen.id('stage', x.ge), bench_gen.id('enr', x.ge), bench_gen.id('org', x.o),
       bench_gen.id('seq', (x.o - 1) * 2000 + x.s), bench_gen.id('cand', (x.o - 1) * 10000 + x.c), 0, 'email',
       now() - make_interval(hours => (x.ge % 2000)),
       case when x.status = 'draft' then 'scheduled' when x.status = 'cancelled' and x.r % 2 = 0 then 'cancelled'
            else 'sent' end::enrollment_stage_status,
       'Stage 1', bench_gen.id('user', (x.o - 1) * 40 + 1 + (x.e % 6)),
       'enrollment-stage:' || bench_gen.id('stage', x.ge),
       case when x.status <> 'draft' and not (x.status = 'cancelled' and x.r % 2 = 0)
            then now() - make_interval(hours => (x.ge % 2000)) end,
       case when x.status <> 'draft' and not (x.status = 'cancelled' and x.r % 2 = 0)
            then '<' || bench_gen.id('stage', x.ge) || '@bench.test>' end
from bench_gen.enrollments x;

-- 5,000,000 events over the sent stages (about 7 each): delivered, opens (one by a privacy
-- proxy, counted as machine), clicks, the odd delay or bounce.
insert into email_events (enrollment_stage_id, organization_id, sequence_id, enrollment_id, kind, is_machine, url, occurred_at)
select st.id, st.organization_id, st.sequence_id, st.enrollment_id,
       (array['delivered', 'opened', 'opened', 'clicked', 'opened', 'opened', 'clicked', 'delivery_delayed', 'bounced'])[k]::email_event_kind,
       k = 3, case when k in (4, 7) then 'https://example.com/job' end,
       st.sent_at + make_interval(mins => k * 17)
from enrollment_stages st, generate_series(1, 9) k
where st.status = 'sent'
  and (k <= 7 or (k = 8 and abs(hashtext(st.id::text)) % 100 < 10) or (k = 9 and abs(hashtext(st.id::text)) % 100 < 2))
limit 5000000;

-- The reporting marks (20261129150000_reporting.sql, issue 15) that the skipped per-row triggers
-- would have written: first human open, first machine open and first human click on each stage
-- and its enrolment, and the enrolment's first send — the same statements as the migration's
-- backfill, so the metrics count real numbers.
update enrollment_stages s set opened_at = x.h, machine_opened_at = x.m, clicked_at = x.c
from (select v.enrollment_stage_id,
             min(v.occurred_at) filter (where v.kind = 'opened' and not v.is_machine) as h,
             min(v.occurred_at) filter (where v.kind = 'opened' and v.is_machine) as m,
             min(v.occurred_at) filter (where v.kind = 'clicked' and not v.is_machine) as c
      from email_events v where v.kind in ('opened', 'clicked') group by v.enrollment_stage_id) x
where s.id = x.enrollment_stage_id;
update enrollments e set opened_at = s.opened_at, machine_opened_at = s.machine_opened_at, clicked_at = s.clicked_at,
                         contacted_at = s.sent_at
from enrollment_stages s
where s.enrollment_id = e.id and s.status = 'sent';

set session_replication_role = origin;

-- The bulk path wrote what the skipped triggers and FKs would have: prove it.
do $$
declare bad bigint;
begin
  select count(*) into bad from public.enrollment_stages st
  left join public.enrollments e on e.id = st.enrollment_id
  where e.id is null or (e.organization_id, e.sequence_id, e.candidate_id) <> (st.organization_id, st.sequence_id, st.candidate_id)
     or st.sender_user_id not in (select id from auth.users);
  if bad > 0 then raise exception '% enrolment stages disagree with their enrolment', bad; end if;
  select count(*) into bad from public.email_events ev
  left join public.enrollment_stages st on st.id = ev.enrollment_stage_id
  where st.id is null or (st.organization_id, st.sequence_id, st.enrollment_id) <> (ev.organization_id, ev.sequence_id, ev.enrollment_id);
  if bad > 0 then raise exception '% email events disagree with their stage', bad; end if;
end $$;

drop schema bench_gen cascade;
vacuum analyze;

select 'organizations' as t, count(*) from organizations union all
select 'members', count(*) from members union all
select 'jobs', count(*) from jobs union all
select 'job_members', count(*) from job_members union all
select 'candidates', count(*) from candidates union all
select 'considerations', count(*) from considerations union all
select 'sequences', count(*) from sequences union all
select 'sequence_stages', count(*) from sequence_stages union all
select 'sequence_link_grants', count(*) from sequence_link_grants union all
select 'enrollments', count(*) from enrollments union all
select 'enrollment_stages', count(*) from enrollment_stages union all
select 'email_events', count(*) from email_events;
