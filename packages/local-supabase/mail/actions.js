// The "act as the candidate" controls of the inbox's message view (reply, out-of-office,
// bounce, complain, open, click, unsubscribe). They reach the app through the same signed
// webhooks and links production uses (candidate-events.js): replies and out-of-office answers
// are kept as received emails and announced by a metadata-only `email.received` delivery, so
// the app fetches them from GET /emails/receiving/:id as it does from Resend; bounces and
// complaints are Svix-signed Resend webhook deliveries; opens and clicks fetch the
// tracking URLs in the email's HTML as a mail client would; unsubscribe opens the link.
// Each action answers with a small page saying what the app replied, and a link back.
import { messageEvent, messageLinks, pixelUrl, replyEmail, unsubscribeUrl } from './candidate-events.js';
import { receivedEvent } from './received.js';
import { escapeHtml } from './html.js';

/** @typedef {import('./store.js').StoredMessage} StoredMessage */
/**
 * @typedef {{ store: import('./store.js').MailStore, log: (s: string) => void, config?: unknown,
 *   deliveries: ReturnType<typeof import('./deliveries.js').createDeliveries> }} ActionContext
 */

/** A desktop mail client's user agent, so tracked opens and clicks count as a person's. */
const MAIL_CLIENT_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

const action = (/** @type {StoredMessage} */ m, /** @type {string} */ name) =>
  `/messages/${escapeHtml(encodeURIComponent(m.id))}/actions/${name}`;

/**
 * The contents of the candidate-actions section for one message (HTML, already escaped).
 * @param {StoredMessage} m
 * @returns {string}
 */
export function renderCandidateActions(m) {
  const links = messageLinks(m).filter((l) => !/\/functions\/v1\/unsubscribe\b/.test(l));
  const unsub = unsubscribeUrl(m);
  const inAWeek = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
  const clickForms = links.length
    ? `<ul class="links">${links
        .map(
          (l, i) =>
            `<li><form method="post" action="${action(m, 'click')}"><input type="hidden" name="index" value="${i}"><button type="submit" aria-label="Click link ${i + 1}: ${escapeHtml(l)}">Click</button> <span class="url">${escapeHtml(l)}</span></form></li>`,
        )
        .join('')}</ul>`
    : '<p class="placeholder">This email has no links.</p>';
  return `<h3>Act as the candidate</h3>
<style>#candidate-actions form{margin:.4rem 0}#candidate-actions textarea{width:100%;min-height:5rem;font:inherit}#candidate-actions .row-actions{display:flex;gap:.5rem;flex-wrap:wrap}#candidate-actions .links{list-style:none;padding:0;margin:0}#candidate-actions .url{overflow-wrap:anywhere;color:var(--muted)}</style>
<form method="post" action="${action(m, 'reply')}">
<label for="reply-text">Reply text</label>
<textarea id="reply-text" name="text" required>Thanks for reaching out — I'd be happy to talk.</textarea>
<button type="submit">Send reply</button>
</form>
<form method="post" action="${action(m, 'out-of-office')}">
<label for="ooo-date">Return date</label>
<input id="ooo-date" name="return_date" type="date" value="${inAWeek}" required>
<button type="submit">Send out-of-office reply</button>
</form>
<div class="row-actions">
<form method="post" action="${action(m, 'bounce')}"><button type="submit">Bounce</button></form>
<form method="post" action="${action(m, 'complain')}"><button type="submit">Mark as spam (complain)</button></form>
<form method="post" action="${action(m, 'open')}"><button type="submit">Open (load images)</button></form>
${
  unsub
    ? `<a href="${escapeHtml(unsub)}" target="_blank" rel="noopener noreferrer">Unsubscribe</a>
<form method="post" action="${action(m, 'one-click-unsubscribe')}"><button type="submit">One-click unsubscribe</button></form>`
    : ''
}
</div>
<h4>Links</h4>
${clickForms}`;
}

/** @param {import('node:http').IncomingMessage} req */
async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * @param {import('node:http').ServerResponse} res @param {StoredMessage} m
 * @param {number} status @param {string} title @param {string} detail
 */
function resultPage(res, m, status, title, detail) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f5f7;padding:.6rem;border-radius:4px}</style></head>
<body><main><h1 role="status">${escapeHtml(title)}</h1><pre>${escapeHtml(detail)}</pre>
<p><a href="/messages/${escapeHtml(encodeURIComponent(m.id))}">Back to the message</a></p></main></body></html>`);
}

/**
 * Keeps `email` as received, then announces it with the metadata-only webhook Resend sends.
 * @param {ActionContext} ctx @param {StoredMessage} m the message replied to @param {string} api
 * @param {import('./received.js').ReceivedEmail} email
 */
function deliverReceived(ctx, m, api, email) {
  ctx.store.receive(email);
  ctx.log(`received ${email.id} from ${email.from} to ${email.to.join(', ')}: ${email.subject}`);
  return ctx.deliveries.deliver(m.id, api, receivedEvent(email));
}

/** The API the app runs on: API_URL when set, else the stack's host and API port. */
function apiUrl(/** @type {any} */ config) {
  if (process.env.API_URL) return process.env.API_URL.replace(/\/+$/, '');
  return `http://${config?.host ?? '127.0.0.1'}:${config?.apiPort ?? 54321}`;
}

/**
 * Handles POST /messages/:id/actions/<name>. Returns false when it did not answer the request,
 * and the server then answers 404.
 * @param {ActionContext} ctx
 * @param {StoredMessage} m
 * @param {string} name
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @returns {Promise<boolean>}
 */
export async function handleCandidateAction(ctx, m, name, req, res) {
  const known = ['reply', 'out-of-office', 'bounce', 'complain', 'open', 'click', 'one-click-unsubscribe'];
  if (!known.includes(name)) return false;
  let form;
  try {
    form = await readForm(req);
  } catch {
    resultPage(res, m, 413, 'The form was too large', 'Nothing was sent.');
    return true;
  }
  const api = apiUrl(ctx.config);
  const deliver = (/** @type {{ type: string }} */ event) => ctx.deliveries.deliver(m.id, api, event);
  /**
   * The first attempt's answer; a refused delivery says when it is retried (the message page
   * shows every attempt and the final outcome).
   * @param {string} title @param {Awaited<ReturnType<typeof deliver>>} r
   */
  const reportWebhook = (title, r) => {
    const ok = r.status >= 200 && r.status < 300;
    const answered = r.status ? `resend-webhook answered ${r.status}` : 'the app could not be reached';
    const retry = r.delivery.nextAttemptAt
      ? `\nAttempt 1 of ${ctx.deliveries.maxAttempts}; the next is at ${r.delivery.nextAttemptAt}, as Resend retries. The message page shows the outcome.`
      : '';
    resultPage(
      res,
      m,
      ok ? 200 : 502,
      ok ? title : `${title}: the app refused it${r.delivery.nextAttemptAt ? ' (retrying)' : ''}`,
      `${answered}\n${r.body}${retry}`,
    );
  };
  try {
    if (name === 'reply') {
      const text = (form.get('text') ?? '').trim();
      if (!text) {
        resultPage(res, m, 400, 'Write a reply first', 'The reply text was empty; nothing was sent.');
        return true;
      }
      reportWebhook('Reply delivered', await deliverReceived(ctx, m, api, replyEmail(m, { text })));
    } else if (name === 'out-of-office') {
      const date = form.get('return_date') ?? '';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        resultPage(res, m, 400, 'Choose a return date', 'The return date was missing; nothing was sent.');
        return true;
      }
      const pretty = new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
      const email = replyEmail(m, {
        subjectPrefix: 'Automatic reply: ',
        text: `Thank you for your email. I am out of the office until ${pretty} with limited access to email. I will reply when I return.`,
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
      });
      reportWebhook('Out-of-office reply delivered', await deliverReceived(ctx, m, api, email));
    } else if (name === 'bounce') {
      const event = messageEvent(m, 'email.bounced', {
        bounce: {
          type: 'Permanent',
          subType: 'General',
          message: '550 5.1.1 The email account that you tried to reach does not exist.',
        },
      });
      reportWebhook('Bounce delivered', await deliver(event));
    } else if (name === 'complain') {
      reportWebhook('Complaint delivered', await deliver(messageEvent(m, 'email.complained')));
    } else if (name === 'open') {
      const pixel = pixelUrl(m);
      if (pixel) {
        const r = await fetch(pixel, { headers: { 'user-agent': MAIL_CLIENT_UA } });
        await r.arrayBuffer();
        resultPage(
          res,
          m,
          r.ok ? 200 : 502,
          r.ok ? 'Opened: the tracking pixel loaded' : 'The tracking pixel failed',
          `GET ${pixel}\n→ ${r.status} ${r.headers.get('content-type') ?? ''}`,
        );
      } else {
        // No pixel (tracking off for the sender): an open as Resend's own tracking reports it.
        const event = messageEvent(m, 'email.opened', {
          open: { ipAddress: '127.0.0.1', timestamp: new Date().toISOString(), userAgent: MAIL_CLIENT_UA },
        });
        reportWebhook('Open delivered (no tracking pixel in this email)', await deliver(event));
      }
    } else if (name === 'click') {
      const links = messageLinks(m).filter((l) => !/\/functions\/v1\/unsubscribe\b/.test(l));
      const link = links[Number(form.get('index'))];
      if (!link) {
        resultPage(res, m, 400, 'No such link', 'Pick one of the links listed under the message.');
        return true;
      }
      const r = await fetch(link, { redirect: 'manual', headers: { 'user-agent': MAIL_CLIENT_UA } });
      await r.arrayBuffer();
      const location = r.headers.get('location');
      resultPage(
        res,
        m,
        200,
        location ? `Clicked: redirected to ${location}` : `Clicked: ${r.status}`,
        `GET ${link}\n→ ${r.status}${location ? ` Location: ${location}` : ''}`,
      );
    } else {
      const url = unsubscribeUrl(m);
      if (!url) {
        resultPage(res, m, 400, 'This email has no unsubscribe link', 'Nothing was sent.');
        return true;
      }
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
      resultPage(
        res,
        m,
        r.ok ? 200 : 502,
        r.ok ? 'Unsubscribed (one-click)' : 'One-click unsubscribe failed',
        `POST ${url}\n→ ${r.status}\n${(await r.text()).slice(0, 300)}`,
      );
    }
  } catch (e) {
    ctx.log(`candidate action ${name} on ${m.id} failed: ${e instanceof Error ? e.message : e}`);
    resultPage(res, m, 502, 'The app could not be reached', e instanceof Error ? e.message : String(e));
  }
  return true;
}
