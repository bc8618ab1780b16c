import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeDueAt,
  fromWallClock,
  instantsAtWallClock,
  isInsideSendWindow,
  isoWeekday,
  nextInstantInWindow,
  nominalDueAt,
  previewSchedule,
  resolveTimeZone,
  toWallClock,
  type SendWindow,
  type WallClock,
} from './schedule.ts';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Adelaide',
  'Asia/Kolkata',
  'America/St_Johns',
  'Australia/Lord_Howe',
] as const;

// Days on which at least one of the zones above changes its clocks.
const DST_DAYS = [
  '2025-03-09',
  '2025-03-30',
  '2025-04-06',
  '2025-10-05',
  '2025-10-26',
  '2025-11-02',
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-10-04',
].map((day) => Date.parse(`${day}T00:00:00Z`));

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
const DAY = 86_400_000;

const at = (iso: string) => new Date(iso);
const wall = (y: number, mo: number, d: number, h: number, mi: number): WallClock => ({
  year: y,
  month: mo,
  day: d,
  hour: h,
  minute: mi,
  second: 0,
  millisecond: 0,
});
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const SUNDAY: SendWindow['days'] = [7];
const WEEKDAYS: SendWindow['days'] = [1, 2, 3, 4, 5];

/**
 * Offset changes found with Intl's own offset names — independent of the
 * code under test — by scanning 2025-2026 in 3-hour steps and bisecting.
 */
const transitionCache = new Map<string, number[]>();
function transitionsOf(zone: string): number[] {
  const cached = transitionCache.get(zone);
  if (cached !== undefined) return cached;
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const offsetName = (ms: number) => name.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value;
  const found: number[] = [];
  const step = 3 * 3_600_000;
  for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += step) {
    if (offsetName(t) === offsetName(t + step)) continue;
    let lo = t;
    let hi = t + step;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetName(mid) === offsetName(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  transitionCache.set(zone, found);
  return found;
}

/**
 * The first instant at or after `nominal` inside `window`, by scanning: all
 * window starts and all offset changes in these zones fall on UTC quarter
 * hours, so the window can only open at `nominal` itself or on one of them.
 */
function bruteForceDue(nominal: number, window: SendWindow, zone: string): number {
  if (isInsideSendWindow(new Date(nominal), window, zone)) return nominal;
  let t = Math.ceil((nominal + 1) / QUARTER) * QUARTER;
  while (!isInsideSendWindow(new Date(t), window, zone)) t += QUARTER;
  return t;
}

describe('wall clock conversion', () => {
  it('reads wall clocks with half-hour offsets', () => {
    expect(toWallClock(at('2025-01-15T12:00:00Z'), 'Asia/Kolkata')).toMatchObject({
      hour: 17,
      minute: 30,
    });
    expect(toWallClock(at('2025-01-15T12:00:00Z'), 'America/St_Johns')).toMatchObject({
      hour: 8,
      minute: 30,
    });
    expect(toWallClock(at('2025-01-15T12:00:00Z'), 'Australia/Lord_Howe')).toMatchObject({
      day: 15,
      hour: 23,
      minute: 0,
    });
  });

  it('finds no instant for a skipped wall time and two for a repeated one', () => {
    expect(instantsAtWallClock(wall(2025, 3, 9, 2, 30), 'America/New_York')).toEqual([]);
    expect(instantsAtWallClock(wall(2025, 11, 2, 1, 30), 'America/New_York')).toEqual([
      Date.parse('2025-11-02T05:30:00Z'),
      Date.parse('2025-11-02T06:30:00Z'),
    ]);
    // Lord Howe moves its clocks by half an hour.
    expect(instantsAtWallClock(wall(2025, 10, 5, 2, 15), 'Australia/Lord_Howe')).toEqual([]);
    expect(instantsAtWallClock(wall(2025, 4, 6, 1, 45), 'Australia/Lord_Howe')).toHaveLength(2);
  });

  it('resolves a skipped wall time to the moment the clocks jump, and a repeated one to the earlier instant', () => {
    expect(fromWallClock(wall(2025, 3, 9, 2, 30), 'America/New_York')).toEqual(at('2025-03-09T07:00:00Z'));
    expect(fromWallClock(wall(2025, 10, 5, 2, 15), 'Australia/Lord_Howe')).toEqual(at('2025-10-04T15:30:00Z'));
    expect(fromWallClock(wall(2025, 3, 30, 2, 30), 'Europe/Berlin')).toEqual(at('2025-03-30T01:00:00Z'));
    expect(fromWallClock(wall(2025, 11, 2, 1, 30), 'America/New_York')).toEqual(at('2025-11-02T05:30:00Z'));
    expect(fromWallClock(wall(2025, 10, 26, 1, 30), 'Europe/London')).toEqual(at('2025-10-26T00:30:00Z'));
  });

  it('round-trips any instant through its wall clock in every zone (earlier instant on overlaps)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...DST_DAYS),
        fc.integer({ min: -2 * DAY, max: 2 * DAY }),
        (zone, day, offset) => {
          const instant = day + offset;
          const back = fromWallClock(toWallClock(instant, zone), zone).getTime();
          const all = instantsAtWallClock(toWallClock(instant, zone), zone);
          expect(all).toContain(instant);
          expect(back).toBe(all[0]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('computes the same weekday as Intl', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 4e12 }), (zone, ms) => {
        const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(ms);
        expect(isoWeekday(toWallClock(ms, zone))).toBe(
          ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(name) + 1,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('test oracle', () => {
  it('finds two clock changes a year where the zone observes DST and none in Kolkata', () => {
    expect(ZONES.map((zone) => [zone, transitionsOf(zone).length])).toEqual([
      ['America/New_York', 4],
      ['Europe/London', 4],
      ['Europe/Berlin', 4],
      ['Australia/Adelaide', 4],
      ['Asia/Kolkata', 0],
      ['America/St_Johns', 4],
      ['Australia/Lord_Howe', 4],
    ]);
    expect(transitionsOf('America/New_York')[0]).toBe(Date.parse('2025-03-09T07:00:00Z'));
  });
});

describe('resolveTimeZone', () => {
  it('takes the recipient zone, else the sender zone, else the organisation zone, else UTC', () => {
    expect(resolveTimeZone('Asia/Kolkata', 'Europe/Berlin', 'America/New_York')).toBe('Asia/Kolkata');
    expect(resolveTimeZone(null, 'Europe/Berlin', 'America/New_York')).toBe('Europe/Berlin');
    expect(resolveTimeZone(undefined, 'Not/AZone', 'America/New_York')).toBe('America/New_York');
    expect(resolveTimeZone(null, '', undefined)).toBe('UTC');
  });
});

describe('nominalDueAt', () => {
  it('counts days as calendar days, keeping the wall-clock time across a DST change', () => {
    // Saturday 09:00 ACDT (+10:30) → Sunday 09:00 ACST (+9:30): 25 hours later.
    expect(nominalDueAt(at('2025-04-04T22:30:00Z'), { days: 1, hours: 0 }, 'Australia/Adelaide')).toEqual(
      at('2025-04-05T23:30:00Z'),
    );
    // Saturday 09:00 EST → Sunday 09:00 EDT: 23 hours later.
    expect(nominalDueAt(at('2025-03-08T14:00:00Z'), { days: 1, hours: 0 }, 'America/New_York')).toEqual(
      at('2025-03-09T13:00:00Z'),
    );
  });

  it('counts hours as elapsed time', () => {
    expect(nominalDueAt(at('2025-03-09T06:00:00Z'), { days: 0, hours: 2 }, 'America/New_York')).toEqual(
      at('2025-03-09T08:00:00Z'),
    );
  });

  it('moves a nominal time that falls in a spring-forward gap to the moment the clocks jump', () => {
    // Saturday 02:30 EST + 1 day = Sunday 02:30, which does not exist.
    expect(nominalDueAt(at('2025-03-08T07:30:00Z'), { days: 1, hours: 0 }, 'America/New_York')).toEqual(
      at('2025-03-09T07:00:00Z'),
    );
  });

  it('refuses negative and absurd delays', () => {
    expect(() => nominalDueAt(new Date(), { days: -1, hours: 0 }, 'UTC')).toThrow(RangeError);
    expect(() => nominalDueAt(new Date(), { days: 366, hours: 0 }, 'UTC')).toThrow(RangeError);
  });
});

describe('nextInstantInWindow', () => {
  it('keeps an instant already inside the window', () => {
    const t = at('2025-01-15T15:00:00Z'); // Wednesday 10:00 in New York
    expect(nextInstantInWindow(t, { days: WEEKDAYS, start: '09:00', end: '17:00' }, 'America/New_York')).toEqual(t);
  });

  it('waits from Friday evening to Monday morning in the recipient zone', () => {
    // Friday 18:00 IST → Monday 09:00 IST.
    const t = at('2025-01-17T12:30:00Z');
    expect(nextInstantInWindow(t, { days: WEEKDAYS, start: '09:00', end: '17:00' }, 'Asia/Kolkata')).toEqual(
      at('2025-01-20T03:30:00Z'),
    );
  });

  it('treats the end time as exclusive', () => {
    const t = at('2025-01-15T22:00:00Z'); // Wednesday 17:00 in New York
    expect(nextInstantInWindow(t, { days: WEEKDAYS, start: '09:00', end: '17:00' }, 'America/New_York')).toEqual(
      at('2025-01-16T14:00:00Z'),
    );
  });

  it('sends a 02:30 window start on a spring-forward day at the first valid instant after it (03:00)', () => {
    const t = at('2025-03-09T06:00:00Z'); // Sunday 01:00 EST
    expect(nextInstantInWindow(t, { days: SUNDAY, start: '02:30', end: '04:00' }, 'America/New_York')).toEqual(
      at('2025-03-09T07:00:00Z'),
    );
    // Lord Howe skips 02:00–02:30.
    expect(
      nextInstantInWindow(
        at('2025-10-04T14:00:00Z'),
        { days: SUNDAY, start: '02:15', end: '03:00' },
        'Australia/Lord_Howe',
      ),
    ).toEqual(at('2025-10-04T15:30:00Z'));
  });

  it('skips to the next allowed day when the whole window falls in the gap', () => {
    const t = at('2025-03-09T06:00:00Z'); // Sunday 01:00 EST; 02:00–02:59 never happens that day
    expect(nextInstantInWindow(t, { days: SUNDAY, start: '02:00', end: '02:59' }, 'America/New_York')).toEqual(
      at('2025-03-16T06:00:00Z'),
    );
  });

  it('sends a window start repeated by a fall-back change at its earlier occurrence', () => {
    const t = at('2025-11-02T04:00:00Z'); // Sunday 00:00 EDT
    expect(nextInstantInWindow(t, { days: SUNDAY, start: '01:30', end: '03:00' }, 'America/New_York')).toEqual(
      at('2025-11-02T05:30:00Z'),
    );
  });

  it('uses the second occurrence of a repeated start when the first has already passed', () => {
    const t = at('2025-11-02T06:10:00Z'); // 01:10 EST, after the clocks went back
    expect(nextInstantInWindow(t, { days: SUNDAY, start: '01:30', end: '01:45' }, 'America/New_York')).toEqual(
      at('2025-11-02T06:30:00Z'),
    );
  });

  it('re-enters a window when the clocks go back into it', () => {
    const t = at('2025-11-02T05:40:00Z'); // 01:40 EDT, just after a 00:30–01:30 window closed
    expect(nextInstantInWindow(t, { days: SUNDAY, start: '00:30', end: '01:30' }, 'America/New_York')).toEqual(
      at('2025-11-02T06:00:00Z'), // 01:00 EST
    );
  });

  it('follows business hours through a DST change in Newfoundland', () => {
    // Saturday 2025-03-08 → Monday 09:00 NDT (-2:30).
    expect(
      nextInstantInWindow(
        at('2025-03-08T15:00:00Z'),
        { days: WEEKDAYS, start: '09:00', end: '17:00' },
        'America/St_Johns',
      ),
    ).toEqual(at('2025-03-10T11:30:00Z'));
  });
});

// Windows on quarter hours, including ones placed on the hours that DST skips or repeats.
const windowArb: fc.Arbitrary<SendWindow> = fc
  .record({
    // Every DST change in these zones happens on a Sunday, so Sunday-only
    // windows force the search through the changed day.
    days: fc.oneof(
      fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      fc.constantFrom([7], [6, 7], [7, 1], [1, 2, 3, 4, 5]),
    ),
    bounds: fc.oneof(
      fc
        .integer({ min: 0, max: 95 })
        .chain((start) => fc.integer({ min: start + 1, max: 96 }).map((end) => [start * 15, end * 15] as const)),
      fc.constantFrom(
        [120, 180] as const,
        [150, 240] as const,
        [120, 135] as const,
        [60, 120] as const,
        [90, 120] as const,
        [30, 90] as const,
        [75, 180] as const,
        [0, 150] as const,
        [0, 1440] as const,
        [540, 1020] as const,
      ),
    ),
  })
  .map(({ days, bounds }) => ({ days, start: hhmm(bounds[0]), end: hhmm(bounds[1]) }));

const scenarioArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  enrolledAt: fc
    .tuple(
      fc.constantFrom(...DST_DAYS),
      fc.oneof(
        fc.integer({ min: -4 * DAY, max: 2 * DAY }),
        fc.integer({ min: -DAY, max: DAY / 2 }).map((ms) => Math.floor(ms / QUARTER) * QUARTER),
      ),
    )
    .map(([day, offset]) => new Date(day + offset)),
  delay: fc.oneof(
    fc.record({ days: fc.integer({ min: 0, max: 3 }), hours: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ days: fc.integer({ min: 0, max: 1 }), hours: fc.constant(0) }),
  ),
  window: windowArb,
});

describe('computeDueAt properties across DST changes', () => {
  it.each(ZONES)('in %s: the due instant is at or after the nominal time and inside the window', (zone) => {
    fc.assert(
      fc.property(scenarioArb, ({ enrolledAt, delay, window }) => {
        const nominal = nominalDueAt(enrolledAt, delay, zone);
        const due = computeDueAt({ enrolledAt, delay, sendWindow: window, timeZone: zone });
        expect(due.getTime()).toBeGreaterThanOrEqual(nominal.getTime());
        expect(isInsideSendWindow(due, window, zone)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it.each(ZONES)(
    'in %s: the due instant is the earliest — the minute and the millisecond before are outside or before nominal',
    (zone) => {
      fc.assert(
        fc.property(scenarioArb, ({ enrolledAt, delay, window }) => {
          const nominal = nominalDueAt(enrolledAt, delay, zone).getTime();
          const due = computeDueAt({
            enrolledAt,
            delay,
            sendWindow: window,
            timeZone: zone,
          }).getTime();
          for (const before of [due - 1, due - MINUTE]) {
            expect(before < nominal || !isInsideSendWindow(new Date(before), window, zone)).toBe(true);
          }
        }),
        { numRuns: 150 },
      );
    },
  );

  it('matches a brute-force scan of every quarter hour between the nominal and the due instant', () => {
    fc.assert(
      fc.property(scenarioArb, ({ zone, enrolledAt, delay, window }) => {
        const nominal = nominalDueAt(enrolledAt, delay, zone).getTime();
        const expected = bruteForceDue(nominal, window, zone);
        expect(computeDueAt({ enrolledAt, delay, sendWindow: window, timeZone: zone }).getTime()).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it.each(ZONES.filter((zone) => transitionsOf(zone).length > 0))(
    'in %s: a window placed around the moment the clocks change opens exactly when a quarter-hour scan says',
    (zone) => {
      const arb = fc.record({
        transition: fc.constantFrom(...transitionsOf(zone)),
        startShift: fc.integer({ min: -8, max: 8 }),
        length: fc.integer({ min: 1, max: 12 }),
        nominalShift: fc.integer({ min: -24 * 4, max: 8 }),
        jitter: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: QUARTER - 1 })),
        nextDayToo: fc.boolean(),
      });
      fc.assert(
        fc.property(arb, ({ transition, startShift, length, nominalShift, jitter, nextDayToo }) => {
          const local = toWallClock(transition, zone);
          const start = Math.min(95, Math.max(0, Math.floor((local.hour * 60 + local.minute) / 15) + startShift));
          const end = Math.min(96, start + length);
          const weekday = isoWeekday(local);
          const window: SendWindow = {
            days: nextDayToo ? [weekday, (weekday % 7) + 1] : [weekday],
            start: hhmm(start * 15),
            end: hhmm(end * 15),
          };
          const nominal = transition + nominalShift * QUARTER + jitter;
          const due = nextInstantInWindow(new Date(nominal), window, zone).getTime();
          expect(due).toBe(bruteForceDue(nominal, window, zone));
        }),
        { numRuns: 400 },
      );
    },
  );

  it('returns the nominal time when the stage has no window', () => {
    fc.assert(
      fc.property(scenarioArb, ({ zone, enrolledAt, delay }) => {
        expect(computeDueAt({ enrolledAt, delay, sendWindow: null, timeZone: zone })).toEqual(
          nominalDueAt(enrolledAt, delay, zone),
        );
      }),
    );
  });

  it('lands on the same wall-clock time for whole-day delays unless that time is skipped', () => {
    fc.assert(
      fc.property(scenarioArb, ({ zone, enrolledAt, delay }) => {
        const start = toWallClock(enrolledAt, zone);
        const nominal = toWallClock(nominalDueAt(enrolledAt, { days: delay.days, hours: 0 }, zone), zone);
        const target = { ...start, ...dayAfter(start, delay.days) };
        if (instantsAtWallClock(target, zone).length > 0) expect(nominal).toEqual(target);
      }),
      { numRuns: 300 },
    );
  });
});

function dayAfter(w: WallClock, days: number): Pick<WallClock, 'year' | 'month' | 'day'> {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

describe('previewSchedule', () => {
  it('shows when each stage would send if a candidate were enrolled now', () => {
    const now = at('2025-01-17T20:00:00Z'); // Friday 15:00 in New York
    const due = previewSchedule(
      [
        { delay: { days: 0, hours: 0 } },
        {
          delay: { days: 0, hours: 3 },
          sendWindow: { days: WEEKDAYS, start: '09:00', end: '17:00' },
        },
        {
          delay: { days: 7, hours: 0 },
          sendWindow: { days: WEEKDAYS, start: '09:00', end: '17:00' },
        },
      ],
      'America/New_York',
      now,
    );
    expect(due).toEqual([now, at('2025-01-20T14:00:00Z'), at('2025-01-24T20:00:00Z')]);
  });
});
