/**
 * Renders a stage (plain-text subject + Tiptap/ProseMirror JSON body) into
 * the email the candidate receives: a subject line, an HTML part and a plain
 * text part.
 *
 * The body JSON comes from the database and was produced by any collaborator's
 * editor, so it is treated as untrusted input: every string is escaped, only
 * an allow-list of tags is emitted, unknown nodes keep their text but lose
 * their markup, and links survive only with http, https or mailto schemes.
 * Candidate data is inserted after escaping, in one pass, so a value such as
 * `{{sender.signature}}` or `<script>` typed into a candidate field is never
 * interpreted.
 *
 * Not @tiptap/html (issue 13 looked at it): its generateHTML builds a
 * ProseMirror schema from the editor's extensions and throws on any node or
 * mark the schema lacks, where an email of untrusted JSON must keep the text
 * of what it does not know (render.test.ts "drops unknown nodes and marks but
 * keeps their text"); on a server it needs a DOM implementation in the edge
 * function; it makes no plain-text part, no per-link tracking rewrite with the
 * index the tracking records, and no "(url)" suffix for rewritten links in the
 * text part. Its serialisation
 * rule that matters here — marks shared by neighbours stay open, so a link over
 * bold and plain text is one <a> — is kept in #inline below.
 */
import { interpolateText, parseTemplate, resolveToken, type RenderContext, type TokenOptions } from './tokens.ts';

/** A ProseMirror mark as stored in JSON (`{ type: 'bold' }`, `{ type: 'link', attrs: { href } }`). */
export interface DocMark {
  type: string;
  attrs?: Record<string, unknown> | null;
}

/** A ProseMirror node as stored in JSON, e.g. `editor.getJSON()`. */
export interface DocNode {
  type: string;
  attrs?: Record<string, unknown> | null;
  content?: DocNode[] | null;
  marks?: DocMark[] | null;
  text?: string | null;
}

export interface StageContent {
  subject?: string | null;
  body?: DocNode | null;
}

export interface RenderOptions extends TokenOptions {
  /**
   * Called once per http(s) link, in document order with a 0-based index, to
   * substitute a tracked URL. mailto links are not passed: a redirect cannot
   * open a mail client reliably. Default: links are left unchanged.
   */
  linkRewriter?: (url: string, index: number) => string;
  /** Appended as a 1×1 image at the end of the HTML part. Default: no pixel. */
  trackingPixelUrl?: string;
  /** Appended as a footer link in both parts. Default: no footer. */
  unsubscribeUrl?: string;
  /** Text of the unsubscribe footer link. Default: `'Unsubscribe'`. */
  unsubscribeLabel?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const ALLOWED_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The normalised URL when its scheme is http, https or mailto, else `null`.
 * Tabs and newlines are removed first because browsers ignore them inside a
 * scheme, which is how `java\nscript:` slips past naive checks.
 */
export function sanitizeUrl(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const cleaned = raw.replace(/[\t\n\r]/g, '').trim();
  if (cleaned === '') return null;
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    // Relative URLs have no meaning in a mailbox.
    return null;
  }
  if (!ALLOWED_SCHEMES.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && url.hostname === '') return null;
  return url.href;
}

function requireUrl(raw: string, option: string): string {
  const url = sanitizeUrl(raw);
  if (url === null || url.startsWith('mailto:'))
    throw new TypeError(`${option} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return url;
}

function isNode(value: unknown): value is DocNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function childrenOf(node: DocNode): DocNode[] {
  return Array.isArray(node.content) ? node.content.filter(isNode) : [];
}

function marksOf(node: DocNode): DocMark[] {
  return Array.isArray(node.marks) ? node.marks.filter(isNode) : [];
}

function tokenKeyOf(node: DocNode): string {
  const key = node.attrs?.['key'];
  return typeof key === 'string' ? key.trim() : '';
}

/**
 * Every token key used in a body — `token` nodes and `{{key}}` typed as text —
 * in document order, duplicates kept.
 */
export function collectDocTokens(doc: DocNode | null | undefined): string[] {
  const keys: string[] = [];
  const visit = (node: DocNode): void => {
    if (node.type === 'token') keys.push(tokenKeyOf(node));
    else if (node.type === 'text' && typeof node.text === 'string') {
      for (const segment of parseTemplate(node.text)) {
        if (segment.kind === 'token') keys.push(segment.key);
      }
    }
    childrenOf(node).forEach(visit);
  };
  if (isNode(doc)) visit(doc);
  return keys;
}

/** True when the body has no visible text and no token: nothing to send. */
export function isDocEmpty(doc: DocNode | null | undefined): boolean {
  const hasContent = (node: DocNode): boolean =>
    node.type === 'token' ||
    (node.type === 'text' && typeof node.text === 'string' && node.text.trim() !== '') ||
    childrenOf(node).some(hasContent);
  return !isNode(doc) || !hasContent(doc);
}

// Outermost first, so a link spanning bold and plain text stays one <a>.
const MARK_RANK: Readonly<Record<string, number>> = {
  link: 0,
  bold: 1,
  italic: 2,
  underline: 3,
  strike: 4,
  code: 5,
};

const MARK_TAGS: Readonly<Record<string, string>> = {
  bold: 'strong',
  italic: 'em',
  underline: 'u',
  strike: 's',
  code: 'code',
};

/** A mark reduced to what the output depends on; unrenderable marks are dropped. */
interface ActiveMark {
  type: string;
  /** For links: the sanitised URL as written by the author. */
  url?: string;
}

/** A mark currently open in the output, with the href actually emitted. */
interface OpenMark extends ActiveMark {
  href?: string;
  linkText?: string;
}

interface InlineItem {
  marks: ActiveMark[];
  html: string;
  text: string;
}

interface Rendered {
  html: string;
  text: string;
}

const SIGNATURE_KEY = 'sender.signature';

class Renderer {
  readonly #context: RenderContext;
  readonly #options: RenderOptions;
  #linkIndex = 0;
  /** While the signature renders: a signature token inside it renders as nothing. */
  #inSignature = false;

  constructor(context: RenderContext, options: RenderOptions) {
    this.#context = context;
    this.#options = options;
  }

  #marks(node: DocNode): ActiveMark[] {
    const marks: ActiveMark[] = [];
    for (const mark of marksOf(node)) {
      if (mark.type === 'link') {
        // A link with a disallowed scheme loses its <a> but keeps its text.
        const url = sanitizeUrl(mark.attrs?.['href']);
        if (url !== null) marks.push({ type: 'link', url });
      } else if (mark.type in MARK_TAGS) {
        marks.push({ type: mark.type });
      }
    }
    return marks.sort((a, b) => (MARK_RANK[a.type] ?? 99) - (MARK_RANK[b.type] ?? 99));
  }

  /** Rewritten once per emitted <a>, so the index matches what the recipient can click. */
  #href(url: string): string {
    const rewriter = this.#options.linkRewriter;
    if (rewriter === undefined || url.startsWith('mailto:')) return url;
    const href = requireUrl(rewriter(url, this.#linkIndex), 'linkRewriter result');
    this.#linkIndex += 1;
    return href;
  }

  #inlineItems(node: DocNode): InlineItem[] {
    switch (node.type) {
      case 'text': {
        const raw = typeof node.text === 'string' ? node.text : '';
        const marks = this.#marks(node);
        // Typed `{{key}}` is honoured like a token node; values are inserted
        // after parsing, so a value containing braces is never re-expanded.
        if (this.#richSignature() === null || !raw.includes(SIGNATURE_KEY)) {
          const value = interpolateText(raw, this.#context, this.#options);
          return [{ marks, html: escapeMultiline(value), text: value }];
        }
        return parseTemplate(raw).flatMap((segment) => {
          if (segment.kind === 'token' && segment.key === SIGNATURE_KEY) return this.#signatureItems();
          const value =
            segment.kind === 'text' ? segment.text : (resolveToken(segment.key, this.#context, this.#options) ?? '');
          return [{ marks, html: escapeMultiline(value), text: value }];
        });
      }
      case 'token': {
        const key = tokenKeyOf(node);
        if (key === SIGNATURE_KEY && this.#richSignature() !== null) return this.#signatureItems();
        const value =
          this.#inSignature && key === SIGNATURE_KEY ? '' : (resolveToken(key, this.#context, this.#options) ?? '');
        return [{ marks: this.#marks(node), html: escapeMultiline(value), text: value }];
      }
      case 'hardBreak':
        return [{ marks: [], html: '<br>', text: '\n' }];
      default:
        // Unknown inline content: keep its text, drop its markup.
        return childrenOf(node).flatMap((child) => this.#inlineItems(child));
    }
  }

  /** The sender's rich-text signature, unless it is the one being rendered. */
  #richSignature(): DocNode | null {
    const doc = this.#context.sender?.signatureDoc;
    return !this.#inSignature && isNode(doc) ? doc : null;
  }

  /**
   * The rich-text signature where its token stands: the inline content of each of its text
   * blocks (paragraphs, list items' paragraphs …), one line each, with their marks and links,
   * escaped and sanitised like the body (it is the sender's own input). Lines, not blocks, so
   * the token may stand inside a paragraph and the HTML stays valid.
   */
  #signatureItems(): InlineItem[] {
    const doc = this.#richSignature();
    if (doc === null) return [];
    this.#inSignature = true;
    try {
      const lines = textBlocksOf(doc).map((block) => childrenOf(block).flatMap((child) => this.#inlineItems(child)));
      return lines.flatMap((items, i) => (i === 0 ? items : [{ marks: [], html: '<br>', text: '\n' }, ...items]));
    } finally {
      this.#inSignature = false;
    }
  }

  /**
   * Serialises inline content the way ProseMirror's DOMSerializer does: marks
   * shared with the previous sibling stay open, so a link spanning bold and
   * plain text is one <a> (and one tracked link).
   */
  #inline(nodes: DocNode[]): Rendered {
    let html = '';
    let text = '';
    const open: OpenMark[] = [];

    const closeTo = (depth: number): void => {
      while (open.length > depth) {
        const mark = open.pop();
        if (mark === undefined) break;
        if (mark.type === 'link') {
          html += '</a>';
          text += linkSuffix(mark.linkText ?? '', mark.url ?? '', mark.href ?? '');
        } else {
          html += `</${MARK_TAGS[mark.type] ?? 'span'}>`;
        }
      }
    };

    for (const item of nodes.flatMap((node) => this.#inlineItems(node))) {
      let keep = 0;
      while (keep < open.length && keep < item.marks.length && sameMark(open[keep], item.marks[keep])) {
        keep += 1;
      }
      closeTo(keep);
      for (const mark of item.marks.slice(keep)) {
        if (mark.type === 'link') {
          const href = this.#href(mark.url ?? '');
          open.push({ ...mark, href, linkText: '' });
          html += `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">`;
        } else {
          open.push(mark);
          html += `<${MARK_TAGS[mark.type] ?? 'span'}>`;
        }
      }
      html += item.html;
      text += item.text;
      for (const mark of open) {
        if (mark.linkText !== undefined) mark.linkText += item.text;
      }
    }
    closeTo(0);
    return { html, text };
  }

  #block(node: DocNode): Rendered {
    const children = childrenOf(node);
    switch (node.type) {
      case 'doc':
        return this.#blocks(children);
      case 'paragraph': {
        const inner = this.#inline(children);
        // An empty paragraph is a deliberate blank line; <p></p> collapses in most clients.
        return { html: `<p>${inner.html === '' ? '<br>' : inner.html}</p>`, text: inner.text };
      }
      case 'heading': {
        const level = clampLevel(node.attrs?.['level']);
        const inner = this.#inline(children);
        return { html: `<h${level}>${inner.html}</h${level}>`, text: inner.text };
      }
      case 'bulletList':
      case 'orderedList':
        return this.#list(node, children);
      case 'blockquote': {
        const inner = this.#blocks(children);
        return {
          html: `<blockquote>${inner.html}</blockquote>`,
          text: inner.text
            .split('\n')
            .map((line) => (line === '' ? '>' : `> ${line}`))
            .join('\n'),
        };
      }
      case 'codeBlock': {
        const inner = this.#inline(children);
        return { html: `<pre><code>${inner.html}</code></pre>`, text: inner.text };
      }
      case 'horizontalRule':
        return { html: '<hr>', text: '---' };
      default: {
        // Unknown nodes keep their content without their markup; stray inline
        // content is wrapped in a paragraph so it stays readable.
        if (isInlineNode(node)) return this.#paragraphOf([node]);
        if (children.length === 0) return { html: '', text: '' };
        if (children.every(isInlineNode)) return this.#paragraphOf(children);
        return this.#blocks(children);
      }
    }
  }

  #paragraphOf(nodes: DocNode[]): Rendered {
    const inner = this.#inline(nodes);
    return { html: `<p>${inner.html}</p>`, text: inner.text };
  }

  #list(node: DocNode, items: DocNode[]): Rendered {
    const ordered = node.type === 'orderedList';
    const start = ordered ? listStart(node.attrs?.['start']) : 1;
    const tag = ordered ? 'ol' : 'ul';
    let html = ordered && start !== 1 ? `<ol start="${start}">` : `<${tag}>`;
    const lines: string[] = [];
    items.forEach((item, i) => {
      const inner = this.#blocks(item.type === 'listItem' ? childrenOf(item) : [item], '\n');
      html += `<li>${inner.html}</li>`;
      const bullet = ordered ? `${start + i}. ` : '- ';
      const [first = '', ...rest] = inner.text.split('\n');
      lines.push(`${bullet}${first}`);
      // Continuation lines and nested lists align under the item's text.
      for (const line of rest) lines.push(line === '' ? '' : `${' '.repeat(bullet.length)}${line}`);
    });
    html += `</${tag}>`;
    return { html, text: lines.join('\n') };
  }

  #blocks(nodes: DocNode[], separator = '\n\n'): Rendered {
    const parts = nodes.map((node) => this.#block(node));
    return {
      html: parts.map((part) => part.html).join(''),
      text: parts
        .map((part) => part.text)
        .filter((text) => text.trim() !== '')
        .join(separator),
    };
  }

  render(doc: DocNode | null | undefined): Rendered {
    return isNode(doc) ? this.#block(doc) : { html: '', text: '' };
  }
}

const INLINE_TYPES: ReadonlySet<string> = new Set(['text', 'token', 'hardBreak']);

function isInlineNode(node: DocNode): boolean {
  return INLINE_TYPES.has(node.type);
}

/** The blocks holding inline content (paragraphs, headings …) of a document, in order. */
function textBlocksOf(node: DocNode): DocNode[] {
  const children = childrenOf(node);
  if (children.length > 0 && children.every(isInlineNode)) return [node];
  if (children.length === 0) return node.type === 'paragraph' ? [node] : [];
  return children.flatMap(textBlocksOf);
}

function sameMark(a: ActiveMark | undefined, b: ActiveMark | undefined): boolean {
  return a !== undefined && b !== undefined && a.type === b.type && a.url === b.url;
}

function escapeMultiline(value: string): string {
  // Multi-line values (signatures) keep their line breaks in HTML.
  return escapeHtml(value).replace(/\r\n|\r|\n/g, '<br>');
}

function linkSuffix(linkText: string, url: string, href: string): string {
  const shown = linkText.trim();
  const display = href.startsWith('mailto:') ? href.slice('mailto:'.length) : href;
  // Autolinked URLs already show the address; repeat it only when tracking changed it.
  const textIsUrl = [url, url.replace(/^mailto:/, ''), url.replace(/\/$/, '')].includes(shown);
  if (textIsUrl && href === url) return '';
  return ` (${display})`;
}

function clampLevel(level: unknown): number {
  return typeof level === 'number' && Number.isInteger(level) ? Math.min(6, Math.max(1, level)) : 2;
}

function listStart(start: unknown): number {
  return typeof start === 'number' && Number.isSafeInteger(start) && start >= 0 ? start : 1;
}

// Subjects are header values: line breaks and other control characters would corrupt them.
// deno-lint-ignore no-control-regex
const SUBJECT_CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g; // eslint-disable-line no-control-regex

/**
 * A value fit for one email header line: every control character (CR and LF included, so no
 * header can be injected), C1 control and Unicode line separator becomes a space, runs of
 * spaces collapse. Every header built from candidate or user data goes through it: subjects,
 * display names, threading headers, notification subjects.
 */
export function headerText(value: string): string {
  return value.replace(SUBJECT_CONTROL_CHARACTERS, ' ').replace(/ {2,}/g, ' ').trim();
}

function cleanSubject(subject: string): string {
  return headerText(subject);
}

export function renderSubject(
  subject: string | null | undefined,
  context: RenderContext,
  options: TokenOptions = {},
): string {
  return cleanSubject(interpolateText(subject ?? '', context, options));
}

/**
 * Renders a stage for one recipient. Missing and unknown tokens render as
 * empty strings; run `validateDraftForCandidate` first to block such sends.
 *
 * @throws TypeError when `trackingPixelUrl`, `unsubscribeUrl` or a
 *   `linkRewriter` result is not an http(s) URL: that is a configuration bug in
 *   the sender, and sending a broken tracking or unsubscribe link would be worse
 *   than failing the send.
 */
export function renderStage(stage: StageContent, context: RenderContext, options: RenderOptions = {}): RenderedEmail {
  const body = new Renderer(context, options).render(stage.body);
  let html = body.html;
  let text = body.text.replace(/\n{3,}/g, '\n\n').trim();

  if (options.unsubscribeUrl !== undefined) {
    const url = requireUrl(options.unsubscribeUrl, 'unsubscribeUrl');
    const label = options.unsubscribeLabel ?? 'Unsubscribe';
    html +=
      `<p style="margin-top:24px;font-size:12px;color:#6b7280">` +
      `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer" style="color:#6b7280">${escapeHtml(label)}</a></p>`;
    text += `${text === '' ? '' : '\n\n'}${label}: ${url}`;
  }
  if (options.trackingPixelUrl !== undefined) {
    const url = requireUrl(options.trackingPixelUrl, 'trackingPixelUrl');
    html += `<img src="${escapeHtml(url)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  }

  return { subject: renderSubject(stage.subject, context, options), html, text };
}
