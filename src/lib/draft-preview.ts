// A draft stage as its candidate would get it (issue 14): the profile's draft editor shows it
// under each stage. Pure, so a test drives it without a DOM or a server.
import type { DraftStage, SenderOption } from '$lib/api/candidate-profile';
import { renderStage, validateDraftForCandidate, type RenderContext } from '$shared/email/index.ts';

/** One stage of the draft as its candidate would get it, and what is wrong with its tokens. */
export interface StagePreview {
  subject: string;
  /** The body's text part. */
  text: string;
  /** Missing values (named) and unknown tokens, in words. */
  problems: string[];
}

/**
 * Renders a draft stage with the candidate's values and the stage's sender, through the one
 * render and validation rule that sending uses ($shared/email), so the preview is the email.
 */
export function previewStage(stage: DraftStage, context: RenderContext, sender: SenderOption | null): StagePreview {
  // A sender option carries exactly what the sender tokens read.
  const ctx: RenderContext = { ...context, sender };
  const body = stage.body;
  const subject = stage.type === 'linkedin_connection' ? '' : stage.subject;
  const problems = validateDraftForCandidate(
    [{ type: stage.type, delay: { days: stage.delayDays, hours: stage.delayHours }, subject, body }],
    ctx,
  )
    .filter((i) => i.code === 'missing_token_value' || i.code === 'unknown_token')
    .map((i) => i.message);
  const r = renderStage({ subject, body }, ctx);
  return { subject: r.subject, text: r.text, problems };
}
