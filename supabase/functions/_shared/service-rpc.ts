// Calls a PostgREST RPC as the service role, for the functions Resend and candidates reach
// without a user session (resend-webhook, track, unsubscribe): there is no user to act as,
// and the work crosses users' data, so the service role is the only fitting identity. Plain
// fetch keeps these functions' cold start small (no supabase-js import).

export class RpcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly detail: string | null,
  ) {
    super(message);
  }
  /** The database refused the input (22023 and friends): the caller's request was bad. */
  get isBadInput(): boolean {
    return this.status === 400 || this.code === '22023' || this.code === '22P02';
  }
}

export function serviceEnv(): { url: string; key: string } {
  const url = Deno.env.get('SUPABASE_URL');
  const key = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY');
  if (!url || !key) throw new Error('SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY must be set');
  return { url: url.replace(/\/+$/, ''), key };
}

export async function callRpc<T>(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  const { url, key } = serviceEnv();
  const res = await fetch(`${url}/rest/v1/rpc/${name}`, {
    method: 'POST',
    headers: { apikey: key, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  if (!res.ok) {
    let body: { code?: string; message?: string; details?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Not PostgREST's JSON: keep the raw text as the message.
    }
    throw new RpcError(res.status, body.code ?? null, body.message ?? text.slice(0, 300), body.details ?? null);
  }
  return (text === '' ? null : JSON.parse(text)) as T;
}
