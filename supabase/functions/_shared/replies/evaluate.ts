/**
 * Scores a classifier against the labelled dataset: per-class precision,
 * recall and F1, a confusion matrix, and return-date agreement for
 * out-of-office replies. Used by the accuracy regression test and by
 * bench/classifier.ts; not part of the public API.
 */
import { REPLY_DATASET, DATASET_RECEIVED_AT, type LabelledReply } from './dataset.ts';
import { REPLY_LABELS, type Classification, type ReplyClassifier, type ReplyLabel } from './types.ts';

export interface ClassScore {
  label: ReplyLabel;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  perClass: ClassScore[];
  /** confusion[expected][predicted] */
  confusion: Record<ReplyLabel, Record<ReplyLabel, number>>;
  mistakes: { item: LabelledReply; got: Classification }[];
  /** Out-of-office replies labelled as such whose return date matched too. */
  returnDates: { correct: number; total: number };
  /** Accuracy on the held-out items alone (see dataset.ts). */
  holdout: { correct: number; total: number };
}

export async function evaluate(
  classifier: ReplyClassifier,
  dataset: readonly LabelledReply[] = REPLY_DATASET,
): Promise<Evaluation> {
  const confusion = Object.fromEntries(
    REPLY_LABELS.map((e) => [e, Object.fromEntries(REPLY_LABELS.map((p) => [p, 0]))]),
  ) as Record<ReplyLabel, Record<ReplyLabel, number>>;
  const mistakes: Evaluation['mistakes'] = [];
  const returnDates = { correct: 0, total: 0 };
  const holdout = { correct: 0, total: 0 };
  for (const item of dataset) {
    const got = await classifier.classify({
      subject: item.subject,
      text: item.text,
      receivedAt: item.receivedAt ?? DATASET_RECEIVED_AT,
      headers: item.headers ?? null,
      locale: item.locale ?? null,
    });
    confusion[item.label][got.label]++;
    if (got.label !== item.label) mistakes.push({ item, got });
    if (item.holdout === true) {
      holdout.total++;
      if (got.label === item.label) holdout.correct++;
    }
    if (item.label === 'out_of_office' && got.label === 'out_of_office') {
      returnDates.total++;
      if ((got.returnDate ?? null) === (item.returnDate ?? null)) returnDates.correct++;
    }
  }
  const perClass = REPLY_LABELS.map((label): ClassScore => {
    const tp = confusion[label][label];
    const predicted = REPLY_LABELS.reduce((sum, e) => sum + confusion[e][label], 0);
    const support = REPLY_LABELS.reduce((sum, p) => sum + confusion[label][p], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, support, precision, recall, f1 };
  });
  const correct = REPLY_LABELS.reduce((sum, l) => sum + confusion[l][l], 0);
  return {
    total: dataset.length,
    correct,
    accuracy: correct / dataset.length,
    perClass,
    confusion,
    mistakes,
    returnDates,
    holdout,
  };
}

/** A plain-text report: per-class table and confusion matrix. */
export function formatEvaluation(result: Evaluation): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`.padStart(7);
  const lines = [
    `replies: ${result.total}, correct: ${result.correct}, accuracy: ${pct(result.accuracy).trim()}`,
    `held-out part (written after tuning): ${result.holdout.correct}/${result.holdout.total} correct`,
    `out-of-office return dates right: ${result.returnDates.correct}/${result.returnDates.total}`,
    '',
    `${'class'.padEnd(16)}${'support'.padStart(8)}${'precision'.padStart(11)}${'recall'.padStart(9)}${'F1'.padStart(9)}`,
    ...result.perClass.map(
      (c) =>
        `${c.label.padEnd(16)}${String(c.support).padStart(8)}${pct(c.precision).padStart(11)}${pct(c.recall).padStart(9)}${pct(c.f1).padStart(9)}`,
    ),
    '',
    'confusion matrix (rows: expected, columns: predicted)',
    `${''.padEnd(16)}${REPLY_LABELS.map((l) => l.padStart(16)).join('')}`,
    ...REPLY_LABELS.map(
      (e) => `${e.padEnd(16)}${REPLY_LABELS.map((p) => String(result.confusion[e][p]).padStart(16)).join('')}`,
    ),
  ];
  if (result.mistakes.length > 0) {
    lines.push('', 'misclassified:');
    for (const { item, got } of result.mistakes) {
      const text = item.text.replace(/\s+/g, ' ').slice(0, 90);
      lines.push(
        `  ${item.id}${item.holdout === true ? ' (held out)' : ''} expected ${item.label}, got ${got.label} (${got.reason ?? ''}): ${text}`,
      );
    }
  }
  return lines.join('\n');
}
