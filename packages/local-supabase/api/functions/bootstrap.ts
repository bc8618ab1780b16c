// Runs one edge function in a worker process for the local stack (local/api/functions).
// Supabase's edge runtime lets a function call `Deno.serve(handler)` without a port; here
// Deno.serve is wrapped to listen on a free loopback port and to announce it on stdout, then
// the function's entry module (argv[0]) is imported as Supabase would load it.
const MARKER = '__LOCAL_FUNCTIONS_LISTENING__';
const originalServe = Deno.serve.bind(Deno);

// deno-lint-ignore no-explicit-any
(Deno as any).serve = (a: any, b?: any) => {
  const options = typeof a === 'function' ? {} : { ...a };
  const handler = typeof a === 'function' ? a : (b ?? a.handler);
  const userOnListen = options.onListen;
  delete options.handler;
  return originalServe(
    {
      ...options,
      port: 0,
      hostname: '127.0.0.1',
      onListen(addr: Deno.NetAddr) {
        console.log(`${MARKER} ${addr.port}`);
        if (typeof userOnListen === 'function') userOnListen(addr);
      },
    },
    handler,
  );
};

// The stack holds this worker's stdin open; when the stack dies, even by SIGKILL, the pipe
// closes and the worker exits instead of lingering as an orphan.
(async () => {
  try {
    for await (const _ of Deno.stdin.readable) {
      // The stack never writes; reading only detects the end of the pipe.
    }
  } catch {
    // A broken pipe means the same: the stack is gone.
  }
  Deno.exit(0);
})();

const entry = Deno.args[0];
if (!entry) throw new Error('bootstrap: missing entry module');
await import(entry);
