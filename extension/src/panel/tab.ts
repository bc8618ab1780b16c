// Finds the LinkedIn tab the panel is about and listens to its content script: the active tab
// of the window when it is LinkedIn, else the LinkedIn tab used last. Readings arrive on request
// and whenever the page changes (LinkedIn navigates without reloading); switching tabs re-reads.
import type { ProfileMessage, ReadRequest } from '../messages';

const LINKEDIN = /^https:\/\/www\.linkedin\.com\//;

async function linkedInTab(): Promise<chrome.tabs.Tab | null> {
  const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (active?.url && LINKEDIN.test(active.url)) return active;
  const tabs = await chrome.tabs.query({ url: 'https://www.linkedin.com/*' });
  tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  return tabs[0] ?? null;
}

export function connectToLinkedIn(
  onReading: (url: string, reading: ProfileMessage['reading']) => void,
  onProblem: (problem: string) => void,
): void {
  let tabId: number | null = null;

  const read = async () => {
    const tab = await linkedInTab();
    if (!tab?.id) {
      tabId = null;
      onProblem('Open a LinkedIn profile (linkedin.com/in/…) in this window, or fill the fields by hand.');
      return;
    }
    tabId = tab.id;
    try {
      const m = (await chrome.tabs.sendMessage(tab.id, {
        type: 'read-profile',
      } satisfies ReadRequest)) as ProfileMessage;
      onReading(m.url, m.reading);
    } catch {
      onProblem('The LinkedIn tab was open before the extension was installed: reload it, or fill the fields by hand.');
    }
  };

  chrome.runtime.onMessage.addListener((msg: ProfileMessage, sender) => {
    if (msg?.type !== 'profile' || sender.tab?.id === undefined) return;
    if (tabId === null || sender.tab.id === tabId || sender.tab.active) {
      tabId = sender.tab.id;
      onReading(msg.url, msg.reading);
    }
  });
  chrome.tabs.onActivated.addListener(() => void read());
  void read();
}
