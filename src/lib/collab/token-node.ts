/**
 * The token chip of the body editor: an atomic inline node `{type: 'token', attrs: {key}}` (the
 * shape supabase/functions/_shared/email/render.ts renders and validate.ts checks). Being an atom, the caret steps
 * over it and Backspace removes it whole, so a token can never be half-typed. Unknown keys are
 * kept (a pasted chip) and reported by validation as an unknown token.
 */
import { mergeAttributes, Node } from '@tiptap/core';
import { tokenLabel } from '$shared/email/index.ts';

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    token: {
      /** Inserts a token chip at the selection. */
      insertToken: (key: string) => ReturnType;
    };
  }
}

export const TokenNode = Node.create({
  name: 'token',
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,
  draggable: false,

  addAttributes() {
    return {
      key: {
        default: null,
        parseHTML: (el) => el.getAttribute('data-token'),
        renderHTML: (attrs) => ({ 'data-token': attrs['key'] as string }),
      },
    };
  },

  parseHTML() {
    return [{ tag: 'span[data-token]' }];
  },

  renderHTML({ node, HTMLAttributes }) {
    const key = String(node.attrs['key'] ?? '');
    return [
      'span',
      mergeAttributes(HTMLAttributes, { class: 'token-chip', contenteditable: 'false' }),
      tokenLabel(key),
    ];
  },

  renderText({ node }) {
    return `{{${String(node.attrs['key'] ?? '')}}}`;
  },

  addCommands() {
    return {
      insertToken:
        (key: string) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: { key } }),
    };
  },
});
