// The service worker: the toolbar button opens the side panel. Nothing else runs here; the
// panel talks to the API, the content script reads the page.
chrome.runtime.onInstalled.addListener(() => {
  void chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true });
});
