// Content script on linkedin.com: reads the profile with the pure reader and tells the side panel,
// on request and whenever the page changes without a reload (LinkedIn is a single-page app:
// the URL and the DOM change under us, so DOM mutations are watched and the reading is sent
// again when it differs).
import { readProfile } from './profile-reader';
import type { ProfileMessage, ReadRequest } from './messages';

const current = (): ProfileMessage => ({
  type: 'profile',
  url: location.href,
  reading: readProfile(document, location.href),
});

let last = '';
function announce(): void {
  const message = current();
  const key = JSON.stringify(message);
  if (key === last) return;
  last = key;
  // The panel may be closed: nobody listens, which is fine.
  chrome.runtime.sendMessage(message).catch(() => undefined);
}

chrome.runtime.onMessage.addListener((msg: ReadRequest, _sender, reply: (m: ProfileMessage) => void) => {
  if (msg?.type !== 'read-profile') return false;
  const message = current();
  last = JSON.stringify(message);
  reply(message);
  return false;
});

let timer: ReturnType<typeof setTimeout> | null = null;
new MutationObserver(() => {
  if (timer) clearTimeout(timer);
  timer = setTimeout(announce, 250);
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
window.addEventListener('popstate', announce);
announce();
