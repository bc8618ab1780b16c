// The mail catcher's memory: every accepted message, every received (candidate → app) email and
// every idempotency record, held in memory and appended to `<dataDir>/mail/messages.jsonl` so a
// restart of the stack keeps the inbox, still serves received emails to the app and still
// recognises retries of requests it already answered. One JSON object per line:
//   {"type":"message","message":{…}}          a stored email
//   {"type":"received","email":{…}}           a received email (received.js), as Resend keeps it
//   {"type":"idempotency","key":…,"hash":…,…}  the answer given to an Idempotency-Key
// Appends are synchronous: the file is small, local and written once per accepted send, and a
// synchronous write means no request can observe a message the file does not yet hold.
import fs from 'node:fs';
import path from 'node:path';
import { bareAddress } from './validate.js';

/** How long Resend remembers an idempotency key. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * @typedef {import('./validate.js').EmailInput & {
 *   id: string,
 *   message_id: string,
 *   created_at: string,
 *   last_event: string,
 *   idempotency_key: string | null,
 *   batch_id: string | null,
 * }} StoredMessage
 */

/** @typedef {{ key: string, hash: string, status: number, body: unknown, at: number }} IdempotencyRecord */

export class MailStore {
  /** @type {StoredMessage[]} oldest first */
  #messages = [];
  /** @type {Map<string, StoredMessage>} */
  #byId = new Map();
  /** @type {import('./received.js').ReceivedEmail[]} oldest first */
  #received = [];
  /** @type {Map<string, import('./received.js').ReceivedEmail>} */
  #receivedById = new Map();
  /** @type {Map<string, IdempotencyRecord>} */
  #idempotency = new Map();
  /** @type {Set<string>} keys whose first request is still being answered */
  #inFlight = new Set();
  #file;
  #log;
  /** Counters since this process started (not persisted), for "zero duplicates" checks. */
  stats = { accepted_requests: 0, idempotent_replays: 0, rejected_requests: 0 };

  /** @param {string} dir folder for messages.jsonl (created if missing) @param {(s: string) => void} [log] */
  constructor(dir, log = () => {}) {
    fs.mkdirSync(dir, { recursive: true });
    this.#file = path.join(dir, 'messages.jsonl');
    this.#log = log;
    this.#load();
  }

  #load() {
    if (!fs.existsSync(this.#file)) return;
    const lines = fs.readFileSync(this.#file, 'utf8').split('\n');
    let skipped = 0;
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const rec = JSON.parse(line);
        if (rec.type === 'message') this.#remember(rec.message);
        else if (rec.type === 'received') this.#rememberReceived(rec.email);
        else if (rec.type === 'idempotency') this.#idempotency.set(rec.key, rec);
        else skipped++;
      } catch {
        // A line cut short by a crash mid-write; everything before it is intact.
        skipped++;
      }
    }
    if (skipped) this.#log(`skipped ${skipped} unreadable line(s) in ${this.#file}`);
  }

  /** @param {StoredMessage} m */
  #remember(m) {
    this.#messages.push(m);
    this.#byId.set(m.id, m);
  }

  /** @param {import('./received.js').ReceivedEmail} e */
  #rememberReceived(e) {
    this.#received.push(e);
    this.#receivedById.set(e.id, e);
  }

  /** @param {object[]} records */
  #append(records) {
    fs.appendFileSync(this.#file, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /**
   * Stores the messages of one accepted request and, when the request carried an idempotency
   * key, the answer given to it, in one write.
   * @param {StoredMessage[]} messages
   * @param {IdempotencyRecord | null} idem
   */
  accept(messages, idem) {
    /** @type {object[]} */
    const lines = messages.map((message) => ({ type: 'message', message }));
    if (idem) lines.push({ type: 'idempotency', ...idem });
    this.#append(lines);
    for (const m of messages) this.#remember(m);
    if (idem) this.#idempotency.set(idem.key, idem);
    this.stats.accepted_requests++;
  }

  /** @param {string} id */
  get(id) {
    return this.#byId.get(id) ?? null;
  }

  /** Keeps an email received from outside (a candidate's reply), for GET /emails/receiving/:id. */
  receive(/** @type {import('./received.js').ReceivedEmail} */ email) {
    this.#append([{ type: 'received', email }]);
    this.#rememberReceived(email);
  }

  /** @param {string} id */
  getReceived(id) {
    return this.#receivedById.get(id) ?? null;
  }

  /** Received emails, newest first. */
  listReceived() {
    return [...this.#received].reverse();
  }

  /**
   * Newest first; `to` keeps messages with that address among their `to` recipients.
   * @param {{ to?: string | null }} [filter]
   */
  list(filter = {}) {
    const want = filter.to ? bareAddress(filter.to) : null;
    const out = [];
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const m = /** @type {StoredMessage} */ (this.#messages[i]);
      if (want && !m.to.some((a) => bareAddress(a) === want)) continue;
      out.push(m);
    }
    return out;
  }

  get size() {
    return this.#messages.length;
  }

  /** The live record of an idempotency key, or null when unknown or older than 24 h. */
  idempotency(/** @type {string} */ key, now = Date.now()) {
    const rec = this.#idempotency.get(key);
    if (!rec || now - rec.at > IDEMPOTENCY_TTL_MS) return null;
    return rec;
  }

  /** Marks a key as being answered; false when another request already holds it. */
  claim(/** @type {string} */ key) {
    if (this.#inFlight.has(key)) return false;
    this.#inFlight.add(key);
    return true;
  }

  release(/** @type {string} */ key) {
    this.#inFlight.delete(key);
  }

  /** Forgets every message, received email, idempotency record and counter (the tests' clean slate). */
  clear() {
    fs.writeFileSync(this.#file, '');
    this.#messages = [];
    this.#byId.clear();
    this.#received = [];
    this.#receivedById.clear();
    this.#idempotency.clear();
    this.stats = { accepted_requests: 0, idempotent_replays: 0, rejected_requests: 0 };
  }
}
