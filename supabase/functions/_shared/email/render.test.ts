import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { collectDocTokens, isDocEmpty, renderStage, sanitizeUrl, type DocNode } from './render.ts';
import {
  bold,
  br,
  context,
  doc,
  h,
  italic,
  link,
  ol,
  p,
  strike,
  text,
  token,
  ul,
  underline,
} from './test-factories.ts';
import { TOKENS, type RenderContext } from './tokens.ts';

const ALLOWED_TAGS = new Set([
  'p',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'em',
  'u',
  's',
  'code',
  'pre',
  'a',
  'ul',
  'ol',
  'li',
  'blockquote',
  'hr',
  'img',
]);

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
}

function body(...content: DocNode[]) {
  return { subject: 'Subject', body: doc(p(...content)) };
}

const hostile: RenderContext = {
  candidate: {
    firstName: '<script>alert(1)</script>',
    lastName: '" onmouseover="alert(1)',
    company: "' onfocus='x' <img src=x onerror=alert(1)>",
    title: '&amp; {{sender.name}}',
    location: '</p><iframe src="https://evil.example"></iframe>',
    customFields: { note: '<a href="javascript:alert(1)">x</a>' },
  },
  sender: { name: 'Mallory', signature: '<b>bold</b>\nline two' },
  job: { title: 'Engineer' },
};

describe('renderStage tokens', () => {
  it.each(TOKENS.map((t) => [t.key]))('renders the %s token with the context value', (key) => {
    const ctx = context();
    const expected = TOKENS.find((t) => t.key === key)?.resolve(ctx) ?? '';
    expect(expected).not.toBe('');
    const out = renderStage({ subject: `{{${key}}}`, body: doc(p(token(key))) }, ctx);
    expect(out.subject).toBe(expected.replace(/\n/g, ' '));
    expect(out.text).toBe(expected);
    expect(out.html).toBe(`<p>${expected.replace(/\n/g, '<br>')}</p>`);
  });

  it('derives the full name from first and last name when no full name is stored', () => {
    const out = renderStage(body(token('candidate.full_name')), context());
    expect(out.text).toBe('Ada Lovelace');
  });

  it('renders candidate custom fields, including non-string values', () => {
    const out = renderStage({ subject: 'GitHub {{custom.github}}', body: doc(p(token('custom.years'))) }, context());
    expect(out.subject).toBe('GitHub ada-l');
    expect(out.text).toBe('12');
  });

  it('renders missing values and unknown tokens as empty strings, never "undefined" or "null"', () => {
    const ctx: RenderContext = { candidate: { firstName: null, customFields: {} }, sender: null };
    const out = renderStage(
      {
        subject: 'Hi {{candidate.first_name}}{{custom.nope}}{{candidate.nope}}!',
        body: doc(p(text('Hi '), token('candidate.last_name'), token('sender.name'), text('!'))),
      },
      ctx,
    );
    expect(out.subject).toBe('Hi !');
    expect(out.text).toBe('Hi !');
    expect(out.html).toBe('<p>Hi !</p>');
    expect(`${out.subject}${out.html}${out.text}`).not.toMatch(/undefined|null|\{\{/);
  });

  it('treats whitespace-only values as missing', () => {
    const out = renderStage(body(text('['), token('candidate.company'), text(']')), {
      candidate: { company: '   ' },
    });
    expect(out.text).toBe('[]');
  });

  it('expands {{tokens}} typed as plain text in the body', () => {
    const out = renderStage(body(text('Hi {{ candidate.first_name }}, from {{sender.name}}')), context());
    expect(out.text).toBe('Hi Ada, from Grace Hopper');
  });

  it('does not expand token syntax found inside candidate data', () => {
    const out = renderStage({ subject: '{{candidate.title}}', body: doc(p(token('candidate.title'))) }, hostile);
    expect(out.subject).toBe('&amp; {{sender.name}}');
    expect(out.text).toBe('&amp; {{sender.name}}');
    expect(out.html).toBe('<p>&amp;amp; {{sender.name}}</p>');
  });
});

describe('renderStage escaping', () => {
  it('escapes a <script> first name so no script tag reaches the HTML', () => {
    const out = renderStage(body(text('Hi '), token('candidate.first_name')), hostile);
    expect(out.html).toBe('<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(out.text).toBe('Hi <script>alert(1)</script>');
  });

  it('escapes quotes so candidate data cannot open an attribute such as onmouseover', () => {
    const out = renderStage(
      body(token('candidate.last_name', link('https://acme.example/jobs')), token('candidate.company')),
      hostile,
    );
    expect(out.html).not.toMatch(/"\s*onmouseover/);
    expect(out.html).not.toMatch(/'\s*onfocus/);
    expect(out.html).toContain('&quot; onmouseover=&quot;alert(1)');
    expect(out.html).toContain('&#39; onfocus=&#39;x&#39; &lt;img src=x onerror=alert(1)&gt;');
    expect(tagsOf(out.html)).toEqual(['p', 'a', 'a', 'p']);
  });

  it('escapes every hostile field and custom field, emitting only allow-listed tags', () => {
    const keys = ['candidate.location', 'custom.note', 'sender.signature', 'candidate.company'];
    const out = renderStage({ subject: 's', body: doc(...keys.map((k) => p(token(k)))) }, hostile);
    expect(tagsOf(out.html).every((tag) => ['p', 'br'].includes(tag))).toBe(true);
    expect(out.html).toContain('&lt;/p&gt;&lt;iframe');
    expect(out.html).toContain('&lt;b&gt;bold&lt;/b&gt;<br>line two');
  });

  it('escapes text typed by the author, too', () => {
    const out = renderStage(body(text('1 < 2 & "quotes" <b>')), context());
    expect(out.html).toBe('<p>1 &lt; 2 &amp; &quot;quotes&quot; &lt;b&gt;</p>');
  });

  it('keeps the subject on one line even when a value contains line breaks', () => {
    const out = renderStage(
      { subject: 'Re: {{sender.signature}}', body: null },
      { sender: { signature: 'a\r\nBcc: victim@example.com' } },
    );
    expect(out.subject).toBe('Re: a Bcc: victim@example.com');
    expect(out.subject).not.toMatch(/[\r\n]/);
  });

  it('emits only allow-listed tags and no script URLs for arbitrary documents', () => {
    const nastyString = fc.oneof(
      fc.string(),
      fc.constantFrom('<script>', '"><img onerror=x>', "'", 'javascript:alert(1)', '&lt;'),
    );
    const mark = fc.oneof(
      fc.constantFrom('bold', 'italic', 'underline', 'strike', 'code', 'script', 'style').map((type) => ({ type })),
      fc
        .oneof(
          nastyString,
          fc.constantFrom('javascript:alert(1)', ' JaVaScRiPt:x', 'data:text/html,x', 'https://ok.example/"><x'),
        )
        .map((href) => ({ type: 'link', attrs: { href } })),
    );
    const inline = fc.oneof(
      fc.record({
        type: fc.constant('text'),
        text: nastyString,
        marks: fc.array(mark, { maxLength: 3 }),
      }),
      fc.record({
        type: fc.constant('token'),
        attrs: fc.record({
          key: fc.oneof(nastyString, fc.constantFrom(...TOKENS.map((t) => t.key))),
        }),
      }),
      fc.constant({ type: 'hardBreak' }),
      fc.record({
        type: fc.constantFrom('image', 'iframe', 'script'),
        attrs: fc.record({ src: nastyString }),
      }),
    );
    const block = fc.letrec<{ node: DocNode }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.record({
          type: fc.constantFrom('paragraph', 'heading', 'codeBlock', 'div', 'script'),
          attrs: fc.record({ level: fc.integer() }),
          content: fc.array(inline, { maxLength: 4 }),
        }),
        fc.record({
          type: fc.constantFrom('bulletList', 'orderedList', 'blockquote', 'listItem', 'table'),
          attrs: fc.record({ start: fc.oneof(fc.integer(), nastyString) }),
          content: fc.array(tie('node'), { maxLength: 3 }),
        }),
        fc.constant({ type: 'horizontalRule' }),
      ),
    }));
    fc.assert(
      fc.property(fc.array(block.node, { maxLength: 5 }), (content) => {
        const out = renderStage({ subject: 'x', body: { type: 'doc', content } }, hostile, {
          linkRewriter: (url, i) => `https://t.example/c/${i}?u=${encodeURIComponent(url)}`,
        });
        expect(tagsOf(out.html).filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
        expect(out.html).not.toMatch(/href="(?!https:\/\/|http:\/\/|mailto:)/);
        // Every attribute is one we write ourselves.
        const attributes = [...out.html.matchAll(/<[a-z0-9]+([^>]*)>/g)].flatMap((tag) =>
          [...(tag[1] ?? '').matchAll(/\s([a-z-]+)=/g)].map((m) => m[1]),
        );
        expect(attributes.every((a) => ['href', 'target', 'rel', 'start'].includes(a ?? ''))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderStage links', () => {
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\nscript:alert(1)',
    'java\tscript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    '/relative/path',
    'www.example.com',
    '',
  ])('drops a link to %j but keeps its text', (href) => {
    const out = renderStage(body(text('click me', link(href))), context());
    expect(out.html).toBe('<p>click me</p>');
    expect(out.text).toBe('click me');
  });

  it('keeps http, https and mailto links with escaped attribute values', () => {
    const out = renderStage(
      body(
        text('site', link('https://acme.example/jobs?a=1&b="2"')),
        text(' and '),
        text('mail', link('mailto:grace@acme.example')),
      ),
      context(),
    );
    expect(out.html).toBe(
      '<p><a href="https://acme.example/jobs?a=1&amp;b=%222%22" target="_blank" rel="noopener noreferrer">site</a>' +
        ' and <a href="mailto:grace@acme.example" target="_blank" rel="noopener noreferrer">mail</a></p>',
    );
  });

  it('passes each http(s) link to the rewriter in document order with its index, but not mailto links', () => {
    const rewriter = vi.fn((url: string, index: number) => `https://t.example/c/${index}?u=${encodeURIComponent(url)}`);
    const out = renderStage(
      {
        subject: 's',
        body: doc(
          p(text('one', link('https://one.example/'))),
          p(text('mail', link('mailto:a@b.example'))),
          ul([p(text('two', link('http://two.example/x')))]),
        ),
      },
      context(),
      { linkRewriter: rewriter },
    );
    expect(rewriter.mock.calls).toEqual([
      ['https://one.example/', 0],
      ['http://two.example/x', 1],
    ]);
    expect(out.html).toContain('href="https://t.example/c/0?u=https%3A%2F%2Fone.example%2F"');
    expect(out.html).toContain('href="https://t.example/c/1?u=http%3A%2F%2Ftwo.example%2Fx"');
    expect(out.html).toContain('href="mailto:a@b.example"');
    expect(out.text).toContain('one (https://t.example/c/0?u=https%3A%2F%2Fone.example%2F)');
  });

  it('renders a link spanning bold and plain text as one link, rewritten once', () => {
    const rewriter = vi.fn((_url: string, index: number) => `https://t.example/${index}`);
    const href = 'https://acme.example/role';
    const out = renderStage(body(text('the ', link(href)), text('role', link(href), bold)), context(), {
      linkRewriter: rewriter,
    });
    expect(rewriter).toHaveBeenCalledTimes(1);
    expect(out.html).toBe(
      '<p><a href="https://t.example/0" target="_blank" rel="noopener noreferrer">the <strong>role</strong></a></p>',
    );
    expect(out.text).toBe('the role (https://t.example/0)');
  });

  it('refuses a rewriter that returns a non-http URL rather than send a broken link', () => {
    expect(() =>
      renderStage(body(text('x', link('https://a.example'))), context(), {
        linkRewriter: () => 'javascript:alert(1)',
      }),
    ).toThrow(TypeError);
  });

  it('does not repeat an autolinked URL in the plain text part', () => {
    const out = renderStage(body(text('https://acme.example/jobs', link('https://acme.example/jobs'))), context());
    expect(out.text).toBe('https://acme.example/jobs');
  });

  it('shows mailto links as the bare address in the plain text part', () => {
    const out = renderStage(body(text('Email me', link('mailto:grace@acme.example'))), context());
    expect(out.text).toBe('Email me (grace@acme.example)');
  });
});

describe('renderStage tracking and unsubscribe', () => {
  it('appends the tracking pixel as a 1x1 image at the end of the HTML only', () => {
    const out = renderStage(body(text('Hi')), context(), {
      trackingPixelUrl: 'https://t.example/o.gif?e=1&s=2',
    });
    expect(out.html).toMatch(/<img src="https:\/\/t\.example\/o\.gif\?e=1&amp;s=2" width="1" height="1" alt=""[^>]*>$/);
    expect(out.text).toBe('Hi');
  });

  it('appends the unsubscribe link as a footer in both parts', () => {
    const out = renderStage(body(text('Hi')), context(), {
      unsubscribeUrl: 'https://app.example/unsubscribe?t=abc',
    });
    expect(out.html).toContain('<a href="https://app.example/unsubscribe?t=abc"');
    expect(out.html).toContain('>Unsubscribe</a></p>');
    expect(out.text).toBe('Hi\n\nUnsubscribe: https://app.example/unsubscribe?t=abc');
  });

  it('never rewrites the unsubscribe link for click tracking', () => {
    const rewriter = vi.fn((u: string) => u);
    renderStage(body(text('Hi')), context(), {
      unsubscribeUrl: 'https://app.example/unsubscribe',
      linkRewriter: rewriter,
    });
    expect(rewriter).not.toHaveBeenCalled();
  });

  it('rejects a javascript: unsubscribe or pixel URL', () => {
    expect(() => renderStage(body(text('x')), context(), { unsubscribeUrl: 'javascript:x' })).toThrow(TypeError);
    expect(() => renderStage(body(text('x')), context(), { trackingPixelUrl: 'data:image/gif,x' })).toThrow(TypeError);
  });
});

describe('renderStage structure', () => {
  it('renders headings, marks, lists and hard breaks as email-safe HTML', () => {
    const out = renderStage(
      {
        subject: 'x',
        body: doc(
          h(2, text('Role')),
          p(text('b', bold), text('i', italic), text('u', underline), text('s', strike), br(), text('next')),
          ul([p(text('first'))], [p(text('second'))]),
          ol(3, [p(text('third'))]),
        ),
      },
      context(),
    );
    expect(out.html).toBe(
      '<h2>Role</h2><p><strong>b</strong><em>i</em><u>u</u><s>s</s><br>next</p>' +
        '<ul><li><p>first</p></li><li><p>second</p></li></ul><ol start="3"><li><p>third</p></li></ol>',
    );
  });

  it('writes a readable plain text version: blank lines between blocks, bullets and numbers', () => {
    const out = renderStage(
      {
        subject: 'x',
        body: doc(
          p(text('Hi '), token('candidate.first_name'), text(',')),
          p(text('line one'), br(), text('line two')),
          ul([p(text('first'))], [p(text('second')), ul([p(text('nested'))])]),
          ol(1, [p(text('one'))], [p(text('two'))]),
          p(token('sender.signature')),
        ),
      },
      context(),
    );
    expect(out.text).toBe(
      [
        'Hi Ada,',
        '',
        'line one\nline two',
        '',
        '- first\n- second\n  - nested',
        '',
        '1. one\n2. two',
        '',
        'Grace Hopper\nHead of Talent, Acme',
      ].join('\n'),
    );
  });

  it('keeps an empty paragraph visible as a blank line in HTML', () => {
    const out = renderStage({ subject: 'x', body: doc(p(text('a')), p(), p(text('b'))) }, context());
    expect(out.html).toBe('<p>a</p><p><br></p><p>b</p>');
    expect(out.text).toBe('a\n\nb');
  });

  it('drops unknown nodes and marks but keeps their text', () => {
    const out = renderStage(
      {
        subject: 'x',
        body: doc(
          { type: 'image', attrs: { src: 'https://x.example/a.png' } },
          {
            type: 'div',
            content: [text('inside', { type: 'highlight', attrs: { color: 'red' } })],
          },
        ),
      },
      context(),
    );
    expect(out.html).toBe('<p>inside</p>');
  });

  it('clamps heading levels and ignores a non-numeric list start', () => {
    const out = renderStage(
      { subject: 'x', body: doc(h(9, text('t')), ol('1" onclick="x', [p(text('a'))])) },
      context(),
    );
    expect(out.html).toBe('<h6>t</h6><ol><li><p>a</p></li></ol>');
  });

  it('renders an absent body as empty output', () => {
    expect(renderStage({ subject: 'x', body: null }, context())).toEqual({
      subject: 'x',
      html: '',
      text: '',
    });
  });
});

describe('body helpers', () => {
  it('collects token nodes and typed tokens in document order', () => {
    const d = doc(p(token('sender.name'), text(' {{candidate.first_name}} ')), ul([p(token('job.title'))]));
    expect(collectDocTokens(d)).toEqual(['sender.name', 'candidate.first_name', 'job.title']);
  });

  it('considers a body with only whitespace, breaks and rules empty, and a lone token not empty', () => {
    expect(isDocEmpty(doc(p(text('  ')), p(br()), { type: 'horizontalRule' }))).toBe(true);
    expect(isDocEmpty(null)).toBe(true);
    expect(isDocEmpty(doc(p(token('candidate.first_name'))))).toBe(false);
  });

  it('normalises allowed URLs and rejects the rest', () => {
    expect(sanitizeUrl('HTTPS://Acme.example')).toBe('https://acme.example/');
    expect(sanitizeUrl('mailto:a@b.example')).toBe('mailto:a@b.example');
    expect(sanitizeUrl('https://')).toBeNull();
    expect(sanitizeUrl(42)).toBeNull();
  });
});

describe('renderStage — the rich-text signature (issue 16)', () => {
  const signatureDoc = doc(
    p(text('Grace Hopper', bold)),
    p(text('Head of Talent, '), token('sender.name'), text(' '), text('careers', link('https://acme.example/jobs'))),
    ul([p(text('<img src=x onerror=alert(1)>'))]),
    p(text('evil', link('javascript:alert(1)')), token('sender.signature')),
  );
  const withSignature = (overrides: Partial<RenderContext> = {}) =>
    context({
      sender: { ...context().sender, signature: 'Grace Hopper\nHead of Talent', signatureDoc },
      ...overrides,
    });

  it('renders its formatting and links in place of the token, one line per paragraph, inside valid HTML', () => {
    const out = renderStage(
      { subject: 'x', body: doc(p(text('Best,')), p(token('sender.signature'))) },
      withSignature(),
    );
    expect(out.html).toBe(
      '<p>Best,</p><p><strong>Grace Hopper</strong><br>Head of Talent, Grace Hopper ' +
        '<a href="https://acme.example/jobs" target="_blank" rel="noopener noreferrer">careers</a><br>' +
        '&lt;img src=x onerror=alert(1)&gt;<br>evil</p>',
    );
    expect(out.text).toBe(
      'Best,\n\nGrace Hopper\nHead of Talent, Grace Hopper careers (https://acme.example/jobs)\n<img src=x onerror=alert(1)>\nevil',
    );
    for (const tag of tagsOf(out.html)) expect(ALLOWED_TAGS.has(tag)).toBe(true);
  });

  it('is rendered for a typed {{sender.signature}} too, and its links are tracked like the body’s', () => {
    const rewritten: string[] = [];
    const out = renderStage(
      { subject: 'Hi {{sender.signature}}', body: doc(p(text('Thanks!\n{{sender.signature}}'))) },
      withSignature(),
      {
        linkRewriter: (url, i) => {
          rewritten.push(url);
          return `https://t.example/${i}`;
        },
      },
    );
    expect(rewritten).toEqual(['https://acme.example/jobs']);
    expect(out.html).toContain('<a href="https://t.example/0"');
    expect(out.html).toContain('Thanks!<br><strong>Grace Hopper</strong>');
    // The subject is one header line: the plain text.
    expect(out.subject).toBe('Hi Grace Hopper Head of Talent');
  });

  it('never lets the signature document smuggle markup, scripts or a nested signature', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, href) => {
        const hostileDoc = doc(p(text(a, link(href)), token('sender.signature'), text(a, bold)));
        const out = renderStage(
          { subject: 'x', body: doc(p(token('sender.signature'))) },
          context({ sender: { signature: a, signatureDoc: hostileDoc } }),
        );
        for (const tag of tagsOf(out.html)) expect(ALLOWED_TAGS.has(tag)).toBe(true);
        expect(out.html).not.toMatch(/<a href="(?!https?:|mailto:)/);
      }),
    );
  });
});
