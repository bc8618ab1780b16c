import { describe, expect, it } from 'vitest';
import type { DocNode, StageDraft } from '$shared/email/index.ts';
import { gapText, missingTokens } from './enrol-blockers';

const doc = (...keys: string[]): DocNode => ({
  type: 'doc',
  content: [
    {
      type: 'paragraph',
      content: [{ type: 'text', text: 'Hi ' }, ...keys.map((key) => ({ type: 'token', attrs: { key } }))],
    },
  ],
});
const stage = (subject: string, body: DocNode): StageDraft => ({
  type: 'email',
  delay: { days: 0, hours: 0 },
  subject,
  body,
});

describe('missing token values of a candidate’s draft', () => {
  const stages = [
    stage('Hello {{candidate.first_name}}', doc('candidate.company', 'custom.github')),
    stage('More about {{job.title}}', doc('candidate.company', 'ai.opening_line')),
  ];

  it('names each token once with the stages that use it, and leaves AI lines to their review', () => {
    const gaps = missingTokens(stages, () => ({ candidate: { firstName: 'Ada', customFields: {} }, job: null }));
    expect(gaps.map((g) => [g.token, g.stages])).toEqual([
      ['candidate.company', [1, 2]],
      ['custom.github', [1]],
      ['job.title', [2]],
    ]);
    expect(gapText(gaps[0]!)).toBe('No value for Candidate company ({{candidate.company}}), used in stages 1, 2.');
  });

  it('finds nothing when every value is there', () => {
    const full = missingTokens(stages, () => ({
      candidate: { firstName: 'Ada', company: 'Initech', customFields: { github: 'ada' } },
      job: { title: 'SRE' },
    }));
    expect(full).toEqual([]);
  });
});
