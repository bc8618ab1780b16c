/**
 * The contract every reply classifier meets (SPEC S6). The inbound-email
 * function calls `classify` on each reply when the organisation opted in and
 * writes `label` into the enrolment's response status; `out_of_office` pauses
 * the sequence instead of stopping it and `returnDate` sets the resume day.
 */
import type { HeaderBag } from './ooo.ts';

export type ReplyLabel = 'interested' | 'not_interested' | 'out_of_office' | 'other';

export const REPLY_LABELS: readonly ReplyLabel[] = ['interested', 'not_interested', 'out_of_office', 'other'];

export function isReplyLabel(value: unknown): value is ReplyLabel {
  return typeof value === 'string' && (REPLY_LABELS as readonly string[]).includes(value);
}

export interface ClassifyInput {
  subject: string;
  /** The reply's plain-text body as received; quoted history is stripped inside. */
  text: string;
  /** The HTML body, read only when `text` is empty. */
  html?: string | null;
  receivedAt: Date | string;
  headers?: HeaderBag | null;
  /** The sender's locale when known; decides how `05/01` reads (see ooo.ts). */
  locale?: string | null;
}

export interface Classification {
  label: ReplyLabel;
  /** 0-1; how sure the classifier is. The UI shows low values as "suggested". */
  confidence: number;
  /** A short human-readable why, shown next to an automatic status. */
  reason?: string;
  /** `YYYY-MM-DD` for `out_of_office` when a return date was stated. */
  returnDate?: string | null;
  /**
   * Who decided: `rules`, `llm:<model>`, or `rules (fallback: …)` when the LLM
   * could not answer — stored with the status so a wrong label can be traced.
   */
  provider: string;
}

export interface ReplyClassifier {
  name: string;
  kind: 'llm' | 'rules';
  /** Never rejects for a reply's content; an LLM classifier falls back to rules. */
  classify(input: ClassifyInput): Promise<Classification>;
}
