// Where Auth may send a browser after an email link. Like Supabase Auth, a `redirect_to` is
// honoured only when it matches the site URL's host or one of additional_redirect_urls in
// supabase/config.toml ([auth]); anything else falls back to the site URL, so a link cannot
// be turned into an open redirect that carries the session away.
import path from 'node:path';
import { projectTomlTable } from '../../lib/project-toml.js';

/**
 * @param {import('../../lib/config.js').StackConfig} config
 * @returns {{ siteUrl: string, allowed: string[] }}
 */
export function loadRedirectConfig(config) {
  const siteUrl = `http://${config.host}:${config.appPort}`;
  // Without config.toml (or the key) only the site URL is allowed.
  const listed = projectTomlTable(path.dirname(config.migrationsDir), 'auth').additional_redirect_urls;
  const allowed = Array.isArray(listed) ? listed.map(String) : [];
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
