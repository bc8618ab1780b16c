import { describe, expect, it } from 'vitest';
import type { BoardStage, EnrollmentRow } from '$lib/api/enrollments';
import { nextLabel } from './board-next';

const NOW = new Date('2026-11-30T12:00:00Z');
const fmt = (d: Date) => d.toISOString();
const stage = (over: Partial<BoardStage>): BoardStage => ({
  position: 0,
  type: 'email',
  status: 'scheduled',
  scheduledAt: null,
  sentAt: null,
  sendWindow: null,
  deferredReason: null,
  ...over,
});
const row = (stages: BoardStage[], status: EnrollmentRow['status'] = 'running') => ({
  status,
  endReason: null,
  stages,
});

describe("the board's Next column", () => {
  it('shows the stored (window-adjusted) time of a stage still to come', () => {
    const at = '2026-11-30T15:00:00.000Z';
    expect(nextLabel(row([stage({ scheduledAt: at })]), NOW, fmt)).toBe(at);
  });

  it('never shows a past time: a due stage waiting in the queue says it is queued', () => {
    const label = nextLabel(row([stage({ scheduledAt: '2026-11-30T11:59:00Z' })]), NOW, fmt);
    expect(label).toBe('Stage 1: queued, sending shortly');
  });

  it('says a claimed stage is being sent now', () => {
    expect(nextLabel(row([stage({ status: 'claimed', scheduledAt: '2026-11-30T11:00:00Z' })]), NOW, fmt)).toBe(
      'Stage 1: sending now',
    );
  });

  it('says why a stage was put back: rate limit, daily cap, send window', () => {
    const at = '2026-11-30T12:05:00.000Z';
    expect(nextLabel(row([stage({ scheduledAt: at, deferredReason: 'rate_limited' })]), NOW, fmt)).toBe(
      `${at} (provider rate limit)`,
    );
    expect(
      nextLabel(row([stage({ scheduledAt: '2026-11-30T11:00:00Z', deferredReason: 'daily_cap' })]), NOW, fmt),
    ).toBe("Stage 1: queued, sending shortly (sender's daily limit reached)");
  });

  it('skips sent stages and names drafts, pauses and ended enrolments', () => {
    const at = '2026-12-03T09:00:00.000Z';
    expect(
      nextLabel(
        row([stage({ status: 'sent', sentAt: '2026-11-30T11:00:00Z' }), stage({ position: 1, scheduledAt: at })]),
        NOW,
        fmt,
      ),
    ).toBe(at);
    expect(nextLabel(row([stage({})], 'draft'), NOW, fmt)).toBe('Draft, not started');
    expect(nextLabel(row([stage({})], 'paused'), NOW, fmt)).toBe('Paused');
    expect(nextLabel({ status: 'cancelled', endReason: 'candidate_archived', stages: [] }, NOW, fmt)).toBe(
      'candidate archived',
    );
  });
});
