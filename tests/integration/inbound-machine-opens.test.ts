// Unit tests of supabase/functions/_shared/machine-opens.ts (pure; no stack needed). Kept in
// the integration project (the unit project collects only the modules the SPA shares).
import { describe, expect, it } from 'vitest';
import { classifyUserAgent, isMachineUserAgent } from '../../supabase/functions/_shared/machine-opens.ts';

describe('machine user agents', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)', 'google_image_proxy'],
    ['YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html', 'yahoo_mail_proxy'],
    ['Mozilla/5.0', 'apple_mpp'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b',
      'microsoft_scanner',
    ],
    ['Proofpoint URL Defense', 'proofpoint'],
    ['Mimecast-Services/1.0', 'mimecast'],
    ['Barracuda Sentinel (EE)', 'barracuda'],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
      'bot',
    ],
    // Headless browsers, HTTP libraries and crawlers: the isbot list.
    ['python-requests/2.31.0', 'bot'],
    ['curl/8.5.0', 'bot'],
    ['Go-http-client/1.1', 'bot'],
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'bot'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot'],
    ['LinkPreview crawler', 'bot'],
  ])('%s → machine (%s)', (ua, reason) => {
    expect(classifyUserAgent(ua)).toEqual({ machine: true, reason });
  });

  it.each([
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.3.0',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  ])('%s → a person', (ua) => {
    expect(classifyUserAgent(ua)).toEqual({ machine: false, reason: null });
  });

  it('a missing or blank user agent is a machine', () => {
    expect(isMachineUserAgent(null)).toBe(true);
    expect(isMachineUserAgent('   ')).toBe(true);
  });

  it('only the bare "Mozilla/5.0" is Apple MPP, not every Mozilla user agent', () => {
    expect(isMachineUserAgent('Mozilla/5.0 ')).toBe(true);
    expect(isMachineUserAgent('Mozilla/5.0 (Macintosh)')).toBe(false);
  });
});
