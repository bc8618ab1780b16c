/**
 * Binds a plain <input> to a Y.Text (subjects, the sequence name): typing becomes the smallest
 * Yjs edit (common prefix and suffix kept), so two people typing in the same subject both keep
 * their text; remote edits update the field and move the caret with the text around it.
 */
import type * as Y from 'yjs';

export interface TextBinding {
  destroy(): void;
}

/** The edit turning `before` into `after`: [index, deleted count, inserted text]. */
export function diffText(before: string, after: string): [number, number, string] {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [start, before.length - start - end, after.slice(start, after.length - end)];
}

export function bindText(input: HTMLInputElement | HTMLTextAreaElement, text: Y.Text, origin: unknown): TextBinding {
  let value = text.toString();
  input.value = value;

  const onInput = (): void => {
    const next = input.value;
    const [index, remove, insert] = diffText(value, next);
    value = next;
    if (remove === 0 && insert === '') return;
    text.doc?.transact(() => {
      if (remove) text.delete(index, remove);
      if (insert) text.insert(index, insert);
    }, origin);
  };

  const onRemote = (event: Y.YTextEvent, tr: Y.Transaction): void => {
    if (tr.origin === origin && tr.local) return;
    let start = input.selectionStart ?? 0;
    let end = input.selectionEnd ?? 0;
    let pos = 0;
    for (const op of event.delta) {
      if (op.retain !== undefined) pos += op.retain;
      else if (typeof op.insert === 'string') {
        const n = op.insert.length;
        if (pos < start) start += n;
        if (pos < end) end += n;
        pos += n;
      } else if (op.delete !== undefined) {
        const n = op.delete;
        if (pos < start) start -= Math.min(n, start - pos);
        if (pos < end) end -= Math.min(n, end - pos);
      }
    }
    value = text.toString();
    const focused = typeof document !== 'undefined' && document.activeElement === input;
    input.value = value;
    if (focused) input.setSelectionRange(start, end);
  };

  input.addEventListener('input', onInput);
  text.observe(onRemote);
  return {
    destroy() {
      input.removeEventListener('input', onInput);
      text.unobserve(onRemote);
    },
  };
}

/** Inserts text at the caret of a bound field (the subject's "Personalize with token"). */
export function insertAtCaret(input: HTMLInputElement, insert: string): void {
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? start;
  input.setRangeText(insert, start, end, 'end');
  // The binding turns this into a Yjs edit like any typing.
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.focus();
}
