-- Row-level security for every table in `public`, implementing S1. Policies are `to
-- authenticated` (anon sees and changes nothing), read as sentences, call auth.uid() and the
-- private helpers through `(select …)` so each is evaluated once per statement, and filter
-- on organization_id first so the organisation index narrows every scan.
-- Rows that users never write directly (enrolments are created by public.enroll_candidates;
-- events, replies and receipts by the service role) simply have no insert policy.

alter table public.organizations enable row level security;
alter table public.agencies enable row level security;
alter table public.members enable row level security;
alter table public.jobs enable row level security;
alter table public.job_members enable row level security;
alter table public.job_stages enable row level security;
alter table public.candidates enable row level security;
alter table public.considerations enable row level security;
alter table public.sequences enable row level security;
alter table public.sequence_stages enable row level security;
alter table public.sequence_doc_updates enable row level security;
alter table public.sequence_doc_snapshots enable row level security;
alter table public.sequence_link_grants enable row level security;
alter table public.enrollment_batches enable row level security;
alter table public.enrollments enable row level security;
alter table public.enrollment_stages enable row level security;
alter table public.email_events enable row level security;
alter table public.replies enable row level security;
alter table public.unmatched_replies enable row level security;
alter table public.subscriptions enable row level security;
alter table public.activities enable row level security;
alter table public.tasks enable row level security;
alter table public.webhook_receipts enable row level security;

-- Organisations ------------------------------------------------------------------------------
create policy "Members see their own organisation" on public.organizations
  for select to authenticated using (id = (select private.current_org_id()));
create policy "Organisation admins update their organisation" on public.organizations
  for update to authenticated
  using (id = (select private.current_org_id()) and (select private.current_access_level()) = 'organization_admin')
  with check (id = (select private.current_org_id()));

create policy "Members see their organisation's agencies" on public.agencies
  for select to authenticated using (organization_id = (select private.current_org_id()));
create policy "Organisation admins manage agencies" on public.agencies
  for all to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) = 'organization_admin')
  with check (organization_id = (select private.current_org_id()) and (select private.current_access_level()) = 'organization_admin');

-- Members --------------------------------------------------------------------------------------
create policy "Members see the people of their organisation" on public.members
  for select to authenticated using (organization_id = (select private.current_org_id()));
create policy "Members update their own sender settings" on public.members
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "Organisation admins manage members" on public.members
  for all to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) = 'organization_admin')
  with check (organization_id = (select private.current_org_id()) and (select private.current_access_level()) = 'organization_admin');

-- Trigger (before update on members): a member edits only their own identity and settings;
-- access level and agency change only by an organisation admin; nobody moves a member to
-- another organisation through the API. Applies to API roles; privileged roles are trusted.
create function private.guard_member_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  if pg_catalog.current_setting('role', true) not in ('authenticated', 'anon') then
    return new;
  end if;
  if new.user_id <> old.user_id or new.organization_id <> old.organization_id then
    raise exception 'A member cannot move to another organisation' using errcode = '42501';
  end if;
  if (new.access_level, new.agency_id) is distinct from (old.access_level, old.agency_id)
     and (select private.current_access_level()) is distinct from 'organization_admin' then
    raise exception 'Only an organisation admin changes access levels and agencies' using errcode = '42501';
  end if;
  return new;
end $$;
grant execute on function private.guard_member_update() to authenticated, service_role;
create trigger members_guard_update before update on public.members
  for each row execute function private.guard_member_update();

-- Jobs -----------------------------------------------------------------------------------------
create policy "Members see the jobs their access allows" on public.jobs
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and id in (select private.visible_job_ids()));
create policy "Admins manage jobs" on public.jobs
  for all to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin')
  with check (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin');

create policy "Members see the roles on jobs they see" on public.job_members
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and job_id in (select private.visible_job_ids()));
create policy "Admins manage job roles" on public.job_members
  for all to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin')
  with check (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin');

create policy "Members see the stages of jobs they see" on public.job_stages
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and job_id in (select private.visible_job_ids()));
create policy "Admins manage job stages" on public.job_stages
  for all to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin')
  with check (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin');

-- Candidates -----------------------------------------------------------------------------------
create policy "Members see the candidates their access allows" on public.candidates
  for select to authenticated
  using (organization_id = (select private.current_org_id())
         and ((select private.current_access_level()) >= 'elevated'
              or id in (select private.limited_candidate_ids())));
create policy "Elevated members add candidates" on public.candidates
  for insert to authenticated
  with check (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'elevated');
create policy "Elevated members update candidates" on public.candidates
  for update to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'elevated')
  with check (organization_id = (select private.current_org_id()));
create policy "Admins delete candidates" on public.candidates
  for delete to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin');

create policy "Members see considerations on jobs and candidates they see" on public.considerations
  for select to authenticated
  using (organization_id = (select private.current_org_id())
         and job_id in (select private.visible_job_ids())
         and ((select private.current_access_level()) >= 'elevated'
              or candidate_id in (select private.limited_candidate_ids())));
create policy "Elevated members add candidates to jobs they see" on public.considerations
  for insert to authenticated
  with check (organization_id = (select private.current_org_id())
              and (select private.current_access_level()) >= 'elevated'
              and job_id in (select private.visible_job_ids()));
create policy "Elevated members move and archive candidates on jobs they see" on public.considerations
  for update to authenticated
  using (organization_id = (select private.current_org_id())
         and (select private.current_access_level()) >= 'elevated'
         and job_id in (select private.visible_job_ids()))
  with check (organization_id = (select private.current_org_id()));
create policy "Admins remove considerations" on public.considerations
  for delete to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin');

-- Sequences ------------------------------------------------------------------------------------
create policy "Members see the sequences their access allows" on public.sequences
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and id in (select private.visible_sequence_ids()));
create policy "Elevated members create their own sequences" on public.sequences
  for insert to authenticated
  with check (organization_id = (select private.current_org_id())
              and owner_id = (select auth.uid())
              and (select private.current_access_level()) >= 'elevated');
create policy "Editors update a sequence's settings" on public.sequences
  for update to authenticated
  using (organization_id = (select private.current_org_id()) and private.can_edit_sequence((select auth.uid()), id))
  with check (organization_id = (select private.current_org_id()));
create policy "Creators delete their sequences" on public.sequences
  for delete to authenticated
  using (organization_id = (select private.current_org_id()) and owner_id = (select auth.uid()));

create policy "Viewers of a sequence see its stages" on public.sequence_stages
  for select to authenticated using (sequence_id in (select private.visible_sequence_ids()));
create policy "Editors of a sequence add stages" on public.sequence_stages
  for insert to authenticated with check (private.can_edit_sequence((select auth.uid()), sequence_id));
create policy "Editors of a sequence change stages" on public.sequence_stages
  for update to authenticated
  using (private.can_edit_sequence((select auth.uid()), sequence_id))
  with check (private.can_edit_sequence((select auth.uid()), sequence_id));
create policy "Editors of a sequence delete stages" on public.sequence_stages
  for delete to authenticated using (private.can_edit_sequence((select auth.uid()), sequence_id));

create policy "Viewers of a sequence read its document" on public.sequence_doc_updates
  for select to authenticated using (sequence_id in (select private.visible_sequence_ids()));
create policy "Editors of a sequence append to its document" on public.sequence_doc_updates
  for insert to authenticated
  with check (created_by = (select auth.uid()) and private.can_edit_sequence((select auth.uid()), sequence_id));

create policy "Viewers of a sequence read its document snapshot" on public.sequence_doc_snapshots
  for select to authenticated using (sequence_id in (select private.visible_sequence_ids()));
create policy "Editors of a sequence store its document snapshot" on public.sequence_doc_snapshots
  for insert to authenticated with check (private.can_edit_sequence((select auth.uid()), sequence_id));
create policy "Editors of a sequence replace its document snapshot" on public.sequence_doc_snapshots
  for update to authenticated
  using (private.can_edit_sequence((select auth.uid()), sequence_id))
  with check (private.can_edit_sequence((select auth.uid()), sequence_id));

create policy "Members see their link grants; creators see all of theirs" on public.sequence_link_grants
  for select to authenticated
  using (user_id = (select auth.uid())
         or sequence_id in (select s.id from public.sequences s where s.owner_id = (select auth.uid())));
create policy "Creators revoke link grants on their sequences" on public.sequence_link_grants
  for delete to authenticated
  using (sequence_id in (select s.id from public.sequences s where s.owner_id = (select auth.uid())));

-- Enrolments -----------------------------------------------------------------------------------
create policy "Viewers of a sequence see its enrolment batches" on public.enrollment_batches
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and sequence_id in (select private.visible_sequence_ids()));

create policy "Viewers of a sequence see its enrolments" on public.enrollments
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and sequence_id in (select private.visible_sequence_ids()));
create policy "Members who may enrol a candidate manage that enrolment" on public.enrollments
  for update to authenticated
  using (organization_id = (select private.current_org_id())
         and private.can_enroll((select auth.uid()), sequence_id, candidate_id))
  with check (organization_id = (select private.current_org_id()));

create policy "Viewers of a sequence see its enrolment stages" on public.enrollment_stages
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and sequence_id in (select private.visible_sequence_ids()));
create policy "Members who may enrol a candidate edit that enrolment's stages" on public.enrollment_stages
  for update to authenticated
  using (organization_id = (select private.current_org_id())
         and private.can_enroll((select auth.uid()), sequence_id, candidate_id))
  with check (organization_id = (select private.current_org_id()));

-- Users change only what the UI edits; statuses, leases and provider ids belong to the engine.
revoke insert, update, delete on public.enrollment_batches, public.enrollments, public.enrollment_stages from authenticated, anon;
grant update (status, response_status, response_reason, end_reason, include_unsubscribe_link, to_email, resume_at)
  on public.enrollments to authenticated;
grant update (subject, body, delay_days, delay_hours, send_window, scheduled_at, sender_user_id, thread_mode)
  on public.enrollment_stages to authenticated;

-- Events, replies, subscriptions, activities, tasks ---------------------------------------------
create policy "Viewers of a sequence see its email events" on public.email_events
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and sequence_id in (select private.visible_sequence_ids()));

create policy "Members see replies in sequences and on candidates they see" on public.replies
  for select to authenticated
  using (organization_id = (select private.current_org_id())
         and (sequence_id in (select private.visible_sequence_ids())
              or (sequence_id is null and private.can_view_candidate(candidate_id))));

create policy "Admins see unmatched replies of their organisation" on public.unmatched_replies
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'admin');

create policy "Members see the subscriptions of candidates they see" on public.subscriptions
  for select to authenticated
  using (organization_id = (select private.current_org_id()) and private.can_view_candidate(candidate_id));
create policy "Elevated members record a candidate's subscriptions" on public.subscriptions
  for insert to authenticated
  with check (organization_id = (select private.current_org_id())
              and (select private.current_access_level()) >= 'elevated'
              and updated_by = (select auth.uid()));
create policy "Elevated members change a candidate's subscriptions" on public.subscriptions
  for update to authenticated
  using (organization_id = (select private.current_org_id()) and (select private.current_access_level()) >= 'elevated')
  with check (organization_id = (select private.current_org_id()) and updated_by = (select auth.uid()));

create policy "Members see activities of candidates and sequences they see" on public.activities
  for select to authenticated
  using (organization_id = (select private.current_org_id())
         and private.can_view_candidate(candidate_id)
         and (sequence_id is null or sequence_id in (select private.visible_sequence_ids())));
create policy "Members log activities on candidates they see as themselves" on public.activities
  for insert to authenticated
  with check (organization_id = (select private.current_org_id())
              and actor_id = (select auth.uid())
              and private.can_view_candidate(candidate_id)
              and (sequence_id is null or sequence_id in (select private.visible_sequence_ids())));

create policy "Assignees and viewers of the sequence see tasks" on public.tasks
  for select to authenticated
  using (organization_id = (select private.current_org_id())
         and (assignee_id = (select auth.uid()) or sequence_id in (select private.visible_sequence_ids())));
create policy "Assignees complete their tasks" on public.tasks
  for update to authenticated
  using (organization_id = (select private.current_org_id()) and assignee_id = (select auth.uid()))
  with check (organization_id = (select private.current_org_id()) and assignee_id = (select auth.uid()));
revoke insert, update, delete on public.tasks from authenticated, anon;
grant update (status, completed_at) on public.tasks to authenticated;

-- webhook_receipts: RLS on and no policy: only the service role (which bypasses RLS) uses it.
revoke all on public.webhook_receipts from anon, authenticated;
