/**
 * A stage body (ProseMirror JSON) as plain text, and back: for the form that personalises one
 * candidate's draft without a rich editor (the extension's side panel). An edited body keeps its
 * paragraphs, line breaks and tokens (`{{key}}`, which the renderer honours in text) and loses
 * bold/links; callers never rewrite an untouched body (sameDoc).
 */
import type { DocNode } from './render.ts';

export function docToPlain(doc: unknown): string {
  const blocks: string[] = [];
  const inline = (n: DocNode): string => {
    if (n.type === 'text') return typeof n.text === 'string' ? n.text : '';
    if (n.type === 'token') return `{{${String(n.attrs?.['key'] ?? '')}}}`;
    if (n.type === 'hardBreak') return '\n';
    return (Array.isArray(n.content) ? n.content : []).map(inline).join('');
  };
  const block = (n: DocNode, prefix = ''): void => {
    const kids = Array.isArray(n.content) ? n.content : [];
    if (n.type === 'paragraph' || n.type === 'heading') blocks.push(prefix + kids.map(inline).join(''));
    else if (n.type === 'bulletList' || n.type === 'orderedList')
      kids.forEach((li) => (li.content ?? []).forEach((c) => block(c, '- ')));
    else kids.forEach((c) => block(c, prefix));
  };
  if (doc && typeof doc === 'object') block(doc as DocNode);
  return blocks.join('\n\n');
}

/**
 * Whether two bodies are the same document, whatever the order of their keys (the database's
 * jsonb and the editor's JSON order them differently), so an untouched body is never rewritten.
 */
export function sameDoc(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameDoc(x, b[i]));
  }
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameDoc((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function plainToDoc(text: string): DocNode {
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
