// Replies through the Resend inbound webhook (S5, S6): matching by reply token and by
// In-Reply-To/References, what a logged reply does (stops the sequence, moves the lead to
// Replied), unmatched mail kept, the organisation's visibility exclusions, out-of-office
// pause and resume.
import { afterAll, describe, expect, it } from 'vitest';
import {
  db,
  deliver,
  enrollment,
  inboundEvent,
  makeWorld,
  one,
  q,
  replyAddress,
  type World,
} from './helpers/inbound.ts';

afterAll(() => db.end());

const replies = (w: World) =>
  q(
    `select body_text, body_display, matched_by::text, enrollment_stage_id, classification::text, return_date::text, subject
     from public.replies where candidate_id = $1`,
    [w.candidateId],
  );
const activityKinds = async (w: World) =>
  (
    await q<{ kind: string }>(`select kind from public.activities where candidate_id = $1 order by created_at`, [
      w.candidateId,
    ])
  ).map((a) => a.kind);
const leadStage = (w: World) =>
  one<{ kind: string }>(
    `select js.kind::text from public.considerations c join public.job_stages js on js.id = c.stage_id
                         where c.candidate_id = $1 and c.job_id = $2`,
    [w.candidateId, w.jobId],
  );

const QUOTED = `Yes, I'd love to hear more. Could we talk on Thursday?

On Mon, 3 Nov 2025 at 10:00, Ina Initiator <initiator@example.test> wrote:
> Hi Ada, would you be interested in a backend role?
> Best, Ina`;

describe('a reply matched by the reply-to token', () => {
  it('is logged with its visible part, stops the sequence and moves the lead to Replied', async () => {
    const w = await makeWorld({ twoSent: true });
    const r = await deliver(
      inboundEvent({ from: `Ada Lovelace <${w.candidateEmail}>`, to: [replyAddress(w.replyToken)], text: QUOTED }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'applied',
      outcome: 'stopped',
      matched_by: 'reply_to_token',
      enrollment_id: w.enrollmentId,
    });

    const [reply] = await replies(w);
    expect(reply).toMatchObject({ matched_by: 'reply_to_token', body_text: QUOTED, classification: null });
    expect(reply!.body_display).toBe("Yes, I'd love to hear more. Could we talk on Thursday?");
    // The latest sent stage is the one answered when no header says otherwise.
    expect(reply!.enrollment_stage_id).toBe(w.stage1!.id);

    expect(await enrollment(w.enrollmentId)).toMatchObject({
      status: 'completed',
      end_reason: 'replied',
      response_status: 'replied',
    });
    expect(
      await one(`select status::text, end_reason from public.enrollment_stages where id = $1`, [w.scheduledStageId]),
    ).toEqual({ status: 'cancelled', end_reason: 'replied' });
    expect((await leadStage(w)).kind).toBe('replied');
    expect(await activityKinds(w)).toContain('replied');
    expect(await q(`select kind::text from public.email_events where enrollment_id = $1`, [w.enrollmentId])).toEqual([
      { kind: 'replied' },
    ]);
  });

  it('accepts a tolerant payload: HTML only, `to` as a display-name string, headers as a list', async () => {
    const w = await makeWorld();
    const ev = inboundEvent({ from: w.candidateEmail, to: [] });
    const data = ev.data as Record<string, unknown>;
    data.to = `"Ina" <${replyAddress(w.replyToken.toUpperCase())}>`;
    delete data.text;
    data.html = '<div>Sounds <b>great</b>, call me.</div><blockquote>Hi Ada, would you be interested?</blockquote>';
    data.headers = [{ name: 'Message-ID', value: '<x@y>' }];
    const r = await deliver(ev);
    expect(r.body).toMatchObject({ outcome: 'stopped', matched_by: 'reply_to_token' });
    expect((await replies(w))[0]!.body_display).toContain('Sounds great, call me.');
  });

  it('a re-delivered inbound email (same email_id, new delivery) is one reply', async () => {
    const w = await makeWorld();
    const ev = inboundEvent({ from: w.candidateEmail, to: [replyAddress(w.replyToken)] });
    await deliver(ev);
    const again = await deliver(ev);
    expect(again.body).toMatchObject({ status: 'duplicate' });
    expect(await replies(w)).toHaveLength(1);
  });
});

describe('a reply matched by headers', () => {
  it('In-Reply-To names the stage answered', async () => {
    const w = await makeWorld({ twoSent: true });
    const r = await deliver(
      inboundEvent({ from: w.candidateEmail, to: ['ina@example.test'], inReplyTo: w.stage0.messageId }),
    );
    expect(r.body).toMatchObject({ outcome: 'stopped', matched_by: 'in_reply_to' });
    expect((await replies(w))[0]).toMatchObject({ matched_by: 'in_reply_to', enrollment_stage_id: w.stage0.id });
    expect((await enrollment(w.enrollmentId)).status).toBe('completed');
  });

  it('References are searched newest first when In-Reply-To is unknown', async () => {
    const w = await makeWorld({ twoSent: true });
    const r = await deliver(
      inboundEvent({
        from: w.candidateEmail,
        to: ['ina@example.test'],
        inReplyTo: '<somebody-else@elsewhere.test>',
        references: [w.stage0.messageId, w.stage1!.messageId, '<forwarded@elsewhere.test>'],
      }),
    );
    expect(r.body).toMatchObject({ outcome: 'stopped', matched_by: 'references' });
    expect((await replies(w))[0]).toMatchObject({ matched_by: 'references', enrollment_stage_id: w.stage1!.id });
  });
});

describe('unmatched mail', () => {
  it('is kept in unmatched_replies (with the organisation when the sender is a known candidate), never dropped', async () => {
    const w = await makeWorld();
    const ev = inboundEvent({
      from: w.candidateEmail,
      to: ['jobs@inbound.local'],
      subject: 'Question',
      text: 'Is the role remote?',
    });
    const r = await deliver(ev);
    expect(r.body).toMatchObject({ status: 'applied', outcome: 'unmatched' });
    const row = await one(
      `select organization_id, from_email, subject, body_text, to_email from public.unmatched_replies where provider_email_id = $1`,
      [(ev.data as { email_id: string }).email_id],
    );
    expect(row).toEqual({
      organization_id: w.orgId,
      from_email: w.candidateEmail,
      subject: 'Question',
      body_text: 'Is the role remote?',
      to_email: 'jobs@inbound.local',
    });
    expect(await replies(w)).toHaveLength(0);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });

  it('an unknown token with no known headers is unmatched too', async () => {
    const ev = inboundEvent({ from: 'stranger@nowhere.test', to: [replyAddress('ffffffffffffffffffffffffffffff')] });
    const r = await deliver(ev);
    expect(r.body).toMatchObject({ outcome: 'unmatched' });
    expect(
      await q(`select organization_id from public.unmatched_replies where provider_email_id = $1`, [
        (ev.data as { email_id: string }).email_id,
      ]),
    ).toEqual([{ organization_id: null }]);
  });
});

describe('email visibility settings', () => {
  for (const [label, opts, reason] of [
    ['hired', { hired: true, excludeHired: true }, 'hired'],
    ['on a confidential job', { confidentialJob: true, excludeConfidential: true }, 'confidential_job'],
    ['internal', { internal: true, excludeInternal: true }, 'internal'],
  ] as const) {
    it(`a reply from a candidate who is ${label} is not logged, the sequence goes on, and the enrolment says why`, async () => {
      const w = await makeWorld(opts);
      const r = await deliver(
        inboundEvent({ from: w.candidateEmail, to: [replyAddress(w.replyToken)], text: 'Thanks!' }),
      );
      expect(r.body).toMatchObject({ status: 'applied', outcome: 'hidden', reason });
      expect(await replies(w)).toHaveLength(0);
      expect(await activityKinds(w)).not.toContain('replied');
      expect(await q(`select 1 from public.email_events where enrollment_id = $1`, [w.enrollmentId])).toHaveLength(0);
      expect(await enrollment(w.enrollmentId)).toMatchObject({
        status: 'running',
        response_status: 'none',
        last_reply_hidden_reason: reason,
      });
      expect((await leadStage(w)).kind).toBe('lead');
    });
  }

  it('the same candidate groups are logged normally when the organisation does not exclude them', async () => {
    const w = await makeWorld({ hired: true, internal: true, confidentialJob: true });
    const r = await deliver(inboundEvent({ from: w.candidateEmail, to: [replyAddress(w.replyToken)] }));
    expect(r.body).toMatchObject({ outcome: 'stopped' });
    expect(await enrollment(w.enrollmentId)).toMatchObject({ status: 'completed', last_reply_hidden_reason: null });
  });
});

describe('out-of-office replies', () => {
  const berlin9am = (ymd: string) =>
    one<{ t: Date }>(`select (($1::date)::timestamp + interval '9 hours') at time zone 'Europe/Berlin' as t`, [ymd]);

  it('pause the sequence until the stated return date instead of stopping it', async () => {
    const w = await makeWorld();
    const received = new Date('2030-03-02T10:00:00Z');
    const r = await deliver(
      inboundEvent({
        from: w.candidateEmail,
        to: [replyAddress(w.replyToken)],
        subject: 'Automatic reply: Hello Ada',
        text: 'I am out of the office until 16 March 2030 with limited access to email.',
        createdAt: received,
      }),
    );
    expect(r.body).toMatchObject({ status: 'applied', outcome: 'paused' });
    const e = await enrollment(w.enrollmentId);
    expect(e).toMatchObject({
      status: 'paused',
      pause_reason: 'out_of_office',
      response_status: 'out_of_office',
      end_reason: null,
    });
    expect(e.resume_at?.toISOString()).toBe((await berlin9am('2030-03-16')).t.toISOString());
    expect((await replies(w))[0]).toMatchObject({ classification: 'out_of_office', return_date: '2030-03-16' });
    expect(await activityKinds(w)).toContain('out_of_office_reply');
    expect(await q(`select 1 from public.email_events where enrollment_id = $1`, [w.enrollmentId])).toHaveLength(0);
    expect((await leadStage(w)).kind).toBe('lead');
  });

  it('without a readable date, resume after the default delay (7 days)', async () => {
    const w = await makeWorld();
    const received = new Date('2030-05-06T08:00:00Z');
    await deliver(
      inboundEvent({
        from: w.candidateEmail,
        to: [replyAddress(w.replyToken)],
        subject: 'Out of Office',
        text: 'I am currently away and will reply when I return.',
        headers: { 'Auto-Submitted': 'auto-replied' },
        createdAt: received,
      }),
    );
    const e = await enrollment(w.enrollmentId);
    expect(e.status).toBe('paused');
    expect(e.resume_at?.toISOString()).toBe((await berlin9am('2030-05-13')).t.toISOString());
  });

  it('the resume sweep restarts it once the date has passed: an overdue stage is due now, later ones keep their gaps', async () => {
    const w = await makeWorld();
    await deliver(
      inboundEvent({
        from: w.candidateEmail,
        to: [replyAddress(w.replyToken)],
        subject: 'Automatic reply',
        text: 'Out of office until tomorrow.',
      }),
    );
    expect((await enrollment(w.enrollmentId)).status).toBe('paused');
    // Time passes: both unsent stages became overdue during the absence.
    await q(`update public.enrollments set resume_at = now() - interval '1 minute' where id = $1`, [w.enrollmentId]);
    await q(
      `update public.enrollment_stages set scheduled_at = now() - interval '2 days' + (position - 1) * interval '3 days'
             where enrollment_id = $1 and status = 'scheduled'`,
      [w.enrollmentId],
    );
    const resumed = await one<{ n: number }>(`select private.resume_due_ooo() as n`);
    expect(resumed.n).toBeGreaterThanOrEqual(1);
    expect(await enrollment(w.enrollmentId)).toMatchObject({
      status: 'running',
      pause_reason: null,
      response_status: 'none',
    });
    const stages = await q<{ due_in_s: number }>(
      `select extract(epoch from scheduled_at - now())::int as due_in_s from public.enrollment_stages
       where enrollment_id = $1 and status = 'scheduled' order by position`,
      [w.enrollmentId],
    );
    expect(stages).toHaveLength(2);
    expect(Math.abs(stages[0]!.due_in_s)).toBeLessThan(60);
    expect(stages[1]!.due_in_s - stages[0]!.due_in_s).toBe(3 * 86400);
    expect(await activityKinds(w)).toContain('sequence_resumed');
  });

  it('the resume sweep is scheduled with pg_cron every five minutes', async () => {
    expect(await q(`select schedule, command from cron.job where jobname = 'resume-ooo-enrollments'`)).toEqual([
      { schedule: '*/5 * * * *', command: 'select private.resume_due_ooo()' },
    ]);
  });

  it('a real reply after an out-of-office one stops the paused sequence', async () => {
    const w = await makeWorld();
    await deliver(
      inboundEvent({
        from: w.candidateEmail,
        to: [replyAddress(w.replyToken)],
        subject: 'Automatic reply',
        text: 'I am out of the office until next week.',
      }),
    );
    await deliver(
      inboundEvent({ from: w.candidateEmail, to: [replyAddress(w.replyToken)], text: 'Back now - yes, let us talk.' }),
    );
    expect(await enrollment(w.enrollmentId)).toMatchObject({
      status: 'completed',
      end_reason: 'replied',
      response_status: 'replied',
    });
  });
});
