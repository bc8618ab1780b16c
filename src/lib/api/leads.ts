// Typed data access for one lead at a time, as the browser extension needs it (SPEC S12): find
// the candidate a LinkedIn profile belongs to, add or update them, and their individual draft
// enrolment (create, read its stages, edit them). Row-level security decides what is visible;
// enrolment rules are the database's (enroll_candidate, start_enrollments, update_enrollment_draft).
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database, Json } from '$lib/database.types';
import { profileUrlVariants } from '$lib/candidate-fields';
import type { EnrolOutcome, EnrollmentStatus } from '$lib/api/enrollments';
import type { StageRow } from '$lib/api/sequences';

type Tables = Database['public']['Tables'];
export type AccessLevel = Database['public']['Enums']['access_level'];

export interface LeadEnrollment {
  id: string;
  status: EnrollmentStatus;
  sequenceId: string;
  sequenceTitle: string;
  toEmail: string | null;
  /** Part of an enrolment batch (made in the app), or individual (made here). */
  individual: boolean;
}

export interface Lead {
  id: string;
  firstName: string;
  lastName: string;
  headline: string | null;
  title: string | null;
  company: string | null;
  location: string | null;
  linkedinUrl: string | null;
  email: string | null;
  alternateEmails: string[];
  reasonForOutreach: string | null;
  customFields: Record<string, string | number | boolean | null>;
  /** How the lead was found: by its LinkedIn profile URL, or by an email address. */
  matchedBy: 'profile' | 'email';
  subscription: { currentOutreach: boolean; suppressedReason: string | null } | null;
  /** Running, paused and draft enrolments the user can see, newest first. */
  enrollments: LeadEnrollment[];
}

type Sub = { current_outreach: boolean; suppressed_reason: string | null };
type CandidateRow = Tables['candidates']['Row'] & {
  subscriptions: Sub | Sub[] | null;
  enrollments: Array<{
    id: string;
    status: EnrollmentStatus;
    sequence_id: string;
    to_email: string | null;
    batch_id: string | null;
    created_at: string;
    sequence: { title: string } | null;
  }>;
};

const LEAD_COLUMNS =
  '*, subscriptions!subscriptions_candidate_id_organization_id_fkey(current_outreach, suppressed_reason), enrollments!enrollments_candidate_id_organization_id_fkey(id, status, sequence_id, to_email, batch_id, created_at, sequence:sequences!enrollments_sequence_id_organization_id_fkey(title))';

function toLead(r: CandidateRow, matchedBy: Lead['matchedBy']): Lead {
  const custom =
    r.custom_fields && typeof r.custom_fields === 'object' && !Array.isArray(r.custom_fields) ? r.custom_fields : {};
  const sub = Array.isArray(r.subscriptions) ? (r.subscriptions[0] ?? null) : r.subscriptions;
  return {
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    headline: r.headline,
    title: r.title,
    company: r.company,
    location: r.location,
    linkedinUrl: r.linkedin_url,
    email: r.email,
    alternateEmails: r.alternate_emails,
    reasonForOutreach: r.reason_for_outreach,
    customFields: custom as Lead['customFields'],
    matchedBy,
    subscription: sub ? { currentOutreach: sub.current_outreach, suppressedReason: sub.suppressed_reason } : null,
    enrollments: r.enrollments
      .filter((e) => e.status === 'draft' || e.status === 'running' || e.status === 'paused')
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .map((e) => ({
        id: e.id,
        status: e.status,
        sequenceId: e.sequence_id,
        sequenceTitle: e.sequence?.title ?? 'A sequence',
        toEmail: e.to_email,
        individual: e.batch_id === null,
      })),
  };
}

const escapeLike = (s: string) => s.replace(/[%_\\]/g, (c) => '\\' + c);

/**
 * The candidate a profile belongs to: matched by the LinkedIn profile URL first, then by an
 * email address (the main one or an alternate), or null.
 */
export async function findLead(profileUrl: string | null, email: string | null): Promise<Result<Lead | null>> {
  if (profileUrl) {
    const { data, error } = await supabase
      .from('candidates')
      .select(LEAD_COLUMNS)
      .in('linkedin_url', profileUrlVariants(profileUrl))
      .order('created_at')
      .limit(1)
      .overrideTypes<CandidateRow[], { merge: false }>();
    if (error) return fail(error, 'Could not look the candidate up.');
    if (data[0]) return ok(toLead(data[0], 'profile'));
  }
  const address = email?.trim();
  if (address) {
    const { data, error } = await supabase
      .from('candidates')
      .select(LEAD_COLUMNS)
      .or(`email.ilike.${escapeLike(address)},alternate_emails.cs.{${JSON.stringify(address)}}`)
      .order('created_at')
      .limit(1)
      .overrideTypes<CandidateRow[], { merge: false }>();
    if (error) return fail(error, 'Could not look the candidate up.');
    if (data[0]) return ok(toLead(data[0], 'email'));
  }
  return ok(null);
}

export interface LeadInput {
  firstName: string;
  lastName: string;
  headline: string;
  title: string;
  company: string;
  location: string;
  linkedinUrl: string;
  reasonForOutreach: string;
  customFields: Record<string, string | number | boolean | null>;
  /** Added to the candidate's addresses when it is not one of them (main address if they have none). */
  email: string;
}

const blank = (s: string) => (s.trim() === '' ? null : s.trim());

function readable(error: { code?: string; message?: string }, fallback: string) {
  if (error.code === '42501')
    return {
      ok: false as const,
      error: 'Your access level does not allow adding or changing candidates.',
      code: error.code,
    };
  if (error.code === '23514')
    return { ok: false as const, error: 'A field is too long or not valid.', code: error.code };
  return fail(error, fallback);
}

/** Adds the lead (organisationId given) or updates an existing one; returns the candidate's id. */
export async function saveLead(
  existing: Lead | null,
  organizationId: string,
  input: LeadInput,
): Promise<Result<string>> {
  const email = input.email.trim();
  const known = existing
    ? [existing.email ?? '', ...existing.alternateEmails].some((a) => a.toLowerCase() === email.toLowerCase())
    : false;
  const row = {
    first_name: input.firstName.trim(),
    last_name: input.lastName.trim(),
    headline: blank(input.headline),
    title: blank(input.title),
    company: blank(input.company),
    location: blank(input.location),
    linkedin_url: blank(input.linkedinUrl),
    reason_for_outreach: blank(input.reasonForOutreach),
    custom_fields: { ...(existing?.customFields ?? {}), ...input.customFields } as Json,
  };
  if (!existing) {
    const { data, error } = await supabase
      .from('candidates')
      .insert({ ...row, organization_id: organizationId, email: email || null })
      .select('id')
      .single();
    return error ? readable(error, 'Could not add the candidate.') : ok(data.id);
  }
  const emails: Partial<Tables['candidates']['Update']> = {};
  if (email && !known) {
    if (!existing.email) emails.email = email;
    else emails.alternate_emails = [...existing.alternateEmails, email];
  }
  const { error } = await supabase
    .from('candidates')
    .update({ ...row, ...emails })
    .eq('id', existing.id);
  return error ? readable(error, 'Could not update the candidate.') : ok(existing.id);
}

/** Creates an individual draft (never part of a batch) of the sequence for the candidate. */
export async function createIndividualDraft(
  sequenceId: string,
  candidateId: string,
  toEmail: string,
): Promise<Result<EnrolOutcome>> {
  const { data, error } = await supabase.rpc('enroll_candidate', {
    sequence_id: sequenceId,
    candidate_id: candidateId,
    to_email: toEmail,
  });
  if (error) return fail(error, 'Could not create the draft.');
  const r = data[0];
  if (!r) return { ok: false, error: 'Could not create the draft.' };
  return ok({
    candidateId: r.candidate_id,
    enrollmentId: r.enrollment_id,
    ok: r.ok,
    reason: r.reason,
    detail: r.detail,
  });
}

export interface DraftStage {
  position: number;
  type: StageRow['type'];
  subject: string;
  body: unknown;
  delayDays: number;
  delayHours: number;
  scheduledAt: string | null;
  sendWindow: StageRow['sendWindow'];
  sender: StageRow['sender'];
}

export interface Draft {
  id: string;
  status: EnrollmentStatus;
  toEmail: string | null;
  sequenceId: string;
  stages: DraftStage[];
}

/** One enrolment with its stages and each stage's sender, or null when not visible. */
export async function getDraft(enrollmentId: string): Promise<Result<Draft | null>> {
  const { data, error } = await supabase
    .from('enrollments')
    .select(
      'id, status, to_email, sequence_id, enrollment_stages(position, type, subject, body, delay_days, delay_hours, scheduled_at, send_window, sender_user_id)',
    )
    .eq('id', enrollmentId)
    .order('position', { referencedTable: 'enrollment_stages' })
    .maybeSingle();
  if (error) return fail(error, 'Could not load the draft.');
  if (!data) return ok(null);
  const ids = [...new Set(data.enrollment_stages.map((s) => s.sender_user_id).filter((v): v is string => !!v))];
  const senders = new Map<string, NonNullable<StageRow['sender']>>();
  if (ids.length) {
    const { data: people, error: e2 } = await supabase
      .from('members')
      .select('user_id, display_name, sender_name, sender_email, sender_title, signature')
      .in('user_id', ids);
    if (e2) return fail(e2, 'Could not load the senders.');
    for (const p of people)
      senders.set(p.user_id, {
        userId: p.user_id,
        name: p.sender_name || p.display_name,
        email: p.sender_email,
        title: p.sender_title,
        signature: p.signature,
      });
  }
  return ok({
    id: data.id,
    status: data.status,
    toEmail: data.to_email,
    sequenceId: data.sequence_id,
    stages: data.enrollment_stages.map((s) => ({
      position: s.position,
      type: s.type,
      subject: s.subject,
      body: s.body,
      delayDays: s.delay_days,
      delayHours: s.delay_hours,
      scheduledAt: s.scheduled_at,
      sendWindow: s.send_window as StageRow['sendWindow'],
      sender: s.sender_user_id ? (senders.get(s.sender_user_id) ?? null) : null,
    })),
  });
}

export interface StageEdit {
  position: number;
  subject?: string;
  body?: unknown;
  delayDays?: number;
  delayHours?: number;
}

/** Saves edits of a draft's stages (all or nothing); the database re-checks permissions. */
export async function updateDraft(enrollmentId: string, edits: StageEdit[]): Promise<Result<null>> {
  const stages = edits.map((e) => ({
    position: e.position,
    ...(e.subject !== undefined ? { subject: e.subject } : {}),
    ...(e.body !== undefined ? { body: e.body } : {}),
    ...(e.delayDays !== undefined ? { delay_days: e.delayDays } : {}),
    ...(e.delayHours !== undefined ? { delay_hours: e.delayHours } : {}),
  }));
  const { data, error } = await supabase.rpc('update_enrollment_draft', {
    enrollment_id: enrollmentId,
    stages: stages as Json,
  });
  if (error) return fail(error, 'Could not save the draft.');
  const r = data[0];
  if (r && !r.ok)
    return { ok: false, error: r.detail || r.reason || 'Could not save the draft.', code: r.reason ?? undefined };
  return ok(null);
}

/** The signed-in user's membership: organisation and access level (null when not a member). */
export async function myMembership(
  userId: string,
): Promise<Result<{ organizationId: string; accessLevel: AccessLevel; active: boolean; name: string } | null>> {
  const { data, error } = await supabase
    .from('members')
    .select('organization_id, access_level, deactivated_at, display_name')
    .eq('user_id', userId)
    .maybeSingle();
  if (error) return fail(error, 'Could not load your membership.');
  return ok(
    data
      ? {
          organizationId: data.organization_id,
          accessLevel: data.access_level,
          active: data.deactivated_at === null,
          name: data.display_name,
        }
      : null,
  );
}
