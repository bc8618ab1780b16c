-- Issue 11, "beyond this list": every column a user can PATCH that an RPC guards. A LinkedIn
-- task is completed through public.complete_task, which checks the assignee and that the task is
-- open and moves the enrolment stage on (task_done / skipped) so the sequence continues. A direct
-- PATCH of tasks {status} skipped all of that: a task could be reopened, or closed while its
-- stage stayed task_open and the sequence stalled. So signed-in users keep no write grant on
-- tasks and the update policy that went with it is gone.
revoke update (status, completed_at) on public.tasks from authenticated;
revoke insert, update, delete, truncate on public.tasks from authenticated, anon;
drop policy "Assignees complete their tasks" on public.tasks;
