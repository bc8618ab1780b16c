// The Resend webhook (supabase/functions/resend-webhook + public.ingest_resend_event):
// signatures, every event type, duplicate and reordered deliveries, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, deliver, emailEvent, enrollment, makeWorld, one, q, WEBHOOK_URL, type World } from './helpers/inbound.ts';

afterAll(() => db.end());

const events = (stageId: string) =>
  q<{ kind: string; is_machine: boolean; url: string | null }>(
    `select kind::text, is_machine, url from public.email_events where enrollment_stage_id = $1 order by id`,
    [stageId],
  );
const receipt = (id: string) => q(`select 1 from public.webhook_receipts where delivery_id = $1`, [id]);

/** Everything a delivery can change for one world, in a comparable form. */
async function snapshot(w: World) {
  return {
    enrollment: await enrollment(w.enrollmentId),
    events: (await events(w.stage0.id)).map((e) => `${e.kind}:${e.is_machine}:${e.url ?? ''}`).sort(),
    subscription: await q(
      `select current_outreach, new_roles, suppressed_reason::text, suppressed_email from public.subscriptions where candidate_id = $1`,
      [w.candidateId],
    ),
    stages: await q(
      `select position, status::text, end_reason from public.enrollment_stages where enrollment_id = $1 order by position`,
      [w.enrollmentId],
    ),
    activities: (
      await q<{ kind: string }>(`select kind from public.activities where candidate_id = $1`, [w.candidateId])
    )
      .map((a) => a.kind)
      .sort(),
  };
}

describe('signature verification', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });

  it('accepts a delivery signed with the webhook secret', async () => {
    const r = await deliver(emailEvent('email.delivered', w.stage0.providerId));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'applied', kind: 'delivered' });
    expect(await receipt(r.id)).toHaveLength(1);
  });

  it('refuses a delivery signed with another secret, and records nothing', async () => {
    const r = await deliver(emailEvent('email.bounced', w.stage0.providerId), {
      secret: 'whsec_' + Buffer.from('not-the-secret-at-all-0123').toString('base64'),
    });
    expect(r.status).toBe(401);
    expect(await receipt(r.id)).toHaveLength(0);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });

  it('refuses a body altered after signing', async () => {
    const r = await deliver(emailEvent('email.delivered', w.stage0.providerId), {
      tamper: (raw) => raw.replace('email.delivered', 'email.complained'),
    });
    expect(r.status).toBe(401);
    expect(await receipt(r.id)).toHaveLength(0);
    expect((await events(w.stage0.id)).filter((e) => e.kind === 'complained')).toHaveLength(0);
  });

  it('refuses a stale timestamp (older than five minutes) even with a valid signature', async () => {
    const r = await deliver(emailEvent('email.bounced', w.stage0.providerId), {
      timestamp: new Date(Date.now() - 10 * 60_000),
    });
    expect(r.status).toBe(401);
    expect(await receipt(r.id)).toHaveLength(0);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });

  it('refuses a delivery without Svix headers', async () => {
    const res = await fetch(WEBHOOK_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(emailEvent('email.bounced', w.stage0.providerId)),
    });
    expect(res.status).toBe(400);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });

  it('answers 405 to anything but POST', async () => {
    const res = await fetch(WEBHOOK_URL);
    expect(res.status).toBe(405);
  });
});

describe('bad input changes nothing', () => {
  it('malformed JSON (validly signed) is a 400 with no receipt', async () => {
    const r = await deliver('{"type": "email.bounced", "data": {');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('malformed_json');
    expect(await receipt(r.id)).toHaveLength(0);
  });

  it('an unknown event type is a 400 with no receipt, and the same id can later apply', async () => {
    const w = await makeWorld();
    const first = await deliver(emailEvent('email.teleported', w.stage0.providerId));
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('unknown_event_type');
    expect(await receipt(first.id)).toHaveLength(0);
    const again = await deliver(emailEvent('email.delivered', w.stage0.providerId), { id: first.id });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('applied');
  });

  it('an event without a data object, or a JSON array, is a 400', async () => {
    expect((await deliver({ type: 'email.delivered' })).status).toBe(400);
    expect((await deliver([1, 2])).status).toBe(400);
    expect((await deliver({ type: 'email.delivered', data: { to: ['x@y.z'] } })).status).toBe(400);
  });

  it('an event about an email that is not a sequence stage is acknowledged and ignored', async () => {
    const r = await deliver(emailEvent('email.bounced', 're_unknown_' + Date.now()));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ignored' });
  });
});

describe('every event type', () => {
  it('sent is acknowledged without an event row', async () => {
    const w = await makeWorld();
    const r = await deliver(emailEvent('email.sent', w.stage0.providerId));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'applied', kind: 'sent' });
    expect(await events(w.stage0.id)).toEqual([]);
  });

  it('delivered, delivery_delayed, opened and clicked are stored as events', async () => {
    const w = await makeWorld();
    await deliver(emailEvent('email.delivered', w.stage0.providerId));
    await deliver(emailEvent('email.delivery_delayed', w.stage0.providerId));
    await deliver(
      emailEvent('email.opened', w.stage0.providerId, {
        open: {
          ipAddress: '203.0.113.9',
          timestamp: new Date().toISOString(),
          userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)',
        },
      }),
    );
    await deliver(
      emailEvent('email.opened', w.stage0.providerId, {
        open: {
          ipAddress: '66.249.84.1',
          timestamp: new Date().toISOString(),
          userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
        },
      }),
    );
    await deliver(
      emailEvent('email.clicked', w.stage0.providerId, {
        click: {
          ipAddress: '203.0.113.9',
          link: 'https://jobs.example.com/backend',
          timestamp: new Date().toISOString(),
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
        },
      }),
    );
    expect(await events(w.stage0.id)).toEqual([
      { kind: 'delivered', is_machine: false, url: null },
      { kind: 'delivery_delayed', is_machine: false, url: null },
      { kind: 'opened', is_machine: false, url: null },
      { kind: 'opened', is_machine: true, url: null },
      { kind: 'clicked', is_machine: false, url: 'https://jobs.example.com/backend' },
    ]);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });

  it('bounced suppresses the address, stops the sequence with reason bounced and counts as an event', async () => {
    const w = await makeWorld();
    const r = await deliver(
      emailEvent('email.bounced', w.stage0.providerId, {
        bounce: { message: '550 5.1.1 mailbox unknown', subType: 'General', type: 'Permanent' },
      }),
    );
    expect(r.status).toBe(200);
    expect(await enrollment(w.enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'bounced' });
    expect(
      await one(`select suppressed_reason::text, suppressed_email from public.subscriptions where candidate_id = $1`, [
        w.candidateId,
      ]),
    ).toEqual({ suppressed_reason: 'bounced', suppressed_email: w.candidateEmail });
    expect((await events(w.stage0.id)).map((e) => e.kind)).toEqual(['bounced']);
    const unsent = await one(`select status::text, end_reason from public.enrollment_stages where id = $1`, [
      w.scheduledStageId,
    ]);
    expect(unsent).toEqual({ status: 'cancelled', end_reason: 'bounced' });
  });

  it('a transient bounce is recorded but does not suppress or stop', async () => {
    const w = await makeWorld();
    await deliver(
      emailEvent('email.bounced', w.stage0.providerId, { bounce: { message: 'mailbox full', type: 'Transient' } }),
    );
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
    expect(await q(`select 1 from public.subscriptions where candidate_id = $1`, [w.candidateId])).toHaveLength(0);
    expect((await events(w.stage0.id)).map((e) => e.kind)).toEqual(['bounced']);
  });

  it('complained suppresses the address and stops the sequence with reason complained', async () => {
    const w = await makeWorld();
    await deliver(emailEvent('email.complained', w.stage0.providerId));
    expect(await enrollment(w.enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'complained' });
    expect(
      (await one(`select suppressed_reason::text from public.subscriptions where candidate_id = $1`, [w.candidateId]))
        .suppressed_reason,
    ).toBe('complained');
  });
});

describe('duplicates and reordering', () => {
  const bounce = (w: World, at: Date) =>
    emailEvent('email.bounced', w.stage0.providerId, { bounce: { message: 'no such user', type: 'Permanent' } }, at);

  it('a repeated delivery (same svix-id) changes nothing the second time', async () => {
    const w = await makeWorld();
    const first = await deliver(
      emailEvent('email.opened', w.stage0.providerId, { open: { userAgent: 'Mozilla/5.0 (X11) Firefox/128.0' } }),
    );
    const before = await snapshot(w);
    const again = await deliver(
      emailEvent('email.opened', w.stage0.providerId, { open: { userAgent: 'Mozilla/5.0 (X11) Firefox/128.0' } }),
      {
        id: first.id,
      },
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'duplicate' });
    expect(await snapshot(w)).toEqual(before);
  });

  it('delivered, opened, bounced and complained give the same final state in any order, delivered twice or not', async () => {
    const t0 = Date.now() - 60_000;
    const make = (w: World) => [
      emailEvent('email.delivered', w.stage0.providerId, {}, new Date(t0)),
      emailEvent(
        'email.opened',
        w.stage0.providerId,
        { open: { userAgent: 'Mozilla/5.0 (X11) Firefox/128.0' } },
        new Date(t0 + 1000),
      ),
      bounce(w, new Date(t0 + 2000)),
      emailEvent('email.complained', w.stage0.providerId, {}, new Date(t0 + 3000)),
    ];
    const inOrder = await makeWorld();
    for (const e of make(inOrder)) expect((await deliver(e)).status).toBe(200);

    const reversed = await makeWorld();
    const ids = make(reversed).map(() => `msg_${crypto.randomUUID()}`);
    const evs = make(reversed);
    for (const i of [3, 2, 1, 0]) await deliver(evs[i], { id: ids[i] });
    for (const i of [0, 2]) expect((await deliver(evs[i], { id: ids[i] })).body).toEqual({ status: 'duplicate' });

    const a = await snapshot(inOrder);
    const b = await snapshot(reversed);
    expect(a.enrollment).toMatchObject({ status: 'cancelled', end_reason: 'complained' });
    expect(b.subscription).toEqual([
      expect.objectContaining({ suppressed_reason: 'complained', suppressed_email: reversed.candidateEmail }),
    ]);
    // The worlds differ only in their candidate's address.
    expect({ ...b, subscription: b.subscription.map((s) => ({ ...s, suppressed_email: 'x' })) }).toEqual({
      ...a,
      subscription: a.subscription.map((s) => ({ ...s, suppressed_email: 'x' })),
    });
  });

  it('an older delivered arriving after a bounce does not bring the sequence back', async () => {
    const w = await makeWorld();
    await deliver(bounce(w, new Date()));
    await deliver(emailEvent('email.delivered', w.stage0.providerId, {}, new Date(Date.now() - 60_000)));
    expect(await enrollment(w.enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'bounced' });
    expect(
      (await one(`select suppressed_reason::text from public.subscriptions where candidate_id = $1`, [w.candidateId]))
        .suppressed_reason,
    ).toBe('bounced');
  });

  it('the same delivery sent concurrently is applied once', async () => {
    const w = await makeWorld();
    const id = `msg_${crypto.randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        deliver(
          emailEvent('email.clicked', w.stage0.providerId, {
            click: { link: 'https://x.test/', userAgent: 'Mozilla/5.0 (X11) Firefox/128.0' },
          }),
          { id },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.body.status === 'applied')).toHaveLength(1);
    expect(await events(w.stage0.id)).toHaveLength(1);
  });
});
