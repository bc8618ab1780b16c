// The local mail catcher (port 54324 by default), started by lib/stack.js next to the API.
// One HTTP server with three faces:
//   - the Resend API (api.js): the app's edge functions send through the official `resend` SDK
//     pointed here with `new Resend(key, { baseUrl: MAIL_URL })` or RESEND_BASE_URL=MAIL_URL;
//   - the inbox page at / and /messages/:id (inbox.js) where a developer reads what was sent;
//   - /_catcher/*, JSON for tests: the stored messages, counters, runtime fault injection, and
//     /_catcher/received, where a test stores an email "received from a candidate" for the
//     Received-emails API (received.js) to serve, as Resend would after an inbound delivery.
// Messages live in memory and in <dataDir>/mail/messages.jsonl (store.js), so a restart keeps them.
import http from 'node:http';
import path from 'node:path';
import { handleResendApi, safeDecode } from './api.js';
import { handleCandidateAction } from './actions.js';
import { createDeliveries } from './deliveries.js';
import { renderList, renderPage } from './inbox.js';
import { Faults, RateLimiter, applyConfig, describeConfig, parseRateLimitEnv } from './limits.js';
import { MailStore } from './store.js';
import { newReceivedEmail, receivingObject } from './received.js';
import { ResendError } from './errors.js';
import { DomainStore, renderDomainsPage } from './domains.js';

/** @typedef {import('./store.js').StoredMessage} StoredMessage */

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The catcher's JSON for a message; the list leaves attachment contents out to stay small. */
function catcherJson(/** @type {StoredMessage} */ m, withContent = false) {
  return withContent ? m : { ...m, attachments: m.attachments.map(({ content: _c, ...a }) => a) };
}

/** @param {import('node:http').IncomingMessage} req */
async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new ResendError(400, 'validation_error', 'The request body is not valid JSON.');
  }
}

/**
 * Starts the mail catcher on `config.mailPort` (0 picks a free port) at `config.host`.
 * @param {Pick<import('../lib/config.js').StackConfig, 'host' | 'mailPort' | 'dataDir'> & { apiPort?: number }} config
 * @param {{ log?: (s: string) => void, rateLimitPerSecond?: number | null, retrySchedule?: number[] }} [opts]
 *   rateLimitPerSecond defaults to MAIL_RATE_LIMIT_PER_SECOND (unset = unlimited)
 */
export async function startMail(config, opts = {}) {
  const log = opts.log ?? (() => {});
  const store = new MailStore(path.join(config.dataDir, 'mail'), log);
  const limiter = new RateLimiter();
  limiter.setLimit(
    opts.rateLimitPerSecond !== undefined
      ? opts.rateLimitPerSecond
      : parseRateLimitEnv(process.env.MAIL_RATE_LIMIT_PER_SECOND),
  );
  const faults = new Faults();
  // config lets the candidate actions (actions.js) find the app's API to deliver webhooks to.
  const deliveries = createDeliveries({ log, config, schedule: opts.retrySchedule });
  const domains = new DomainStore(path.join(config.dataDir, 'mail'));
  const ctx = { store, limiter, faults, log, config, deliveries, domains };

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  async function catcher(req, res, url) {
    const p = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (p === '/_catcher/messages') {
      if (method === 'GET')
        return json(
          res,
          200,
          store.list({ to: url.searchParams.get('to') }).map((m) => catcherJson(m)),
        );
      if (method === 'DELETE') {
        store.clear();
        return json(res, 200, { deleted: true });
      }
    }
    const one = /^\/_catcher\/messages\/([^/]+)$/.exec(p);
    if (one && method === 'GET') {
      const id = safeDecode(/** @type {string} */ (one[1]));
      const m = id === null ? null : store.get(id);
      return m
        ? json(res, 200, catcherJson(m, true))
        : json(res, 404, { statusCode: 404, name: 'not_found', message: 'Message not found.' });
    }
    if (p === '/_catcher/received') {
      if (method === 'GET') return json(res, 200, store.listReceived().map(receivingObject));
      if (method === 'POST') {
        const email = newReceivedEmail(await readJson(req));
        store.receive(email);
        log(`received ${email.id} from ${email.from} to ${email.to.join(', ')}: ${email.subject}`);
        return json(res, 200, receivingObject(email));
      }
    }
    if (p === '/_catcher/stats' && method === 'GET') return json(res, 200, { ...store.stats, messages: store.size });
    if (p === '/_catcher/config') {
      if (method === 'GET') return json(res, 200, describeConfig(limiter, faults));
      if (method === 'POST') {
        applyConfig(await readJson(req), limiter, faults);
        log(`config: ${JSON.stringify(describeConfig(limiter, faults))}`);
        return json(res, 200, describeConfig(limiter, faults));
      }
    }
    req.resume();
    if (['/_catcher/messages', '/_catcher/config', '/_catcher/stats', '/_catcher/received'].includes(p) || one) {
      return json(res, 405, {
        statusCode: 405,
        name: 'method_not_allowed',
        message: `${method} is not allowed on ${p}.`,
      });
    }
    return json(res, 404, { statusCode: 404, name: 'not_found', message: `No ${p} in the mail catcher.` });
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  async function inbox(req, res, url) {
    const p = url.pathname;
    const method = req.method ?? 'GET';
    const to = url.searchParams.get('to') || null;
    const page = (/** @type {string | null} */ selectedId, status = 200) => {
      const selected = selectedId ? store.get(selectedId) : null;
      const { html, csp } = renderPage(store.list({ to }), {
        selected,
        selectedId,
        to,
        deliveries: selected ? deliveries.list(selected.id) : [],
      });
      res.writeHead(selected || !selectedId ? status : 404, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(html);
    };
    if (p === '/' && method === 'GET') return page(null);
    if (p === '/inbox/list' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(renderList(store.list({ to }), { selected: url.searchParams.get('selected'), to }));
    }
    if (p === '/inbox/domains' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(renderDomainsPage(domains.list()));
    }
    const dom = /^\/inbox\/domains\/([^/]+)\/status$/.exec(p);
    if (dom && method === 'POST') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const status = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('status') ?? '';
      const d = domains.setStatus(safeDecode(/** @type {string} */ (dom[1])) ?? '', status);
      if (d) log(`domain ${d.name} marked ${status}`);
      res.writeHead(
        d ? 303 : 404,
        d ? { location: '/inbox/domains' } : { 'content-type': 'text/plain; charset=utf-8' },
      );
      return res.end(d ? '' : 'No such domain or status');
    }
    if (p === '/inbox/clear' && method === 'POST') {
      req.resume();
      store.clear();
      deliveries.clear();
      res.writeHead(303, { location: '/' });
      return res.end();
    }
    const msg = /^\/messages\/([^/]+)(?:\/(attachments|actions)\/([^/]+))?\/?$/.exec(p);
    if (msg) {
      const id = safeDecode(/** @type {string} */ (msg[1]));
      if (id !== null && !msg[2] && method === 'GET') return page(id);
      const m = id === null ? null : store.get(id);
      if (m && msg[2] === 'attachments' && method === 'GET') {
        const a = m.attachments[Number(msg[3])];
        if (a && a.content !== null) {
          res.writeHead(200, {
            'content-type': a.content_type ?? 'application/octet-stream',
            'content-disposition': `attachment; filename="${(a.filename ?? 'attachment').replace(/["\\\r\n]/g, '_')}"`,
            'x-content-type-options': 'nosniff',
          });
          return res.end(Buffer.from(a.content, 'base64'));
        }
      }
      if (m && msg[2] === 'actions' && method === 'POST') {
        if (await handleCandidateAction(ctx, m, safeDecode(/** @type {string} */ (msg[3])) ?? '', req, res)) return;
      }
    }
    req.resume();
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
  }

  const isInboxPath = (/** @type {string} */ p) =>
    p === '/' ||
    p === '/inbox/list' ||
    p === '/inbox/clear' ||
    p.startsWith('/messages/') ||
    p === '/favicon.ico' ||
    p === '/inbox/domains' ||
    /^\/inbox\/domains\/[^/]+\/status$/.test(p);

  const server = http.createServer((req, res) => {
    /** @type {URL} */
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://mail.local');
    } catch {
      return json(res, 400, { statusCode: 400, name: 'validation_error', message: 'Malformed request URL.' });
    }
    /** @type {Promise<unknown>} */
    let work;
    if (url.pathname.startsWith('/_catcher/')) work = catcher(req, res, url);
    else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    } else if (isInboxPath(url.pathname)) work = inbox(req, res, url);
    else work = handleResendApi(ctx, req, res, url);
    work.catch((e) => {
      if (e instanceof ResendError) {
        if (!res.headersSent) json(res, e.statusCode, e);
        return;
      }
      log(`error on ${req.method} ${url.pathname}: ${e instanceof Error ? e.stack : e}`);
      if (!res.headersSent)
        json(res, 500, {
          statusCode: 500,
          name: 'internal_server_error',
          message: 'The mail catcher failed; see its log.',
        });
      else res.end();
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.mailPort, config.host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.mailPort;
  log(
    `listening on http://${config.host}:${port} (${store.size} stored messages${limiter.limit ? `, ${limiter.limit} req/s` : ''})`,
  );

  return {
    port,
    url: `http://${config.host}:${port}`,
    store,
    async close() {
      deliveries.close();
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
    },
  };
}
