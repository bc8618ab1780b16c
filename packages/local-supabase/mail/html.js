// HTML escaping for the catcher's pages (the inbox, candidate actions, domains): everything a
// sender controls goes through here. Its own module so the pages import it without importing
// each other.

/** @param {unknown} s */
export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
