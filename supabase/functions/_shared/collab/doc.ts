/**
 * The Yjs document of a sequence template and its mapping to the relational stage rows.
 *
 * One Y.Doc per sequence (DESIGN "Live collaboration"):
 *   title: Y.Text                       the sequence's name
 *   stages: Y.Map<id, Y.Map>            one entry per stage, keyed by the stage row's uuid
 *     order: number                     sort key (fractional, so a move touches one stage)
 *     type, delayDays, delayHours, sendWindow, senderUserId, threadMode: plain values
 *     subject: Y.Text
 *     body: Y.XmlFragment              bound to Tiptap (@tiptap/extension-collaboration)
 *     attachments: Y.Array<Attachment>  files in Storage (`<sequence>/<stage>/<name>`)
 *
 * Stages are a map rather than an array because Yjs cannot move a nested type: reordering is a
 * change of `order`, so a stage keeps its body (and everyone's carets in it) when it moves.
 *
 * The body fragment follows y-prosemirror's encoding (an XmlElement per node, named after the
 * node type, attributes = node attrs; an XmlText per run of text whose formatting attributes are
 * the marks), so this module can read it without a ProseMirror schema. That is what lets the
 * materialiser (a Deno edge function) share it. Reading is also where input is sanitised: only
 * the node and mark types the email renderer knows survive, links keep only safe URLs, token
 * nodes keep only their key. Pure TypeScript: Deno imports it as-is.
 */
import * as buffer from 'lib0/buffer';
import * as Y from 'yjs';
import { sanitizeUrl, type DocMark, type DocNode } from '../email/render.ts';
import type { SendWindow } from '../email/schedule.ts';
import type { StageType } from '../email/validate.ts';

export type ThreadMode = 'reply' | 'new_thread';

/** A file attached to a stage, stored in the `sequence-attachments` bucket under `path`. */
export interface Attachment {
  path: string;
  name: string;
  size: number;
  type: string;
}

/** A stage as the database stores it (the columns the materialiser writes). */
export interface StageRowData {
  id: string;
  type: StageType;
  delay_days: number;
  delay_hours: number;
  send_window: SendWindow | null;
  sender_user_id: string | null;
  subject: string;
  body: DocNode;
  thread_mode: ThreadMode;
  attachments: Attachment[];
}

export interface DocContent {
  title: string;
  stages: StageRowData[];
}

const STAGE_TYPES: ReadonlySet<string> = new Set(['email', 'linkedin_inmail', 'linkedin_connection']);
const THREAD_MODES: ReadonlySet<string> = new Set(['reply', 'new_thread']);
const BLOCK_NODES: ReadonlySet<string> = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'listItem',
  'blockquote',
  'horizontalRule',
]);
const TEXTBLOCKS: ReadonlySet<string> = new Set(['paragraph', 'heading']);
const INLINE_NODES: ReadonlySet<string> = new Set(['token', 'hardBreak']);
const MARKS: ReadonlySet<string> = new Set(['bold', 'italic', 'underline', 'strike', 'code', 'link']);
/** Node attributes kept per type; anything else a forged update carries is dropped. */
const NODE_ATTRS: Readonly<Record<string, readonly string[]>> = {
  heading: ['level'],
  orderedList: ['start'],
  token: ['key'],
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_KEY = /^[A-Za-z0-9_.-]{1,80}$/;

export const EMPTY_BODY: DocNode = { type: 'doc', content: [] };

export function stagesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('stages');
}

export function titleText(doc: Y.Doc): Y.Text {
  return doc.getText('title');
}

// Reading ------------------------------------------------------------------------------------

function int(value: unknown, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : min;
}

function sendWindowOf(value: unknown): SendWindow | null {
  if (typeof value !== 'object' || value === null) return null;
  const w = value as Record<string, unknown>;
  const days = Array.isArray(w['days'])
    ? [...new Set(w['days'].filter((d): d is number => Number.isInteger(d) && d >= 1 && d <= 7))].sort()
    : [];
  const clock = /^([01]\d|2[0-3]):[0-5]\d$/;
  const start = typeof w['start'] === 'string' && clock.test(w['start']) ? w['start'] : null;
  const end = typeof w['end'] === 'string' && clock.test(w['end']) ? w['end'] : null;
  if (start === null || end === null || days.length === 0) return null;
  return { days: days as SendWindow['days'], start, end };
}

function marksOf(attributes: Record<string, unknown> | undefined): DocMark[] {
  const marks: DocMark[] = [];
  for (const [rawName, attrs] of Object.entries(attributes ?? {})) {
    // y-prosemirror suffixes overlapping marks with `--<hash>`.
    const name = rawName.replace(/--.*$/, '');
    if (!MARKS.has(name)) continue;
    if (name === 'link') {
      const href = sanitizeUrl((attrs as Record<string, unknown> | null)?.['href']);
      if (href !== null) marks.push({ type: 'link', attrs: { href } });
    } else marks.push({ type: name });
  }
  return marks;
}

function elementToNode(el: Y.XmlElement): DocNode | null {
  const type = el.nodeName;
  if (!BLOCK_NODES.has(type) && !INLINE_NODES.has(type)) {
    // Unknown markup (pasted or forged): keep what the reader can see, drop the element.
    return null;
  }
  const node: DocNode = { type };
  const keep = NODE_ATTRS[type];
  if (keep) {
    const attrs: Record<string, unknown> = {};
    for (const k of keep) {
      const v = el.getAttribute(k) as unknown;
      if (v !== undefined && v !== null) attrs[k] = v;
    }
    if (type === 'token') {
      const key = typeof attrs['key'] === 'string' ? attrs['key'].trim() : '';
      if (!TOKEN_KEY.test(key)) return null;
      attrs['key'] = key;
    }
    if (Object.keys(attrs).length) node.attrs = attrs;
  }
  if (!INLINE_NODES.has(type) && type !== 'horizontalRule') {
    const content = childrenToNodes(el);
    if (content.length) node.content = content;
  }
  return node;
}

function childrenToNodes(parent: Y.XmlFragment | Y.XmlElement): DocNode[] {
  const out: DocNode[] = [];
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as Array<{ insert: unknown; attributes?: Record<string, unknown> }>) {
        if (typeof op.insert !== 'string' || op.insert === '') continue;
        const marks = marksOf(op.attributes);
        out.push({ type: 'text', text: op.insert, ...(marks.length ? { marks } : {}) });
      }
    } else if (child instanceof Y.XmlElement) {
      const node = elementToNode(child);
      if (node) out.push(node);
      else out.push(...childrenToNodes(child).filter((n) => n.type !== 'text' || parent instanceof Y.XmlElement));
    }
  }
  return out;
}

/** A body fragment as ProseMirror JSON, sanitised (see the file comment). */
export function fragmentToJSON(fragment: Y.XmlFragment): DocNode {
  return { type: 'doc', content: childrenToNodes(fragment).filter((n) => BLOCK_NODES.has(n.type)) };
}

const ATTACHMENT_PATH = /^[0-9a-f-]{36}\/[0-9a-f-]{36}\/[^/]{1,200}$/;

function attachmentsOf(id: string, value: unknown): Attachment[] {
  if (!(value instanceof Y.Array)) return [];
  const out: Attachment[] = [];
  for (const a of value.toArray() as unknown[]) {
    if (typeof a !== 'object' || a === null) continue;
    const { path, name, size, type } = a as Record<string, unknown>;
    // Only files of this very stage: a forged entry cannot point at another sequence's file.
    if (typeof path !== 'string' || !ATTACHMENT_PATH.test(path) || path.split('/')[1] !== id) continue;
    out.push({
      path,
      name: typeof name === 'string' && name.trim() ? name.slice(0, 200) : (path.split('/')[2] ?? 'file'),
      size: typeof size === 'number' && Number.isFinite(size) && size >= 0 ? Math.trunc(size) : 0,
      type: typeof type === 'string' ? type.slice(0, 100) : 'application/octet-stream',
    });
  }
  return out;
}

function stageToRow(id: string, stage: Y.Map<unknown>): StageRowData {
  const type = stage.get('type');
  const mode = stage.get('threadMode');
  const sender = stage.get('senderUserId');
  const subject = stage.get('subject');
  const body = stage.get('body');
  return {
    id,
    type: (typeof type === 'string' && STAGE_TYPES.has(type) ? type : 'email') as StageType,
    delay_days: int(stage.get('delayDays'), 0, 365),
    delay_hours: int(stage.get('delayHours'), 0, 23),
    send_window: sendWindowOf(stage.get('sendWindow')),
    sender_user_id: typeof sender === 'string' && UUID.test(sender) ? sender : null,
    subject: subject instanceof Y.Text ? subject.toString().slice(0, 500) : '',
    body: body instanceof Y.XmlFragment ? fragmentToJSON(body) : EMPTY_BODY,
    thread_mode: (typeof mode === 'string' && THREAD_MODES.has(mode) ? mode : 'reply') as ThreadMode,
    attachments: attachmentsOf(id, stage.get('attachments')),
  };
}

/** The stages in their order; entries that are not stages (forged) are ignored. */
export function orderedStageEntries(doc: Y.Doc): Array<[string, Y.Map<unknown>]> {
  const entries: Array<[string, Y.Map<unknown>, number]> = [];
  stagesMap(doc).forEach((value, key) => {
    if (value instanceof Y.Map && UUID.test(key)) {
      const order = value.get('order');
      entries.push([key, value, typeof order === 'number' && Number.isFinite(order) ? order : 0]);
    }
  });
  entries.sort((a, b) => a[2] - b[2] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries.map(([k, v]) => [k, v]);
}

/** What the materialiser writes: the title and every stage row, in order. */
export function docToRows(doc: Y.Doc): DocContent {
  return {
    title: titleText(doc).toString().trim().slice(0, 200),
    stages: orderedStageEntries(doc).map(([id, stage]) => stageToRow(id, stage)),
  };
}

// Writing ------------------------------------------------------------------------------------

function nodeToY(node: DocNode): Y.XmlElement | null {
  if (!BLOCK_NODES.has(node.type) && !INLINE_NODES.has(node.type)) return null;
  const el = new Y.XmlElement(node.type);
  for (const [k, v] of Object.entries(node.attrs ?? {})) {
    if (v !== null && v !== undefined) el.setAttribute(k, v as string);
  }
  const children = nodesToY(node.content ?? []);
  // An empty textblock gets an empty XmlText: two people who start typing in it at once then
  // type into the same text, instead of each creating a sibling text that ProseMirror would
  // merge into one run (which confuses the binding's positions and duplicates characters).
  if (!children.length && TEXTBLOCKS.has(node.type)) children.push(new Y.XmlText());
  if (children.length) el.insert(0, children);
  return el;
}

function nodesToY(nodes: readonly DocNode[]): Array<Y.XmlElement | Y.XmlText> {
  const out: Array<Y.XmlElement | Y.XmlText> = [];
  let run: Array<{ insert: string; attributes: Record<string, unknown> }> = [];
  const flush = (): void => {
    if (!run.length) return;
    const t = new Y.XmlText();
    t.applyDelta(run);
    out.push(t);
    run = [];
  };
  for (const n of nodes) {
    if (n.type === 'text') {
      if (typeof n.text !== 'string' || n.text === '') continue;
      const attributes: Record<string, unknown> = {};
      for (const m of n.marks ?? []) attributes[m.type] = m.attrs ?? {};
      run.push({ insert: n.text, attributes });
    } else {
      flush();
      const el = nodeToY(n);
      if (el) out.push(el);
    }
  }
  flush();
  return out;
}

/** Replaces a body fragment's content with ProseMirror JSON (inside the caller's transaction). */
export function writeBody(fragment: Y.XmlFragment, body: DocNode | null | undefined): void {
  if (fragment.length) fragment.delete(0, fragment.length);
  const blocks = nodesToY(body?.content ?? []);
  fragment.insert(0, blocks.length ? blocks : [nodeToY({ type: 'paragraph' }) as Y.XmlElement]);
}

/** Adds a stage built from row data at `order` (inside the caller's transaction when given one). */
export function insertStage(doc: Y.Doc, row: StageRowData, order: number): Y.Map<unknown> {
  const stage = new Y.Map<unknown>();
  // The stage must be integrated before its nested types get content.
  stagesMap(doc).set(row.id, stage);
  stage.set('order', order);
  stage.set('type', row.type);
  stage.set('delayDays', row.delay_days);
  stage.set('delayHours', row.delay_hours);
  stage.set('sendWindow', row.send_window);
  stage.set('senderUserId', row.sender_user_id);
  stage.set('threadMode', row.thread_mode);
  const subject = new Y.Text();
  stage.set('subject', subject);
  subject.insert(0, row.subject);
  const body = new Y.XmlFragment();
  stage.set('body', body);
  writeBody(body, row.body);
  const attachments = new Y.Array<Attachment>();
  stage.set('attachments', attachments);
  if (row.attachments?.length) attachments.push(row.attachments);
  return stage;
}

/** Builds a document's content from stored rows (first materialisation of a sequence). */
export function rowsToDoc(doc: Y.Doc, content: DocContent): void {
  doc.transact(() => {
    const title = titleText(doc);
    if (title.length) title.delete(0, title.length);
    title.insert(0, content.title);
    content.stages.forEach((row, i) => insertStage(doc, row, i + 1));
  });
}

/** An order value between two neighbours (either may be missing at the ends). */
export function orderBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return 1;
  if (before === undefined) return (after as number) - 1;
  if (after === undefined) return before + 1;
  return (before + after) / 2;
}

export function newStageRow(id: string, previous?: StageRowData): StageRowData {
  return {
    id,
    type: previous?.type === 'email' || !previous ? 'email' : previous.type,
    delay_days: previous ? previous.delay_days + 3 : 0,
    delay_hours: 0,
    send_window: previous?.send_window ?? null,
    sender_user_id: previous?.sender_user_id ?? null,
    subject: '',
    body: EMPTY_BODY,
    thread_mode: 'reply',
    attachments: [],
  };
}

// Updates ------------------------------------------------------------------------------------

/** Largest update stored or sent as one message; bigger ones are split (see splitUpdate). */
export const MAX_UPDATE_BYTES = 200 * 1024;

/**
 * Whether bytes are a well-formed Yjs update. Decoding reads every struct, so truncated or
 * garbage input throws here instead of half-applying to a document.
 */
export function isWellFormedUpdate(update: Uint8Array): boolean {
  if (update.byteLength === 0) return false;
  try {
    Y.decodeUpdate(update);
    return true;
  } catch {
    return false;
  }
}

/**
 * Applies updates to a document, skipping malformed ones. Returns the indexes it refused.
 * A Yjs update is applied atomically after decoding, so a refused one leaves no trace.
 */
export function applyUpdatesSafely(doc: Y.Doc, updates: readonly Uint8Array[], origin?: unknown): number[] {
  const refused: number[] = [];
  // One transaction for all of them: a log of thousands of small updates loads several times
  // faster than with a transaction (and its cleanup) per update (bench/README.md "Co-editing").
  doc.transact(() => {
    updates.forEach((u, i) => {
      if (!isWellFormedUpdate(u)) {
        refused.push(i);
        return;
      }
      try {
        Y.applyUpdate(doc, u, origin);
      } catch {
        refused.push(i);
      }
    });
  }, origin);
  return refused;
}

/**
 * Compaction: one update equivalent to a snapshot plus a tail of updates (malformed ones
 * skipped). Loading the result gives the same document as replaying everything.
 */
export function compact(snapshot: Uint8Array | null, updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  if (snapshot) applyUpdatesSafely(doc, [snapshot]);
  applyUpdatesSafely(doc, updates);
  const out = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  return buffer.toBase64(bytes);
}

export function fromBase64(b64: string): Uint8Array {
  return buffer.fromBase64(b64);
}
