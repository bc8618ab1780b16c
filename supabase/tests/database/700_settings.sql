-- Settings and administration (S13, issue 16; issue 11 items 3, 5, 9): every setting is
-- writable only by the right level, table-driven like 020_matrix.sql. Each case runs one
-- statement as one user in a rolled-back subtransaction and records whether it changed a row.
begin;
set local search_path = public, extensions;
\ir _fixtures.psql

-- Runs p_sql (a statement; %1$L is the target user id, %2$L the organisation id) as p_user;
-- true when it changed at least one row, false when it changed none or was refused.
create function tests.writes(p_user uuid, p_sql text, p_target uuid default null) returns boolean
language plpgsql as $$
declare
  v_n bigint;
  v_detail text;
begin
  begin
    perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
    perform set_config('role', 'authenticated', true);
    execute format(p_sql, p_target, tests.id('org_a'));
    get diagnostics v_n = row_count;
    raise exception using errcode = 'TA001', detail = (v_n > 0)::text;
  exception
    when sqlstate 'TA001' then
      get stacked diagnostics v_detail = pg_exception_detail;
      return v_detail::boolean;
    when insufficient_privilege or unique_violation or check_violation or sqlstate 'PT404' or sqlstate '23503' or sqlstate '22023' then
      return false;
  end;
end $$;
grant execute on function tests.writes(uuid, text, uuid) to authenticated;

create table tests.cases (n serial, who text, what text, stmt text, target text, expected boolean);
insert into tests.cases (who, what, stmt, target, expected) values
  -- Organisation settings: organisation admins only; the plan never (issue 11 item 3).
  ('orgadmin', 'changes the frequency policy', 'update organizations set outreach_frequency_days = 7 where id = %2$L', null, true),
  ('orgadmin', 'changes the time zone', 'update organizations set time_zone = ''Asia/Tokyo'' where id = %2$L', null, true),
  ('orgadmin', 'sets default business hours', 'update organizations set default_send_window = ''{"days":[1,2,3,4,5],"start":"09:00","end":"17:00"}'' where id = %2$L', null, true),
  ('orgadmin', 'turns on AI tokens', 'update organizations set ai_tokens_enabled = true where id = %2$L', null, true),
  ('orgadmin', 'changes email visibility', 'update organizations set exclude_hired_candidate_emails = true where id = %2$L', null, true),
  ('orgadmin', 'upgrades its own plan', 'update organizations set plan = ''enterprise'' where id = %2$L', null, false),
  ('admin', 'changes the frequency policy', 'update organizations set outreach_frequency_days = 7 where id = %2$L', null, false),
  ('owner', 'changes the frequency policy', 'update organizations set outreach_frequency_days = 7 where id = %2$L', null, false),
  ('limited', 'turns on reply classification', 'update organizations set reply_classification_enabled = true where id = %2$L', null, false),
  ('outsider', 'changes another organisation''s policy', 'update organizations set outreach_frequency_days = 7 where id = %2$L', null, false),
  -- Access levels (nobody raises anyone above themselves; nobody changes their own).
  ('orgadmin', 'makes an elevated user admin', 'update members set access_level = ''admin'' where user_id = %1$L', 'owner', true),
  ('admin', 'makes a limited user elevated', 'update members set access_level = ''elevated'' where user_id = %1$L', 'limited', true),
  ('admin', 'makes someone organisation admin', 'update members set access_level = ''organization_admin'' where user_id = %1$L', 'owner', false),
  ('admin', 'demotes an organisation admin', 'update members set access_level = ''limited'' where user_id = %1$L', 'orgadmin', false),
  ('admin', 'raises their own access level', 'update members set access_level = ''organization_admin'' where user_id = %1$L', 'admin', false),
  ('owner', 'raises their own access level', 'update members set access_level = ''admin'' where user_id = %1$L', 'owner', false),
  ('owner', 'raises someone else', 'update members set access_level = ''elevated'' where user_id = %1$L', 'limited', false),
  ('agency', 'raises someone else', 'update members set access_level = ''elevated'' where user_id = %1$L', 'limited', false),
  ('outsider', 'raises someone in another organisation', 'update members set access_level = ''admin'' where user_id = %1$L', 'owner', false),
  ('orgadmin', 'demotes themselves as the last organisation admin', 'update members set access_level = ''admin'' where user_id = %1$L', 'orgadmin', false),
  ('orgadmin', 'links a user to an agency', 'update members set agency_id = (select id from agencies where organization_id = %2$L) where user_id = %1$L', 'owner', true),
  ('owner', 'leaves their agency', 'update members set agency_id = null where user_id = %1$L', 'agency', false),
  -- Deactivation.
  ('admin', 'deactivates an elevated user', 'update members set deactivated_at = now() where user_id = %1$L', 'owner', true),
  ('admin', 'deactivates the organisation admin', 'update members set deactivated_at = now() where user_id = %1$L', 'orgadmin', false),
  ('owner', 'deactivates someone', 'update members set deactivated_at = now() where user_id = %1$L', 'limited', false),
  ('orgadmin', 'deletes a member row', 'delete from members where user_id = %1$L', 'limited', false),
  -- Daily caps: admins only (issue 11 item 9).
  ('owner', 'raises their own daily cap', 'update members set daily_send_cap = 100000 where user_id = %1$L', 'owner', false),
  ('limited', 'raises their own daily cap', 'update members set daily_send_cap = 100000 where user_id = %1$L', 'limited', false),
  ('admin', 'sets a sender''s daily cap', 'update members set daily_send_cap = 50 where user_id = %1$L', 'owner', true),
  ('orgadmin', 'sets a sender''s daily cap', 'update members set daily_send_cap = 50 where user_id = %1$L', 'owner', true),
  -- Personal settings: the member themselves only.
  ('owner', 'changes their own signature and title', 'update members set signature_doc = ''{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Best"}]}]}'', sender_title = ''Lead'' where user_id = %1$L', 'owner', true),
  ('owner', 'turns their tracking off', 'update members set tracking_enabled = false where user_id = %1$L', 'owner', true),
  ('limited', 'sets their automatic reply status off', 'update members set classification_preference = ''off'' where user_id = %1$L', 'limited', true),
  ('orgadmin', 'changes someone else''s signature', 'update members set signature_doc = ''{"type":"doc","content":[]}'' where user_id = %1$L', 'owner', false),
  ('admin', 'turns someone else''s tracking off', 'update members set tracking_enabled = false where user_id = %1$L', 'owner', false),
  -- Sender addresses only on a verified domain of the sender's own organisation (issue 11 item 5).
  ('owner', 'uses a verified domain of their organisation', 'update members set sender_email = ''owner@verified-a.test'' where user_id = %1$L', 'owner', true),
  ('owner', 'uses a pending domain of their organisation', 'update members set sender_email = ''owner@pending-a.test'' where user_id = %1$L', 'owner', false),
  ('owner', 'uses another organisation''s verified domain', 'update members set sender_email = ''ceo@verified-b.test'' where user_id = %1$L', 'owner', false),
  ('owner', 'uses an unregistered domain', 'update members set sender_email = ''owner@gmail.com'' where user_id = %1$L', 'owner', false),
  ('owner', 'uses a no-reply address on a verified domain', 'update members set sender_email = ''noreply@verified-a.test'' where user_id = %1$L', 'owner', false),
  -- Sending domains: organisation admins add and remove; nobody writes the verification state.
  ('orgadmin', 'adds a sending domain', 'insert into sending_domains (organization_id, domain, created_by) values (%2$L, ''new-a.test'', auth.uid())', null, true),
  ('admin', 'adds a sending domain', 'insert into sending_domains (organization_id, domain, created_by) values (%2$L, ''new-a.test'', auth.uid())', null, false),
  ('orgadmin', 'registers a domain another organisation owns', 'insert into sending_domains (organization_id, domain, created_by) values (%2$L, ''verified-b.test'', auth.uid())', null, false),
  ('orgadmin', 'marks its own domain verified', 'update sending_domains set status = ''verified'' where domain = ''pending-a.test''', null, false),
  ('orgadmin', 'inserts a domain as already verified', 'insert into sending_domains (organization_id, domain, created_by, status) values (%2$L, ''new-a.test'', auth.uid(), ''verified'')', null, false),
  ('orgadmin', 'removes a sending domain', 'delete from sending_domains where domain = ''pending-a.test''', null, true),
  ('outsider', 'removes another organisation''s domain', 'delete from sending_domains where domain = ''pending-a.test''', null, false),
  -- Invitations: admins, at most at their own level.
  ('admin', 'invites an elevated user', 'insert into member_invitations (organization_id, email, access_level) values (%2$L, ''new@a.test'', ''elevated'')', null, true),
  ('admin', 'invites an organisation admin', 'insert into member_invitations (organization_id, email, access_level) values (%2$L, ''new@a.test'', ''organization_admin'')', null, false),
  ('owner', 'invites anyone', 'insert into member_invitations (organization_id, email, access_level) values (%2$L, ''new@a.test'', ''limited'')', null, false),
  ('admin', 'invites someone who is already a member', 'insert into member_invitations (organization_id, email, access_level) values (%2$L, ''owner@matrix.test'', ''limited'')', null, false),
  -- Jobs and job roles: admins.
  ('admin', 'creates a confidential job', 'insert into jobs (organization_id, title, confidential) values (%2$L, ''Secret'', true)', null, true),
  ('owner', 'creates a job', 'insert into jobs (organization_id, title) values (%2$L, ''Mine'')', null, false),
  ('admin', 'makes someone hiring manager on a job', 'insert into job_members (job_id, user_id, organization_id, role) values ((select id from jobs where title = ''Job J''), %1$L, %2$L, ''hiring_manager'')', 'elevated_no_role', true),
  ('elevated_no_role', 'gives themselves a job role', 'insert into job_members (job_id, user_id, organization_id, role) values ((select id from jobs where title = ''Job J''), %1$L, %2$L, ''hiring_manager'')', 'elevated_no_role', false),
  ('external_recruiter', 'raises their own job role', 'update job_members set role = ''admin_private'' where user_id = %1$L', 'external_recruiter', false),
  ('admin', 'adds a pipeline stage', 'insert into job_stages (job_id, organization_id, position, name) values ((select id from jobs where title = ''Job J''), %2$L, 10, ''Phone screen'')', null, true),
  ('admin', 'removes the Reached Out stage', 'delete from job_stages where kind = ''reached_out'' and job_id = (select id from jobs where title = ''Job J'')', null, false),
  ('admin', 'changes the kind of the Replied stage', 'update job_stages set kind = ''custom'' where kind = ''replied'' and job_id = (select id from jobs where title = ''Job J'')', null, false),
  ('admin', 'renames the Replied stage', 'update job_stages set name = ''Answered'' where kind = ''replied'' and job_id = (select id from jobs where title = ''Job J'')', null, true),
  -- Custom fields: organisation admins; the key never changes; retiring goes through the RPC.
  ('orgadmin', 'creates a custom field', 'insert into custom_fields (organization_id, key, label, type) values (%2$L, ''salary'', ''Salary'', ''number'')', null, true),
  ('admin', 'creates a custom field', 'insert into custom_fields (organization_id, key, label, type) values (%2$L, ''salary'', ''Salary'', ''number'')', null, false),
  ('orgadmin', 'renames a custom field', 'update custom_fields set label = ''Notice (weeks)'' where key = ''notice''', null, true),
  ('orgadmin', 'changes a custom field''s key', 'update custom_fields set key = ''notice2'' where key = ''notice''', null, false),
  ('owner', 'renames a custom field', 'update custom_fields set label = ''x'' where key = ''notice''', null, false),
  ('orgadmin', 'retires an unused custom field', 'select public.retire_custom_field(id) from custom_fields where key = ''notice''', null, true),
  ('admin', 'retires an unused custom field', 'select public.retire_custom_field(id) from custom_fields where key = ''notice''', null, false),
  ('orgadmin', 'retires a custom field a stage uses', 'select public.retire_custom_field(id) from custom_fields where key = ''school''', null, false),
  ('orgadmin', 'retires a custom field a stage body uses as a token node', 'select public.retire_custom_field(id) from custom_fields where key = ''github''', null, false);

-- Fixture rows the cases act on.
insert into public.sending_domains (organization_id, domain, status) values
  (tests.id('org_a'), 'verified-a.test', 'verified'), (tests.id('org_a'), 'pending-a.test', 'pending'),
  (tests.id('org_b'), 'verified-b.test', 'verified');
insert into public.custom_fields (organization_id, key, label, type) values
  (tests.id('org_a'), 'notice', 'Notice period', 'text'), (tests.id('org_a'), 'school', 'School', 'text'),
  (tests.id('org_a'), 'github', 'GitHub', 'text');
update public.sequence_stages
set body = '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"token","attrs":{"key":"custom.github"}}]}]}'
where sequence_id = tests.id('personal');
update public.sequence_stages set subject = 'About {{ custom.school }}' where sequence_id = tests.id('shared');

select plan((select count(*)::int from tests.cases) + 8);

select is(tests.writes(tests.id(c.who), c.stmt, tests.id(c.target)), c.expected,
          format('%s %s %s', c.who, case when c.expected then 'may' else 'may not' end, c.what))
from tests.cases c order by c.n;

-- The refusals say why.
select set_config('request.jwt.claims', json_build_object('sub', tests.id('orgadmin'), 'role', 'authenticated')::text, true);
set local role authenticated;
select throws_ok($$ select public.retire_custom_field(id) from custom_fields where key = 'school' $$,
  '23503', 'field_in_use', 'retiring a field a stage uses is refused');
select throws_like($$ update organizations set plan = 'enterprise' $$,
  '%permission denied%', 'the plan is not writable by the organisation');
reset role;
select set_config('request.jwt.claims', json_build_object('sub', tests.id('owner'), 'role', 'authenticated')::text, true);
set local role authenticated;
select throws_ok($$ update members set sender_email = 'ceo@verified-b.test' where user_id = auth.uid() $$,
  '42501', 'sender_domain_unverified', 'a sender on another organisation''s domain is refused with the reason');
select throws_ok($$ update members set daily_send_cap = 100000 where user_id = auth.uid() $$,
  '42501', 'not_admin', 'a member raising their own cap is refused with the reason');
reset role;

-- The retired-field refusal lists the stages that use it.
create function tests.retire_detail() returns text language plpgsql as $$
declare v text;
begin
  perform set_config('request.jwt.claims', json_build_object('sub', tests.id('orgadmin'), 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
  perform public.retire_custom_field((select id from public.custom_fields where key = 'school'));
  return null;
exception when others then
  get stacked diagnostics v = pg_exception_detail;
  perform set_config('role', 'postgres', true);
  return v;
end $$;
select matches(tests.retire_detail(), 'Used by shared – stage 1', 'the refusal names the sequence and stage using the field');
reset role;

-- A deactivated member sees nothing of their organisation any more.
update public.members set deactivated_at = now() where user_id = tests.id('analyst');
select set_config('request.jwt.claims', json_build_object('sub', tests.id('analyst'), 'role', 'authenticated')::text, true);
set local role authenticated;
select is((select count(*)::int from public.candidates), 0, 'a deactivated member sees no candidates');
reset role;

-- An invited address becomes a member with the invited level when Auth creates the account.
insert into public.member_invitations (organization_id, email, access_level, invited_by)
values (tests.id('org_a'), 'invitee@a.test', 'elevated', tests.id('admin'));
insert into auth.users (id, aud, role, email) values ('00000000-0000-4000-8000-00000000aaaa', 'authenticated', 'authenticated', 'Invitee@A.test');
select is((select access_level::text || '@' || (organization_id = tests.id('org_a'))::text from public.members
           where user_id = '00000000-0000-4000-8000-00000000aaaa'), 'elevated@true',
          'the invited person joins the inviting organisation at the invited level');

-- New sequences start with the organisation's include-unsubscribe default.
update public.organizations set default_include_unsubscribe_link = false where id = tests.id('org_a');
select set_config('request.jwt.claims', json_build_object('sub', tests.id('owner'), 'role', 'authenticated')::text, true);
set local role authenticated;
insert into public.sequences (organization_id, owner_id, title) values (tests.id('org_a'), tests.id('owner'), 'Defaults');
reset role;
select is((select include_unsubscribe_link from public.sequences where title = 'Defaults'), false,
          'a new sequence takes the organisation''s include-unsubscribe default');

select * from finish();
rollback;
