// Typed data access for co-editing a sequence (DESIGN "Live collaboration"): the stored Yjs
// document (snapshot + update log), appending updates, asking the materialiser to fold them into
// the stage rows, and the private Realtime channel the editors talk on. Who may read, append or
// join is decided by RLS (sequence_doc_updates, realtime.messages); nothing here filters for it.
import type { RealtimeChannel } from '@supabase/supabase-js';
import * as Y from 'yjs';
import { applyUpdatesSafely, fromBase64 } from '$shared/collab/doc';
import { applyTemplateEdits, type TemplateStageEdit } from '$lib/template-edits';
import { fail, ok, type Result } from '$lib/result';
import { supabase } from '$lib/supabase';

export interface StoredDoc {
  snapshot: Uint8Array | null;
  /** -1 before the first materialisation. */
  version: number;
  updates: Uint8Array[];
}

/** The stored document, or null when the sequence does not exist or the user may not see it. */
export async function loadDoc(sequenceId: string): Promise<Result<StoredDoc | null>> {
  const { data, error } = await supabase.rpc('load_sequence_doc', { sequence_id: sequenceId });
  if (error) return fail(error, 'Could not load the sequence document.');
  if (!data) return ok(null);
  const d = data as { snapshot: string | null; version: number; updates: Array<[number, string]> };
  return ok({
    snapshot: d.snapshot === null ? null : fromBase64(d.snapshot),
    version: d.version,
    updates: d.updates.map(([, b64]) => fromBase64(b64)),
  });
}

function hex(bytes: Uint8Array): string {
  let s = '\\x';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Appends updates to the sequence's log (editors only: RLS refuses everyone else). */
export async function appendUpdates(sequenceId: string, updates: readonly Uint8Array[]): Promise<Result<null>> {
  const { error } = await supabase
    .from('sequence_doc_updates')
    .insert(updates.map((u) => ({ sequence_id: sequenceId, update: hex(u) })));
  if (error) {
    if (error.code === '42501') return fail(error, 'You can no longer edit this sequence.');
    if (/failed to fetch|network/i.test(error.message))
      return { ok: false, error: 'No connection: your changes are kept on this device and saved when you are back.' };
    return fail(error, 'Could not save your changes.');
  }
  return ok(null);
}

/** Asks the materialiser (edge function `sequence-doc`) to fold the log into the stage rows. */
export async function materialise(sequenceId: string): Promise<Result<{ version: number; refused: number[] }>> {
  const { data, error } = await supabase.functions.invoke<{ version: number; refused: number[] }>('sequence-doc', {
    body: { sequence_id: sequenceId },
  });
  if (error || !data) {
    let message = 'Could not save the stages.';
    try {
      const body = (await (error as { context?: Response } | null)?.context?.json()) as { message?: string };
      if (body?.message) message = body.message;
    } catch {
      // Not JSON: keep the generic message.
    }
    return { ok: false, error: message };
  }
  return ok(data);
}

/**
 * Writes template edits made outside the editor (the enrol dialog's "save these template edits
 * for future enrolments") the way the editor does: the stored document, the edits as one Yjs
 * update appended to its log, then the materialiser folds it into the stage rows. Editors only
 * (RLS refuses the append for everyone else, in words).
 */
export async function saveTemplateEdits(
  sequenceId: string,
  edits: readonly TemplateStageEdit[],
): Promise<Result<null>> {
  if (edits.length === 0) return { ok: false, error: 'Nothing was changed.' };
  let stored = await loadDoc(sequenceId);
  if (stored.ok && stored.data && stored.data.snapshot === null) {
    // Never opened in the editor: the materialiser builds the first document from the rows.
    const m = await materialise(sequenceId);
    if (!m.ok) return m;
    stored = await loadDoc(sequenceId);
  }
  if (!stored.ok) return stored;
  if (!stored.data) return { ok: false, error: 'This sequence is not available to you.' };
  const doc = new Y.Doc();
  try {
    applyUpdatesSafely(
      doc,
      [stored.data.snapshot, ...stored.data.updates].filter((u): u is Uint8Array => u !== null),
    );
    const sv = Y.encodeStateVector(doc);
    const refused = applyTemplateEdits(doc, edits);
    if (refused) return { ok: false, error: refused };
    const appended = await appendUpdates(sequenceId, [Y.encodeStateAsUpdate(doc, sv)]);
    if (!appended.ok) return appended;
  } finally {
    doc.destroy();
  }
  const m = await materialise(sequenceId);
  return m.ok ? ok(null) : m;
}

export interface ChannelInfo {
  topic: string;
  title: string;
}

/**
 * The Realtime topic of a sequence (it changes when the sequence's access changes), or null
 * when the user may not see the sequence (any more).
 */
export async function channelInfo(sequenceId: string): Promise<Result<ChannelInfo | null>> {
  const { data, error } = await supabase
    .from('sequences')
    .select('id, title, channel_key')
    .eq('id', sequenceId)
    .maybeSingle();
  if (error) {
    if (error.code === '22P02') return ok(null);
    return fail(error, 'Could not open the sequence.');
  }
  return ok(data ? { topic: sequenceTopic(data.id, data.channel_key), title: data.title } : null);
}

/** The one place the topic name is spelled (private.keyed_topic_sequence_id parses it). */
export function sequenceTopic(sequenceId: string, channelKey: string): string {
  return `sequence:${sequenceId}:${channelKey}`;
}

export type ChannelStatus = 'connecting' | 'connected' | 'disconnected' | 'refused';

export interface BroadcastChannel {
  send(event: string, payload: Record<string, unknown>): void;
  close(): void;
  /** Re-announces our presence with these fields added (kept for rejoins). */
  track(extra: Partial<PresenceMeta>): void;
}

/** What each participant announces with Realtime presence (viewers included). */
export interface PresenceMeta {
  userId: string;
  name: string;
  color: string;
  /** The Yjs state vector at join (base64): editors answer with what it lacks. */
  sv?: string;
  /** The tab's Yjs client id (its awareness entry). */
  cid?: number;
  /**
   * Viewers only: their awareness update (base64; caret, selection, name), since they may not
   * broadcast. Editors apply the entry of `cid` alone.
   */
  aw?: string;
}

export interface PresenceHandlers {
  meta: () => PresenceMeta;
  /** Everyone on the channel now (one entry per browser tab). */
  onSync: (all: PresenceMeta[]) => void;
  /** Newcomers, and those who announced new fields (a re-track leaves and joins again). */
  onJoin: (joined: PresenceMeta[]) => void;
  /** Those who left (or re-announced: their old entry leaves), with what stays under their key. */
  onLeave?: (left: PresenceMeta[], remaining: PresenceMeta[]) => void;
}

/**
 * Joins a sequence's private channel. Broadcasts of our own are not echoed back (`self: false`).
 * supabase-js rejoins by itself after a network loss; `onStatus` reports each change.
 */
export function joinChannel(
  topic: string,
  onMessage: (event: string, payload: Record<string, unknown>) => void,
  onStatus: (status: ChannelStatus, reason?: string) => void,
  presence?: PresenceHandlers,
): BroadcastChannel {
  let channel: RealtimeChannel | null = null;
  let closed = false;
  let subscribed = false;
  let extra: Partial<PresenceMeta> = {};
  void supabase.realtime.setAuth().then(() => {
    if (closed) return;
    channel = supabase.channel(topic, { config: { private: true, broadcast: { self: false, ack: false } } });
    channel.on('broadcast', { event: '*' }, (m: { event: string; payload?: Record<string, unknown> }) =>
      onMessage(m.event, m.payload ?? {}),
    );
    if (presence) {
      const ch = channel;
      ch.on('presence', { event: 'sync' }, () =>
        presence.onSync(Object.values(ch.presenceState<PresenceMeta>()).flat()),
      );
      ch.on('presence', { event: 'join' }, ({ newPresences }) =>
        presence.onJoin(newPresences as unknown as PresenceMeta[]),
      );
      ch.on('presence', { event: 'leave' }, ({ leftPresences, currentPresences }) =>
        presence.onLeave?.(
          leftPresences as unknown as PresenceMeta[],
          (currentPresences ?? []) as unknown as PresenceMeta[],
        ),
      );
    }
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') {
        subscribed = true;
        if (presence && channel) void channel.track({ ...presence.meta(), ...extra });
        onStatus('connected');
      } else if (status === 'CHANNEL_ERROR' && /unauthori[sz]ed|permission/i.test(err?.message ?? ''))
        onStatus('refused', err?.message);
      else if (status !== 'CLOSED' || !closed) {
        subscribed = false;
        onStatus('disconnected', err?.message);
      }
    });
  });
  return {
    send(event, payload) {
      if (!channel) return;
      // Fire and forget: broadcast delivery is not guaranteed anyway; the state-vector exchange
      // on (re)join and the stored log are what make edits arrive.
      void channel.send({ type: 'broadcast', event, payload });
    },
    track(fields) {
      extra = { ...extra, ...fields };
      if (channel && presence && subscribed) void channel.track({ ...presence.meta(), ...extra });
    },
    close() {
      closed = true;
      if (channel) void supabase.removeChannel(channel);
    },
  };
}
