// The extension's manifest. Least permissions (SPEC S12): the side panel, storage for the
// session, and host access to LinkedIn and the one API host the build is for — nothing else.

export const LINKEDIN_MATCHES = ['https://www.linkedin.com/*'];

/** `http://127.0.0.1:54321` → `http://127.0.0.1:54321/*` (a match pattern for one origin). */
export function originPattern(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/*`;
}

export function extensionManifest(apiUrl: string) {
  return {
    manifest_version: 3,
    name: 'Outreach Sequences',
    short_name: 'Outreach',
    description: 'Add the LinkedIn profile you are viewing as a candidate and enrol them in a sequence.',
    version: '0.1.0',
    minimum_chrome_version: '116',
    action: { default_title: 'Enrol this person' },
    side_panel: { default_path: 'sidepanel.html' },
    background: { service_worker: 'background.js', type: 'module' },
    permissions: ['sidePanel', 'storage'],
    host_permissions: [...LINKEDIN_MATCHES, originPattern(apiUrl)],
    content_scripts: [{ matches: LINKEDIN_MATCHES, js: ['content.js'], run_at: 'document_idle' }],
  };
}
