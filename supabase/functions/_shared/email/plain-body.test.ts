import { describe, expect, it } from 'vitest';
import { renderStage } from './render.ts';
import { docToPlain, plainToDoc } from './plain-body.ts';

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
