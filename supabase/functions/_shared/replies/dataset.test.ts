import { describe, expect, it } from 'vitest';
import { REPLY_DATASET } from './dataset.ts';
import { evaluate } from './evaluate.ts';
import { createRuleClassifier } from './rules.ts';
import { REPLY_LABELS } from './types.ts';

// Floors are the values measured when the rules were written (see
// bench/results/classifier.txt), rounded down: they catch regressions. Raise
// them when the rules get better; never lower them to get a change through.
const MEASURED_FLOORS = {
  accuracy: 0.93, // 168/180
  holdout: 0.7, // 21/30, replies written after tuning
  returnDates: 1, // 30/30 out-of-office replies with the right return date
  recall: { interested: 0.93, not_interested: 0.93, out_of_office: 1, other: 0.84 },
  precision: { interested: 0.94, not_interested: 0.98, out_of_office: 0.96, other: 0.75 },
} as const;

describe('the labelled reply dataset', () => {
  it('has at least 120 replies with unique ids and every label represented', () => {
    expect(REPLY_DATASET.length).toBeGreaterThanOrEqual(120);
    expect(new Set(REPLY_DATASET.map((r) => r.id)).size).toBe(REPLY_DATASET.length);
    for (const label of REPLY_LABELS)
      expect(REPLY_DATASET.filter((r) => r.label === label).length).toBeGreaterThanOrEqual(20);
  });

  it('states the expected return date (or null) for every out-of-office reply', () => {
    for (const item of REPLY_DATASET.filter((r) => r.label === 'out_of_office')) {
      expect(item.returnDate, item.id).not.toBeUndefined();
    }
  });
});

describe('rule-based classifier accuracy on the dataset', async () => {
  const result = await evaluate(createRuleClassifier());

  it(`stays at or above ${MEASURED_FLOORS.accuracy * 100}% overall and ${MEASURED_FLOORS.holdout * 100}% on the held-out part`, () => {
    expect(result.accuracy).toBeGreaterThanOrEqual(MEASURED_FLOORS.accuracy);
    expect(result.holdout.correct / result.holdout.total).toBeGreaterThanOrEqual(MEASURED_FLOORS.holdout);
  });

  it('keeps per-class precision and recall at their measured floors', () => {
    for (const score of result.perClass) {
      expect(score.recall, `${score.label} recall`).toBeGreaterThanOrEqual(MEASURED_FLOORS.recall[score.label]);
      expect(score.precision, `${score.label} precision`).toBeGreaterThanOrEqual(
        MEASURED_FLOORS.precision[score.label],
      );
    }
  });

  it('reads every out-of-office return date it labels', () => {
    expect(result.returnDates.correct / result.returnDates.total).toBeGreaterThanOrEqual(MEASURED_FLOORS.returnDates);
  });
});
