// The pg_net background worker's stand-in: drains net.http_request_queue (filled by
// net.http_get/post/delete, local/sql/40-net.sql), performs each request and records the
// outcome in net._http_response, as pg_net does. Woken by NOTIFY net_http_request_queue and,
// as a safety net for missed notifications, by a poll. Like pg_net it never retries: a row is
// claimed (deleted) before its request is made. Requests run outside the API's request path,
// with bounded concurrency, so a slow target never blocks the API.

/** Requests in flight at once (pg_net's default batch size is 200; a laptop wants fewer). */
const MAX_IN_FLIGHT = 16;
const POLL_MS = 2000;
/** Large responses are cut so one target cannot fill the database. */
const MAX_CONTENT_BYTES = 10 * 1024 * 1024;

/** @param {import('./server.js').ApiContext} ctx */
export async function startNetWorker(ctx) {
  let closed = false;
  let inFlight = 0;
  /** @type {Set<Promise<void>>} */
  const running = new Set();
  let draining = false;
  let again = false;
  // Requests in flight, aborted on close(); their rows are lost, as with pg_net on shutdown.
  /** @type {Set<AbortController>} */
  const controllers = new Set();

  /** Claims up to `n` queued rows; deleted in the same transaction so no two workers share one. */
  /** @param {number} n */
  async function claim(n) {
    const r = await ctx.adminPool.query(
      `delete from net.http_request_queue where id in (
         select id from net.http_request_queue order by id limit $1 for update skip locked)
       returning id, method, url, headers, body, timeout_milliseconds`,
      [n],
    );
    return r.rows;
  }

  /** @param {{ id: string, method: string, url: string, headers: Record<string, unknown> | null, body: Buffer | null, timeout_milliseconds: number }} row */
  async function perform(row) {
    /** @type {[number | null, string | null, Record<string, string> | null, string | null, boolean, string | null]} */
    let result;
    // A plain timer rather than AbortSignal.timeout/any: Node 20 may collect a timeout signal
    // that only AbortSignal.any refers to, and the request then never times out.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      Math.max(1, row.timeout_milliseconds),
    );
    controllers.add(controller);
    try {
      /** @type {Record<string, string>} */
      const headers = {};
      for (const [k, v] of Object.entries(row.headers ?? {})) if (v !== null && v !== undefined) headers[k] = String(v);
      const res = await fetch(row.url, {
        method: row.method,
        headers,
        body: row.body && row.method !== 'GET' && row.method !== 'HEAD' ? row.body : undefined,
        signal: controller.signal,
        redirect: 'follow',
      });
      const buf = Buffer.from(await res.arrayBuffer());
      /** @type {Record<string, string>} */
      const outHeaders = {};
      res.headers.forEach((v, k) => (outHeaders[k] = v));
      const content = buf.subarray(0, MAX_CONTENT_BYTES).toString('utf8');
      result = [res.status, res.headers.get('content-type'), outHeaders, content, false, null];
    } catch (e) {
      const err = /** @type {any} */ (e);
      const msg = timedOut
        ? `Timeout of ${row.timeout_milliseconds} ms reached`
        : String(err?.cause?.message ?? err?.message ?? err);
      result = [null, null, null, null, timedOut, msg];
    } finally {
      clearTimeout(timer);
      controllers.delete(controller);
    }
    if (closed) return;
    await ctx.adminPool
      .query(
        `insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [row.id, ...result],
      )
      .catch((e) => ctx.log(`pg-net: could not record response ${row.id}: ${e.message}`));
  }

  /** Pulls work while there is room; re-runs when woken during a drain. */
  async function drain() {
    if (closed) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        while (!closed && inFlight < MAX_IN_FLIGHT) {
          const rows = await claim(MAX_IN_FLIGHT - inFlight);
          if (rows.length === 0) break;
          for (const row of rows) {
            inFlight++;
            const p = perform(row).finally(() => {
              inFlight--;
              running.delete(p);
              // A freed slot may let queued rows through.
              void drain();
            });
            running.add(p);
          }
        }
      } while (again && !closed);
    } catch (e) {
      if (!closed) ctx.log(`pg-net: ${e instanceof Error ? e.message : e}`);
    } finally {
      draining = false;
    }
  }

  /** @type {import('pg').PoolClient | null} */
  let listener = null;
  async function listen() {
    try {
      const c = await ctx.adminPool.connect();
      c.on('notification', () => void drain());
      c.on('error', (e) => {
        // The connection can fail while close() is releasing it (a database that is going away):
        // it is released once, by whichever comes first.
        if (listener !== c) return;
        listener = null;
        ctx.log(`pg-net: listener lost (${e.message}); polling until it is back`);
        c.release(true);
      });
      listener = c;
      await c.query('listen net_http_request_queue');
    } catch (e) {
      if (listener) {
        const l = listener;
        listener = null;
        l.release(true);
      }
      if (!closed) ctx.log(`pg-net: could not listen (${e instanceof Error ? e.message : e}); polling`);
    }
  }
  await listen();
  const timer = setInterval(() => {
    if (!listener && !closed) void listen();
    void drain();
  }, POLL_MS);
  void drain();

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      for (const c of controllers) c.abort();
      if (listener) {
        const l = listener;
        listener = null;
        const broken = await l.query('unlisten *').then(
          () => false,
          () => true,
        );
        l.release(broken);
      }
      await Promise.allSettled([...running]);
    },
  };
}
