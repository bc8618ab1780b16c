// Small factories for domain test data (organisations, members, jobs, candidates, sequences,
// enrolments), written through DB_URL as the superuser the way an operator or the seed would,
// plus a signed-in supabase-js client per member (a JWT minted with the stack's secret, as
// Supabase Auth issues them) for exercising RPCs and RLS exactly as the SPA does. Each call
// makes fresh rows with unique names, so suites never see each other's data.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { mintJwt, stackEnv } from 'local-supabase/testing';
import ws from 'ws';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

export { stackEnv, mintJwt };

let pool: pg.Pool | null = null;
/** A superuser pool on DB_URL, shared by the factories of one test file. */
export function db(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: stackEnv.dbUrl, max: 4 });
    // An idle connection dropped by a database restart (sending-db-restart does one) is replaced
    // by the pool on the next query; without a listener the drop would crash the test run.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
  }
  return pool;
}
export async function closeDb(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.end();
}

export const uniq = (prefix = 'x') => `${prefix}-${randomUUID().slice(0, 8)}`;

export function clientWithToken(token: string | null): SupabaseClient {
  return createClient(stackEnv.api, stackEnv.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
    global: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
}

/** The service-role client, as edge functions and operators use it. */
export function serviceClient(): SupabaseClient {
  return createClient(stackEnv.api, stackEnv.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
  });
}

export interface Org {
  id: string;
  name: string;
}

export async function createOrg(
  opts: { timeZone?: string; frequencyDays?: number; dailySendCap?: number; plan?: string } = {},
): Promise<Org> {
  const name = uniq('org');
  const r = await db().query(
    `insert into public.organizations (name, time_zone, outreach_frequency_days, daily_send_cap, plan)
     values ($1, $2, $3, $4, $5::public.organization_plan) returning id`,
    [name, opts.timeZone ?? 'UTC', opts.frequencyDays ?? 0, opts.dailySendCap ?? 400, opts.plan ?? 'plus'],
  );
  return { id: r.rows[0].id, name };
}

export interface Member {
  id: string;
  email: string;
  senderEmail: string | null;
  client: SupabaseClient;
}

export async function createMember(
  org: Org,
  opts: {
    level?: 'limited' | 'elevated' | 'admin' | 'organization_admin';
    senderName?: string;
    senderEmail?: string | null;
    senderTitle?: string;
    signature?: string;
    trackingEnabled?: boolean;
    dailySendCap?: number | null;
    timeZone?: string | null;
  } = {},
): Promise<Member> {
  const id = randomUUID();
  const label = uniq('user');
  const email = `${label}@members.test`;
  // Each organisation sends from its own verified domain (a domain belongs to one organisation).
  const senderEmail =
    opts.senderEmail === undefined ? `${label}@${org.id.slice(0, 8)}.recruiting.test` : opts.senderEmail;
  await db().query(`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`, [
    id,
    email,
  ]);
  await db().query(
    `insert into public.members (user_id, organization_id, display_name, access_level, sender_name, sender_email,
       sender_title, signature, tracking_enabled, daily_send_cap, time_zone)
     values ($1, $2, $3, $4::public.access_level, $5, $6, $7, $8, $9, $10, $11)`,
    [
      id,
      org.id,
      opts.senderName ?? label,
      opts.level ?? 'admin',
      opts.senderName ?? 'Riley Recruiter',
      senderEmail,
      opts.senderTitle ?? 'Talent Partner',
      opts.signature ?? 'Riley\nAcme Talent',
      opts.trackingEnabled ?? true,
      opts.dailySendCap ?? null,
      opts.timeZone ?? null,
    ],
  );
  if (senderEmail) await verifyDomain(org, senderEmail.split('@')[1]!);
  const token = await mintJwt({ sub: id, role: 'authenticated', aud: 'authenticated', email });
  return { id, email, senderEmail, client: clientWithToken(token) };
}

/** Registers `domain` as a verified sending domain of `org` (as the provider would confirm it). */
export async function verifyDomain(org: Org, domain: string): Promise<void> {
  await db().query(
    `insert into public.sending_domains (organization_id, domain, status, verified_at)
     values ($1, lower($2), 'verified', now()) on conflict (domain) do nothing`,
    [org.id, domain],
  );
}

export async function createJob(org: Org, title = 'Staff Engineer'): Promise<{ id: string; title: string }> {
  const r = await db().query(`insert into public.jobs (organization_id, title) values ($1, $2) returning id`, [
    org.id,
    title,
  ]);
  return { id: r.rows[0].id, title };
}

export interface Candidate {
  id: string;
  email: string | null;
  firstName: string;
}

export async function createCandidate(
  org: Org,
  opts: {
    firstName?: string;
    lastName?: string;
    email?: string | null;
    company?: string;
    timeZone?: string | null;
    customFields?: Record<string, unknown>;
  } = {},
): Promise<Candidate> {
  const firstName = opts.firstName ?? 'Casey';
  const email = opts.email === undefined ? `${uniq('cand')}@candidates.test` : opts.email;
  const r = await db().query(
    `insert into public.candidates (organization_id, first_name, last_name, email, company, time_zone, custom_fields)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      org.id,
      firstName,
      opts.lastName ?? 'Candidate',
      email,
      opts.company ?? 'Initech',
      opts.timeZone ?? null,
      JSON.stringify(opts.customFields ?? {}),
    ],
  );
  return { id: r.rows[0].id, email, firstName };
}

/** A ProseMirror document of paragraphs; `{{token}}` becomes a token node, `[text](https://…)` a link. */
export function docOf(...paragraphs: string[]): Record<string, unknown> {
  return {
    type: 'doc',
    content: paragraphs.map((p) => ({
      type: 'paragraph',
      content: p
        .split(/(\{\{[^}]+\}\}|\[[^\]]+\]\(https?:\/\/[^)]+\))/)
        .filter((part) => part !== '')
        .map((part) => {
          const m = /^\{\{([^}]+)\}\}$/.exec(part);
          if (m) return { type: 'token', attrs: { key: m[1] } };
          const link = /^\[(.+)\]\((https?:\/\/[^)]+)\)$/.exec(part);
          if (link) return { type: 'text', text: link[1], marks: [{ type: 'link', attrs: { href: link[2] } }] };
          return { type: 'text', text: part };
        }),
    })),
  };
}

export interface StageSpec {
  type?: 'email' | 'linkedin_inmail' | 'linkedin_connection';
  subject?: string;
  body?: Record<string, unknown>;
  delayDays?: number;
  delayHours?: number;
  sendWindow?: { days: number[]; start: string; end: string } | null;
  threadMode?: 'reply' | 'new_thread';
  senderUserId?: string | null;
}

export async function createSequence(
  org: Org,
  owner: Member,
  opts: {
    stages?: StageSpec[];
    jobId?: string | null;
    includeUnsubscribeLink?: boolean;
    autoArchiveAfterDays?: number | null;
  } = {},
): Promise<{ id: string; title: string }> {
  const title = uniq('seq');
  const r = await db().query(
    `insert into public.sequences (organization_id, owner_id, title, access, job_id, include_unsubscribe_link, auto_archive_after_days)
     values ($1, $2, $3, 'shared', $4, $5, $6) returning id`,
    [
      org.id,
      owner.id,
      title,
      opts.jobId ?? null,
      opts.includeUnsubscribeLink ?? true,
      opts.autoArchiveAfterDays ?? null,
    ],
  );
  const id = r.rows[0].id as string;
  const stages = opts.stages ?? [{}];
  for (const [i, s] of stages.entries()) {
    await db().query(
      `insert into public.sequence_stages (sequence_id, position, type, delay_days, delay_hours, send_window, sender_user_id,
         subject, body, thread_mode)
       values ($1, $2, $3::public.stage_type, $4, $5, $6, $7, $8, $9, $10::public.thread_mode)`,
      [
        id,
        i,
        s.type ?? 'email',
        s.delayDays ?? i * 3,
        s.delayHours ?? 0,
        s.sendWindow ? JSON.stringify(s.sendWindow) : null,
        s.senderUserId ?? null,
        s.subject ?? `Hello {{candidate.first_name}} (${i + 1})`,
        JSON.stringify(s.body ?? docOf(`Hi {{candidate.first_name}}, stage ${i + 1}.`)),
        s.threadMode ?? 'reply',
      ],
    );
  }
  return { id, title };
}

export interface EnrollRow {
  candidate_id: string;
  enrollment_id: string | null;
  ok: boolean;
  reason: string | null;
  detail: string | null;
}

/** Enrols through the public RPC as `member` (drafts unless start). Throws on an RPC error. */
export async function enroll(
  member: Member,
  sequenceId: string,
  candidateIds: string[],
  start = false,
): Promise<EnrollRow[]> {
  const { data, error } = await member.client.rpc('enroll_candidates', {
    sequence_id: sequenceId,
    candidate_ids: candidateIds,
    start,
  });
  if (error) throw new Error(`enroll_candidates: ${error.message}`);
  return data as EnrollRow[];
}

/** Moves the stages at `positions` (default: all unsent) of the enrolments to be due now. */
export async function makeDue(enrollmentIds: string[], positions?: number[]): Promise<void> {
  await db().query(
    `update public.enrollment_stages set scheduled_at = now() - interval '1 second'
     where enrollment_id = any ($1::uuid[]) and status = 'scheduled' and ($2::int[] is null or position = any ($2::int[]))`,
    [enrollmentIds, positions ?? null],
  );
}

export interface StageRow {
  id: string;
  enrollment_id: string;
  position: number;
  status: string;
  end_reason: string | null;
  deferred_reason: string | null;
  scheduled_at: Date | null;
  sent_at: Date | null;
  message_id: string | null;
  provider_message_id: string | null;
  send_key: string | null;
  attempts: number;
  idempotency_key: string;
}

export async function stagesOf(enrollmentIds: string[]): Promise<StageRow[]> {
  const r = await db().query(
    `select id, enrollment_id, position, status::text, end_reason, deferred_reason, scheduled_at, sent_at, message_id,
            provider_message_id, send_key, attempts, idempotency_key
     from public.enrollment_stages where enrollment_id = any ($1::uuid[]) order by enrollment_id, position`,
    [enrollmentIds],
  );
  return r.rows as StageRow[];
}

export async function enrollmentOf(
  id: string,
): Promise<{ status: string; end_reason: string | null; reply_token: string }> {
  const r = await db().query(`select status::text, end_reason, reply_token from public.enrollments where id = $1`, [
    id,
  ]);
  return r.rows[0];
}
