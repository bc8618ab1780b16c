// Small builders for Tiptap JSON and render contexts, shared by the tests in
// this folder so each test spells out only what it is about.
import type { DocMark, DocNode } from './render.ts';
import type { RenderContext } from './tokens.ts';
import type { StageDraft } from './validate.ts';

export const doc = (...content: DocNode[]): DocNode => ({ type: 'doc', content });
export const p = (...content: DocNode[]): DocNode => ({ type: 'paragraph', content });
export const h = (level: number, ...content: DocNode[]): DocNode => ({
  type: 'heading',
  attrs: { level },
  content,
});
export const text = (value: string, ...marks: DocMark[]): DocNode => ({
  type: 'text',
  text: value,
  ...(marks.length > 0 ? { marks } : {}),
});
export const token = (key: string, ...marks: DocMark[]): DocNode => ({
  type: 'token',
  attrs: { key },
  ...(marks.length > 0 ? { marks } : {}),
});
export const br = (): DocNode => ({ type: 'hardBreak' });
export const ul = (...items: DocNode[][]): DocNode => ({
  type: 'bulletList',
  content: items.map((content) => ({ type: 'listItem', content })),
});
export const ol = (start: unknown, ...items: DocNode[][]): DocNode => ({
  type: 'orderedList',
  attrs: { start },
  content: items.map((content) => ({ type: 'listItem', content })),
});
export const link = (href: string): DocMark => ({ type: 'link', attrs: { href } });
export const bold: DocMark = { type: 'bold' };
export const italic: DocMark = { type: 'italic' };
export const underline: DocMark = { type: 'underline' };
export const strike: DocMark = { type: 'strike' };

export function context(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    candidate: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines Ltd',
      title: 'Staff Engineer',
      location: 'London',
      reasonForOutreach: 'your work on the difference engine',
      customFields: { github: 'ada-l', years: 12 },
    },
    sender: {
      name: 'Grace Hopper',
      title: 'Head of Talent',
      signature: 'Grace Hopper\nHead of Talent, Acme',
      email: 'grace@acme.example',
    },
    job: { title: 'Compiler Engineer' },
    ai: { opening_line: 'Your notes on the Analytical Engine are still the clearest explanation of it.' },
    ...overrides,
  };
}

export function emailStage(overrides: Partial<StageDraft> = {}): StageDraft {
  return {
    type: 'email',
    delay: { days: 0, hours: 0 },
    senderEmail: 'grace@acme.example',
    subject: 'Hello {{candidate.first_name}}',
    body: doc(p(text('Hi '), token('candidate.first_name'), text(', are you open to a chat?'))),
    ...overrides,
  };
}

/** A body from plain text: paragraphs split by a blank line, line breaks kept ({{key}} stays text). */
export function plainDoc(text: string): DocNode {
  const paragraphs = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  return {
    type: 'doc',
    content: paragraphs
      .filter((p) => p.trim() !== '')
      .map((p) => {
        const lines = p.split('\n');
        const content: DocNode[] = [];
        lines.forEach((line, i) => {
          if (i > 0) content.push({ type: 'hardBreak' });
          if (line) content.push({ type: 'text', text: line });
        });
        return { type: 'paragraph', content };
      }),
  };
}
