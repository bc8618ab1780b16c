// Test data and delivery helpers for the inbound-*.test.ts suites (issue 7): an organisation
// with a user, a candidate, a sequence with an enrolment whose first stage was "sent" the way
// the sending engine records it (message_id, provider_message_id, reply_token), Resend webhook
// deliveries signed exactly as Svix signs them, and signed link tokens as the engine makes them.
// Rows are written as the database superuser: these suites test what happens AFTER sending.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Webhook } from 'svix';
import { appSecrets } from 'local-supabase';
import { stackEnv } from 'local-supabase/testing';
import { signLink, type LinkPayload } from '../../../supabase/functions/_shared/signed-links.ts';

export const API_URL = stackEnv.api;
export const DB_URL = stackEnv.dbUrl;
export const MAIL_URL = process.env.MAIL_URL ?? '';
export const WEBHOOK_URL = `${API_URL}/functions/v1/resend-webhook`;
/** This install's secrets (local-supabase appSecrets), as the stack under test uses them. */
const SECRETS = appSecrets();
export const LINK_SECRET = SECRETS.LINK_SIGNING_SECRET;
export const RESEND_WEBHOOK_SECRET = SECRETS.RESEND_WEBHOOK_SECRET;

export const db = new pg.Pool({ connectionString: DB_URL, max: 4 });
// Idle connections dropped by a database restart are replaced on the next query (see factories.ts).
db.on('error', () => {});

export async function q<T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}
export async function one<T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T> {
  const rows = await q<T>(sql, params);
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql}`);
  return rows[0] as T;
}

export interface OrgOptions {
  classification?: boolean;
  excludeHired?: boolean;
  excludeConfidential?: boolean;
  excludeInternal?: boolean;
}

export interface World {
  orgId: string;
  userId: string;
  userEmail: string;
  jobId: string;
  sequenceId: string;
  candidateId: string;
  candidateEmail: string;
  enrollmentId: string;
  replyToken: string;
  /** Stage 0: sent an hour ago. */
  stage0: { id: string; messageId: string; providerId: string };
  /** Stage 1: sent now (for "latest stage" matching). Null unless `twoSent`. */
  stage1: { id: string; messageId: string; providerId: string } | null;
  /** The last stage, still scheduled (a day after the first). */
  scheduledStageId: string;
}

export interface WorldOptions extends OrgOptions {
  hired?: boolean;
  internal?: boolean;
  confidentialJob?: boolean;
  preference?: 'on' | 'off' | 'organization_default';
  twoSent?: boolean;
  firstName?: string;
}

/** An organisation, an admin user, a job, a candidate and a running enrolment with sent stages. */
export async function makeWorld(opts: WorldOptions = {}): Promise<World> {
  const t = randomUUID().slice(0, 8);
  const org = await one<{ id: string }>(
    `insert into public.organizations (name, plan, time_zone, reply_classification_enabled,
       exclude_hired_candidate_emails, exclude_confidential_job_candidate_emails, exclude_internal_candidate_emails)
     values ($1, 'plus', 'Europe/Berlin', $2, $3, $4, $5) returning id`,
    [
      `Inbound Org ${t}`,
      opts.classification ?? false,
      opts.excludeHired ?? false,
      opts.excludeConfidential ?? false,
      opts.excludeInternal ?? false,
    ],
  );
  const userId = randomUUID();
  const userEmail = `initiator-${t}@example.test`;
  await q(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data,
       raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '', now(),
       '{"provider":"email","providers":["email"]}', '{}', now(), now())`,
    [userId, userEmail],
  );
  await q(
    `insert into public.members (user_id, organization_id, display_name, access_level, sender_name, sender_email,
       classification_preference)
     values ($1, $2, 'Ina Initiator', 'admin', 'Ina Initiator', $3, $4)`,
    [userId, org.id, userEmail, opts.preference ?? 'organization_default'],
  );
  const job = await one<{ id: string }>(
    `insert into public.jobs (organization_id, title, confidential) values ($1, 'Backend Engineer', $2) returning id`,
    [org.id, opts.confidentialJob ?? false],
  );
  const candidateEmail = `cand-${t}@candidate.test`;
  const cand = await one<{ id: string }>(
    `insert into public.candidates (organization_id, first_name, last_name, email, hired, internal, time_zone)
     values ($1, $2, 'Lovelace', $3, $4, $5, 'Europe/Berlin') returning id`,
    [org.id, opts.firstName ?? 'Ada', candidateEmail, opts.hired ?? false, opts.internal ?? false],
  );
  await q(`insert into public.considerations (organization_id, candidate_id, job_id) values ($1, $2, $3)`, [
    org.id,
    cand.id,
    job.id,
  ]);
  const seq = await one<{ id: string }>(
    `insert into public.sequences (organization_id, owner_id, title, job_id) values ($1, $2, $3, $4) returning id`,
    [org.id, userId, `Backend outreach ${t}`, job.id],
  );
  for (const [pos, days] of [
    [0, 0],
    [1, 2],
    [2, 5],
  ] as const) {
    await q(
      `insert into public.sequence_stages (sequence_id, position, delay_days, subject, body)
       values ($1, $2, $3, 'Hello {{candidate.first_name}}', '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi"}]}]}')`,
      [seq.id, pos, days],
    );
  }
  const enr = await one<{ id: string; reply_token: string }>(
    `insert into public.enrollments (organization_id, sequence_id, candidate_id, enrolled_by, to_email, status, started_at)
     values ($1, $2, $3, $4, $5, 'running', now() - interval '1 hour') returning id, reply_token::text`,
    [org.id, seq.id, cand.id, userId, candidateEmail],
  );
  const stages: Array<{ id: string; messageId: string; providerId: string }> = [];
  let scheduledStageId = '';
  for (const pos of [0, 1, 2]) {
    const sent = pos === 0 || (pos === 1 && opts.twoSent);
    const id = randomUUID();
    const messageId = `<${id}@outreach.test>`;
    const providerId = `re_${randomUUID()}`;
    await q(
      `insert into public.enrollment_stages (id, enrollment_id, position, delay_days, subject, body, sender_user_id,
         scheduled_at, status, sent_at, message_id, provider_message_id)
       values ($1, $2, $3, $4, 'Hello Ada', '{"type":"doc","content":[]}', $5,
         now() - interval '1 hour' + make_interval(days => $4), $6::public.enrollment_stage_status,
         $7::timestamptz, $8, $9)`,
      [
        id,
        enr.id,
        pos,
        pos * 2,
        userId,
        sent ? 'sent' : 'scheduled',
        sent ? (pos === 0 ? new Date(Date.now() - 3600_000) : new Date()) : null,
        sent ? messageId : null,
        sent ? providerId : null,
      ],
    );
    if (sent) stages.push({ id, messageId, providerId });
    else if (pos === 2) scheduledStageId = id;
  }
  return {
    orgId: org.id,
    userId,
    userEmail,
    jobId: job.id,
    sequenceId: seq.id,
    candidateId: cand.id,
    candidateEmail,
    enrollmentId: enr.id,
    replyToken: enr.reply_token,
    stage0: stages[0]!,
    stage1: stages[1] ?? null,
    scheduledStageId,
  };
}

// --- Webhook deliveries -------------------------------------------------------------------

export interface Delivery {
  status: number;
  body: any;
}

/** Posts `payload` (object or raw string) signed as Resend/Svix would. */
export async function deliver(
  payload: unknown,
  opts: { id?: string; timestamp?: Date; secret?: string; tamper?: (raw: string) => string } = {},
): Promise<Delivery & { id: string }> {
  const id = opts.id ?? `msg_${randomUUID()}`;
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const ts = opts.timestamp ?? new Date();
  const signature = new Webhook(opts.secret ?? RESEND_WEBHOOK_SECRET).sign(id, ts, raw);
  const res = await fetch(WEBHOOK_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(ts.getTime() / 1000)),
      'svix-signature': signature,
    },
    body: opts.tamper ? opts.tamper(raw) : raw,
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body, id };
}

/** A Resend event about a sent email. */
export function emailEvent(
  type: string,
  providerId: string,
  extra: Record<string, unknown> = {},
  createdAt = new Date(),
) {
  return {
    type,
    created_at: createdAt.toISOString(),
    data: {
      email_id: providerId,
      from: 'Ina Initiator <initiator@example.test>',
      to: ['cand@candidate.test'],
      subject: 'Hello Ada',
      created_at: createdAt.toISOString(),
      ...extra,
    },
  };
}

/** A Resend `email.received` event with the body inline (see resend-webhook/inbound.ts). */
export function inboundEvent(opts: {
  from: string;
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  createdAt?: Date;
  emailId?: string;
}) {
  const createdAt = (opts.createdAt ?? new Date()).toISOString();
  const messageId = `<reply-${randomUUID()}@candidate.test>`;
  return {
    type: 'email.received',
    created_at: createdAt,
    data: {
      email_id: opts.emailId ?? randomUUID(),
      created_at: createdAt,
      from: opts.from,
      to: opts.to,
      subject: opts.subject ?? 'Re: Hello Ada',
      message_id: messageId,
      text: opts.text ?? 'Thanks for reaching out!',
      ...(opts.html ? { html: opts.html } : {}),
      headers: {
        'Message-ID': messageId,
        ...(opts.inReplyTo ? { 'In-Reply-To': opts.inReplyTo } : {}),
        ...(opts.references ? { References: opts.references.join(' ') } : {}),
        ...(opts.headers ?? {}),
      },
      attachments: [],
    },
  };
}

export const replyAddress = (token: string) => `reply+${token}@inbound.local`;

// --- Links ----------------------------------------------------------------------------------

export const linkToken = (payload: LinkPayload) => signLink(payload, LINK_SECRET);
export const functionUrl = (path: string) => `${API_URL}/functions/v1/${path}`;

/** Polls `check` until it returns a truthy value (no fixed sleeps). */
export async function waitFor<T>(check: () => Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The enrolment's row, as the sequence page reads it. */
export interface EnrollmentRow {
  status: string;
  end_reason: string | null;
  response_status: string;
  pause_reason: string | null;
  resume_at: Date | null;
  last_reply_hidden_reason: string | null;
  response_provider: string | null;
  response_confidence: number | null;
}
export const enrollment = (id: string) =>
  one<EnrollmentRow>(
    `select status::text, end_reason, response_status::text, pause_reason, resume_at, last_reply_hidden_reason,
       response_provider, response_confidence from public.enrollments where id = $1`,
    [id],
  );
