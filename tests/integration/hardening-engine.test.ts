// Issue 11, item 1 and the robustness of the send path: one organisation's unrenderable stage
// must not stall sending for every organisation. The poison is a stage body nested 5,000 levels
// deep (valid JSON an editor can store), which overflows the renderer's stack; before the fix
// the whole run answered 503 and none of the provider request's stages was sent or released. Custom fields holding objects (the other poison the issue found) are refused on
// write now, and rendered as missing when they exist from before (supabase/functions/_shared/email/tokens.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db,
  enroll,
  makeDue,
  stagesOf,
  type Candidate,
} from './helpers/factories.ts';
import { LOCAL_CRON_SECRET, countsTo, invokeSender, setCronActive, waitFor } from './helpers/sending.ts';

beforeAll(async () => {
  await setCronActive(false);
});
afterAll(async () => {
  await setCronActive(true);
  await closeDb();
});

describe('one poisoned stage among 99 good ones from three organisations', () => {
  it('sends the 99 once, fails the poisoned one with a reason and leaves nothing claimed', async () => {
    const enrollmentIds: string[] = [];
    const good: Candidate[] = [];
    let poisonedEnrollment = '';
    for (const [o, count] of [33, 33, 33].entries()) {
      const org = await createOrg();
      const sender = await createMember(org);
      const seq = await createSequence(org, sender, { stages: [{ delayDays: 0 }] });
      const cands: Candidate[] = [];
      for (let i = 0; i < count; i++) cands.push(await createCandidate(org, { firstName: `Good${o}-${i}` }));
      good.push(...cands);
      const rows = await enroll(
        sender,
        seq.id,
        cands.map((c) => c.id),
        true,
      );
      expect(rows.every((r) => r.ok)).toBe(true);
      enrollmentIds.push(...rows.map((r) => r.enrollment_id!));
      if (o === 2) {
        const poisoned = await createCandidate(org, { firstName: 'Poisoned' });
        const deep = await createSequence(org, sender, { stages: [{ delayDays: 0 }] });
        // Built as text: JSON.stringify itself would overflow on it.
        const nested = `${'{"type":"blockquote","content":['.repeat(5000)}{"type":"text","text":"deep"}${']}'.repeat(5000)}`;
        await db().query(
          `update public.sequence_stages set body = jsonb_set(body, '{content}', body -> 'content' || $2::jsonb)
           where sequence_id = $1`,
          [deep.id, `[${nested}]`],
        );
        const [row] = await enroll(sender, deep.id, [poisoned.id], true);
        expect(row?.ok).toBe(true);
        poisonedEnrollment = row!.enrollment_id!;
      }
    }
    await makeDue([...enrollmentIds, poisonedEnrollment]);

    const first = await invokeSender({ bearer: LOCAL_CRON_SECRET });
    expect(first.status).toBe(200);
    // The batches of 10 of one enrolment batch are paced; run again until nothing of ours is due.
    await waitFor(
      async () => {
        const open = await db().query(
          `select count(*)::int as n from public.enrollment_stages
           where enrollment_id = any ($1::uuid[]) and status in ('scheduled', 'claimed') and scheduled_at <= now()`,
          [[...enrollmentIds, poisonedEnrollment]],
        );
        if (open.rows[0].n === 0) return true;
        const again = await invokeSender({ bearer: LOCAL_CRON_SECRET });
        expect(again.status).toBe(200);
        return false;
      },
      60_000,
      'every due stage to be handled',
    );

    const counts = await countsTo(good.map((c) => c.email!));
    expect([...counts.values()].filter((n) => n === 1)).toHaveLength(99);
    const stages = await stagesOf(enrollmentIds);
    expect(stages.filter((s) => s.status === 'sent')).toHaveLength(99);
    const [poisoned] = await stagesOf([poisonedEnrollment]);
    expect(poisoned?.status).toBe('failed');
    expect(poisoned?.end_reason).toMatch(/^render_failed: .+/);
    const claimed = await db().query(
      `select count(*)::int as n from public.enrollment_stages where enrollment_id = any ($1::uuid[]) and status = 'claimed'`,
      [[...enrollmentIds, poisonedEnrollment]],
    );
    expect(claimed.rows[0].n).toBe(0);
  }, 120_000);
});

describe('custom field values are validated on write', () => {
  it('refuses an object value from an admin through the API, and keeps scalars', async () => {
    const org = await createOrg();
    const admin = await createMember(org, { level: 'admin' });
    const cand = await createCandidate(org, { customFields: { team: 'Sales' } });
    const bad = await admin.client
      .from('candidates')
      .update({ custom_fields: { x: { toString: 1 } } })
      .eq('id', cand.id);
    expect(bad.error?.code).toBe('23514');
    const good = await admin.client
      .from('candidates')
      .update({ custom_fields: { team: 'Platform', years: 4 } })
      .eq('id', cand.id)
      .select('custom_fields')
      .single();
    expect(good.error).toBeNull();
    expect(good.data?.custom_fields).toEqual({ team: 'Platform', years: 4 });
  });
});
