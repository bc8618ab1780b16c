// Tells opens and clicks made by machines from those made by people (S8: "opens by privacy
// proxies and security scanners are counted separately"). Pure TypeScript with no Deno APIs,
// so vitest imports it too (tests/integration/inbound-machine-opens.test.ts).
//
// What is knowable from one request is the user agent: IP ranges (Apple's Mail Privacy
// Protection relays, Microsoft's and Proofpoint's scanner networks) are not available locally
// and change often, so they are deliberately not used. Timing is the other signal: a click
// within MACHINE_CLICK_WINDOW_SECONDS of the send is a link scanner (the database applies it,
// because it knows when the stage was sent).
//
// Two layers: the named rules below are mail-specific knowledge (image proxies, Apple Mail
// Privacy Protection, mail security gateways) and say which kind of machine it was; every
// other machine (crawlers, headless browsers, HTTP libraries, link unfurlers) is left to the
// maintained `isbot` list. One of isbot's patterns is dropped: it takes any
// `Name/1.0 (Platform)` user agent for a bot, and here a false "machine" hides a person's open,
// so only the bare `Mozilla/5.0` (MPP's prefetch) counts as a machine among those.
import { createIsbotFromList, list } from 'isbot';

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
];

/** isbot's pattern for a lone product token with a platform, e.g. `Mozilla/5.0 (Macintosh)`. */
const PRODUCT_AND_PLATFORM_ONLY = String.raw`^\w+/\d\.\d\s\([\w@]+\)$`;
const isbot = createIsbotFromList(list.filter((pattern) => pattern !== PRODUCT_AND_PLATFORM_ONLY));

/** Whether a request with this User-Agent header came from a machine rather than a person. */
export function classifyUserAgent(userAgent: string | null | undefined): MachineVerdict {
  const ua = (userAgent ?? '').trim();
  // Every mail client and browser sends one; its absence is a script.
  if (ua === '') return { machine: true, reason: 'no_user_agent' };
  for (const [reason, pattern] of RULES) if (pattern.test(ua)) return { machine: true, reason };
  if (isbot(ua)) return { machine: true, reason: 'bot' };
  return { machine: false, reason: null };
}

export function isMachineUserAgent(userAgent: string | null | undefined): boolean {
  return classifyUserAgent(userAgent).machine;
}
