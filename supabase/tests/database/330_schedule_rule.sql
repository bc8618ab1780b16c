-- One schedule rule (issue 13 items 1-2, SPEC S9): the zone a stage is scheduled in is the
-- recipient's, else its sender's, else the organisation's; the stored scheduled_at is already
-- inside the stage's send window when an enrolment starts, resumes or is edited; the claim
-- moves a stage whose window closed while it waited without claiming it; the no-reply check
-- reads the local part up to the last "@".
begin;
set local search_path = public, extensions;
\ir _fixtures.psql
select plan(14);

-- Only this file's stages are due.
update public.enrollment_stages set scheduled_at = scheduled_at + interval '100 years'
where status in ('scheduled', 'claimed') and scheduled_at is not null;
update public.enrollment_stages set lease_until = now() + interval '100 years' where status = 'claimed';

update public.members set sender_email = 'admin@org-a.test', sender_name = 'Adam', tracking_enabled = false
where user_id = tests.id('admin');
select tests.make_sequence('win', 'org_a', 'owner', 'shared', 2);

create function tests.as_user(p_label text) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', tests.id(p_label), 'role', 'authenticated')::text, true);
$$;
-- An enrolment of a new candidate (zone p_tz) in 'win', started by admin now.
create function tests.enrol(p_label text, p_tz text, p_start boolean default true) returns uuid language plpgsql as $$
declare v uuid;
begin
  perform tests.make_candidate(p_label, 'org_a', p_label || '@cand.test');
  update public.candidates set time_zone = p_tz where id = tests.id(p_label);
  perform tests.as_user('admin');
  select r.enrollment_id into v from public.enroll_candidates(tests.id('win'), array[tests.id(p_label)], p_start) r;
  if v is null then raise exception 'setup: could not enrol %', p_label; end if;
  insert into tests.ids values ('enr_' || p_label, v);
  insert into tests.ids select 'st_' || p_label, s.id from public.enrollment_stages s where s.enrollment_id = v and s.position = 0;
  return v;
end $$;
-- 09:00 tomorrow on p_tz's clocks, and a window that is open only then (tomorrow's weekday, 09-17).
create function tests.tomorrow_nine(p_tz text) returns timestamptz language sql stable as $$
  select (((now() at time zone p_tz)::date + 1) + time '09:00') at time zone p_tz
$$;
create function tests.tomorrow_window(p_tz text) returns jsonb language sql stable as $$
  select jsonb_build_object('days', jsonb_build_array(extract(isodow from (now() at time zone p_tz)::date + 1)::int),
                            'start', '09:00', 'end', '17:00')
$$;

-- The zone rule.
select tests.make_candidate('z_cand', 'org_a');
update public.candidates set time_zone = 'Asia/Tokyo' where id = tests.id('z_cand');
select tests.make_candidate('z_none', 'org_a');
update public.members set time_zone = 'America/New_York' where user_id = tests.id('job_admin');
select is(private.stage_time_zone(tests.id('z_cand'), tests.id('job_admin')), 'Asia/Tokyo', 'the recipient''s zone comes first');
select is(private.stage_time_zone(tests.id('z_none'), tests.id('job_admin')), 'America/New_York',
  'without one, the sender''s zone');
select is(private.stage_time_zone(tests.id('z_none'), tests.id('admin')), 'Europe/Berlin',
  'without either, the organisation''s zone');

-- Starting stores the window-adjusted time.
update public.sequence_stages set send_window = tests.tomorrow_window('Asia/Tokyo') where sequence_id = tests.id('win');
select tests.enrol('tokyo', 'Asia/Tokyo');
select is((select scheduled_at from public.enrollment_stages where id = tests.id('st_tokyo')), tests.tomorrow_nine('Asia/Tokyo'),
  'a stage due now whose window opens tomorrow is stored at the opening, on the recipient''s clocks');

update public.sequence_stages set send_window = tests.tomorrow_window('America/New_York'), sender_user_id = tests.id('job_admin')
where sequence_id = tests.id('win');
update public.members set sender_email = 'ja@org-a.test' where user_id = tests.id('job_admin');
select tests.enrol('nozone', null);
select is((select scheduled_at from public.enrollment_stages where id = tests.id('st_nozone')), tests.tomorrow_nine('America/New_York'),
  'a recipient without a zone is scheduled on the sender''s clocks');

-- A draft started later is scheduled then.
update public.sequence_stages set send_window = tests.tomorrow_window('Asia/Tokyo'), sender_user_id = null where sequence_id = tests.id('win');
select tests.enrol('draft', 'Asia/Tokyo', false);
select is((select coalesce(reason, 'ok') from public.start_enrollments(array[tests.id('enr_draft')])), 'ok', 'the draft starts');
select is((select scheduled_at from public.enrollment_stages where id = tests.id('st_draft')), tests.tomorrow_nine('Asia/Tokyo'),
  'and its stage is stored at its window''s opening');

-- Editing the window of a running enrolment's stage moves the stored time.
select is((select coalesce(reason, 'ok') from public.update_enrollment_draft(tests.id('enr_tokyo'),
  (select jsonb_agg(jsonb_build_object('position', position, 'send_window', null) order by position)
   from public.enrollment_stages where enrollment_id = tests.id('enr_tokyo')))), 'ok', 'the stage''s window is removed');
select cmp_ok((select scheduled_at from public.enrollment_stages where id = tests.id('st_tokyo')), '<=', now(),
  'and the stage is due now again');

-- Resuming: an overdue stage is due at once, inside its window.
select is((select coalesce(reason, 'ok') from public.pause_enrollments(array[tests.id('enr_draft')])), 'ok', 'an enrolment pauses');
update public.enrollment_stages set scheduled_at = now() - interval '2 days' where enrollment_id = tests.id('enr_draft') and position = 0;
select is((select coalesce(reason, 'ok') from public.resume_enrollments(array[tests.id('enr_draft')])), 'ok', 'and resumes');
select is((select scheduled_at from public.enrollment_stages where id = tests.id('st_draft')), tests.tomorrow_nine('Asia/Tokyo'),
  'its overdue stage is stored at the window''s next opening, not at the resume instant');

-- The claim: a due stage whose window closed while it waited is moved, not claimed.
alter table public.enrollment_stages disable trigger enrollment_stages_fit_send_window;
update public.enrollment_stages set scheduled_at = now() - interval '1 minute' where id = tests.id('st_draft');
alter table public.enrollment_stages enable trigger enrollment_stages_fit_send_window;
set local role service_role;
create temporary table claimed as select * from public.claim_due_stages(100, 60);
reset role;
select is((select array[status::text, attempts::text, deferred_reason, (scheduled_at = tests.tomorrow_nine('Asia/Tokyo'))::text]
           from public.enrollment_stages where id = tests.id('st_draft')),
  array['scheduled', '0', 'outside_send_window', 'true'],
  'a due stage outside its window is moved to the next opening without being claimed or counted as an attempt');

select ok(private.is_no_reply_address('"x@y".noreply@corp.test') and not private.is_no_reply_address('bruno.reply@corp.test'),
  'the no-reply check reads the local part up to the last @');

select * from finish();
rollback;
