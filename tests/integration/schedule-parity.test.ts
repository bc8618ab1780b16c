// Rules that exist in both SQL and TypeScript (CONVENTIONS 20, issue 13 item 1), run on the same
// cases: the SQL copy decides what is stored and claimed, the TypeScript copy what the editor
// previews and what the engine re-checks at send time, so they must never disagree.
//   zone          private.resolve_time_zone  ↔ resolveTimeZone
//   due time      private.stage_due_at       ↔ nominalDueAt
//   send window   private.next_in_send_window ↔ nextInstantInWindow
//   no-reply      private.is_no_reply_address ↔ isNoReplyAddress
//   500 limit     private.enroll_candidates' too_many ↔ MAX_ENROLMENT / TOO_MANY_TEXT
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  nextInstantInWindow,
  nominalDueAt,
  resolveTimeZone,
  type SendWindow,
} from '../../supabase/functions/_shared/email/schedule.ts';
import { isNoReplyAddress } from '../../supabase/functions/_shared/email/validate.ts';
import { MAX_ENROLMENT, TOO_MANY_TEXT } from '../../src/lib/enrolment-refusals.ts';
import { closeDb, createMember, createOrg, db } from './helpers/factories.ts';

afterAll(closeDb);

const weekdays: SendWindow = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

describe('SQL and TypeScript agree', () => {
  it('on the zone a stage is scheduled in: recipient, else sender, else organisation, skipping unknown names', async () => {
    const cases: (string | null)[][] = [
      ['Asia/Tokyo', 'America/New_York', 'Europe/Berlin'],
      [null, 'America/New_York', 'Europe/Berlin'],
      [null, null, 'Europe/Berlin'],
      ['Mars/Olympus', 'America/New_York', 'UTC'],
      ['', null, 'Australia/Lord_Howe'],
      [null, null, null],
    ];
    for (const zones of cases) {
      const r = await db().query('select private.resolve_time_zone(variadic $1::text[]) as z', [zones]);
      expect(r.rows[0].z, JSON.stringify(zones)).toBe(resolveTimeZone(...zones));
    }
  });

  it('on when a stage is due, across daylight-saving gaps and overlaps', async () => {
    const cases: [string, number, number, string][] = [
      ['2026-03-06T14:30:00Z', 2, 0, 'America/New_York'], // across spring forward
      ['2026-03-07T07:30:00Z', 1, 0, 'America/New_York'], // lands on 02:30, skipped
      ['2026-10-31T05:30:00Z', 1, 0, 'America/New_York'], // lands on 01:30, repeated
      ['2026-11-01T06:30:00Z', 0, 5, 'America/New_York'], // enrolled in the repeated hour
      ['2026-06-01T10:00:00Z', 0, 5, 'Europe/Berlin'],
      ['2026-03-27T23:15:00Z', 3, 2, 'Europe/Berlin'],
      ['2026-12-31T20:00:00Z', 7, 3, 'Asia/Tokyo'],
      ['2026-04-03T12:00:00Z', 3, 0, 'Australia/Lord_Howe'], // 30-minute change
      ['2026-02-27T12:00:00Z', 364, 23, 'UTC'],
    ];
    for (const [at, days, hours, tz] of cases) {
      const r = await db().query('select private.stage_due_at($1, $2, $3, $4) as due', [at, days, hours, tz]);
      const label = `${at} + ${days}d ${hours}h in ${tz}`;
      expect((r.rows[0].due as Date).toISOString(), label).toBe(
        nominalDueAt(new Date(at), { days, hours }, tz).toISOString(),
      );
    }
  });

  it('on the next moment inside a send window, across daylight-saving gaps and overlaps', async () => {
    const cases: [string, SendWindow, string][] = [
      ['2026-11-27T18:00:00Z', weekdays, 'Europe/Berlin'], // Friday evening → Monday
      ['2026-11-25T10:00:00Z', weekdays, 'Europe/Berlin'], // inside: unchanged
      ['2026-11-25T16:00:00Z', weekdays, 'Europe/Berlin'], // 17:00 Berlin: the end is excluded
      ['2026-03-08T06:00:00Z', { days: [7], start: '02:30', end: '05:00' }, 'America/New_York'], // start skipped
      ['2026-11-01T04:00:00Z', { days: [7], start: '01:30', end: '03:00' }, 'America/New_York'], // start repeated
      ['2026-11-01T05:45:00Z', { days: [7], start: '01:30', end: '01:40' }, 'America/New_York'], // between the two 01:30s
      ['2026-11-25T12:00:00Z', { days: [6], start: '00:00', end: '24:00' }, 'Asia/Tokyo'],
      ['2026-10-03T15:00:00Z', { days: [1, 2, 3, 4, 5, 6, 7], start: '02:00', end: '03:00' }, 'Australia/Lord_Howe'],
      ['2026-12-24T22:00:00Z', { days: [3], start: '08:00', end: '08:01' }, 'Pacific/Kiritimati'],
    ];
    for (const [at, window, tz] of cases) {
      const r = await db().query('select private.next_in_send_window($1, $2, $3) as next', [at, window, tz]);
      const label = `${at} ${JSON.stringify(window)} in ${tz}`;
      expect((r.rows[0].next as Date).toISOString(), label).toBe(
        nextInstantInWindow(new Date(at), window, tz).toISOString(),
      );
    }
  });

  it('on which sender addresses are no-reply addresses', async () => {
    const addresses = [
      'noreply@corp.test',
      ' No-Reply@Corp.test ',
      'jobs-noreply@corp.test',
      'donotreply2@corp.test',
      'do_not_reply@corp.test',
      'mailer-daemon@corp.test',
      'bruno.reply@corp.test',
      'alice@noreply.corp.test',
      '"x@y".noreply@corp.test',
      '"noreply@x".alice@corp.test',
      'alice@corp.test',
    ];
    for (const address of addresses) {
      const r = await db().query('select private.is_no_reply_address($1) as no_reply', [address]);
      expect(r.rows[0].no_reply, address).toBe(isNoReplyAddress(address));
    }
  });

  it(`on the ${MAX_ENROLMENT}-candidate limit and its refusal text`, async () => {
    const org = await createOrg();
    const admin = await createMember(org, { level: 'admin' });
    const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
    const over = await admin.client.rpc('enroll_candidates', {
      sequence_id: randomUUID(),
      candidate_ids: ids(MAX_ENROLMENT + 1),
      start: false,
    });
    expect(over.error?.message).toBe('too_many');
    expect(over.error?.details).toBe(TOO_MANY_TEXT);
    const at = await admin.client.rpc('enroll_candidates', {
      sequence_id: randomUUID(),
      candidate_ids: ids(MAX_ENROLMENT),
      start: false,
    });
    // Exactly the limit passes the count and is refused only for the unknown sequence.
    expect(at.error?.message).toBe('not_found');
  });
});
