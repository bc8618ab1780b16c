// Which token values a candidate's draft is missing (the Enroll dialog's blocking panel): the
// shared validation the editor and the sending function use (validateDraftForCandidate), grouped
// per token with the stages that use it. AI tokens are left out: their lines are written and
// approved in their own review step. Pure, so a unit test pins it.
import { tokenLabel, validateDraftForCandidate, type RenderContext, type StageDraft } from '$shared/email/index.ts';

export interface TokenGap {
  token: string;
  label: string;
  /** 1-based stage numbers that use the token. */
  stages: number[];
}

export function missingTokens(
  stages: readonly StageDraft[],
  contextFor: (stageIndex: number) => RenderContext,
): TokenGap[] {
  const gaps = new Map<string, TokenGap>();
  for (const issue of validateDraftForCandidate(stages, (_s, i) => contextFor(i))) {
    if (issue.code !== 'missing_token_value' || !issue.token || issue.token.startsWith('ai.')) continue;
    const gap = gaps.get(issue.token) ?? { token: issue.token, label: tokenLabel(issue.token), stages: [] };
    const n = (issue.stageIndex ?? 0) + 1;
    if (!gap.stages.includes(n)) gap.stages.push(n);
    gaps.set(issue.token, gap);
  }
  return [...gaps.values()];
}

/** The sentence the panel shows for a gap. */
export function gapText(g: TokenGap): string {
  const where = g.stages.length === 1 ? `stage ${g.stages[0]}` : `stages ${g.stages.join(', ')}`;
  return `No value for ${g.label} ({{${g.token}}}), used in ${where}.`;
}
