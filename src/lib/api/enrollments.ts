// Typed data access for enrolments: enrolling candidates, the lifecycle actions (start, pause,
// resume, cancel) and the live list of a sequence's enrolments. Every action goes through an
// RPC that checks permissions in the database and answers per enrolment with a reason.
import type { RealtimeChannel } from '@supabase/supabase-js';
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';
import type { Database, Json } from '$lib/database.types';
import type { SendWindow } from '$shared/email/index.ts';
import { MAX_ENROLMENT, REASON_TEXT, TOO_MANY_TEXT, reasonText } from '$lib/enrolment-refusals';

export type EnrollmentStatus = Database['public']['Enums']['enrollment_status'];
export type ResponseStatus = Database['public']['Enums']['response_status'];
export type StageStatus = Database['public']['Enums']['enrollment_stage_status'];

export { MAX_ENROLMENT, REASON_TEXT, TOO_MANY_TEXT, reasonText };

export interface EnrolOutcome {
  candidateId: string;
  enrollmentId: string | null;
  ok: boolean;
  reason: string | null;
  detail: string | null;
}

export interface ActionOutcome {
  enrollmentId: string;
  ok: boolean;
  reason: string | null;
  detail: string | null;
}

/**
 * Creates drafts (or running enrolments when `start`) for up to 500 candidates in one batch.
 * `batchId` joins the batch an earlier call of the same enrolment made (the Enroll dialog creates
 * 500 drafts 50 at a time, as one batch).
 */
export async function enrollCandidates(
  sequenceId: string,
  candidateIds: string[],
  opts: { start: boolean; includeUnsubscribeLink: boolean | null; batchId?: string | null },
): Promise<Result<EnrolOutcome[]>> {
  if (candidateIds.length === 0) return { ok: false, error: 'Choose at least one candidate.' };
  if (candidateIds.length > MAX_ENROLMENT) {
    return { ok: false, error: TOO_MANY_TEXT };
  }
  const { data, error } = await supabase.rpc('enroll_candidates', {
    sequence_id: sequenceId,
    candidate_ids: candidateIds,
    start: opts.start,
    include_unsubscribe_link: opts.includeUnsubscribeLink ?? undefined,
    batch_id: opts.batchId ?? undefined,
  });
  if (error) return fail(error, 'Could not enrol the candidates.');
  return ok(
    data.map((r) => ({
      candidateId: r.candidate_id,
      enrollmentId: r.enrollment_id,
      ok: r.ok,
      reason: r.reason,
      detail: r.detail,
    })),
  );
}

/** The batch an enrolment belongs to (null for individual enrolments). */
export async function batchOf(enrollmentId: string): Promise<Result<string | null>> {
  const { data, error } = await supabase.from('enrollments').select('batch_id').eq('id', enrollmentId).maybeSingle();
  if (error) return fail(error, 'Could not read the enrolment batch.');
  return ok(data?.batch_id ?? null);
}

/** A draft enrolment not started yet, as the Enroll dialog lists it for a chosen candidate. */
export interface ExistingDraft {
  enrollmentId: string;
  candidateId: string;
  sequenceId: string;
  sequenceTitle: string;
}

/** Draft enrolments of these candidates in sequences the user sees (asked 100 ids at a time). */
export async function listDraftsOf(candidateIds: string[]): Promise<Result<ExistingDraft[]>> {
  const out: ExistingDraft[] = [];
  for (let i = 0; i < candidateIds.length; i += 100) {
    const { data, error } = await supabase
      .from('enrollments')
      .select('id, candidate_id, sequence_id, sequence:sequences(title)')
      .eq('status', 'draft')
      .in('candidate_id', candidateIds.slice(i, i + 100))
      .order('created_at')
      .overrideTypes<
        Array<{ id: string; candidate_id: string; sequence_id: string; sequence: { title: string } | null }>,
        { merge: false }
      >();
    if (error) return fail(error, 'Could not load the candidates’ drafts.');
    for (const r of data) {
      out.push({
        enrollmentId: r.id,
        candidateId: r.candidate_id,
        sequenceId: r.sequence_id,
        sequenceTitle: r.sequence?.title ?? 'a sequence',
      });
    }
  }
  return ok(out);
}

/** "Send to": which of the candidate's own addresses a draft sends to. */
export async function setEnrollmentAddress(enrollmentId: string, toEmail: string): Promise<Result<null>> {
  const { data, error } = await supabase.rpc('set_enrollment_address', {
    enrollment_id: enrollmentId,
    to_email: toEmail,
  });
  if (error) return fail(error, 'Could not change the address.');
  const row = data[0];
  if (!row?.ok) return fail(reasonText(row?.reason ?? null, row?.detail ?? null));
  return ok(null);
}

type LifecycleRpc = 'start_enrollments' | 'pause_enrollments' | 'resume_enrollments' | 'cancel_enrollments';

async function lifecycle(fn: LifecycleRpc, ids: string[], what: string): Promise<Result<ActionOutcome[]>> {
  if (ids.length === 0) return { ok: false, error: 'Select at least one enrolment.' };
  const { data, error } = await supabase.rpc(fn, { enrollment_ids: ids });
  if (error) return fail(error, `Could not ${what}.`);
  return ok(data.map((r) => ({ enrollmentId: r.enrollment_id, ok: r.ok, reason: r.reason, detail: r.detail })));
}

export const startEnrollments = (ids: string[]) => lifecycle('start_enrollments', ids, 'start the sequences');
export const pauseEnrollments = (ids: string[]) => lifecycle('pause_enrollments', ids, 'pause the sequences');
export const resumeEnrollments = (ids: string[]) => lifecycle('resume_enrollments', ids, 'resume the sequences');
export const cancelEnrollments = (ids: string[]) => lifecycle('cancel_enrollments', ids, 'cancel the sequences');

/** Where an enrolment shows in the pipeline (computed in SQL: private.pipeline_state). */
export type PipelineState = 'draft' | 'in_progress' | 'completed' | 'replied' | 'stopped';

export interface BoardStage {
  position: number;
  type: Database['public']['Enums']['stage_type'];
  status: StageStatus;
  scheduledAt: string | null;
  sentAt: string | null;
  sendWindow: SendWindow | null;
  deferredReason: string | null;
}

export interface EnrollmentRow {
  id: string;
  batchId: string | null;
  status: EnrollmentStatus;
  responseStatus: ResponseStatus;
  pipeline: PipelineState;
  /** Interested and not archived on the sequence's linked job. */
  interested: boolean;
  /** Added to a job and past its sourcing stages. */
  converted: boolean;
  endReason: string | null;
  hiddenReplyReason: string | null;
  /** Who set the response: `user`, or the classifier that did (with its confidence, 0–1). */
  responseProvider: string | null;
  responseConfidence: number | null;
  startedAt: string | null;
  /** The board's order: newest first (then by id). */
  createdAt: string;
  candidate: { id: string; name: string; email: string | null };
  stages: BoardStage[];
}

type BoardRowsFn = Database['public']['Functions']['sequence_board_rows'];
/** A row of sequence_board_rows, with its `stages` JSON typed. */
type BoardRow = Omit<BoardRowsFn['Returns'][number], 'stages' | 'pipeline'> & {
  pipeline: PipelineState;
  stages: Array<{
    position: number;
    type: BoardStage['type'];
    status: StageStatus;
    scheduled_at: string | null;
    sent_at: string | null;
    send_window: SendWindow | null;
    deferred_reason: string | null;
  }>;
};

/** Rows per request of sequence_board_rows: hosted Supabase (PostgREST's max-rows) answers at most 1,000. */
export const BOARD_PAGE = 1000;

/** A board row without its candidate: what a live message carries (20261201100000). */
export type EnrollmentState = Omit<EnrollmentRow, 'candidate'>;
type BoardRowState = Omit<BoardRow, 'candidate_id' | 'candidate_name' | 'candidate_email'>;

function boardRow(r: BoardRow): EnrollmentRow {
  return {
    ...boardRowState(r),
    candidate: {
      id: r.candidate_id ?? '',
      name: r.candidate_name || 'Unknown candidate',
      email: r.candidate_email,
    },
  };
}

function boardRowState(r: BoardRowState): EnrollmentState {
  return {
    id: r.id,
    batchId: r.batch_id,
    status: r.status,
    responseStatus: r.response_status,
    pipeline: r.pipeline,
    interested: r.interested,
    converted: r.converted,
    endReason: r.end_reason,
    hiddenReplyReason: r.hidden_reply_reason,
    responseProvider: r.response_provider,
    responseConfidence: r.response_confidence,
    startedAt: r.started_at,
    createdAt: r.created_at,
    stages: r.stages.map((s) => ({
      position: s.position,
      type: s.type,
      status: s.status,
      scheduledAt: s.scheduled_at,
      sentAt: s.sent_at,
      sendWindow: s.send_window,
      deferredReason: s.deferred_reason,
    })),
  };
}

function boardRows(args: BoardRowsFn['Args']) {
  return supabase.rpc('sequence_board_rows', args).overrideTypes<BoardRow[], { merge: false }>();
}

/**
 * One slice of a sequence's enrolments, newest first (RLS decides which the user sees): `limit`
 * (at most 1,000) rows from `offset`. The board asks for a small first slice so rows paint at
 * once, then for the rest with {@link listEnrollmentsFrom}.
 */
export async function listEnrollmentPage(
  sequenceId: string,
  offset: number,
  limit: number,
): Promise<Result<EnrollmentRow[]>> {
  const { data, error } = await boardRows({ sequence_id: sequenceId, row_offset: offset, row_limit: limit });
  if (error) return fail(error, 'Could not load the enrolments.');
  return ok(data.map(boardRow));
}

/**
 * Every enrolment from `offset` on. With `expected` (how many there are in all, from the
 * metrics) the pages are fetched in parallel; pages keep coming while the last one is full, so
 * enrolments added meanwhile are not cut off.
 */
export async function listEnrollmentsFrom(
  sequenceId: string,
  offset: number,
  expected: number | null,
): Promise<Result<EnrollmentRow[]>> {
  const n = expected === null ? 1 : Math.max(1, Math.ceil((expected - offset) / BOARD_PAGE));
  const pages = await Promise.all(
    Array.from({ length: n }, (_, i) => listEnrollmentPage(sequenceId, offset + i * BOARD_PAGE, BOARD_PAGE)),
  );
  const out: EnrollmentRow[] = [];
  for (const p of pages) {
    if (!p.ok) return p;
    out.push(...p.data);
  }
  let last = pages.at(-1);
  let at = offset + n * BOARD_PAGE;
  while (last?.ok && last.data.length === BOARD_PAGE) {
    last = await listEnrollmentPage(sequenceId, at, BOARD_PAGE);
    if (!last.ok) return last;
    out.push(...last.data);
    at += BOARD_PAGE;
  }
  return ok(out);
}

/**
 * Just the enrolments `ids` of a sequence, as the board shows them (at most 1,000). Ids left out
 * of the answer are no longer on the board for this user (not of this sequence, or not visible).
 */
export async function listEnrollmentsById(
  sequenceId: string,
  ids: readonly string[],
): Promise<Result<EnrollmentRow[]>> {
  if (ids.length === 0) return ok([]);
  const { data, error } = await boardRows({ sequence_id: sequenceId, enrollment_ids: [...ids] });
  if (error) return fail(error, 'Could not load the changed enrolments.');
  return ok(data.map(boardRow));
}

export type SettableResponse = 'replied' | 'interested' | 'not_interested';

/** "Set response": a user's override of a replied candidate's status (always wins over the classifier). */
export async function setResponseStatus(
  enrollmentId: string,
  status: SettableResponse,
  reason?: string,
): Promise<Result<null>> {
  const { error } = await supabase.rpc('set_response_status', {
    enrollment_id: enrollmentId,
    status,
    reason: reason?.trim() || undefined,
  });
  return error ? fail(error, 'Could not set the response.') : ok(null);
}

/** broadcast_board_changes names at most 100 enrolments per message; a full list may mean more. */
const MESSAGE_IDS = 100;

/**
 * What a board message says changed: the enrolments' ids and, when the message carries them
 * (at most 20 enrolments, 20261201100000), their rows' new state, in commit order.
 */
export interface BoardChange {
  ids: string[];
  rows: EnrollmentState[] | null;
}

function isRowState(r: unknown): r is BoardRowState {
  const x = r as Partial<BoardRowState> | null;
  return (
    typeof x?.id === 'string' &&
    typeof x.status === 'string' &&
    typeof x.pipeline === 'string' &&
    typeof x.created_at === 'string' &&
    Array.isArray(x.stages)
  );
}

/** What a board message names, or null when it may stand for more. */
export function boardChange(payload: unknown): BoardChange | null {
  const p = payload as { enrollment_ids?: unknown; rows?: unknown } | null;
  const ids = p?.enrollment_ids;
  if (!Array.isArray(ids) || ids.length >= MESSAGE_IDS) return null;
  const rows = Array.isArray(p?.rows) && p.rows.every(isRowState) ? p.rows.map(boardRowState) : null;
  return { ids: ids.filter((x): x is string => typeof x === 'string'), rows };
}

/**
 * Calls `onChange` whenever an enrolment of the sequence, one of its stages, an open, a click
 * or a reply changes, for everyone watching (SPEC S8), with the ids of the enrolments concerned
 * (and their new rows when the message carries them), or `null` when everything may have changed (the channel reconnected, or a statement touched
 * more enrolments than a message names). Database broadcast on the private channel
 * `board:<sequence id>:<channel key>`, authorised once at join by RLS
 * (20261129150100_live_boards_broadcast.sql, keyed by 20261129190200; chosen over
 * postgres_changes by bench/live-boards.js). When the key rotates (someone may have lost access)
 * the database sends `access-changed` to the old topic: the watcher re-reads the key through RLS
 * and follows, or stops when the sequence is no longer visible. `onStatus` hears whether the
 * channel is connected, so the board can say when it is not live. Returns a function that
 * unsubscribes.
 */
export function watchEnrollments(
  sequenceId: string,
  onChange: (change: BoardChange | null) => void,
  onStatus: (live: boolean) => void = () => {},
): () => void {
  let channel: RealtimeChannel | null = null;
  let stopped = false;
  const join = async () => {
    const { data } = await supabase.from('sequences').select('channel_key').eq('id', sequenceId).maybeSingle();
    if (stopped) return;
    if (!data) {
      // Not visible (any more): nothing to watch; the board's own reload says so.
      onStatus(false);
      onChange(null);
      return;
    }
    channel = supabase
      .channel(`board:${sequenceId}:${data.channel_key}`, { config: { private: true } })
      .on('broadcast', { event: 'change' }, (m) => onChange(boardChange(m.payload)))
      .on('broadcast', { event: 'access-changed' }, () => void rejoin())
      .subscribe((status) => {
        onStatus(status === 'SUBSCRIBED');
        // Changes made while the channel was down were not heard: catch up once it is back.
        if (status === 'SUBSCRIBED') onChange(null);
      });
  };
  const rejoin = async () => {
    const old = channel;
    channel = null;
    if (old) await supabase.removeChannel(old);
    await join();
  };
  void join();
  return () => {
    stopped = true;
    if (channel) void supabase.removeChannel(channel);
  };
}

/** One stage's change in an edit of live enrolments; fields left out keep their value. */
export interface StageEdit {
  position: number;
  subject?: string;
  body?: unknown;
  delay_days?: number;
  delay_hours?: number;
}

function outcomes(data: Array<{ enrollment_id: string; ok: boolean; reason: string | null; detail: string | null }>) {
  return data.map((r) => ({ enrollmentId: r.enrollment_id, ok: r.ok, reason: r.reason, detail: r.detail }));
}

/** Edits the unsent stages of one enrolment, all or nothing (sent stages are never changed). */
export async function editEnrollment(id: string, edits: StageEdit[]): Promise<Result<ActionOutcome[]>> {
  if (edits.length === 0) return { ok: false, error: 'Nothing was changed.' };
  const { data, error } = await supabase.rpc('update_enrollment_draft', {
    enrollment_id: id,
    stages: edits as unknown as Json,
  });
  if (error) return fail(error, 'Could not edit the sequence.');
  return ok(outcomes(data));
}

/**
 * Bulk edit (S5): the database applies the edits to the largest same-batch group of `ids` and
 * answers the others `not_in_batch`; each enrolment of the group succeeds or fails on its own.
 */
export async function editBatch(ids: string[], edits: StageEdit[]): Promise<Result<ActionOutcome[]>> {
  if (ids.length === 0) return { ok: false, error: 'Select at least one enrolment.' };
  if (edits.length === 0) return { ok: false, error: 'Nothing was changed.' };
  const { data, error } = await supabase.rpc('apply_edits_to_batch', {
    enrollment_ids: ids,
    edits: edits as unknown as Json,
  });
  if (error) return fail(error, 'Could not edit the sequences.');
  return ok(outcomes(data));
}

/** The other enrolments made in the same batch, still running or paused (offered "apply to the rest"). */
export async function batchSiblings(enrollmentId: string, batchId: string): Promise<Result<string[]>> {
  const { data, error } = await supabase
    .from('enrollments')
    .select('id')
    .eq('batch_id', batchId)
    .neq('id', enrollmentId)
    .in('status', ['running', 'paused', 'draft']);
  if (error) return fail(error, 'Could not find the rest of the batch.');
  return ok(data.map((r) => r.id));
}

export interface DetailStage {
  id: string;
  position: number;
  type: BoardStage['type'];
  status: StageStatus;
  scheduledAt: string | null;
  sentAt: string | null;
  subject: string;
  body: unknown;
  delayDays: number;
  delayHours: number;
  sendWindow: SendWindow | null;
  endReason: string | null;
  deferredReason: string | null;
  senderTimeZone: string | null;
  opens: { human: number; machine: number; last: string | null };
  clicks: Array<{ url: string; at: string; machine: boolean }>;
}

export interface DetailReply {
  id: string;
  stagePosition: number | null;
  subject: string;
  /** The reply without the quoted thread (what the candidate wrote). */
  text: string;
  /** The whole text, quoted thread included. */
  fullText: string;
  receivedAt: string;
  classification: string | null;
  provider: string | null;
  confidence: number | null;
  reason: string | null;
}

export interface EnrollmentDetail {
  id: string;
  batchId: string | null;
  status: EnrollmentStatus;
  responseStatus: ResponseStatus;
  responseReason: string | null;
  responseProvider: string | null;
  responseConfidence: number | null;
  responseSetBy: string | null;
  responseSetAt: string | null;
  pauseReason: string | null;
  resumeAt: string | null;
  candidate: { id: string; name: string; email: string | null; timeZone: string | null };
  organizationTimeZone: string;
  stages: DetailStage[];
  replies: DetailReply[];
}

/** Everything the recipient detail shows for one enrolment: stages, opens, clicks, replies, classification. */
export async function getEnrollmentDetail(id: string): Promise<Result<EnrollmentDetail | null>> {
  const [e, st, ev, rp] = await Promise.all([
    supabase
      .from('enrollments')
      .select(
        'id, batch_id, status, response_status, response_reason, response_provider, response_confidence, response_set_by, response_set_at, pause_reason, resume_at, organization_id, candidate:candidates!enrollments_candidate_id_organization_id_fkey(id, first_name, last_name, email, time_zone)',
      )
      .eq('id', id)
      .maybeSingle(),
    supabase
      .from('enrollment_stages')
      .select(
        'id, position, type, status, scheduled_at, sent_at, subject, body, delay_days, delay_hours, send_window, end_reason, deferred_reason, sender_user_id',
      )
      .eq('enrollment_id', id)
      .order('position'),
    supabase
      .from('email_events')
      .select('enrollment_stage_id, kind, is_machine, url, occurred_at')
      .eq('enrollment_id', id)
      .in('kind', ['opened', 'clicked'])
      .order('occurred_at'),
    supabase
      .from('replies')
      .select(
        'id, enrollment_stage_id, subject, body_text, body_display, received_at, classification, classification_provider, classification_confidence, classification_reason',
      )
      .eq('enrollment_id', id)
      .order('received_at'),
  ]);
  const err = e.error ?? st.error ?? ev.error ?? rp.error;
  if (err) return fail(err, 'Could not load the recipient detail.');
  if (!e.data) return ok(null);
  const row = e.data as unknown as {
    id: string;
    batch_id: string | null;
    status: EnrollmentStatus;
    response_status: ResponseStatus;
    response_reason: string | null;
    response_provider: string | null;
    response_confidence: number | null;
    response_set_at: string | null;
    pause_reason: string | null;
    resume_at: string | null;
    response_set_by: string | null;
    organization_id: string;
    candidate: {
      id: string;
      first_name: string;
      last_name: string;
      email: string | null;
      time_zone: string | null;
    } | null;
  };
  const stageRows = (st.data ?? []) as unknown as Array<{
    id: string;
    position: number;
    type: BoardStage['type'];
    status: StageStatus;
    scheduled_at: string | null;
    sent_at: string | null;
    subject: string;
    body: unknown;
    delay_days: number;
    delay_hours: number;
    send_window: SendWindow | null;
    end_reason: string | null;
    deferred_reason: string | null;
    sender_user_id: string | null;
  }>;
  const people = [...new Set([row.response_set_by, ...stageRows.map((s) => s.sender_user_id)].filter((x) => !!x))];
  const [mem, org] = await Promise.all([
    people.length
      ? supabase
          .from('members')
          .select('user_id, display_name, time_zone')
          .in('user_id', people as string[])
      : Promise.resolve({ data: [], error: null }),
    supabase.from('organizations').select('time_zone').eq('id', row.organization_id).maybeSingle(),
  ]);
  if (mem.error ?? org.error) return fail(mem.error ?? org.error, 'Could not load the recipient detail.');
  const member = new Map((mem.data ?? []).map((m) => [m.user_id, m]));
  const events = ev.data ?? [];
  const positionOf = new Map(stageRows.map((s) => [s.id, s.position]));
  return ok({
    id: row.id,
    batchId: row.batch_id,
    status: row.status,
    responseStatus: row.response_status,
    responseReason: row.response_reason,
    responseProvider: row.response_provider,
    responseConfidence: row.response_confidence,
    responseSetBy: row.response_set_by ? (member.get(row.response_set_by)?.display_name ?? 'a teammate') : null,
    responseSetAt: row.response_set_at,
    pauseReason: row.pause_reason,
    resumeAt: row.resume_at,
    candidate: {
      id: row.candidate?.id ?? '',
      name: row.candidate ? `${row.candidate.first_name} ${row.candidate.last_name}`.trim() : 'Unknown candidate',
      email: row.candidate?.email ?? null,
      timeZone: row.candidate?.time_zone ?? null,
    },
    organizationTimeZone: org.data?.time_zone ?? 'UTC',
    stages: stageRows.map((s) => {
      const mine = events.filter((x) => x.enrollment_stage_id === s.id);
      const opens = mine.filter((x) => x.kind === 'opened');
      return {
        id: s.id,
        position: s.position,
        type: s.type,
        status: s.status,
        scheduledAt: s.scheduled_at,
        sentAt: s.sent_at,
        subject: s.subject,
        body: s.body,
        delayDays: s.delay_days,
        delayHours: s.delay_hours,
        sendWindow: s.send_window,
        endReason: s.end_reason,
        deferredReason: s.deferred_reason,
        senderTimeZone: s.sender_user_id ? (member.get(s.sender_user_id)?.time_zone ?? null) : null,
        opens: {
          human: opens.filter((x) => !x.is_machine).length,
          machine: opens.filter((x) => x.is_machine).length,
          last: opens.filter((x) => !x.is_machine).at(-1)?.occurred_at ?? null,
        },
        clicks: mine
          .filter((x) => x.kind === 'clicked')
          .map((x) => ({ url: x.url ?? '', at: x.occurred_at, machine: x.is_machine })),
      };
    }),
    replies: (rp.data ?? []).map((r) => ({
      id: r.id,
      stagePosition: r.enrollment_stage_id ? (positionOf.get(r.enrollment_stage_id) ?? null) : null,
      subject: r.subject,
      text: r.body_display ?? r.body_text,
      fullText: r.body_text,
      receivedAt: r.received_at,
      classification: r.classification,
      provider: r.classification_provider,
      confidence: r.classification_confidence,
      reason: r.classification_reason,
    })),
  });
}
