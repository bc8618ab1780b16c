/**
 * Pure TypeScript shared by the SPA and the Deno edge functions: the token
 * catalogue, stage rendering, stage validation and schedule arithmetic. No
 * Svelte, Node or Deno imports; relative imports carry `.ts` so Deno resolves
 * them as-is.
 */
export {
  TOKENS,
  candidateContext,
  checkTokens,
  customFieldValues,
  customFieldToken,
  customTokenKey,
  extractTemplateTokens,
  getToken,
  interpolateText,
  isCustomTokenKey,
  isKnownToken,
  parseTemplate,
  resolveToken,
  tokenLabel,
  type CandidateColumns,
  type CandidateContext,
  type CustomFieldValue,
  type CustomTokenKey,
  type JobContext,
  type RenderContext,
  type SenderContext,
  type StaticTokenKey,
  type TemplateSegment,
  type TokenCheck,
  type TokenDefinition,
  type TokenGroup,
  aiTokenKeysIn,
  type TokenKey,
  type TokenOptions,
} from './tokens.ts';

export {
  collectDocTokens,
  escapeHtml,
  isDocEmpty,
  renderStage,
  renderSubject,
  headerText,
  sanitizeUrl,
  type DocMark,
  type DocNode,
  type RenderOptions,
  type RenderedEmail,
  type StageContent,
} from './render.ts';

export { sameDoc } from './same-doc.ts';

export {
  STAGE_TYPES,
  isNoReplyAddress,
  isValidEmailAddress,
  validateDraftForCandidate,
  validateStage,
  validateStages,
  type StageDraft,
  type StageField,
  type StageIssue,
  type StageIssueCode,
  type StageType,
  type ValidateOptions,
} from './validate.ts';

export {
  MAX_DELAY_DAYS,
  computeDueAt,
  fromWallClock,
  instantsAtWallClock,
  isInsideSendWindow,
  isValidTimeZone,
  isoWeekday,
  nextInstantInWindow,
  nextTriggerAt,
  nominalDueAt,
  offsetAt,
  parseClockTime,
  previewSchedule,
  resolveTimeZone,
  sendWindowProblem,
  toWallClock,
  type DueAtInput,
  type IsoWeekday,
  type ScheduleStage,
  type SendWindow,
  type StageDelay,
  type WallClock,
} from './schedule.ts';
