// The "act as the candidate" controls of the inbox's message view (reply, out-of-office, bounce,
// complain, open, click, unsubscribe). They reach the app through the same signed webhooks and
// links production uses. Not built yet: this file is the one place a later issue fills in, the
// page already renders its output inside <section id="candidate-actions"> and routes
// /messages/:id/actions/* here.

/**
 * The contents of the candidate-actions section for one message (HTML, already escaped).
 * @param {import('./store.js').StoredMessage} _message
 * @returns {string}
 */
export function renderCandidateActions(_message) {
  return '';
}

/**
 * Handles POST /messages/:id/actions/<name>. Returns false when it did not answer the request,
 * and the server then answers 404.
 * @param {{ store: import('./store.js').MailStore, log: (s: string) => void }} _ctx
 * @param {import('./store.js').StoredMessage} _message
 * @param {string} _action
 * @param {import('node:http').IncomingMessage} _req
 * @param {import('node:http').ServerResponse} _res
 * @returns {Promise<boolean>}
 */
export async function handleCandidateAction(_ctx, _message, _action, _req, _res) {
  return false;
}
