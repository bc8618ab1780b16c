// Webhook deliveries from the mail catcher to the app, retried the way Resend (through Svix)
// retries: a delivery that is refused (any answer but 2xx) or cannot reach the app is tried
// again after each delay of a schedule — by default Svix's: 5 s, 5 min, 30 min, 2 h, 5 h,
// 10 h, 10 h after the attempt before — keeping its `svix-id` so the app can tell a retry
// from a new event, and signed afresh each time. MAIL_WEBHOOK_RETRY_SCHEDULE overrides the
// delays (comma-separated, e.g. `1s,2s,5s`; `none` turns retries off); the test stack uses a
// short one. The inbox page shows each delivery of a message, its attempts and its final
// outcome. Deliveries live in memory: a restarted catcher forgets pending retries.
import { deliverWebhook } from './candidate-events.js';

/** Svix's retry schedule (docs.svix.com/retries), the delays after each failed attempt. */
export const SVIX_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/**
 * `5s,5m,30m,2h` → milliseconds. Unset → Svix's schedule; `none` or empty → no retries.
 * @param {string | undefined} text @returns {number[]}
 */
export function parseRetrySchedule(text) {
  if (text === undefined) return SVIX_SCHEDULE_MS;
  const t = text.trim();
  if (t === '' || t === 'none') return [];
  const unit = /** @type {Record<string, number>} */ ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 });
  return t.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(part);
    if (!m) throw new Error(`MAIL_WEBHOOK_RETRY_SCHEDULE: "${part.trim()}" is not a delay like 5s, 5m or 2h`);
    return Math.round(Number(m[1]) * /** @type {number} */ (unit[/** @type {string} */ (m[2])]));
  });
}

/**
 * @typedef {{ at: string, status: number, body: string }} Attempt   status 0: the app could not be reached
 * @typedef {{
 *   id: string, type: string, messageId: string,
 *   state: 'delivered' | 'retrying' | 'failed',
 *   attempts: Attempt[], nextAttemptAt: string | null
 * }} Delivery
 */

/**
 * @param {{ log: (s: string) => void, config: { dataDir: string }, schedule?: number[], send?: typeof deliverWebhook }} opts
 */
export function createDeliveries(opts) {
  const schedule = opts.schedule ?? parseRetrySchedule(process.env.MAIL_WEBHOOK_RETRY_SCHEDULE);
  const send = opts.send ?? deliverWebhook;
  /** @type {Map<string, Delivery[]>} by message id, oldest first */
  const byMessage = new Map();
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const timers = new Set();
  let closed = false;

  /** @param {Delivery} d @param {string} apiUrl @param {{ type: string }} event @returns {Promise<Attempt>} */
  async function attempt(d, apiUrl, event) {
    /** @type {Attempt} */
    let a;
    try {
      const r = await send(apiUrl, event, opts.config, d.id);
      a = { at: new Date().toISOString(), status: r.status, body: r.body };
    } catch (e) {
      a = { at: new Date().toISOString(), status: 0, body: e instanceof Error ? e.message : String(e) };
    }
    d.attempts.push(a);
    if (a.status >= 200 && a.status < 300) {
      d.state = 'delivered';
      d.nextAttemptAt = null;
      if (d.attempts.length > 1) opts.log(`webhook ${d.id} (${d.type}) delivered on attempt ${d.attempts.length}`);
      return a;
    }
    const delay = schedule[d.attempts.length - 1];
    if (delay === undefined || closed) {
      d.state = 'failed';
      d.nextAttemptAt = null;
      opts.log(
        `webhook ${d.id} (${d.type}) failed after ${d.attempts.length} attempts (last: ${a.status || 'unreachable'})`,
      );
      return a;
    }
    d.state = 'retrying';
    d.nextAttemptAt = new Date(Date.now() + delay).toISOString();
    opts.log(`webhook ${d.id} (${d.type}) answered ${a.status || 'unreachable'}; retrying in ${delay} ms`);
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) void attempt(d, apiUrl, event);
    }, delay);
    timers.add(t);
    return a;
  }

  return {
    /** How many attempts a delivery gets at most. */
    maxAttempts: schedule.length + 1,
    /**
     * Delivers `event` about message `messageId`; resolves with the first attempt's answer and
     * the delivery (whose later attempts, if any, run on the schedule).
     * @param {string} messageId @param {string} apiUrl @param {{ type: string }} event
     */
    async deliver(messageId, apiUrl, event) {
      /** @type {Delivery} */
      const d = {
        id: `msg_${crypto.randomUUID()}`,
        type: event.type,
        messageId,
        state: 'retrying',
        attempts: [],
        nextAttemptAt: null,
      };
      const list = byMessage.get(messageId) ?? [];
      list.push(d);
      byMessage.set(messageId, list);
      const first = await attempt(d, apiUrl, event);
      return { status: first.status, body: first.body, delivery: d };
    },
    /** @param {string} messageId @returns {readonly Delivery[]} */
    list(messageId) {
      return byMessage.get(messageId) ?? [];
    },
    clear() {
      byMessage.clear();
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
