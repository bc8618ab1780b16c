-- Demo data for the local run (S10): "Acme Talent" with one user at every access level and job
-- role (logins listed in local/demo-logins.js, password `password123`), a second organisation
-- to show isolation, jobs (one confidential), ~200 candidates with considerations, sequences of
-- each access kind, and a running enrolment batch with sends, opens and replies.
-- Applied once by the local stack after the migrations, as the superuser.

-- Users: auth.users plus an email identity each, as Supabase Auth creates them.
create temporary table demo_users (id uuid, email text, name text, org text, level public.access_level,
  agency boolean, title text);
insert into demo_users values
  ('a0000000-0000-4000-8000-000000000001', 'orgadmin@acme.test', 'Olivia Adler', 'acme', 'organization_admin', false, 'Head of Talent'),
  ('a0000000-0000-4000-8000-000000000002', 'admin@acme.test', 'Adam Brandt', 'acme', 'admin', false, 'Recruiting Operations Lead'),
  ('a0000000-0000-4000-8000-000000000003', 'hm@acme.test', 'Hannah Müller', 'acme', 'elevated', false, 'Engineering Manager'),
  ('a0000000-0000-4000-8000-000000000004', 'adminprivate@acme.test', 'Paul Richter', 'acme', 'elevated', false, 'VP Sales'),
  ('a0000000-0000-4000-8000-000000000005', 'recruiter@acme.test', 'Erik Schulz', 'acme', 'elevated', false, 'Technical Recruiter'),
  ('a0000000-0000-4000-8000-000000000006', 'analyst@acme.test', 'Ana Costa', 'acme', 'elevated', false, 'Talent Analyst'),
  ('a0000000-0000-4000-8000-000000000007', 'hiringteam@acme.test', 'Tom Becker', 'acme', 'elevated', false, 'Senior Engineer'),
  ('a0000000-0000-4000-8000-000000000008', 'limited@acme.test', 'Lena Vogel', 'acme', 'limited', false, 'Interview Coordinator'),
  ('a0000000-0000-4000-8000-000000000009', 'agency@acme.test', 'Greg Hall', 'acme', 'elevated', true, 'Agency Recruiter'),
  ('b0000000-0000-4000-8000-000000000001', 'owner@globex.test', 'Gwen Stacy', 'globex', 'organization_admin', false, 'Founder'),
  ('b0000000-0000-4000-8000-000000000002', 'recruiter@globex.test', 'Miles Morales', 'globex', 'elevated', false, 'Recruiter');

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at, last_sign_in_at,
  confirmation_token, recovery_token, email_change_token_new, email_change)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('password123', extensions.gen_salt('bf')), now(),
  '{"provider": "email", "providers": ["email"]}', jsonb_build_object('full_name', u.name),
  now(), now(), null, '', '', '', ''
from demo_users u;

insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
  'email', now(), now()
from demo_users u;

insert into public.organizations (id, name, plan, time_zone, outreach_frequency_days, reply_classification_enabled)
values ('0a000000-0000-4000-8000-000000000001', 'Acme Talent', 'plus', 'Europe/Berlin', 30, true),
       ('0b000000-0000-4000-8000-000000000001', 'Globex Hiring', 'free', 'America/New_York', 14, false);
-- Each organisation's verified sending domain (the demo's sender addresses are on it).
insert into public.sending_domains (organization_id, domain, provider_domain_id, status, verified_at, checked_at)
values ('0a000000-0000-4000-8000-000000000001', 'acme.test', null, 'verified', now(), now()),
       ('0b000000-0000-4000-8000-000000000001', 'globex.test', null, 'verified', now(), now());
-- Acme's candidate custom fields (Settings → Organisation); `github` is on every third candidate.
insert into public.custom_fields (organization_id, key, label, type, options)
values ('0a000000-0000-4000-8000-000000000001', 'github', 'GitHub profile', 'text', '{}'),
       ('0a000000-0000-4000-8000-000000000001', 'notice_period', 'Notice period', 'single_choice',
        '{"Immediately","1 month","3 months"}');
insert into public.agencies (id, organization_id, name)
values ('0a000000-0000-4000-8000-0000000000a1', '0a000000-0000-4000-8000-000000000001', 'Talentbridge Partners');

insert into public.members (user_id, organization_id, display_name, access_level, agency_id,
  sender_name, sender_email, sender_title, signature, time_zone)
select u.id,
  case u.org when 'acme' then '0a000000-0000-4000-8000-000000000001'::uuid else '0b000000-0000-4000-8000-000000000001'::uuid end,
  u.name, u.level, case when u.agency then '0a000000-0000-4000-8000-0000000000a1'::uuid end,
  u.name, split_part(u.email, '@', 1) || '.' || lower(split_part(u.name, ' ', 1)) || '@' || split_part(u.email, '@', 2),
  u.title, u.name || E'\n' || u.title || E'\n' || case u.org when 'acme' then 'Acme Talent' else 'Globex Hiring' end,
  case u.org when 'acme' then 'Europe/Berlin' else 'America/New_York' end
from demo_users u;

-- Jobs (the trigger adds each job's default pipeline stages).
insert into public.jobs (id, organization_id, title, confidential) values
  ('0a000000-0000-4000-8000-0000000000b1', '0a000000-0000-4000-8000-000000000001', 'Senior Backend Engineer', false),
  ('0a000000-0000-4000-8000-0000000000b2', '0a000000-0000-4000-8000-000000000001', 'Product Designer', false),
  ('0a000000-0000-4000-8000-0000000000b3', '0a000000-0000-4000-8000-000000000001', 'Data Scientist', false),
  ('0a000000-0000-4000-8000-0000000000b4', '0a000000-0000-4000-8000-000000000001', 'Head of Sales EMEA', true),
  ('0b000000-0000-4000-8000-0000000000b1', '0b000000-0000-4000-8000-000000000001', 'Account Executive', false);

insert into public.job_members (job_id, user_id, organization_id, role)
select j::uuid, u::uuid, '0a000000-0000-4000-8000-000000000001', r::public.job_role from (values
  -- hm: hiring manager on the three open jobs
  ('0a000000-0000-4000-8000-0000000000b1', 'a0000000-0000-4000-8000-000000000003', 'hiring_manager'),
  ('0a000000-0000-4000-8000-0000000000b2', 'a0000000-0000-4000-8000-000000000003', 'hiring_manager'),
  ('0a000000-0000-4000-8000-0000000000b3', 'a0000000-0000-4000-8000-000000000003', 'hiring_manager'),
  -- adminprivate: admin_private on every job, including the confidential one
  ('0a000000-0000-4000-8000-0000000000b1', 'a0000000-0000-4000-8000-000000000004', 'admin_private'),
  ('0a000000-0000-4000-8000-0000000000b2', 'a0000000-0000-4000-8000-000000000004', 'admin_private'),
  ('0a000000-0000-4000-8000-0000000000b3', 'a0000000-0000-4000-8000-000000000004', 'admin_private'),
  ('0a000000-0000-4000-8000-0000000000b4', 'a0000000-0000-4000-8000-000000000004', 'admin_private'),
  ('0a000000-0000-4000-8000-0000000000b1', 'a0000000-0000-4000-8000-000000000005', 'external_recruiter'),
  ('0a000000-0000-4000-8000-0000000000b3', 'a0000000-0000-4000-8000-000000000005', 'external_recruiter'),
  ('0a000000-0000-4000-8000-0000000000b2', 'a0000000-0000-4000-8000-000000000006', 'analyst'),
  ('0a000000-0000-4000-8000-0000000000b3', 'a0000000-0000-4000-8000-000000000006', 'analyst'),
  ('0a000000-0000-4000-8000-0000000000b1', 'a0000000-0000-4000-8000-000000000007', 'hiring_team_member'),
  ('0a000000-0000-4000-8000-0000000000b2', 'a0000000-0000-4000-8000-000000000008', 'hiring_team_member'),
  ('0a000000-0000-4000-8000-0000000000b1', 'a0000000-0000-4000-8000-000000000009', 'external_recruiter')
) as v (j, u, r);
insert into public.job_members (job_id, user_id, organization_id, role) values
  ('0b000000-0000-4000-8000-0000000000b1', 'b0000000-0000-4000-8000-000000000002', '0b000000-0000-4000-8000-000000000001', 'hiring_manager');

-- ~200 Acme candidates and 20 Globex ones, with realistic names, companies, titles and places.
with first_names as (select array['Lukas','Sofia','Mateo','Amelia','Noah','Emma','Jonas','Mia','Luca','Hanna','Elias','Lea',
       'Aarav','Priya','Kenji','Yuki','Omar','Layla','Mateus','Beatriz','Oliver','Charlotte','Liam','Ava','Finn',
       'Clara','Ravi','Ananya','Chen','Mei','Diego','Valentina','Tariq','Fatima','Sven','Ingrid','Pierre','Camille',
       'Tomasz','Zofia'] as a),
     last_names as (select array['Schneider','Rossi','García','Kowalski','Nguyen','Johansson','Dubois','Fischer','Silva',
       'Müller','Patel','Tanaka','Haddad','Novak','Andersen','Moreau','Weber','Costa','Yamamoto','Kaur','Wagner',
       'Lindqvist','Okafor','Santos','Hoffmann','Ivanova','Becker','Martínez','Li','Kim','Nowak','Schäfer','Murphy'] as a),
     companies as (select array['Zalando','N26','Delivery Hero','SAP','Spotify','Klarna','Booking.com','Adyen','Celonis',
       'Personio','Revolut','Wise','Shopify','Stripe','Datadog','GitLab','Miro','Contentful','HelloFresh','Trade Republic'] as a),
     titles as (select array['Senior Software Engineer','Backend Engineer','Staff Engineer','Product Designer',
       'Senior UX Designer','Data Scientist','Machine Learning Engineer','Engineering Manager','Account Executive',
       'Sales Director','Platform Engineer','Site Reliability Engineer','Design Lead','Analytics Engineer'] as a),
     places as (select array['Berlin, Germany|Europe/Berlin','Munich, Germany|Europe/Berlin','Amsterdam, Netherlands|Europe/Amsterdam',
       'London, United Kingdom|Europe/London','Lisbon, Portugal|Europe/Lisbon','Stockholm, Sweden|Europe/Stockholm',
       'Warsaw, Poland|Europe/Warsaw','Paris, France|Europe/Paris','New York, USA|America/New_York',
       'San Francisco, USA|America/Los_Angeles','Toronto, Canada|America/Toronto','Bangalore, India|Asia/Kolkata',
       'Tokyo, Japan|Asia/Tokyo','Remote (EU)|'] as a)
insert into public.candidates (id, organization_id, first_name, last_name, email, time_zone, company, title, location,
  linkedin_url, custom_fields, reason_for_outreach, hired, internal, created_by)
select
  ('0c000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
  case when i <= 200 then '0a000000-0000-4000-8000-000000000001'::uuid else '0b000000-0000-4000-8000-000000000001'::uuid end,
  fn, ln,
  -- Every 25th candidate has no email, to show the "no email" block.
  case when i % 25 = 0 then null
       else lower(translate(fn, 'áéíóúüöäçñã', 'aeiouuoacna')) || '.' || lower(translate(ln, 'áéíóúüöäçñãíß', 'aeiouuoacnais'))
            || i || '@' || (array['gmail.com','outlook.com','proton.me','posteo.de','icloud.com'])[1 + i % 5] end,
  nullif(split_part(place, '|', 2), ''),
  (select a from companies)[1 + (i * 7) % 20],
  (select a from titles)[1 + (i * 3) % 14],
  split_part(place, '|', 1),
  'https://www.linkedin.com/in/' || lower(translate(fn || '-' || ln, 'áéíóúüöäçñãß', 'aeiouuoacnas')) || '-' || i,
  case when i % 3 = 0 then jsonb_build_object('github', 'https://github.com/' || lower(translate(fn, 'áéíóúüöäçñã', 'aeiouuoacna')) || i)
       else '{}'::jsonb end,
  case when i % 4 = 0 then 'Your talk on event-driven architecture at a Berlin meetup'
       when i % 4 = 1 then 'Your open-source work caught our team''s eye'
       else null end,
  i % 40 = 7, i % 50 = 11,
  'a0000000-0000-4000-8000-000000000005'::uuid
from generate_series(1, 220) i,
  lateral (select (select a from first_names)[1 + (i * 13) % 40] as fn,
                  (select a from last_names)[1 + (i * 17) % 33] as ln,
                  (select a from places)[1 + (i * 5) % 14] as place) x;
update public.candidates set created_by = 'b0000000-0000-4000-8000-000000000002' where organization_id = '0b000000-0000-4000-8000-000000000001';

-- Considerations: candidate i on job (i mod 5); 0 means "no job yet" (enrolable by any elevated
-- user under the S1 rule). Every 9th consideration is archived.
insert into public.considerations (organization_id, candidate_id, job_id, archived_at, archive_reason)
select '0a000000-0000-4000-8000-000000000001',
  ('0c000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
  ('0a000000-0000-4000-8000-0000000000b' || (i % 5))::uuid,
  case when i % 9 = 0 then now() - interval '10 days' end,
  case when i % 9 = 0 then 'Not a fit right now' end
from generate_series(1, 200) i where i % 5 <> 0;
-- Some candidates are on two jobs, so a hiring manager of only one cannot enrol them.
insert into public.considerations (organization_id, candidate_id, job_id)
select '0a000000-0000-4000-8000-000000000001',
  ('0c000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '0a000000-0000-4000-8000-0000000000b4'
from generate_series(1, 200) i where i % 5 = 1 and i % 3 = 0;
insert into public.considerations (organization_id, candidate_id, job_id)
select '0b000000-0000-4000-8000-000000000001',
  ('0c000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '0b000000-0000-4000-8000-0000000000b1'
from generate_series(201, 220) i;

-- A paragraph-per-line ProseMirror document where {{key}} becomes a token node.
create function pg_temp.pm(src text) returns jsonb language sql immutable as $$
  -- Blank lines separate paragraphs; a single line break inside one is a hard break.
  select jsonb_build_object('type', 'doc', 'content', coalesce(jsonb_agg(
    jsonb_build_object('type', 'paragraph', 'content', (
      select jsonb_agg(node order by ln, k)
      from unnest(string_to_array(para, E'\n')) with ordinality as l (line, ln),
      lateral (
        select k, case when k % 2 = 0 then jsonb_build_object('type', 'token', 'attrs', jsonb_build_object('key', part))
                       else jsonb_build_object('type', 'text', 'text', part) end as node
        from unnest(string_to_array(regexp_replace(line, '\{\{([a-z_.]+)\}\}', E'\x01\\1\x01', 'g'), E'\x01'))
             with ordinality as t (part, k)
        where part <> ''
        union all
        select 1000000, jsonb_build_object('type', 'hardBreak')
        where ln < array_length(string_to_array(para, E'\n'), 1)
      ) nodes
    )) order by pn), '[]'::jsonb))
  from unnest(string_to_array(src, E'\n\n')) with ordinality as p (para, pn)
$$;

insert into public.sequences (id, organization_id, owner_id, title, access, job_id, include_unsubscribe_link, auto_archive_after_days) values
  ('5e000000-0000-4000-8000-000000000001', '0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000003',
   'Backend Engineers – Berlin outreach', 'shared', '0a000000-0000-4000-8000-0000000000b1', true, 14),
  ('5e000000-0000-4000-8000-000000000002', '0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002',
   'Product Design – portfolio intro', 'shared', '0a000000-0000-4000-8000-0000000000b2', true, null),
  ('5e000000-0000-4000-8000-000000000003', '0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000003',
   'Hannah''s warm follow-ups', 'personal', null, false, null),
  ('5e000000-0000-4000-8000-000000000004', '0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004',
   'Head of Sales EMEA – confidential search', 'confidential', '0a000000-0000-4000-8000-0000000000b4', false, null),
  ('5e000000-0000-4000-8000-000000000005', '0a000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
   'Data Science community + LinkedIn', 'shared', '0a000000-0000-4000-8000-0000000000b3', true, 21),
  ('5e000000-0000-4000-8000-000000000006', '0b000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002',
   'Globex AE outreach', 'shared', '0b000000-0000-4000-8000-0000000000b1', true, null);

insert into public.sequence_stages (sequence_id, position, type, delay_days, delay_hours, send_window, subject, body, thread_mode)
select s::uuid, p, t::public.stage_type, d, 0, w::jsonb, subj, pg_temp.pm(body), tm::public.thread_mode from (values
  ('5e000000-0000-4000-8000-000000000001', 0, 'email', 0, '{"days": [1,2,3,4,5], "start": "09:00", "end": "17:00"}',
   'Backend engineering at Acme, {{candidate.first_name}}?',
   E'Hi {{candidate.first_name}},\n\nI lead backend engineering at Acme and came across your work as {{candidate.title}} at {{candidate.company}}. {{candidate.reason_for_outreach}} — that is exactly the kind of thinking we need on our payments platform.\n\nWould you be open to a 20-minute chat next week?\n\n{{sender.signature}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000001', 1, 'email', 3, '{"days": [1,2,3,4,5], "start": "09:00", "end": "17:00"}',
   'Re: Backend engineering at Acme, {{candidate.first_name}}?',
   E'Hi {{candidate.first_name}},\n\nJust floating this back to the top of your inbox. We are hiring a {{job.title}} in Berlin (hybrid, relocation supported).\n\n{{sender.name}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000001', 2, 'email', 8, null,
   'One last note from Acme',
   E'Hi {{candidate.first_name}},\n\nI will not keep nudging — if the timing is ever better, my door is open.\n\nAll the best,\n{{sender.name}}\n{{sender.title}}', 'new_thread'),
  ('5e000000-0000-4000-8000-000000000002', 0, 'email', 0, null,
   'Your portfolio, {{candidate.first_name}}',
   E'Hi {{candidate.first_name}},\n\nYour design work at {{candidate.company}} stood out to our design team. We are looking for a {{job.title}} to shape our candidate experience.\n\nCould I share a bit more?\n\n{{sender.signature}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000002', 1, 'email', 5, null,
   'Re: Your portfolio, {{candidate.first_name}}',
   E'Hi {{candidate.first_name}}, a quick follow-up in case my last email got buried. Happy to send the brief.\n\n{{sender.name}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000003', 0, 'email', 0, null,
   'Great to meet you, {{candidate.first_name}}',
   E'Hi {{candidate.first_name}},\n\nThanks again for the chat. As promised, here is a little more about the team.\n\n{{sender.signature}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000003', 1, 'email', 7, null,
   'Re: Great to meet you, {{candidate.first_name}}',
   E'Hi {{candidate.first_name}}, any thoughts since we spoke? {{sender.name}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000004', 0, 'email', 0, null,
   'A confidential leadership opportunity',
   E'Dear {{candidate.first_name}} {{candidate.last_name}},\n\nI am reaching out discreetly about a sales leadership role covering EMEA. Your track record at {{candidate.company}} suggests you would be an excellent fit.\n\nWould you be open to a confidential conversation?\n\n{{sender.signature}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000004', 1, 'email', 4, null,
   'Re: A confidential leadership opportunity',
   E'Dear {{candidate.first_name}}, following up on my note below — happy to share details under NDA.\n\n{{sender.name}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000004', 2, 'linkedin_inmail', 9, null,
   'Confidential: sales leadership',
   E'Hi {{candidate.first_name}}, I emailed you about a confidential EMEA role — is email the best way to reach you?', 'new_thread'),
  ('5e000000-0000-4000-8000-000000000005', 0, 'linkedin_connection', 0, null, '',
   E'Hi {{candidate.first_name}}, I enjoy following your data work at {{candidate.company}} — would love to connect.', 'new_thread'),
  ('5e000000-0000-4000-8000-000000000005', 1, 'email', 2, '{"days": [1,2,3,4,5], "start": "08:30", "end": "18:00"}',
   'Data science at Acme',
   E'Hi {{candidate.first_name}},\n\nWe are building Acme''s matching models and hiring a {{job.title}}. Your background as {{candidate.title}} in {{candidate.location}} is a great match.\n\n{{sender.signature}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000005', 2, 'email', 6, null,
   'Re: Data science at Acme',
   E'Hi {{candidate.first_name}}, we are hosting a small data community evening in Berlin next month — you would be very welcome.\n\n{{sender.name}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000005', 3, 'linkedin_inmail', 12, null,
   'Acme data team',
   E'Hi {{candidate.first_name}}, one last ping from Acme''s data team. Open to a chat?', 'new_thread'),
  ('5e000000-0000-4000-8000-000000000006', 0, 'email', 0, null,
   'Account Executive at Globex',
   E'Hi {{candidate.first_name}}, we are growing our sales team at Globex. Interested?\n\n{{sender.signature}}', 'reply'),
  ('5e000000-0000-4000-8000-000000000006', 1, 'email', 4, null,
   'Re: Account Executive at Globex',
   E'Hi {{candidate.first_name}}, following up on my last email. {{sender.name}}', 'reply')
) as v (s, p, t, d, w, subj, body, tm);

-- Every email goes out from its sequence's creator; LinkedIn stages prompt the creator.
update public.sequence_stages st set sender_user_id = s.owner_id
from public.sequences s where s.id = st.sequence_id and st.sender_user_id is null;

-- Hannah shared her personal sequence's link with the recruiter.
insert into public.sequence_link_grants (sequence_id, user_id)
values ('5e000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000005');

-- A running batch: Hannah enrols backend candidates she manages, through the same RPC the UI
-- uses, then a few days of sending history is simulated so the pipeline has something to show.
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', false) as claims \gset
select count(*) filter (where ok) as enrolled
from public.enroll_candidates('5e000000-0000-4000-8000-000000000001',
  array(select c.candidate_id from public.considerations c
        where c.job_id = '0a000000-0000-4000-8000-0000000000b1' and c.archived_at is null
        order by c.candidate_id limit 30), true) \gset
select set_config('request.jwt.claims', '', false) as claims \gset

update public.enrollments set started_at = now() - interval '4 days', created_at = now() - interval '4 days'
where sequence_id = '5e000000-0000-4000-8000-000000000001';
update public.enrollment_stages st
set status = 'sent', sent_at = now() - interval '4 days' + interval '10 minutes',
    scheduled_at = now() - interval '4 days', provider_message_id = gen_random_uuid()::text,
    message_id = '<' || st.id || '@mail.acme.test>'
where st.sequence_id = '5e000000-0000-4000-8000-000000000001' and st.position = 0;
update public.enrollment_stages st set scheduled_at = now() - interval '4 days' + interval '3 days'
where st.sequence_id = '5e000000-0000-4000-8000-000000000001' and st.position = 1;
update public.enrollment_stages st set status = 'sent', sent_at = now() - interval '1 day'
where st.sequence_id = '5e000000-0000-4000-8000-000000000001' and st.position = 1
  and st.candidate_id in (select e.candidate_id from public.enrollments e
                          where e.sequence_id = '5e000000-0000-4000-8000-000000000001' order by e.candidate_id limit 12);

insert into public.email_events (enrollment_stage_id, kind, is_machine, occurred_at)
select st.id, k.kind::public.email_event_kind, k.machine, st.sent_at + k.after
from public.enrollment_stages st
join lateral (values ('delivered', false, interval '1 minute'), ('opened', true, interval '2 minutes'),
                     ('opened', false, interval '3 hours')) as k (kind, machine, after) on true
where st.sequence_id = '5e000000-0000-4000-8000-000000000001' and st.status = 'sent'
  and (k.kind <> 'opened' or right(st.candidate_id::text, 1) in ('1', '2', '3', '4', '5', '6'));

-- Three replies: one interested, one not interested, one still to be classified.
with replied as (
  select e.id, e.candidate_id, row_number() over (order by e.candidate_id) as n
  from public.enrollments e where e.sequence_id = '5e000000-0000-4000-8000-000000000001'
  order by e.candidate_id limit 3
), upd as (
  update public.enrollments e
  set status = 'completed', end_reason = 'replied',
      response_status = (array['interested', 'not_interested', 'replied'])[r.n]::public.response_status
  from replied r where e.id = r.id
  returning e.id, e.candidate_id, r.n
)
insert into public.replies (organization_id, candidate_id, enrollment_id, from_email, subject, body_text, received_at, classification, matched_by)
select '0a000000-0000-4000-8000-000000000001', u.candidate_id, u.id, k.email,
  'Re: Backend engineering at Acme, ' || k.first_name || '?',
  (array['Thanks for reaching out! I would be happy to chat — does Thursday work?',
         'Thanks, but I am happy where I am at the moment.',
         'Could you tell me more about the salary range first?'])[u.n],
  now() - interval '2 days', (array['interested', 'not_interested', null])[u.n]::public.reply_classification, 'reply_to_token'
from upd u join public.candidates k on k.id = u.candidate_id;

-- One unsubscribed and one bounced candidate, to show the enrolment blocks.
insert into public.subscriptions (candidate_id, organization_id, current_outreach, new_roles, suppressed_reason, suppressed_email, suppressed_at)
values ('0c000000-0000-4000-8000-0000000000c8', '0a000000-0000-4000-8000-000000000001', false, true, null, null, null),
       ('0c000000-0000-4000-8000-0000000000c7', '0a000000-0000-4000-8000-000000000001', true, true, 'bounced',
        (select email from public.candidates where id = '0c000000-0000-4000-8000-0000000000c7'), now() - interval '20 days');

-- Olivia starts her LinkedIn-first data science sequence for three candidates: the first stage
-- is a connection request, so the scheduler's first run puts three tasks on her Tasks page.
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}', false) as claims \gset
select count(*) filter (where ok) as enrolled
from public.enroll_candidates('5e000000-0000-4000-8000-000000000005',
  array(select c.candidate_id from public.considerations c
        where c.job_id = '0a000000-0000-4000-8000-0000000000b3' and c.archived_at is null
        order by c.candidate_id limit 3), true) \gset
select set_config('request.jwt.claims', '', false) as claims \gset
