// POST /functions/v1/sequence-doc {sequence_id} — the materialiser of a sequence's Yjs document
// (DESIGN "Live collaboration"): folds the update log into the snapshot and writes the stage
// rows the sending engine, validation and RLS read, in one transaction per run
// (public.materialise_sequence_doc: per-sequence advisory lock + snapshot version check, so two
// runs never interleave and an older run never overwrites a newer one). Editors call it after
// their updates are stored and when they open the editor; any number of calls is safe.
//
// POST {source: "cron"} with the scheduler's secret (SEND_DUE_STAGES_SECRET, Vault
// `send_due_stages_secret`) materialises every sequence whose log holds updates stored more than
// a few seconds ago (public.stale_sequence_docs): the pg_cron job of
// 20261130120100_template_freshness.sql sends it, so the stage rows follow the document even when
// the editor's tab died between storing its updates and asking for the fold.
//
// `verify_jwt = false` (config.toml) because the cron bearer is not a JWT. A user's bearer is
// verified by the REST read made as the user (PostgREST refuses a bad JWT with 401), and the
// caller's JWT decides whether they may see the sequence (RLS);
// the fold itself runs as the service role because it writes the snapshot and the stage rows
// for every collaborator, including rows the caller could not write (the snapshot is
// materialiser-only). The content comes only from the stored log, which only editors can
// append to, so calling it grants nothing. Malformed updates in the log are skipped, removed
// and reported; everything else is sanitised by docToRows.
import * as Y from 'yjs';
import { applyUpdatesSafely, docToRows, fromBase64, newStageRow, rowsToDoc, toBase64 } from '../_shared/collab/doc.ts';
import type { StageRowData } from '../_shared/collab/doc.ts';
import type { DocNode } from '../_shared/email/render.ts';
import { callRpc, RpcError, serviceEnv } from '../_shared/service-rpc.ts';
import { sameSecret } from '../_shared/scheduler-secret.ts';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTEMPTS = 4;
/** Updates older than this are the scheduled run's (the editors' own request comes ~1 s after storing). */
const STALE_AFTER_SECONDS = 3;
/** Sequences one scheduled run folds at most; the next run takes the rest. */
const CRON_BATCH = 100;
/** Wall-clock budget of one scheduled run (pg_net's timeout for the call is 30 s). */
const CRON_BUDGET_MS = 20_000;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...CORS } });
}

interface LoadedDoc {
  snapshot: string | null;
  version: number;
  updates: Array<[number, string]>;
}

interface StoredStage {
  id: string;
  type: StageRowData['type'];
  delay_days: number;
  delay_hours: number;
  send_window: StageRowData['send_window'];
  sender_user_id: string | null;
  subject: string;
  body: DocNode;
  thread_mode: StageRowData['thread_mode'];
  attachments: StageRowData['attachments'];
}

async function rest<T>(path: string, auth: string): Promise<T> {
  const { url, key } = serviceEnv();
  const res = await fetch(`${url}/rest/v1/${path}`, { headers: { apikey: key, Authorization: auth } });
  if (!res.ok) throw new RpcError(res.status, null, await res.text(), null);
  return (await res.json()) as T;
}

/** The stored rows as the first state of a document that has none yet. */
async function initialContent(sequenceId: string): Promise<{ title: string; stages: StageRowData[] }> {
  const { key } = serviceEnv();
  const [seq] = await rest<Array<{ title: string }>>(`sequences?id=eq.${sequenceId}&select=title`, `Bearer ${key}`);
  const stages = await rest<StoredStage[]>(
    `sequence_stages?sequence_id=eq.${sequenceId}&select=id,type,delay_days,delay_hours,send_window,sender_user_id,subject,body,thread_mode,attachments&order=position`,
    `Bearer ${key}`,
  );
  // A new sequence starts with one email stage, so the editor opens on something to write.
  return { title: seq?.title ?? '', stages: stages.length ? stages : [newStageRow(crypto.randomUUID())] };
}

type Outcome =
  { status: 'ok'; version: number; folded: number; refused: number[] } | { status: 'not_found' } | { status: 'busy' };

async function materialise(sequenceId: string): Promise<Response> {
  const r = await fold(sequenceId);
  if (r.status === 'ok') return json(200, r);
  if (r.status === 'not_found') return json(404, { error: 'not_found', message: 'No such sequence.' });
  return json(409, { error: 'busy', message: 'The sequence is being saved by someone else; try again.' });
}

/**
 * The scheduled run: folds every sequence with updates older than STALE_AFTER_SECONDS, one after
 * another, within CRON_BUDGET_MS. One sequence that fails is reported and the rest go on.
 */
async function materialiseStale(): Promise<Response> {
  const deadline = Date.now() + CRON_BUDGET_MS;
  const ids = await callRpc<string[]>('stale_sequence_docs', {
    p_older_than_seconds: STALE_AFTER_SECONDS,
    p_limit: CRON_BATCH,
  });
  let materialised = 0;
  const failed: { sequence_id: string; error: string }[] = [];
  for (const id of ids ?? []) {
    if (Date.now() > deadline) break;
    try {
      const r = await fold(id);
      if (r.status === 'ok') materialised++;
      else if (r.status === 'busy') failed.push({ sequence_id: id, error: 'busy' });
    } catch (e) {
      console.error(`sequence-doc: scheduled materialisation of ${id} failed`, e);
      failed.push({ sequence_id: id, error: e instanceof Error ? e.message.slice(0, 200) : String(e) });
    }
  }
  return json(200, { status: 'ok', stale: (ids ?? []).length, materialised, failed });
}

async function fold(sequenceId: string): Promise<Outcome> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const loaded = await callRpc<LoadedDoc | null>('load_sequence_doc', { sequence_id: sequenceId });
    if (!loaded) return { status: 'not_found' };
    const doc = new Y.Doc();
    if (loaded.snapshot === null) rowsToDoc(doc, await initialContent(sequenceId));
    else applyUpdatesSafely(doc, [fromBase64(loaded.snapshot)]);
    const refusedIdx = new Set(
      applyUpdatesSafely(
        doc,
        loaded.updates.map(([, b64]) => fromBase64(b64)),
      ),
    );
    const refused = loaded.updates.filter((_, i) => refusedIdx.has(i)).map(([id]) => id);
    const content = docToRows(doc);
    const result = await callRpc<{ status: 'ok' | 'conflict'; version: number }>('materialise_sequence_doc', {
      p_sequence_id: sequenceId,
      p_base_version: loaded.version,
      p_folded: loaded.updates.map(([id]) => id),
      p_state: toBase64(Y.encodeStateAsUpdate(doc)),
      p_title: content.title,
      p_stages: content.stages,
    });
    doc.destroy();
    if (result.status === 'ok') {
      return { status: 'ok', version: result.version, folded: loaded.updates.length, refused };
    }
    // Another run materialised meanwhile: start again from its snapshot.
  }
  return { status: 'busy' };
}

Deno.serve(async (req) => {
  if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
  if (req.method !== 'POST') return json(405, { error: 'method_not_allowed', message: 'Use POST.' });
  const auth = req.headers.get('Authorization') ?? '';
  if (!auth.startsWith('Bearer ')) return json(401, { error: 'unauthorized', message: 'Sign in first.' });
  const length = Number(req.headers.get('Content-Length') ?? '0');
  if (length > 1024) return json(413, { error: 'too_large', message: 'The request body is too large.' });
  let body: { sequence_id?: unknown; source?: unknown };
  try {
    body = (await req.json()) as typeof body;
    if (typeof body !== 'object' || body === null) throw new Error('not an object');
  } catch {
    return json(400, { error: 'bad_request', message: 'The body must be JSON: {"sequence_id": "<uuid>"}.' });
  }
  if (body.source === 'cron') {
    // The scheduler only: its bearer is the shared secret, checked before anything runs.
    if (!(await sameSecret(auth.slice('Bearer '.length).trim(), Deno.env.get('SEND_DUE_STAGES_SECRET')))) {
      return json(401, { error: 'unauthorized', message: 'A valid scheduler secret is required.' });
    }
    try {
      return await materialiseStale();
    } catch (e) {
      console.error('sequence-doc: scheduled run failed', e);
      return json(503, { error: 'unavailable', message: e instanceof Error ? e.message : String(e) });
    }
  }
  const sequenceId = body.sequence_id;
  if (typeof sequenceId !== 'string' || !UUID.test(sequenceId)) {
    return json(400, { error: 'bad_request', message: 'sequence_id must be a uuid.' });
  }
  try {
    // As the caller: RLS answers whether they may see this sequence at all.
    const visible = await rest<Array<{ id: string }>>(`sequences?id=eq.${sequenceId}&select=id`, auth);
    if (visible.length === 0)
      return json(404, { error: 'not_found', message: 'No such sequence, or you cannot see it.' });
    return await materialise(sequenceId);
  } catch (e) {
    if (e instanceof RpcError && e.status === 401)
      return json(401, { error: 'unauthorized', message: 'Sign in again.' });
    console.error('sequence-doc: materialisation failed', e);
    return json(500, {
      error: 'internal',
      message: 'Could not save the sequence; your edits are kept and will be retried.',
    });
  }
});
