/**
 * Pure TypeScript for candidates' replies, shared by the SPA and the Deno edge
 * functions: strip quoted history and signatures, recognise out-of-office
 * replies and their return dates, and classify the reply. No Svelte, Node or
 * Deno imports; relative imports carry `.ts` so Deno resolves them as-is.
 * The labelled dataset (dataset.ts) is deliberately not re-exported so it
 * stays out of the SPA bundle.
 */
export { decodeEntities, htmlToText, stripReply, type ReplyBody, type StrippedReply } from './strip.ts';

export {
  DEFAULT_OOO_RESUME_DAYS,
  MAX_RETURN_DAYS_AHEAD,
  detectOutOfOffice,
  hasOutOfOfficeWording,
  isAutoReplyByHeaders,
  isAutoReplySubject,
  parseReturnDate,
  resumeDate,
  type HeaderBag,
  type OutOfOfficeEvidence,
  type OutOfOfficeInput,
  type OutOfOfficeResult,
} from './ooo.ts';

export {
  DEFAULT_LLM_TIMEOUT_MS,
  REPLY_LABELS,
  classifyWithRules,
  createClassifier,
  createLlmClassifier,
  createRuleClassifier,
  isReplyLabel,
  parseJsonContent,
  type Classification,
  type ClassifyInput,
  type LlmClassifierOptions,
  type ReplyClassifier,
  type ReplyLabel,
} from './classify.ts';

export { RULES_PROVIDER } from './rules.ts';
