// LinkedIn prompts (SPEC S4): when a LinkedIn stage comes due the sending engine opens a task
// for the prompted user; marking it sent or skipped lets the sequence continue.
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database } from '$lib/database.types';

type StageType = Database['public']['Enums']['stage_type'];

export interface OpenTask {
  id: string;
  dueAt: string;
  sequence: { id: string; title: string; jobTitle: string | null };
  stage: { type: StageType; subject: string; body: unknown };
  candidate: {
    firstName: string;
    lastName: string;
    company: string | null;
    title: string | null;
    location: string | null;
    linkedinUrl: string | null;
    reasonForOutreach: string | null;
    customFields: Record<string, string | number | boolean | null>;
  };
}

/** The signed-in user's open LinkedIn tasks, oldest due first. */
export async function listMyOpenTasks(userId: string): Promise<Result<OpenTask[]>> {
  const { data, error } = await supabase
    .from('tasks')
    .select(
      'id, due_at, sequence:sequences!tasks_sequence_id_fkey(id, title, job:jobs!sequences_job_id_organization_id_fkey(title)), stage:enrollment_stages!tasks_enrollment_stage_id_fkey(type, subject, body), candidate:candidates!tasks_candidate_id_organization_id_fkey(first_name, last_name, company, title, location, linkedin_url, reason_for_outreach, custom_fields)',
    )
    .eq('assignee_id', userId)
    .eq('status', 'open')
    .order('due_at')
    .limit(200);
  if (error) return fail(error, 'Could not load your tasks.');
  return ok(
    data
      .filter((r) => r.sequence && r.stage && r.candidate)
      .map((r) => ({
        id: r.id,
        dueAt: r.due_at,
        sequence: { id: r.sequence!.id, title: r.sequence!.title, jobTitle: r.sequence!.job?.title ?? null },
        stage: r.stage!,
        candidate: {
          firstName: r.candidate!.first_name,
          lastName: r.candidate!.last_name,
          company: r.candidate!.company,
          title: r.candidate!.title,
          location: r.candidate!.location,
          linkedinUrl: r.candidate!.linkedin_url,
          reasonForOutreach: r.candidate!.reason_for_outreach,
          // jsonb (generated as Json): an object of scalars, checked by private.custom_fields_valid.
          customFields: (r.candidate!.custom_fields ?? {}) as OpenTask['candidate']['customFields'],
        },
      })),
  );
}

/** Marks a task done (`sent`) or `skipped`; the sequence then continues. */
export async function completeTask(taskId: string, outcome: 'sent' | 'skipped'): Promise<Result<null>> {
  const { error } = await supabase.rpc('complete_task', { task_id: taskId, outcome });
  return error ? fail(error, 'Could not update the task.') : ok(null);
}

export interface SenderProfile {
  name: string;
  title: string | null;
  signature: string | null;
}

/** The signed-in user's sender identity, for personalising their LinkedIn messages. */
export async function mySenderProfile(userId: string): Promise<Result<SenderProfile | null>> {
  const { data, error } = await supabase
    .from('members')
    .select('display_name, sender_name, sender_title, signature')
    .eq('user_id', userId)
    .maybeSingle();
  if (error) return fail(error, 'Could not load your profile.');
  return ok(
    data ? { name: data.sender_name || data.display_name, title: data.sender_title, signature: data.signature } : null,
  );
}
