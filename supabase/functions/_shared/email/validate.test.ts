import { describe, expect, it } from 'vitest';
import { context, doc, emailStage, p, text, token } from './test-factories.ts';
import type { RenderContext } from './tokens.ts';
import {
  isNoReplyAddress,
  validateDraftForCandidate,
  validateStage,
  validateStages,
  type StageDraft,
  type StageIssue,
} from './validate.ts';

const codes = (issues: StageIssue[]) => issues.map((issue) => issue.code);

describe('validateStage', () => {
  it('reports nothing for a complete email stage', () => {
    expect(validateStage(emailStage())).toEqual([]);
  });

  it('reports no_subject on email and InMail stages without a subject, not on connection requests', () => {
    expect(validateStage(emailStage({ subject: '  ' }))).toEqual([
      { code: 'no_subject', message: 'Add a subject.', field: 'subject' },
    ]);
    expect(codes(validateStage(emailStage({ type: 'linkedin_inmail', subject: null })))).toEqual(['no_subject']);
    expect(validateStage(emailStage({ type: 'linkedin_connection', subject: null }))).toEqual([]);
  });

  it('reports empty_body when the body has no text or token', () => {
    for (const body of [null, doc(), doc(p()), doc(p(text('   ')))]) {
      expect(codes(validateStage(emailStage({ body })))).toEqual(['empty_body']);
    }
  });

  it('reports unknown_token for each misspelt token in the subject and the body', () => {
    const issues = validateStage(
      emailStage({
        subject: 'Hi {{candidate.firstname}} {{candidate.firstname}}',
        body: doc(p(token('candidate.nickname'), text(' {{ job.name }} {{}}'))),
      }),
    );
    expect(issues.map(({ code, field, token: t }) => ({ code, field, token: t }))).toEqual([
      { code: 'unknown_token', field: 'subject', token: 'candidate.firstname' },
      { code: 'unknown_token', field: 'body', token: 'candidate.nickname' },
      { code: 'unknown_token', field: 'body', token: 'job.name' },
      { code: 'unknown_token', field: 'body', token: '' },
    ]);
    expect(issues[0]?.message).toContain('{{candidate.firstname}}');
  });

  it('reports custom field tokens as unknown only when the organisation does not define them', () => {
    const stage = emailStage({ subject: '{{custom.github}} {{custom.twitter}}' });
    expect(validateStage(stage)).toEqual([]);
    expect(validateStage(stage, { customFieldKeys: ['github'] }).map((issue) => issue.token)).toEqual([
      'custom.twitter',
    ]);
  });

  it('ignores tokens in the subject of a connection request, which has none', () => {
    expect(validateStage(emailStage({ type: 'linkedin_connection', subject: '{{nope}}' }))).toEqual([]);
  });

  it('reports no_sender on an email stage without a from address, and not on LinkedIn prompts', () => {
    expect(validateStage(emailStage({ senderEmail: null }))).toEqual([
      { code: 'no_sender', message: 'Choose who this email is sent from.', field: 'senderEmail' },
    ]);
    expect(validateStage(emailStage({ type: 'linkedin_inmail', senderEmail: null }))).toEqual([]);
  });

  it('reports invalid_sender for something that is not an address', () => {
    expect(codes(validateStage(emailStage({ senderEmail: 'grace at acme' })))).toEqual(['invalid_sender']);
  });

  it.each([
    'noreply@acme.example',
    'no-reply@acme.example',
    'No_Reply@acme.example',
    'donotreply@acme.example',
    'do-not-reply@acme.example',
    'mailer-daemon@acme.example',
    'jobs-noreply@acme.example',
    'noreply+sequences@acme.example',
  ])('reports sender_not_allowed for the no-reply address %s', (senderEmail) => {
    const issues = validateStage(emailStage({ senderEmail }));
    expect(codes(issues)).toEqual(['sender_not_allowed']);
    expect(issues[0]?.field).toBe('senderEmail');
  });

  it('reports sender_not_allowed for an address the organisation marks as default', () => {
    const stage = emailStage({ senderEmail: 'Recruiting@Acme.example' });
    expect(validateStage(stage)).toEqual([]);
    expect(codes(validateStage(stage, { defaultSenderAddresses: ['recruiting@acme.example'] }))).toEqual([
      'sender_not_allowed',
    ]);
  });

  it('accepts personal addresses that merely contain the letters of no-reply', () => {
    expect(isNoReplyAddress('bruno.reply@acme.example')).toBe(false);
    expect(isNoReplyAddress('noreen@acme.example')).toBe(false);
    expect(isNoReplyAddress('replyguy@acme.example')).toBe(false);
  });

  it.each([
    [{ days: -1, hours: 0 }, 'The delay cannot be negative.'],
    [{ days: 0, hours: -3 }, 'The delay cannot be negative.'],
    [{ days: 366, hours: 0 }, 'The delay cannot be more than 365 days.'],
    [{ days: 365, hours: 1 }, 'The delay cannot be more than 365 days.'],
    [{ days: 1.5, hours: 0 }, 'The delay must be whole days and hours.'],
    [{ days: Number.NaN, hours: 0 }, 'The delay must be whole days and hours.'],
  ])('reports invalid_delay for %j', (delay, message) => {
    expect(validateStage(emailStage({ delay }))).toEqual([{ code: 'invalid_delay', message, field: 'delay' }]);
  });

  it('accepts a delay of exactly 365 days', () => {
    expect(validateStage(emailStage({ delay: { days: 365, hours: 0 } }))).toEqual([]);
  });

  it.each([
    [{ days: [], start: '09:00', end: '17:00' }, 'Pick at least one day.'],
    [{ days: [0], start: '09:00', end: '17:00' }, 'Days must be weekdays 1 (Monday) to 7 (Sunday).'],
    [{ days: [1], start: '9am', end: '17:00' }, 'Start time must be HH:MM between 00:00 and 23:59.'],
    [{ days: [1], start: '09:00', end: '25:00' }, 'End time must be HH:MM between 00:01 and 24:00.'],
    [{ days: [1], start: '17:00', end: '09:00' }, 'End time must be after start time on the same day.'],
    [{ days: [1], start: '09:00', end: '09:00' }, 'End time must be after start time on the same day.'],
  ])('reports invalid_send_window for %j', (sendWindow, problem) => {
    expect(validateStage(emailStage({ sendWindow }))).toEqual([
      { code: 'invalid_send_window', message: `Send window: ${problem}`, field: 'sendWindow' },
    ]);
  });

  it('accepts a send window ending at 24:00', () => {
    expect(validateStage(emailStage({ sendWindow: { days: [1, 2, 3, 4, 5], start: '09:00', end: '24:00' } }))).toEqual(
      [],
    );
  });

  it('reports unknown_stage_type for a type outside the three supported', () => {
    const stage = { ...emailStage(), type: 'sms' } as unknown as StageDraft;
    expect(codes(validateStage(stage))).toEqual(['unknown_stage_type']);
  });
});

describe('validateStages', () => {
  it('tags each issue with its stage index', () => {
    const issues = validateStages([emailStage(), emailStage({ subject: '' })]);
    expect(issues).toEqual([expect.objectContaining({ code: 'no_subject', stageIndex: 1 })]);
  });

  it('reports delay_before_previous_stage when a stage would overtake the previous one', () => {
    const issues = validateStages([
      emailStage({ delay: { days: 3, hours: 0 } }),
      emailStage({ delay: { days: 2, hours: 23 } }),
      emailStage({ delay: { days: 2, hours: 23 } }),
    ]);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'delay_before_previous_stage',
        field: 'delay',
        stageIndex: 1,
      }),
    ]);
  });
});

describe('validateDraftForCandidate', () => {
  const stages: StageDraft[] = [
    emailStage({
      subject: '{{candidate.first_name}}, about {{job.title}}',
      body: doc(p(token('candidate.company'), text(' {{custom.github}} '), token('sender.name'))),
    }),
    emailStage({
      type: 'linkedin_connection',
      subject: null,
      senderEmail: null,
      body: doc(p(token('candidate.first_name'))),
    }),
  ];

  it('reports nothing when the candidate has every value', () => {
    expect(validateDraftForCandidate(stages, context())).toEqual([]);
  });

  it('reports missing_token_value per stage and field for each empty value', () => {
    const ctx: RenderContext = {
      candidate: { firstName: ' ', company: 'Acme', customFields: { github: null } },
      sender: { name: 'Grace' },
      job: null,
    };
    const issues = validateDraftForCandidate(stages, ctx);
    expect(
      issues.map(({ code, field, token: t, stageIndex }) => ({
        code,
        field,
        token: t,
        stageIndex,
      })),
    ).toEqual([
      {
        code: 'missing_token_value',
        field: 'subject',
        token: 'candidate.first_name',
        stageIndex: 0,
      },
      { code: 'missing_token_value', field: 'subject', token: 'job.title', stageIndex: 0 },
      { code: 'missing_token_value', field: 'body', token: 'custom.github', stageIndex: 0 },
      { code: 'missing_token_value', field: 'body', token: 'candidate.first_name', stageIndex: 1 },
    ]);
    expect(issues[0]?.message).toBe(
      'No value for Candidate first name ({{candidate.first_name}}), used in the subject: fill it in or edit this stage.',
    );
  });

  it('uses each stage’s own sender when given a context per stage', () => {
    const issues = validateDraftForCandidate(stages, (_stage, index) =>
      context({ sender: index === 0 ? { name: null } : { name: 'Grace' } }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ code: 'missing_token_value', token: 'sender.name', stageIndex: 0 }),
    ]);
  });

  it('keeps the template-level issues alongside missing values', () => {
    const issues = validateDraftForCandidate([emailStage({ subject: '' })], context());
    expect(codes(issues)).toEqual(['no_subject']);
  });
});
