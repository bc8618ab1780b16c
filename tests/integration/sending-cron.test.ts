// S4 "due stages are sent by a scheduled job": the real pg_cron job (migration
// 20261126001300_send_cron.sql) calls send-due-stages through pg_net with the URL and secret
// it reads from Vault, and a started enrolment's first email arrives without anyone calling
// the function. The one slow test of the sending suites: it waits for the next minute.
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  enroll,
  stagesOf,
} from './helpers/factories.ts';
import { messagesTo, setCronActive, waitFor } from './helpers/sending.ts';

afterAll(async () => {
  await closeDb();
});

describe('the send-due-stages cron job', () => {
  it('is scheduled every minute and reads its target from Vault', async () => {
    const job = await db().query(`select schedule, active, command from cron.job where jobname = 'send-due-stages'`);
    expect(job.rows).toHaveLength(1);
    expect(job.rows[0].schedule).toBe('* * * * *');
    expect(job.rows[0].command).toContain("name = 'project_url'");
    expect(job.rows[0].command).toContain("name = 'send_due_stages_secret'");
  });

  it('sends a due stage on its own within about a minute', async () => {
    await setCronActive(true);
    const org = await createOrg();
    const sender = await createMember(org);
    const cand = await createCandidate(org, { firstName: 'Cron' });
    const seq = await createSequence(org, sender, { stages: [{ subject: 'Scheduled hello', delayDays: 0 }] });
    const [row] = await enroll(sender, seq.id, [cand.id], true);
    const mails = await waitFor(
      async () => {
        const m = await messagesTo(cand.email!);
        return m.length > 0 ? m : null;
      },
      75_000,
      'the cron job to send the first stage',
    );
    expect(mails.map((m) => m.subject)).toEqual(['Scheduled hello']);
    const [stage] = await waitFor(
      async () => {
        const s = await stagesOf([row!.enrollment_id!]);
        return s[0]?.status === 'sent' ? s : null;
      },
      10_000,
      'the send to be recorded',
    );
    expect(stage!.provider_message_id).toBe(mails[0]!.id);
  }, 95_000);
});
