import { describe, expect, it } from 'vitest';
import { context } from './test-factories.ts';
import {
  TOKENS,
  checkTokens,
  customFieldToken,
  extractTemplateTokens,
  interpolateText,
  isKnownToken,
  parseTemplate,
  resolveToken,
} from './tokens.ts';

describe('token catalogue', () => {
  it('offers every token the spec lists, each with a unique key and a label', () => {
    expect(TOKENS.map((t) => t.key)).toEqual([
      'candidate.first_name',
      'candidate.last_name',
      'candidate.full_name',
      'candidate.company',
      'candidate.title',
      'candidate.location',
      'candidate.reason_for_outreach',
      'sender.name',
      'sender.title',
      'sender.signature',
      'job.title',
      'ai.opening_line',
    ]);
    expect(TOKENS.every((t) => t.label.trim() !== '')).toBe(true);
  });

  it('resolves custom fields by key and labels them for the picker', () => {
    expect(resolveToken('custom.github', context())).toBe('ada-l');
    expect(resolveToken('custom.missing', context())).toBeNull();
    expect(customFieldToken('github', 'GitHub handle')).toMatchObject({
      key: 'custom.github',
      label: 'GitHub handle',
      group: 'custom',
    });
  });

  it('does not resolve inherited properties as custom fields', () => {
    expect(resolveToken('custom.constructor', context())).toBeNull();
    expect(resolveToken('custom.toString', { candidate: { customFields: {} } })).toBeNull();
  });

  it('renders a custom field holding an object or array as missing instead of throwing (issue 11)', () => {
    const customFields = { x: { toString: 1 }, list: [1, 2], n: 4, yes: true } as never;
    expect(resolveToken('custom.x', { candidate: { customFields } })).toBeNull();
    expect(resolveToken('custom.list', { candidate: { customFields } })).toBeNull();
    expect(resolveToken('custom.n', { candidate: { customFields } })).toBe('4');
    expect(resolveToken('custom.yes', { candidate: { customFields } })).toBe('true');
  });

  it('rejects malformed keys as unknown', () => {
    for (const key of ['candidate', 'custom.', 'custom.a b', 'candidate.first_name ', 'CANDIDATE.FIRST_NAME']) {
      expect(isKnownToken(key)).toBe(false);
    }
  });

  it('prefers a stored full name over first and last name', () => {
    expect(
      resolveToken('candidate.full_name', {
        candidate: { fullName: 'Ada King', firstName: 'Ada' },
      }),
    ).toBe('Ada King');
    expect(resolveToken('candidate.full_name', { candidate: { lastName: 'Lovelace' } })).toBe('Lovelace');
  });
});

describe('parseTemplate', () => {
  it('splits text and tokens, tolerating spaces inside the braces', () => {
    expect(parseTemplate('Hi {{ candidate.first_name }}!')).toEqual([
      { kind: 'text', text: 'Hi ' },
      {
        kind: 'token',
        key: 'candidate.first_name',
        raw: '{{ candidate.first_name }}',
        start: 3,
        end: 29,
      },
      { kind: 'text', text: '!' },
    ]);
  });

  it('leaves unbalanced braces as text', () => {
    expect(extractTemplateTokens('a {{b c} d {e}} {{')).toEqual([]);
    expect(interpolateText('{single} {{', context())).toBe('{single} {{');
  });

  it('keeps duplicates in order', () => {
    expect(extractTemplateTokens('{{a}}{{b}}{{a}}')).toEqual(['a', 'b', 'a']);
  });
});

describe('checkTokens', () => {
  it('lists unknown tokens and, given a context, tokens whose value is missing, once each', () => {
    const keys = ['candidate.first_name', 'candidate.nick', 'job.title', 'job.title', 'custom.github'];
    expect(checkTokens(keys)).toEqual({ unknown: ['candidate.nick'], missing: [] });
    expect(checkTokens(keys, { candidate: { firstName: 'Ada' } })).toEqual({
      unknown: ['candidate.nick'],
      missing: ['job.title', 'custom.github'],
    });
  });
});
