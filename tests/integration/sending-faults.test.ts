// S4 "a stage is sent at most once … no due stage is ever skipped silently", under faults: the
// function's process killed after the provider accepted but before the database recorded it, parallel
// invocations, provider 429s, 500s and timeouts. After each, every due stage is sent exactly
// once (one message per recipient in the mail catcher) or still pending with a reason.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
  stagesOf,
  type Candidate,
} from './helpers/factories.ts';
import {
  catcherConfig,
  catcherStats,
  countsTo,
  invokeSender,
  killFunctionWorker,
  messagesTo,
  resetCatcherFaults,
  setCronActive,
  withSenderSettings,
} from './helpers/sending.ts';

beforeAll(async () => {
  await setCronActive(false);
  await resetCatcherFaults();
});
afterEach(async () => {
  await resetCatcherFaults();
});
afterAll(async () => {
  await setCronActive(true);
  await closeDb();
});

/** n candidates enrolled and started in a one-stage sequence: n stages due now. */
async function dueStages(n: number): Promise<{ candidates: Candidate[]; enrollmentIds: string[] }> {
  const org = await createOrg();
  const sender = await createMember(org);
  const seq = await createSequence(org, sender, {
    stages: [
      { subject: 'Role for {{candidate.first_name}}', body: docOf('Hi {{candidate.first_name}}'), delayDays: 0 },
    ],
  });
  const candidates: Candidate[] = [];
  for (let i = 0; i < n; i++) candidates.push(await createCandidate(org, { firstName: `C${i}` }));
  const rows = await enroll(
    sender,
    seq.id,
    candidates.map((c) => c.id),
    true,
  );
  expect(rows.every((r) => r.ok)).toBe(true);
  return { candidates, enrollmentIds: rows.map((r) => r.enrollment_id!) };
}

/** Polls a condition (up to 20 s): whether it came true. */
async function waitUntil(check: () => Promise<boolean>): Promise<boolean> {
  for (const until = Date.now() + 20_000; Date.now() < until;) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function expectExactlyOnce(candidates: Candidate[], enrollmentIds: string[]): Promise<void> {
  const counts = await countsTo(candidates.map((c) => c.email!));
  expect([...counts.values()]).toEqual(candidates.map(() => 1));
  const stages = await stagesOf(enrollmentIds);
  expect(stages.map((s) => s.status)).toEqual(stages.map(() => 'sent'));
}

/** Lets a stage whose retry time lies ahead be due now (what waiting would do). */
async function advanceRetries(enrollmentIds: string[]): Promise<void> {
  await db().query(
    `update public.enrollment_stages set scheduled_at = now() - interval '1 second'
     where enrollment_id = any ($1::uuid[]) and status = 'scheduled'`,
    [enrollmentIds],
  );
}

describe('exactly once under faults', () => {
  it('a crash after the provider accepted is re-driven with the same key and the provider does not send again', async () => {
    const { candidates, enrollmentIds } = await dueStages(3);
    const before = await catcherStats();

    // The catcher accepts the batch, then holds its answer while the worker process is killed:
    // the function dies after the provider accepted and before it could record anything.
    await catcherConfig({ answerDelayMs: 10_000 });
    const invocation = invokeSender();
    const accepted = await waitUntil(async () => {
      const counts = [...(await countsTo(candidates.map((c) => c.email!))).values()];
      return counts.every((n) => n === 1);
    });
    expect(accepted).toBe(true);
    expect(killFunctionWorker('send-due-stages')).toBeGreaterThan(0);
    const crashed = await invocation;
    expect(crashed.status).toBeGreaterThanOrEqual(500);
    await resetCatcherFaults();
    // The emails went out, the database never heard of it: claimed, with the request's key kept.
    expect([...(await countsTo(candidates.map((c) => c.email!))).values()]).toEqual([1, 1, 1]);
    const inFlight = await stagesOf(enrollmentIds);
    expect(inFlight.map((s) => s.status)).toEqual(['claimed', 'claimed', 'claimed']);
    expect(new Set(inFlight.map((s) => s.send_key)).size).toBe(1);
    expect(inFlight[0]!.send_key).toMatch(/^batch-[0-9a-f]{64}$/);

    // Nothing is re-sent while the lease holds …
    const early = await invokeSender();
    expect(early.status).toBe(200);
    expect((await stagesOf(enrollmentIds)).map((s) => s.status)).toEqual(['claimed', 'claimed', 'claimed']);
    expect([...(await countsTo(candidates.map((c) => c.email!))).values()]).toEqual([1, 1, 1]);
    // … and once it lapses, the re-drive is answered from the provider's idempotency record.
    await db().query(
      `update public.enrollment_stages set lease_until = now() - interval '1 second' where enrollment_id = any ($1::uuid[])`,
      [enrollmentIds],
    );
    const redo = await invokeSender();
    expect(redo.status).toBe(200);
    // (Counts in the summary include any other due stage of the shared stack.)
    expect(redo.body.sent).toBeGreaterThanOrEqual(3);
    await expectExactlyOnce(candidates, enrollmentIds);
    const after = await catcherStats();
    expect(after.idempotent_replays - before.idempotent_replays).toBeGreaterThanOrEqual(1);
    // The recorded provider ids are those of the one accepted message.
    const mail = (await messagesTo(candidates[0]!.email!))[0]!;
    const recorded = (await stagesOf([enrollmentIds[0]!]))[0]!;
    expect(recorded.provider_message_id).toBe(mail.id);
    expect(recorded.message_id).toBe(mail.message_id);
  }, 60_000);

  it('two and three invocations at the same moment send each stage once', async () => {
    for (const parallel of [2, 3]) {
      const { candidates, enrollmentIds } = await dueStages(25);
      const results = await Promise.all(Array.from({ length: parallel }, () => invokeSender()));
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      expect(results.reduce((n, r) => n + r.body.sent, 0)).toBeGreaterThanOrEqual(25);
      await expectExactlyOnce(candidates, enrollmentIds);
    }
  }, 60_000);

  it('provider 429s are waited out and the emails still go out once', async () => {
    const { candidates, enrollmentIds } = await dueStages(12);
    await catcherConfig({ failNext: { status: 429, count: 2 } });
    const r = await invokeSender();
    expect(r.status).toBe(200);
    // A rate limit the budget could not wait out leaves stages scheduled with reason rate_limited.
    if (r.body.sent < 12) {
      const left = (await stagesOf(enrollmentIds)).filter((s) => s.status !== 'sent');
      expect(left.every((s) => s.status === 'scheduled' && s.deferred_reason === 'rate_limited')).toBe(true);
      await advanceRetries(enrollmentIds);
      await invokeSender();
    }
    await expectExactlyOnce(candidates, enrollmentIds);
  }, 30_000);

  it('a provider 500 leaves the stages scheduled with a reason, and the retry sends them once', async () => {
    const { candidates, enrollmentIds } = await dueStages(4);
    await catcherConfig({ failNext: { status: 500, count: 1 } });
    const r = await invokeSender();
    expect(r.status).toBe(200);
    const waiting = await stagesOf(enrollmentIds);
    expect(waiting.map((s) => `${s.status}:${s.deferred_reason}`)).toEqual(
      waiting.map(() => 'scheduled:provider_error'),
    );
    expect(waiting.every((s) => s.scheduled_at!.getTime() > Date.now() + 10_000)).toBe(true);
    expect([...(await countsTo(candidates.map((c) => c.email!))).values()]).toEqual([0, 0, 0, 0]);

    await advanceRetries(enrollmentIds);
    const retry = await invokeSender();
    expect(retry.body.sent).toBeGreaterThanOrEqual(4);
    await expectExactlyOnce(candidates, enrollmentIds);
  }, 30_000);

  it('a provider timeout whose request was in fact accepted does not send twice', async () => {
    const { candidates, enrollmentIds } = await dueStages(2);
    // The catcher accepts after 1.5 s; the function (SEND_PROVIDER_TIMEOUT_MS) gives up after 500 ms.
    await catcherConfig({ delayMs: 1500 });
    const r = await withSenderSettings({ SEND_PROVIDER_TIMEOUT_MS: 500 }, () => invokeSender());
    expect(r.status).toBe(200);
    const waiting = await stagesOf(enrollmentIds);
    expect(waiting.map((s) => s.deferred_reason)).toEqual(['provider_timeout', 'provider_timeout']);
    expect(waiting[0]!.send_key).not.toBeNull();
    await new Promise((res) => setTimeout(res, 1800));
    await resetCatcherFaults();
    expect([...(await countsTo(candidates.map((c) => c.email!))).values()]).toEqual([1, 1]);

    await advanceRetries(enrollmentIds);
    const retry = await invokeSender();
    expect(retry.body.sent).toBeGreaterThanOrEqual(2);
    await expectExactlyOnce(candidates, enrollmentIds);
  }, 30_000);
});
