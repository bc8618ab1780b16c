// S5 as a user drives it through supabase-js: pause stops sending, resume sends an overdue
// stage at once, cancel stops the rest; LinkedIn stages become tasks the assignee completes;
// the engine's RPCs are closed to signed-in users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
  enrollmentOf,
  makeDue,
  stagesOf,
} from './helpers/factories.ts';
import { invokeSender, messagesTo, setCronActive } from './helpers/sending.ts';

beforeAll(async () => {
  await setCronActive(false);
});
afterAll(async () => {
  await setCronActive(true);
  await closeDb();
});

describe('enrolment lifecycle through the API', () => {
  it('a paused enrolment sends nothing; resumed, its overdue stage goes out at once; cancelled, nothing more', async () => {
    const org = await createOrg();
    const user = await createMember(org);
    const cand = await createCandidate(org);
    const seq = await createSequence(org, user, {
      stages: [
        { subject: 'One', delayDays: 0 },
        { subject: 'Two', delayDays: 2, threadMode: 'new_thread' },
        { subject: 'Three', delayDays: 4, threadMode: 'new_thread' },
      ],
    });
    const [row] = await enroll(user, seq.id, [cand.id], true);
    const id = row!.enrollment_id!;

    const paused = await user.client.rpc('pause_enrollments', { enrollment_ids: [id] });
    expect(paused.data).toEqual([{ enrollment_id: id, ok: true, reason: null, detail: null }]);
    await invokeSender();
    expect(await messagesTo(cand.email!)).toHaveLength(0);

    const resumed = await user.client.rpc('resume_enrollments', { enrollment_ids: [id] });
    expect(resumed.data?.[0]?.ok).toBe(true);
    await invokeSender();
    expect((await messagesTo(cand.email!)).map((m) => m.subject)).toEqual(['One']);

    const cancelled = await user.client.rpc('cancel_enrollments', { enrollment_ids: [id] });
    expect(cancelled.data?.[0]?.ok).toBe(true);
    await makeDue([id]);
    await db().query(
      `update public.enrollment_stages set scheduled_at = now() - interval '1 second' where enrollment_id = $1 and position > 0`,
      [id],
    );
    await invokeSender();
    expect((await messagesTo(cand.email!)).map((m) => m.subject)).toEqual(['One']);
    expect((await stagesOf([id])).map((s) => `${s.status}:${s.end_reason ?? '-'}`)).toEqual([
      'sent:-',
      'cancelled:cancelled',
      'cancelled:cancelled',
    ]);
    const again = await user.client.rpc('resume_enrollments', { enrollment_ids: [id] });
    expect(again.data?.[0]).toMatchObject({ ok: false, reason: 'cancelled' });
  });

  it('a LinkedIn stage becomes a task; marking it sent lets the sequence continue by email', async () => {
    const org = await createOrg();
    const user = await createMember(org);
    const cand = await createCandidate(org);
    const seq = await createSequence(org, user, {
      stages: [
        {
          type: 'linkedin_connection',
          subject: '',
          body: docOf('Connect with {{candidate.first_name}}'),
          delayDays: 0,
        },
        { subject: 'After connecting', delayDays: 1 },
      ],
    });
    const [row] = await enroll(user, seq.id, [cand.id], true);
    await invokeSender();
    const { data: tasks } = await user.client.from('tasks').select('id, status').eq('candidate_id', cand.id);
    expect(tasks).toEqual([{ id: expect.any(String), status: 'open' }]);

    const other = await createMember(org);
    const denied = await other.client.rpc('complete_task', { task_id: tasks![0]!.id, outcome: 'sent' });
    expect(denied.error?.code).toBe('42501');
    const bad = await user.client.rpc('complete_task', { task_id: tasks![0]!.id, outcome: 'maybe' });
    expect(bad.error?.code).toBe('22023');
    const done = await user.client.rpc('complete_task', { task_id: tasks![0]!.id, outcome: 'sent' });
    expect(done.data).toBe('done');

    await makeDue([row!.enrollment_id!]);
    await invokeSender();
    expect((await messagesTo(cand.email!)).map((m) => m.subject)).toEqual(['After connecting']);
    expect(await enrollmentOf(row!.enrollment_id!)).toMatchObject({ status: 'completed', end_reason: 'no_reply' });
  });

  it('signed-in users cannot claim or record sends', async () => {
    const org = await createOrg();
    const user = await createMember(org);
    const claim = await user.client.rpc('claim_due_stages', { p_limit: 10, p_lease_seconds: 60 });
    expect(claim.error?.code).toBe('42501');
    const record = await user.client.rpc('record_stage_sent', {
      stage_id: crypto.randomUUID(),
      provider_message_id: 'x',
      message_id: '<x>',
    });
    expect(record.error?.code).toBe('42501');
  });
});
