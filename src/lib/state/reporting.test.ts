import { describe, expect, it, vi } from 'vitest';

// The functions under test are pure; their modules also export state classes that reach the
// Supabase client, which needs browser configuration. None of these tests calls it.
vi.mock('$lib/supabase', () => ({ supabase: {} }));

import { applyStates, buildReport, largestBatchGroup, mergeRows } from './enrollments.svelte';
import { boardChange } from '$lib/api/enrollments';
import { pointValue } from './home.svelte';
import { nextTriggerAt } from '$shared/email/index.ts';
import type { EnrollmentRow } from '$lib/api/enrollments';

const row = (id: string, batchId: string | null, createdAt = '2026-11-29T10:00:00Z'): EnrollmentRow => ({
  id,
  createdAt,
  batchId,
  status: 'running',
  responseStatus: 'none',
  pipeline: 'in_progress',
  interested: false,
  converted: false,
  endReason: null,
  hiddenReplyReason: null,
  responseProvider: null,
  responseConfidence: null,
  startedAt: null,
  candidate: { id, name: `Candidate ${id}`, email: null },
  stages: [],
});

describe('bulk edit grouping', () => {
  it('picks the largest group of the selection enrolled in the same batch', () => {
    const g = largestBatchGroup([row('a', 'b1'), row('b', 'b2'), row('c', 'b2'), row('d', 'b1'), row('e', 'b2')]);
    expect(g).toEqual({ batchId: 'b2', ids: ['b', 'c', 'e'] });
  });
  it('never groups enrolments made one at a time', () => {
    expect(largestBatchGroup([row('a', null), row('b', null)]).ids).toHaveLength(1);
  });
});

describe('a live change on the board', () => {
  // Newest first: c (12:00), b (11:00), a (10:00).
  const a = row('a', null, '2026-11-29T10:00:00Z');
  const b = row('b', null, '2026-11-29T11:00:00Z');
  const c = row('c', null, '2026-11-29T12:00:00Z');
  const rows = [c, b, a];

  it('replaces only the changed row; every other row stays the same object', () => {
    const b2 = { ...b, pipeline: 'replied' as const, responseStatus: 'replied' as const };
    const out = mergeRows(rows, ['b'], [b2]);
    expect(out.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(out[1]).toBe(b2);
    expect(out[0]).toBe(c);
    expect(out[2]).toBe(a);
  });
  it('removes a row the answer left out (no longer visible) and inserts a new one in board order', () => {
    const d = row('d', null, '2026-11-29T11:30:00Z');
    const out = mergeRows(rows, ['a', 'd'], [d]);
    expect(out.map((r) => r.id)).toEqual(['c', 'd', 'b']);
    expect(out[0]).toBe(c);
    expect(out[2]).toBe(b);
  });
  it('keeps the very same list when the change names no row it has and finds nothing', () => {
    expect(mergeRows(rows, ['zzz'], [])).toBe(rows);
  });
});

describe('a live message that carries rows', () => {
  const a = row('a', null, '2026-11-29T10:00:00Z');
  const b = row('b', null, '2026-11-29T11:00:00Z');
  const rows = [b, a];
  // What the database sends (20261201100000): the board row without the candidate.
  const wire = {
    id: 'b',
    batch_id: null,
    status: 'paused',
    response_status: 'replied',
    pipeline: 'replied',
    interested: false,
    converted: false,
    end_reason: null,
    hidden_reply_reason: null,
    response_provider: 'user',
    response_confidence: null,
    response_set_by: null,
    started_at: '2026-11-29T11:00:00+00:00',
    created_at: '2026-11-29T11:00:00Z',
    stages: [
      {
        position: 1,
        type: 'email',
        status: 'sent',
        scheduled_at: null,
        sent_at: '2026-11-29T11:05:00+00:00',
        send_window: null,
        deferred_reason: null,
      },
    ],
  };

  it('reads the ids and the rows, in the board’s shape', () => {
    const ch = boardChange({ table: 'enrollments', op: 'update', enrollment_ids: ['b'], rows: [wire] });
    expect(ch?.ids).toEqual(['b']);
    expect(ch?.rows?.[0]).toMatchObject({ id: 'b', status: 'paused', pipeline: 'replied', responseProvider: 'user' });
    expect(ch?.rows?.[0]?.stages[0]).toMatchObject({
      position: 1,
      status: 'sent',
      sentAt: '2026-11-29T11:05:00+00:00',
    });
  });
  it('falls back to fetching when rows are missing or malformed, and to a reload when ids may be cut', () => {
    expect(boardChange({ enrollment_ids: ['b'] })).toEqual({ ids: ['b'], rows: null });
    expect(boardChange({ enrollment_ids: ['b'], rows: [{ id: 'b' }] })).toEqual({ ids: ['b'], rows: null });
    expect(boardChange({ enrollment_ids: Array.from({ length: 100 }, (_, i) => `e${i}`) })).toBeNull();
    expect(boardChange(null)).toBeNull();
  });
  it('gives the named row its new state and keeps its candidate; other rows stay the same object', () => {
    const st = boardChange({ enrollment_ids: ['b', 'new'], rows: [wire, { ...wire, id: 'new' }] })!.rows!;
    const out = applyStates(rows, new Map(st.map((x) => [x.id, x])));
    expect(out.rows[0]).toMatchObject({ id: 'b', status: 'paused', pipeline: 'replied', candidate: b.candidate });
    expect(out.rows[1]).toBe(a);
    expect(out.missing).toEqual(['new']);
  });
  it('keeps the very same list when no row it names is on the board', () => {
    const st = boardChange({ enrollment_ids: ['zzz'], rows: [{ ...wire, id: 'zzz' }] })!.rows!;
    const out = applyStates(rows, new Map(st.map((x) => [x.id, x])));
    expect(out.rows).toBe(rows);
    expect(out.missing).toEqual(['zzz']);
  });
});

describe('action report', () => {
  it('says what was edited, what failed and who was left out because of another batch', () => {
    const r = buildReport(
      'edit',
      [
        { enrollmentId: 'a', ok: true, reason: null, detail: null },
        { enrollmentId: 'b', ok: false, reason: 'stage_already_sent', detail: null },
        { enrollmentId: 'c', ok: false, reason: 'not_in_batch', detail: 'Made in another batch.' },
      ],
      { a: 'Ann', b: 'Bob', c: 'Cy' },
    );
    expect(r.title).toBe(
      'Edited 1 sequence; 1 could not be changed; 1 left out because it was enrolled in another batch.',
    );
    expect(r.failed).toEqual([{ id: 'b', name: 'Bob', message: 'That stage was already sent.' }]);
    expect(r.leftOut.map((l) => l.name)).toEqual(['Cy']);
  });
});

describe('next trigger', () => {
  const window = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
  it('is the scheduled time when it is in the future and inside the window', () => {
    const at = new Date('2026-12-01T10:00:00Z'); // a Tuesday, 11:00 in Berlin
    expect(nextTriggerAt(at, window, 'Europe/Berlin', new Date('2026-11-30T00:00:00Z'))).toEqual(at);
  });
  it('waits for the window to open in the recipient zone', () => {
    const at = new Date('2026-12-05T10:00:00Z'); // Saturday
    expect(nextTriggerAt(at, window, 'Europe/Berlin', new Date('2026-11-30T00:00:00Z')).toISOString()).toBe(
      '2026-12-07T08:00:00.000Z',
    );
  });
  it('is now when the scheduled time passed and no window applies', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(nextTriggerAt(new Date('2026-11-01T00:00:00Z'), null, 'UTC', now)).toEqual(now);
  });
});

describe('home chart values', () => {
  it('shows rates as a percentage of the week’s sequences, and 0 for empty weeks', () => {
    const p = { weekStart: '2026-11-23', sent: 8, replied: 2, converted: 1 };
    expect(pointValue(p, 'sent')).toBe(8);
    expect(pointValue(p, 'reply_rate')).toBe(25);
    expect(pointValue(p, 'conversion_rate')).toBe(12.5);
    expect(pointValue({ ...p, sent: 0 }, 'reply_rate')).toBe(0);
  });
});

describe('readable API errors', () => {
  it('says what a network failure means instead of the browser’s text', async () => {
    const { fail } = await import('$lib/result');
    expect(fail({ message: 'TypeError: Failed to fetch' }, 'x').error).toBe(
      'Could not reach the server. Check your connection and try again.',
    );
    expect(fail({ message: 'JWT expired', code: 'PGRST301' }).error).toBe(
      'Your session has expired. Sign in again to continue.',
    );
    expect(fail({ message: 'not_found', details: 'No such enrolment.' }).error).toBe('No such enrolment.');
  });
});
