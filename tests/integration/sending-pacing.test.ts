// S4/S9 pacing of send-due-stages: the pacer (supabase/functions/send-due-stages/pacer.ts)
// keeps the provider's rate limit from its `ratelimit-*` headers without provoking 429s, and
// recipients enrolled together leave in batches of 10 with an incremental delay between them
// while provider requests carry up to SEND_BATCH_SIZE emails (planner.ts). Requests are
// counted where the provider would count them: at the mail catcher.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RatePacer } from '../../supabase/functions/send-due-stages/pacer.ts';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  docOf,
  enroll,
  stagesOf,
  stackEnv,
  type Candidate,
} from './helpers/factories.ts';
import {
  catcherConfig,
  catcherStats,
  countsTo,
  invokeSender,
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

/** The most starts that fall within any `windowMs` of each other. */
function busiestWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe('the rate pacer', () => {
  const headers = (limit: number, remaining: number) => ({
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': '1',
  });

  it('probes with one request, learns the limit from the answer, then never starts more than the limit per window', async () => {
    const pacer = new RatePacer({ windowMs: 200, marginMs: 10 });
    const starts: number[] = [];
    let served = 0;
    const lane = async () => {
      while (served < 24) {
        served++;
        await pacer.acquire();
        starts.push(Date.now());
        await new Promise((r) => setTimeout(r, 5));
        pacer.observe(headers(3, 0));
      }
    };
    await Promise.all([lane(), lane(), lane(), lane(), lane()]);
    expect(pacer.limit).toBe(3);
    // Before the first answer only the probe left.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(4);
    expect(busiestWindow(starts, 200)).toBeLessThanOrEqual(3);
    expect(pacer.stats.throttled).toBe(0);
  });

  it('waits for the provider reset when the window is exhausted by someone else, and after a 429', async () => {
    const pacer = new RatePacer();
    await pacer.acquire();
    // One request of ours, yet the provider says nothing is left: another process uses the key.
    pacer.observe({ 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    let t = Date.now();
    await pacer.acquire();
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);

    pacer.observe({ 'ratelimit-limit': '10', 'ratelimit-remaining': '5' }, true, 1);
    t = Date.now();
    await pacer.acquire();
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
    expect(pacer.stats.throttled).toBe(1);
  });

  it('does not limit a provider that sends no rate-limit headers', async () => {
    const pacer = new RatePacer();
    await pacer.acquire();
    pacer.observe(null);
    const t = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => pacer.acquire()));
    expect(Date.now() - t).toBeLessThan(100);
    expect(pacer.limit).toBe(Infinity);
  });
});

interface CaughtRow {
  id: string;
  batch_id: string | null;
  created_at: string;
  to: string[];
}

/** Provider requests the catcher accepted since `since`: one per batch (or single email). */
async function requestsSince(since: number): Promise<{ at: number; to: string[] }[]> {
  const rows = (await (await fetch(`${stackEnv.mailUrl}/_catcher/messages`)).json()) as CaughtRow[];
  const byRequest = new Map<string, { at: number; to: string[] }>();
  for (const m of rows) {
    const at = Date.parse(m.created_at);
    if (at < since) continue;
    const key = m.batch_id ?? m.id;
    const r = byRequest.get(key) ?? { at, to: [] };
    r.at = Math.min(r.at, at);
    r.to.push(...m.to);
    byRequest.set(key, r);
  }
  return [...byRequest.values()].sort((a, b) => a.at - b.at);
}

async function sequenceWithOneStage() {
  const org = await createOrg();
  const sender = await createMember(org);
  const seq = await createSequence(org, sender, {
    stages: [{ subject: 'Hello {{candidate.first_name}}', body: docOf('Hi {{candidate.first_name}}'), delayDays: 0 }],
  });
  return { org, sender, seq };
}

describe('send-due-stages against a rate-limited provider', () => {
  it('sends within the provider limit in every second, without a single 429, and each email once', async () => {
    const { org, sender, seq } = await sequenceWithOneStage();
    const candidates: Candidate[] = [];
    for (let i = 0; i < 30; i++) candidates.push(await createCandidate(org, { firstName: `P${i}` }));
    // One enrolment each, so the SPEC's batch pacing plays no part: only the rate limit paces.
    const ids: string[] = [];
    for (const c of candidates) ids.push((await enroll(sender, seq.id, [c.id], true))[0]!.enrollment_id!);

    await catcherConfig({ rateLimitPerSecond: 4 });
    const before = await catcherStats();
    const since = Date.now();
    // One email per request (POST /emails), four requests in flight at once.
    const r = await withSenderSettings({ SEND_BATCH_SIZE: 1, SEND_CONCURRENCY: 4 }, () => invokeSender());
    expect(r.status).toBe(200);
    expect(r.body.throttled).toBe(0);
    const after = await catcherStats();
    expect(after.rejected_requests - before.rejected_requests).toBe(0);

    const requests = await requestsSince(since);
    expect(requests.length).toBeGreaterThanOrEqual(30);
    // The catcher counts fixed one-second windows from a request's arrival; allow its clock
    // stamps a few milliseconds of jitter.
    expect(
      busiestWindow(
        requests.map((q) => q.at),
        960,
      ),
    ).toBeLessThanOrEqual(4);
    expect([...(await countsTo(candidates.map((c) => c.email!))).values()]).toEqual(candidates.map(() => 1));
    expect((await stagesOf(ids)).map((s) => s.status)).toEqual(ids.map(() => 'sent'));
  }, 60_000);

  it('sends an enrolment of 25 in batches of 10 with a growing delay, while single enrolments share the first request', async () => {
    const { org, sender, seq } = await sequenceWithOneStage();
    const bulk: Candidate[] = [];
    for (let i = 0; i < 25; i++) bulk.push(await createCandidate(org, { firstName: `B${i}` }));
    const singles: Candidate[] = [];
    for (let i = 0; i < 3; i++) singles.push(await createCandidate(org, { firstName: `S${i}` }));
    const rows = await enroll(
      sender,
      seq.id,
      bulk.map((c) => c.id),
      true,
    );
    expect(rows.every((x) => x.ok)).toBe(true);
    for (const c of singles) expect((await enroll(sender, seq.id, [c.id], true))[0]!.ok).toBe(true);

    const since = Date.now();
    const r = await withSenderSettings({ SEND_BATCH_SIZE: 100, SEND_BATCH_DELAY_MS: 400 }, () => invokeSender());
    expect(r.status).toBe(200);

    const mine = new Set([...bulk, ...singles].map((c) => c.email!.toLowerCase()));
    const requests = (await requestsSince(since))
      .map((q) => ({ ...q, to: q.to.filter((t) => mine.has(t.toLowerCase())) }))
      .filter((q) => q.to.length > 0);
    const bulkSet = new Set(bulk.map((c) => c.email!.toLowerCase()));
    const bulkPer = requests.map((q) => q.to.filter((t) => bulkSet.has(t.toLowerCase())).length);
    // 25 recipients queued together: 10, 10, 5; the three single enrolments ride along at once.
    expect(bulkPer).toEqual([10, 10, 5]);
    expect(requests[0]!.to.length).toBe(13);
    // The k-th batch waits k × 400 ms after the previous one (some slack for the clocks).
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(300);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(700);
    expect([...(await countsTo([...mine])).values()]).toEqual([...mine].map(() => 1));
  }, 60_000);
});
