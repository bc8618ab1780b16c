// Resend's Domains API as the mail catcher answers it (issue 11 item 5, S13): POST /domains,
// GET /domains, GET /domains/:id, POST /domains/:id/verify, DELETE /domains/:id, with the
// objects Resend returns. DNS is not checked here: a new domain is `not_started`, a verify
// request makes it `pending`, and a developer decides the outcome on the catcher's
// /inbox/domains page ("Mark verified" / "Mark failed"), standing in for the DNS records appearing.
// Domains live in memory and in <dataDir>/mail/domains.json, so a restart keeps them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ResendError, methodNotAllowed, notFound, validationError } from './errors.js';
import { escapeHtml } from './html.js';

const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const STATUSES = ['not_started', 'pending', 'verified', 'failed', 'temporary_failure'];

/**
 * @typedef {{ id: string, name: string, status: string, region: string, created_at: string }} Domain
 */

export class DomainStore {
  /** @type {Map<string, Domain>} */
  #domains = new Map();
  #file;

  /** @param {string} dir */
  constructor(dir) {
    this.#file = path.join(dir, 'domains.json');
    try {
      for (const d of JSON.parse(fs.readFileSync(this.#file, 'utf8'))) this.#domains.set(d.id, d);
    } catch {
      /* none yet */
    }
  }

  #save() {
    fs.mkdirSync(path.dirname(this.#file), { recursive: true });
    fs.writeFileSync(this.#file, JSON.stringify([...this.#domains.values()]));
  }

  list() {
    return [...this.#domains.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  }
  /** @param {string} id */
  get(id) {
    return this.#domains.get(id) ?? null;
  }
  /** @param {string} name @param {string} region */
  create(name, region) {
    if ([...this.#domains.values()].some((d) => d.name === name)) {
      throw new ResendError(403, 'validation_error', `The domain ${name} has been registered already.`);
    }
    const d = { id: crypto.randomUUID(), name, status: 'not_started', region, created_at: new Date().toISOString() };
    this.#domains.set(d.id, d);
    this.#save();
    return d;
  }
  /** @param {string} id @param {string} status */
  setStatus(id, status) {
    const d = this.#domains.get(id);
    if (!d || !STATUSES.includes(status)) return null;
    d.status = status;
    this.#save();
    return d;
  }
  /** @param {string} id */
  delete(id) {
    const had = this.#domains.delete(id);
    if (had) this.#save();
    return had;
  }
  clear() {
    this.#domains.clear();
    this.#save();
  }
}

/** The DNS records Resend asks for, with each record's state following the domain's. @param {Domain} d */
function records(d) {
  const status = d.status === 'verified' ? 'verified' : d.status === 'not_started' ? 'not_started' : d.status;
  return [
    {
      record: 'SPF',
      name: 'send',
      type: 'MX',
      ttl: 'Auto',
      status,
      value: `feedback-smtp.${d.region}.amazonses.com`,
      priority: 10,
    },
    { record: 'SPF', name: 'send', type: 'TXT', ttl: 'Auto', status, value: '"v=spf1 include:amazonses.com ~all"' },
    {
      record: 'DKIM',
      name: 'resend._domainkey',
      type: 'TXT',
      ttl: 'Auto',
      status,
      value: `p=MIGfMA0GCSq${d.id.slice(0, 8)}`,
    },
  ];
}

/** @param {Domain} d */
export function domainObject(d, withRecords = true) {
  return {
    object: 'domain',
    id: d.id,
    name: d.name,
    status: d.status,
    created_at: d.created_at,
    region: d.region,
    ...(withRecords ? { records: records(d) } : {}),
  };
}

/**
 * Answers a Domains API request (authenticated and rate-limited by the caller).
 * @param {DomainStore} store @param {string} method @param {string} p @param {() => Promise<any>} readBody
 * @returns {Promise<{ status: number, body: unknown }>}
 */
export async function answerDomains(store, method, p, readBody) {
  if (p === '/domains') {
    if (method === 'GET')
      return { status: 200, body: { object: 'list', data: store.list().map((d) => domainObject(d, false)) } };
    if (method !== 'POST') throw methodNotAllowed();
    const body = await readBody();
    const name = typeof body?.name === 'string' ? body.name.trim().toLowerCase() : '';
    if (!name) throw validationError('The `name` field is required.');
    if (!DOMAIN.test(name) || name.length > 253) throw validationError('The `name` must be a valid domain.');
    const region = typeof body.region === 'string' && body.region ? body.region : 'us-east-1';
    return { status: 200, body: domainObject(store.create(name, region)) };
  }
  const m = /^\/domains\/([^/]+)(\/verify)?$/.exec(p);
  if (!m) throw notFound();
  const d = store.get(decodeURIComponent(m[1] ?? ''));
  if (!d) throw notFound('Domain not found');
  if (m[2]) {
    if (method !== 'POST') throw methodNotAllowed();
    if (d.status !== 'verified') store.setStatus(d.id, 'pending');
    return { status: 200, body: { object: 'domain', id: d.id } };
  }
  if (method === 'GET') return { status: 200, body: domainObject(d) };
  if (method === 'DELETE') {
    store.delete(d.id);
    return { status: 200, body: { object: 'domain', id: d.id, deleted: true } };
  }
  throw methodNotAllowed();
}

/** The catcher's /inbox/domains page: every registered domain with buttons deciding its verification. @param {Domain[]} domains */
export function renderDomainsPage(domains) {
  const rows = domains.length
    ? domains
        .map(
          (
            d,
          ) => `<tr><td>${escapeHtml(d.name)}</td><td data-status="${escapeHtml(d.status)}">${escapeHtml(d.status)}</td>
<td><form method="post" action="/inbox/domains/${escapeHtml(d.id)}/status"><input type="hidden" name="status" value="verified">
<button type="submit" aria-label="Mark ${escapeHtml(d.name)} verified">Mark verified</button></form>
<form method="post" action="/inbox/domains/${escapeHtml(d.id)}/status"><input type="hidden" name="status" value="failed">
<button type="submit" aria-label="Mark ${escapeHtml(d.name)} failed">Mark failed</button></form></td></tr>`,
        )
        .join('\n')
    : '<tr><td colspan="3">No domains registered yet. Add one in the app under Settings → Senders &amp; domains.</td></tr>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sending domains — local mail catcher</title>
<style>body{font:15px system-ui,sans-serif;margin:1.5rem;color:#1b2030}table{border-collapse:collapse;width:100%;max-width:48rem}
td,th{border-bottom:1px solid #dde2ee;padding:.5rem;text-align:left}form{display:inline}button{margin-right:.4rem}</style></head>
<body><p><a href="/">← Inbox</a></p><h1>Sending domains</h1>
<p>What the app registered through Resend's Domains API. Locally no DNS is checked: decide each domain's verification here.</p>
<table><thead><tr><th scope="col">Domain</th><th scope="col">Status</th><th scope="col">Decide</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>`;
}
