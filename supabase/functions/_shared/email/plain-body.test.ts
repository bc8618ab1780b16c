import { describe, expect, it } from 'vitest';
import { renderStage } from './render.ts';
import { docToPlain, plainToDoc, sameDoc } from './plain-body.ts';

describe('stage body as plain text', () => {
  const doc = {
    type: 'doc',
    content: [
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Hi ' },
          { type: 'token', attrs: { key: 'candidate.first_name' } },
          { type: 'text', text: ',' },
        ],
      },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Line one', marks: [{ type: 'bold' }] },
          { type: 'hardBreak' },
          { type: 'text', text: 'line two' },
        ],
      },
    ],
  };

  it('shows tokens as {{key}} and paragraphs as blank-line separated text', () => {
    expect(docToPlain(doc)).toBe('Hi {{candidate.first_name}},\n\nLine one\nline two');
  });

  it('an edited text renders like the original for the candidate', () => {
    const context = { candidate: { firstName: 'Ada' } };
    const again = plainToDoc(docToPlain(doc));
    expect(renderStage({ body: again }, context).text).toBe(renderStage({ body: doc }, context).text);
    expect(renderStage({ body: again }, context).text).toBe('Hi Ada,\n\nLine one\nline two');
  });
});

describe('the same body', () => {
  it('is the same whatever the order of keys (the database reorders them), and only then', () => {
    const stored = {
      content: [{ type: 'text', text: 'Hi', marks: [{ attrs: { href: 'https://a.test' }, type: 'link' }] }],
      type: 'paragraph',
    };
    const edited = {
      type: 'paragraph',
      content: [{ text: 'Hi', type: 'text', marks: [{ type: 'link', attrs: { href: 'https://a.test' } }] }],
    };
    expect(sameDoc(stored, edited)).toBe(true);
    expect(sameDoc(stored, { ...edited, content: [{ type: 'text', text: 'Hi' }] })).toBe(false);
    expect(sameDoc(plainToDoc('a\n\nb'), plainToDoc('a\n\nb '))).toBe(false);
    expect(sameDoc([1, 2], [2, 1])).toBe(false);
    expect(sameDoc({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
  });
});
