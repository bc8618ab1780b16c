// POST /functions/v1/purge-attachments — deletes stage attachments nothing references any more
// (migration 20261201300000_attachments_kept_while_referenced.sql, which says when a file counts
// as referenced and how long an unreferenced one is kept). Removing a file from a stage in the
// editor only stops the template listing it; running enrolments keep sending it until their
// stage is sent or cancelled. The hourly pg_cron job `purge-unreferenced-attachments` notes the
// files nothing uses and posts here with the scheduler's secret once some have been unused for
// the grace period; operators may post with the service role key.
//
// The files are deleted through the Storage API, never by SQL: hosted Storage refuses deleting
// storage.objects rows directly, and a row deleted that way would leave its bytes behind. The
// service role is needed because the files belong to every organisation and the delete policy
// admits only the sequence's editors; the database picks the files (public.attachments_to_purge
// re-checks each one is still unused at that moment), this function only carries them to Storage.
//
// `verify_jwt = false` (config.toml) because the cron bearer is not a JWT; the bearer is checked
// here before anything runs. The body is ignored: nothing about a run is chosen by the caller.
import { callRpc, serviceEnv } from '../_shared/service-rpc.ts';
import { sameSecret } from '../_shared/scheduler-secret.ts';

const BUCKET = 'sequence-attachments';
/** Files asked for and removed per Storage request (Storage takes up to 1000). */
const BATCH = 100;
/** Wall-clock budget of one run (pg_net's timeout for the call is 60 s); the next run takes the rest. */
const BUDGET_MS = 45_000;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** Removes `names` from the bucket; answers the names Storage removed. */
async function removeFiles(names: string[]): Promise<string[]> {
  const { url, key } = serviceEnv();
  const res = await fetch(`${url}/storage/v1/object/${BUCKET}`, {
    method: 'DELETE',
    headers: { apikey: key, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ prefixes: names }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`storage answered ${res.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as Array<{ name: string }>).map((o) => o.name);
}

async function purge(): Promise<{ removed: number; kept: number }> {
  const deadline = Date.now() + BUDGET_MS;
  let after: string | null = null;
  let removed = 0;
  let kept = 0;
  while (Date.now() < deadline) {
    const names: string[] = (await callRpc<string[]>('attachments_to_purge', { p_after: after, p_limit: BATCH })) ?? [];
    if (names.length === 0) break;
    const gone = await removeFiles(names);
    removed += gone.length;
    // Storage left these (already gone, or refused): the cursor moves past them for this run.
    kept += names.length - gone.length;
    after = names[names.length - 1]!;
  }
  return { removed, kept };
}

Deno.serve(async (req) => {
  if (req.method !== 'POST') return json(405, { error: 'method_not_allowed', message: 'Use POST.' });
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
  const allowed =
    (await sameSecret(bearer, Deno.env.get('SEND_DUE_STAGES_SECRET'))) ||
    (await sameSecret(bearer, Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')));
  if (!allowed) return json(401, { error: 'unauthorized', message: 'A valid scheduler secret is required.' });
  await req.body?.cancel();
  try {
    return json(200, { status: 'ok', ...(await purge()) });
  } catch (e) {
    console.error('purge-attachments: run failed', e);
    return json(503, { error: 'unavailable', message: e instanceof Error ? e.message : String(e) });
  }
});
