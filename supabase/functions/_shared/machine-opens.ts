// Tells opens and clicks made by machines from those made by people (S8: "opens by privacy
// proxies and security scanners are counted separately"). Pure TypeScript with no Deno APIs,
// so vitest imports it too (tests/integration/inbound-machine-opens.test.ts).
//
// What is knowable from one request is the user agent: IP ranges (Apple's Mail Privacy
// Protection relays, Microsoft's and Proofpoint's scanner networks) are not available locally
// and change often, so they are deliberately not used. Timing is the other signal: a click
// within MACHINE_CLICK_WINDOW_SECONDS of the send is a link scanner (the database applies it,
// because it knows when the stage was sent).

/** Clicks this soon after the send are treated as scanners. */
export const MACHINE_CLICK_WINDOW_SECONDS = 10;

export interface MachineVerdict {
  machine: boolean;
  /** Which rule decided, for logs and tests; null for a person. */
  reason: string | null;
}

const RULES: ReadonlyArray<readonly [string, RegExp]> = [
  // Gmail fetches every image through its proxy ("… (via ggpht.com GoogleImageProxy)").
  ['google_image_proxy', /GoogleImageProxy|ggpht\.com/i],
  ['yahoo_mail_proxy', /YahooMailProxy/i],
  // Apple Mail Privacy Protection prefetches with the bare token "Mozilla/5.0" and nothing else.
  ['apple_mpp', /^Mozilla\/5\.0$/],
  // Security gateways that open links and images before delivery.
  [
    'microsoft_scanner',
    /BingPreview|SafeLinks|safelinks\.protection\.outlook|Microsoft Exchange Online Protection|MSOffice365Scanner/i,
  ],
  ['proofpoint', /Proofpoint|\bppops\b|urldefense/i],
  ['mimecast', /Mimecast/i],
  ['barracuda', /Barracuda/i],
  [
    'other_scanner',
    /\b(?:IronPort|Cisco ?ESA|Sophos|Forcepoint|Trend ?Micro|Symantec|FireEye|Zscaler|SpamTitan|Messagelabs)\b/i,
  ],
  ['headless', /HeadlessChrome|PhantomJS|Puppeteer|Playwright/i],
  [
    'http_library',
    /^(?:curl|Wget|python-requests|python-urllib|Go-http-client|okhttp|Java|libwww-perl|axios|node-fetch|undici)\b/i,
  ],
  ['bot', /bot\b|bot\/|crawler|spider|preview|scanner|slurp|fetcher/i],
];

/** Whether a request with this User-Agent header came from a machine rather than a person. */
export function classifyUserAgent(userAgent: string | null | undefined): MachineVerdict {
  const ua = (userAgent ?? '').trim();
  // Every mail client and browser sends one; its absence is a script.
  if (ua === '') return { machine: true, reason: 'no_user_agent' };
  for (const [reason, pattern] of RULES) if (pattern.test(ua)) return { machine: true, reason };
  return { machine: false, reason: null };
}

export function isMachineUserAgent(userAgent: string | null | undefined): boolean {
  return classifyUserAgent(userAgent).machine;
}
