import { describe, expect, it } from 'vitest';
import { sameDoc } from './same-doc.ts';
import { plainDoc } from './test-factories.ts';

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
    expect(sameDoc(plainDoc('a\n\nb'), plainDoc('a\n\nb '))).toBe(false);
    expect(sameDoc([1, 2], [2, 1])).toBe(false);
    expect(sameDoc({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
  });
});
