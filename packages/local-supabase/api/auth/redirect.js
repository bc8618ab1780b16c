// Where Auth may send a browser after an email link. Like Supabase Auth, a `redirect_to` is
// honoured only when it matches the site URL's host or one of additional_redirect_urls in
// supabase/config.toml ([auth]); anything else falls back to the site URL, so a link cannot
// be turned into an open redirect that carries the session away.
import fs from 'node:fs';
import path from 'node:path';

/**
 * @param {import('../../lib/config.js').StackConfig} config
 * @returns {{ siteUrl: string, allowed: string[] }}
 */
export function loadRedirectConfig(config) {
  const siteUrl = `http://${config.host}:${config.appPort}`;
  /** @type {string[]} */
  let allowed = [];
  try {
    const toml = fs.readFileSync(path.join(path.dirname(config.migrationsDir), 'config.toml'), 'utf8');
    const section = /^\[auth\]\s*$([\s\S]*?)(?=^\[)/m.exec(toml)?.[1] ?? '';
    const m = /^additional_redirect_urls\s*=\s*\[([^\]]*)\]/m.exec(section);
    if (m?.[1]) allowed = [...m[1].matchAll(/"([^"]*)"/g)].map((x) => /** @type {string} */ (x[1]));
  } catch {
    // no config.toml: only the site URL is allowed
  }
  return { siteUrl, allowed };
}

/**
 * @param {{ siteUrl: string, allowed: string[] }} rc
 * @param {unknown} requested
 */
export function resolveRedirect(rc, requested) {
  if (typeof requested !== 'string' || requested === '') return rc.siteUrl;
  let url;
  try {
    url = new URL(requested);
  } catch {
    return rc.siteUrl;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return rc.siteUrl;
  const site = new URL(rc.siteUrl);
  const loopback = ['127.0.0.1', 'localhost'];
  if (url.hostname === site.hostname || (loopback.includes(url.hostname) && loopback.includes(site.hostname)))
    return requested;
  for (const a of rc.allowed) {
    const pattern = new RegExp(
      '^' +
        a
          .split('*')
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
    );
    if (pattern.test(requested) || requested.startsWith(a)) return requested;
  }
  return rc.siteUrl;
}
