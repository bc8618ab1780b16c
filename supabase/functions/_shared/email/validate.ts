/**
 * What blocks a stage from being enrolled or sent. The template editor shows
 * these as the per-stage banners and the error count; the enrolment editor
 * adds per-candidate issues (missing token values); the sending function runs
 * the same checks so a stage that slipped past the UI still never sends.
 */
import { collectDocTokens, isDocEmpty, type DocNode } from './render.ts';
import { MAX_DELAY_DAYS, sendWindowProblem, type SendWindow, type StageDelay } from './schedule.ts';
import { checkTokens, extractTemplateTokens, tokenLabel, type RenderContext, type TokenOptions } from './tokens.ts';

export type StageType = 'email' | 'linkedin_inmail' | 'linkedin_connection';

export const STAGE_TYPES: readonly StageType[] = ['email', 'linkedin_inmail', 'linkedin_connection'];

/** The parts of a stage (template or candidate draft) that validation reads. */
export interface StageDraft {
  type: StageType;
  delay: StageDelay;
  sendWindow?: SendWindow | null;
  /** The from address of email stages. LinkedIn stages prompt a user instead. */
  senderEmail?: string | null;
  subject?: string | null;
  body?: DocNode | null;
}

export type StageIssueCode =
  | 'unknown_stage_type'
  | 'no_subject'
  | 'empty_body'
  | 'unknown_token'
  | 'no_sender'
  | 'invalid_sender'
  | 'sender_not_allowed'
  | 'invalid_delay'
  | 'delay_before_previous_stage'
  | 'invalid_send_window'
  | 'missing_token_value';

export type StageField = 'type' | 'subject' | 'body' | 'senderEmail' | 'delay' | 'sendWindow';

export interface StageIssue {
  code: StageIssueCode;
  /** Shown to the user as the banner text. */
  message: string;
  field: StageField;
  /** The token concerned, for `unknown_token` and `missing_token_value`. */
  token?: string;
  /** Set by the functions that validate several stages. */
  stageIndex?: number;
}

export interface ValidateOptions extends TokenOptions {
  /**
   * Addresses the organisation uses as default/system senders (compared
   * case-insensitively); like no-reply addresses they can never send a
   * sequence. Default: none.
   */
  defaultSenderAddresses?: readonly string[];
}

const SUBJECT_TYPES: ReadonlySet<StageType> = new Set(['email', 'linkedin_inmail']);

// A separator-delimited "noreply"-like word anywhere in the local part, so
// `jobs-noreply@` is caught but `bruno.reply@` (Bruno Reply) is not.
const NO_REPLY_LOCAL_PART = /(?:^|[._+-])(?:no[._-]?reply|do[._-]?not[._-]?reply|mailer[._-]?daemon)(?:$|[._+\d-])/;

const EMAIL_PATTERN = /^[^\s@<>"]+@[^\s@<>".]+(?:\.[^\s@<>".]+)+$/;

export function isValidEmailAddress(address: string): boolean {
  return EMAIL_PATTERN.test(address.trim());
}

/**
 * True for addresses that must never send a sequence: no-reply style local
 * parts (noreply, no-reply, donotreply, do-not-reply, mailer-daemon …) and the
 * organisation's default addresses. Replies are how sequences stop, so an
 * address nobody reads would keep emailing a candidate who answered. The
 * local part ends at the LAST `@` (a quoted local part may contain one);
 * private.is_no_reply_address is the SQL twin (tests/integration/schedule-parity.test.ts).
 */
export function isNoReplyAddress(address: string, defaultAddresses: readonly string[] = []): boolean {
  const normalised = address.trim().toLowerCase();
  if (defaultAddresses.some((d) => d.trim().toLowerCase() === normalised)) return true;
  const at = normalised.lastIndexOf('@');
  const local = at === -1 ? normalised : normalised.slice(0, at);
  return NO_REPLY_LOCAL_PART.test(local);
}

function isStageType(value: unknown): value is StageType {
  return typeof value === 'string' && (STAGE_TYPES as readonly string[]).includes(value);
}

function totalHours(delay: StageDelay): number {
  return delay.days * 24 + delay.hours;
}

function delayIssue(delay: StageDelay | null | undefined): StageIssue | null {
  const issue = (message: string): StageIssue => ({
    code: 'invalid_delay',
    message,
    field: 'delay',
  });
  if (delay == null) return issue('Set when this stage sends.');
  const { days, hours } = delay;
  if (!Number.isFinite(days) || !Number.isFinite(hours) || !Number.isInteger(days) || !Number.isInteger(hours)) {
    return issue('The delay must be whole days and hours.');
  }
  if (days < 0 || hours < 0) return issue('The delay cannot be negative.');
  if (totalHours(delay) > MAX_DELAY_DAYS * 24) return issue(`The delay cannot be more than ${MAX_DELAY_DAYS} days.`);
  return null;
}

function fieldName(field: 'subject' | 'body'): string {
  return field === 'subject' ? 'the subject' : 'the body';
}

function stageTokens(stage: StageDraft): { subject: string[]; body: string[] } {
  return {
    subject: SUBJECT_TYPES.has(stage.type) ? extractTemplateTokens(stage.subject ?? '') : [],
    body: collectDocTokens(stage.body),
  };
}

/** Issues of one stage on its own (template-level: no candidate involved). */
export function validateStage(stage: StageDraft, options: ValidateOptions = {}): StageIssue[] {
  const issues: StageIssue[] = [];
  if (!isStageType(stage.type)) {
    issues.push({ code: 'unknown_stage_type', message: 'Choose the stage type.', field: 'type' });
  }

  if (SUBJECT_TYPES.has(stage.type) && (stage.subject ?? '').trim() === '') {
    issues.push({ code: 'no_subject', message: 'Add a subject.', field: 'subject' });
  }
  if (isDocEmpty(stage.body)) {
    issues.push({ code: 'empty_body', message: 'Write the message body.', field: 'body' });
  }

  const tokens = stageTokens(stage);
  for (const field of ['subject', 'body'] as const) {
    for (const key of checkTokens(tokens[field], undefined, options).unknown) {
      issues.push({
        code: 'unknown_token',
        message:
          key === ''
            ? `Empty token {{}} in ${fieldName(field)}: remove it or pick a token.`
            : `Unknown token {{${key}}} in ${fieldName(field)}: remove it or pick a token from the list.`,
        field,
        token: key,
      });
    }
  }

  if (stage.type === 'email') {
    const sender = (stage.senderEmail ?? '').trim();
    if (sender === '') {
      issues.push({
        code: 'no_sender',
        message: 'Choose who this email is sent from.',
        field: 'senderEmail',
      });
    } else if (!isValidEmailAddress(sender)) {
      issues.push({
        code: 'invalid_sender',
        message: `${sender} is not a valid email address.`,
        field: 'senderEmail',
      });
    } else if (isNoReplyAddress(sender, options.defaultSenderAddresses)) {
      issues.push({
        code: 'sender_not_allowed',
        message: `${sender} is a no-reply or default address and cannot send sequences: choose a person's address.`,
        field: 'senderEmail',
      });
    }
  }

  const delay = delayIssue(stage.delay);
  if (delay !== null) issues.push(delay);

  if (stage.sendWindow != null) {
    const problem = sendWindowProblem(stage.sendWindow);
    if (problem !== null) {
      issues.push({
        code: 'invalid_send_window',
        message: `Send window: ${problem}`,
        field: 'sendWindow',
      });
    }
  }
  return issues;
}

/**
 * Issues of a whole sequence, each tagged with its `stageIndex`. Delays are
 * measured from enrolment, so a stage whose delay is shorter than the previous
 * stage's would overtake it — reported as `delay_before_previous_stage`.
 */
export function validateStages(stages: readonly StageDraft[], options: ValidateOptions = {}): StageIssue[] {
  const issues: StageIssue[] = [];
  stages.forEach((stage, stageIndex) => {
    for (const issue of validateStage(stage, options)) issues.push({ ...issue, stageIndex });
    const previous = stages[stageIndex - 1];
    if (
      previous !== undefined &&
      delayIssue(previous.delay) === null &&
      delayIssue(stage.delay) === null &&
      totalHours(stage.delay) < totalHours(previous.delay)
    ) {
      issues.push({
        code: 'delay_before_previous_stage',
        message: `This stage would send before stage ${stageIndex}: delays count from enrolment, so make it at least as long as the previous stage's.`,
        field: 'delay',
        stageIndex,
      });
    }
  });
  return issues;
}

/**
 * Issues of a candidate's draft: everything `validateStages` reports plus a
 * `missing_token_value` per token (and field) the candidate's data cannot
 * fill. `context` may be a function because each stage can have its own
 * sender.
 */
export function validateDraftForCandidate(
  stages: readonly StageDraft[],
  context: RenderContext | ((stage: StageDraft, stageIndex: number) => RenderContext),
  options: ValidateOptions = {},
): StageIssue[] {
  const issues = validateStages(stages, options);
  stages.forEach((stage, stageIndex) => {
    const stageContext = typeof context === 'function' ? context(stage, stageIndex) : context;
    const tokens = stageTokens(stage);
    for (const field of ['subject', 'body'] as const) {
      for (const key of checkTokens(tokens[field], stageContext, options).missing) {
        issues.push({
          code: 'missing_token_value',
          message: `No value for ${tokenLabel(key)} ({{${key}}}), used in ${fieldName(field)}: fill it in or edit this stage.`,
          field,
          token: key,
          stageIndex,
        });
      }
    }
  });
  return issues;
}
