// The inbox page a developer reads sent mail in: server-rendered HTML, two panes (message list,
// message view) like Mailpit. Everything the sender controls is escaped; the HTML body is shown
// in an iframe whose `sandbox` forbids scripts, and a Content-Security-Policy with a per-page
// nonce keeps the page's one tiny script the only script that runs. The list refreshes itself:
// the script polls /_catcher/messages every 2 s and, when the ids change, swaps in the list
// fragment the server renders at /inbox/list.
import crypto from 'node:crypto';
import { renderCandidateActions } from './actions.js';
import { escapeHtml } from './html.js';

/** @typedef {import('./store.js').StoredMessage} StoredMessage */

const fmtTime = (/** @type {string} */ iso) => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

/** @param {Record<string, string>} params */
function query(params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The `<ul>` of messages (also served alone at /inbox/list for the auto-refresh).
 * @param {StoredMessage[]} messages newest first
 * @param {{ selected?: string | null, to?: string | null }} opts
 */
export function renderList(messages, opts = {}) {
  const sig = messages.map((m) => m.id).join(',');
  if (messages.length === 0) {
    return `<ul id="message-list" class="list" data-signature=""><li class="empty">No messages${opts.to ? ` to ${escapeHtml(opts.to)}` : ''} yet.</li></ul>`;
  }
  const items = messages.map((m) => {
    const current = m.id === opts.selected ? ' aria-current="page"' : '';
    const tags = m.tags.length
      ? `<span class="tags">${m.tags.map((t) => `<span class="tag">${escapeHtml(t.name)}: ${escapeHtml(t.value)}</span>`).join('')}</span>`
      : '';
    return `<li><a href="/messages/${escapeHtml(m.id)}${query({ to: opts.to ?? '' })}"${current}>
<span class="row"><span class="from">${escapeHtml(m.from)}</span><time datetime="${escapeHtml(m.created_at)}">${escapeHtml(fmtTime(m.created_at))}</time></span>
<span class="subject">${escapeHtml(m.subject)}</span>
<span class="row"><span class="to">To: ${escapeHtml(m.to.join(', '))}</span>${tags}</span>
</a></li>`;
  });
  return `<ul id="message-list" class="list" data-signature="${escapeHtml(sig)}">${items.join('\n')}</ul>`;
}

/** @param {StoredMessage} m */
function headerRows(m) {
  /** @type {Array<[string, string]>} */
  const rows = [
    ['From', m.from],
    ['To', m.to.join(', ')],
  ];
  if (m.cc) rows.push(['Cc', m.cc.join(', ')]);
  if (m.bcc) rows.push(['Bcc', m.bcc.join(', ')]);
  if (m.reply_to) rows.push(['Reply-To', m.reply_to.join(', ')]);
  rows.push(['Subject', m.subject], ['Date', fmtTime(m.created_at)], ['Message-ID', m.message_id]);
  // Caller headers (List-Unsubscribe, In-Reply-To, References, …) are what threading and
  // one-click unsubscribe depend on, so every one is shown as sent.
  for (const [k, v] of Object.entries(m.headers)) if (k.toLowerCase() !== 'message-id') rows.push([k, v]);
  if (m.tags.length) rows.push(['Tags', m.tags.map((t) => `${t.name}: ${t.value}`).join(', ')]);
  if (m.idempotency_key) rows.push(['Idempotency-Key', m.idempotency_key]);
  return rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
}

/**
 * The webhook deliveries the candidate actions made about this message: each attempt's answer
 * and the outcome (delivered, retrying at a time, or failed after the last retry).
 * @param {readonly import('./deliveries.js').Delivery[]} deliveries
 */
function renderDeliveries(deliveries) {
  if (!deliveries.length) return '';
  const outcome = (/** @type {import('./deliveries.js').Delivery} */ d) =>
    d.state === 'delivered'
      ? `Delivered${d.attempts.length > 1 ? ` on attempt ${d.attempts.length}` : ''}`
      : d.state === 'failed'
        ? `Failed after ${d.attempts.length} ${d.attempts.length === 1 ? 'attempt' : 'attempts'}`
        : `Retrying at ${fmtTime(d.nextAttemptAt ?? '')}`;
  return `<section aria-labelledby="deliveries-h"><h3 id="deliveries-h">Webhook deliveries</h3><ul class="deliveries">${deliveries
    .map(
      (d) =>
        `<li><strong>${escapeHtml(d.type)}</strong> <span class="outcome">${escapeHtml(outcome(d))}</span><ol>${d.attempts
          .map(
            (a) =>
              `<li>${escapeHtml(fmtTime(a.at))}: ${a.status ? `answered ${a.status}` : 'the app could not be reached'}</li>`,
          )
          .join('')}</ol></li>`,
    )
    .join('')}</ul></section>`;
}

/** @param {StoredMessage} m @param {readonly import('./deliveries.js').Delivery[]} deliveries */
function renderMessage(m, deliveries) {
  const html = m.html
    ? `<section aria-labelledby="html-h"><h3 id="html-h">HTML</h3>
<iframe class="html-body" title="HTML body of “${escapeHtml(m.subject)}”" sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc="${escapeHtml(m.html)}"></iframe></section>`
    : '';
  const text = m.text
    ? `<section aria-labelledby="text-h"><h3 id="text-h">Text</h3><pre class="text-body">${escapeHtml(m.text)}</pre></section>`
    : '';
  const files = m.attachments.length
    ? `<section aria-labelledby="att-h"><h3 id="att-h">Attachments</h3><ul>${m.attachments
        .map((a, i) => {
          const label = `${escapeHtml(a.filename ?? a.path ?? 'attachment')}${a.size !== null ? ` (${a.size} bytes)` : ''}`;
          return a.content !== null
            ? `<li><a href="/messages/${escapeHtml(m.id)}/attachments/${i}" download="${escapeHtml(a.filename ?? 'attachment')}">${label}</a></li>`
            : `<li>${label} — fetched by Resend from ${escapeHtml(a.path)}</li>`;
        })
        .join('')}</ul></section>`
    : '';
  return `<article class="message" aria-labelledby="subject-h">
<h2 id="subject-h">${escapeHtml(m.subject)}</h2>
<table class="headers"><caption class="visually-hidden">Headers</caption><tbody>${headerRows(m)}</tbody></table>
<section id="candidate-actions" aria-label="Act as the candidate">${renderCandidateActions(m)}</section>
${renderDeliveries(deliveries)}
${html}${text}${files}
</article>`;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1d2330;--muted:#5b6475;--line:#dde1e8;--sel:#e8f0fe;--accent:#1a56db}
@media (prefers-color-scheme:dark){:root{--bg:#15181e;--fg:#e6e9ef;--muted:#9aa3b2;--line:#2c323c;--sel:#1e2a44;--accent:#7aa2ff}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg);height:100vh;display:grid;grid-template-rows:auto 1fr}
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid var(--line)}
header h1{font-size:1.1rem;margin:0}
header form{display:flex;gap:.4rem;align-items:center}
header .count{color:var(--muted);margin:0 auto 0 0}
input,button{font:inherit;padding:.25rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
button{cursor:pointer}
.panes{display:grid;grid-template-columns:minmax(18rem,26rem) 1fr;min-height:0}
nav{border-right:1px solid var(--line);overflow:auto}
.list{list-style:none;margin:0;padding:0}
.list a{display:block;padding:.55rem .9rem;border-bottom:1px solid var(--line);color:inherit;text-decoration:none}
.list a:hover{background:var(--sel)}
.list a[aria-current]{background:var(--sel);box-shadow:inset 3px 0 var(--accent)}
.list a:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
.row{display:flex;justify-content:space-between;gap:.5rem;color:var(--muted);font-size:.85em}
.from{font-weight:600;color:var(--fg);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.subject{display:block;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tag{border:1px solid var(--line);border-radius:3px;padding:0 .3rem;margin-left:.25rem;font-size:.9em}
.empty{padding:1rem;color:var(--muted)}
main{overflow:auto;padding:1rem 1.4rem}
main h2{margin:.2rem 0 .8rem;font-size:1.25rem;overflow-wrap:anywhere}
main h3{font-size:.9rem;color:var(--muted);margin:1.2rem 0 .4rem;text-transform:uppercase;letter-spacing:.04em}
.headers{border-collapse:collapse;width:100%}
.headers th{text-align:left;color:var(--muted);font-weight:500;padding:.15rem 1rem .15rem 0;white-space:nowrap;vertical-align:top;width:1%}
.headers td{padding:.15rem 0;overflow-wrap:anywhere}
.html-body{width:100%;height:60vh;border:1px solid var(--line);border-radius:4px;background:#fff}
.text-body{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--line);border-radius:4px;padding:.8rem;margin:0}
.placeholder{color:var(--muted)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** @param {string} nonce @param {{ selected: string | null, to: string | null }} state */
function script(nonce, state) {
  // Polls the JSON list; only when the set of ids changes does it fetch the server-rendered
  // fragment, so the list markup is produced in one place (renderList).
  return `<script nonce="${nonce}">
(() => {
  const state = ${JSON.stringify(state).replace(/</g, '\\u003c')};
  const q = state.to ? '?to=' + encodeURIComponent(state.to) : '';
  const local = (root) => root.querySelectorAll('time[datetime]').forEach((t) => { t.textContent = new Date(t.dateTime).toLocaleString(); });
  local(document);
  async function poll() {
    try {
      const r = await fetch('/_catcher/messages' + q, { cache: 'no-store' });
      const list = await r.json();
      const sig = list.map((m) => m.id).join(',');
      const current = document.getElementById('message-list');
      if (current && current.dataset.signature !== sig) {
        const params = new URLSearchParams();
        if (state.selected) params.set('selected', state.selected);
        if (state.to) params.set('to', state.to);
        const html = await (await fetch('/inbox/list?' + params, { cache: 'no-store' })).text();
        const tpl = document.createElement('template');
        tpl.innerHTML = html;
        const next = tpl.content.firstElementChild;
        if (next) { local(next); current.replaceWith(next); }
        document.getElementById('count').textContent = list.length + (list.length === 1 ? ' message' : ' messages');
      }
    } catch { /* the catcher restarting; try again on the next tick */ }
    setTimeout(poll, 2000);
  }
  setTimeout(poll, 2000);
})();
</script>`;
}

/**
 * The whole page: list plus, when `selected` names a message, that message.
 * @param {StoredMessage[]} messages newest first (already filtered by `to`)
 * @param {{ selected: StoredMessage | null, selectedId: string | null, to: string | null,
 *   deliveries?: readonly import('./deliveries.js').Delivery[] }} opts
 * @returns {{ html: string, csp: string }}
 */
export function renderPage(messages, opts) {
  const nonce = crypto.randomBytes(16).toString('base64');
  const detail = opts.selected
    ? renderMessage(opts.selected, opts.deliveries ?? [])
    : opts.selectedId
      ? `<p class="placeholder" role="alert">Message ${escapeHtml(opts.selectedId)} was not found. It may have been deleted.</p>`
      : `<p class="placeholder">${messages.length ? 'Select a message to read it.' : 'Mail the app sends appears here.'}</p>`;
  const title = opts.selected ? `${opts.selected.subject} — Inbox` : 'Inbox — local mail catcher';
  const count = `${messages.length} ${messages.length === 1 ? 'message' : 'messages'}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<header>
<h1><a href="/" style="color:inherit;text-decoration:none">Inbox</a></h1>
<p id="count" class="count" aria-live="polite">${count}</p>
<form method="get" action="/" role="search"><label for="to-filter">Recipient</label>
<input id="to-filter" name="to" type="email" placeholder="candidate@example.com" value="${escapeHtml(opts.to ?? '')}"><button type="submit">Filter</button></form>
<a href="/inbox/domains">Sending domains</a>
<form method="post" action="/inbox/clear"><button type="submit">Delete all</button></form>
</header>
<div class="panes">
<nav aria-label="Messages">${renderList(messages, { selected: opts.selected?.id ?? null, to: opts.to })}</nav>
<main>${detail}</main>
</div>
${script(nonce, { selected: opts.selected?.id ?? null, to: opts.to })}
</body></html>`;
  // The srcdoc iframe inherits this policy: remote images and styles in an email still load,
  // scripts other than the page's own nonce'd one never run.
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline' *; img-src * data: blob:; font-src * data:; connect-src 'self'; form-action 'self'; base-uri 'none'`;
  return { html, csp };
}
