// The JSON summary send-due-stages answers (index.ts): what one invocation claimed, sent and
// deferred, and where its time went. A file of its own, without Deno APIs, so the integration
// tests and benches that read the answer type it from here instead of copying it.

export interface Summary {
  claimed: number;
  sent: number;
  failed: number;
  rescheduled: number;
  skipped: number;
  rounds: number;
  /** Stages whose request outcome is unknown, left for a re-drive with the same key. */
  pending: number;
  /** Milliseconds spent rendering (non-I/O work), for the benchmark's CPU-per-email figure. */
  render_ms: number;
  /** Provider requests made, and how many of them the provider answered with 429. */
  requests: number;
  throttled: number;
  /** Where the time went, summed over concurrent lanes (ms): for bench/sending.js. */
  timings: { claim_ms: number; mark_ms: number; provider_ms: number; record_ms: number; pacer_wait_ms: number };
}
