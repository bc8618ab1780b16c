// Shared by the inbound end-to-end specs: a candidate enrolled through the real enrolment RPC,
// the first stage sent by the real send-due-stages function, and the caught email found in
// the mail catcher — everything a person then acts on in the browser.
import {
  closeDb,
  createCandidate,
  createJob,
  createMember,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
  makeDue,
} from '../../integration/helpers/factories.ts';
import { invokeSender, messagesTo, waitFor, type CaughtMessage } from '../../integration/helpers/sending.ts';

export { closeDb, db };

export interface SentEnrolment {
  enrollmentId: string;
  candidateId: string;
  candidateEmail: string;
  jobId: string;
  message: CaughtMessage;
}

export async function enrolAndSend(firstName: string): Promise<SentEnrolment> {
  const org = await createOrg({ timeZone: 'Europe/Berlin' });
  const owner = await createMember(org);
  const job = await createJob(org, 'Site Reliability Engineer');
  const cand = await createCandidate(org, { firstName });
  const seq = await createSequence(org, owner, {
    jobId: job.id,
    stages: [
      {
        subject: 'A role for you, {{candidate.first_name}}',
        body: docOf('Hi {{candidate.first_name}}, interested in [this role](https://jobs.example.com/sre)?'),
      },
      { subject: 'Following up', body: docOf('Any thoughts?'), delayDays: 3 },
    ],
  });
  const [row] = await enroll(owner, seq.id, [cand.id], true);
  if (!row?.ok || !row.enrollment_id) throw new Error(`enrolment refused: ${row?.reason}`);
  await makeDue([row.enrollment_id], [0]);
  const sent = await invokeSender();
  if (sent.status !== 200) throw new Error(`send-due-stages answered ${sent.status}`);
  const message = await waitFor(async () => (await messagesTo(cand.email!))[0] ?? null, 15_000, 'the sent email');
  return { enrollmentId: row.enrollment_id, candidateId: cand.id, candidateEmail: cand.email!, jobId: job.id, message };
}

export async function row<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T> {
  const r = await db().query(sql, params);
  return r.rows[0] as T;
}
