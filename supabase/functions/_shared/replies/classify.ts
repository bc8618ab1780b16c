/**
 * Picks the reply classifier from the edge function's environment: the LLM
 * classifier when an OpenAI-compatible endpoint is fully configured, else the
 * built-in rules. A partial configuration (say, a key without a model) uses
 * the rules too — the reply still gets a status — and the classifier's
 * `name` shows which one is running.
 */
import { DEFAULT_LLM_TIMEOUT_MS, createLlmClassifier } from './llm.ts';
import { createRuleClassifier } from './rules.ts';
import type { ReplyClassifier } from './types.ts';

export type { Classification, ClassifyInput, ReplyClassifier, ReplyLabel } from './types.ts';
export { REPLY_LABELS, isReplyLabel } from './types.ts';
export { createRuleClassifier, classifyWithRules } from './rules.ts';
export { createLlmClassifier, parseJsonContent, DEFAULT_LLM_TIMEOUT_MS, type LlmClassifierOptions } from './llm.ts';

/**
 * Environment variables read:
 * - `REPLY_CLASSIFIER_BASE_URL` — e.g. `https://api.openai.com/v1`
 * - `REPLY_CLASSIFIER_API_KEY`
 * - `REPLY_CLASSIFIER_MODEL` — e.g. `gpt-4o-mini`
 * - `REPLY_CLASSIFIER_TIMEOUT_MS` — optional, default 10 000
 */
export function createClassifier(
  env: Readonly<Record<string, string | undefined>>,
  options: { fetch?: typeof fetch } = {},
): ReplyClassifier {
  const baseUrl = env.REPLY_CLASSIFIER_BASE_URL?.trim() ?? '';
  const apiKey = env.REPLY_CLASSIFIER_API_KEY?.trim() ?? '';
  const model = env.REPLY_CLASSIFIER_MODEL?.trim() ?? '';
  if (baseUrl === '' || apiKey === '' || model === '') return createRuleClassifier();
  const timeout = Number(env.REPLY_CLASSIFIER_TIMEOUT_MS);
  return createLlmClassifier({
    baseUrl,
    apiKey,
    model,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_LLM_TIMEOUT_MS,
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
}
