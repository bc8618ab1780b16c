/**
 * Connects a sequence's Y.Doc to its collaborators and to the database (DESIGN "Live
 * collaboration"), in the manner of y-websocket's provider and hocuspocus' database extension:
 *
 * - Transport: broadcast on the sequence's private Realtime channel. Messages are y-protocols
 *   sync messages (step 1 = state vector on join and rejoin; step 2 = what the other side
 *   misses; update = incremental) and y-protocols awareness updates (carets, names, colours),
 *   base64 in a JSON payload. Local updates are sent at once when nothing was sent within the
 *   merge window (a lone keystroke pays no wait), else merged until the window ends, so a client
 *   sends at most one update message per window; payloads above the broadcast limit are split
 *   into chunks and joined on arrival.
 * - Persistence: local updates are appended to the update log with a debounce and a maximum
 *   wait, then the materialiser is asked to fold them into the stage rows. On (re)connect, what
 *   this browser has that the database lacks (offline edits kept by y-indexeddb) is stored.
 * - Input from others is checked: messages for another sequence, malformed updates and
 *   oversized chunk sets are dropped and counted, never applied.
 * - Viewers may not broadcast (Realtime authorises writes per extension, and their document
 *   updates must be refused), but their carets should show: a read-only provider announces its
 *   own awareness state through the transport's `announce` (Realtime presence, which viewers may
 *   write), and editors apply what each presence carries for its own client only.
 *
 * The provider ignores its own updates (origin === this) and destroy() removes every listener
 * and timer. Transport and storage are injected (lib/api/collab.ts in the app, in-memory in
 * tests and benches).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  fromBase64,
  isWellFormedUpdate,
  MAX_UPDATE_BYTES,
  toBase64,
} from '../../../supabase/functions/_shared/collab/doc.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'refused';

export interface Transport {
  send(event: string, payload: Record<string, unknown>): void;
  close(): void;
  /** Publishes this client's awareness where read-only collaborators may write (presence). */
  announce?(awareness: Uint8Array): void;
}

export interface TransportFactory {
  (
    onMessage: (event: string, payload: Record<string, unknown>) => void,
    onStatus: (status: ConnectionStatus, reason?: string) => void,
  ): Transport;
}

export interface Storage {
  append(updates: Uint8Array[]): Promise<{ ok: true } | { ok: false; error: string; code?: string }>;
  materialise(): Promise<unknown>;
}

export interface ProviderOptions {
  sequenceId: string;
  doc: Y.Doc;
  transport: TransportFactory;
  /** Null for viewers: they never store anything. */
  storage: Storage | null;
  user: { id: string; name: string; color: string };
  /** The state vector of what the database holds, to store what only this browser has. */
  storedStateVector?: Uint8Array | null;
  /**
   * True for viewers: their awareness (caret, selection, name) goes out through
   * `transport.announce`, throttled to `announceMs`, instead of broadcast. Default false.
   */
  readOnly?: boolean;
  /** Throttle of read-only awareness announcements, ms (hosted presence quotas are low). Default 250. */
  announceMs?: number;
  /**
   * Merge window for outgoing updates, ms: at most one update message per window; an update with
   * nothing sent in the window before it leaves at once. Default 15.
   */
  mergeMs?: number;
  /** Debounce / maximum wait before storing local updates, ms. Defaults 300 / 2000. */
  persistDebounceMs?: number;
  persistMaxWaitMs?: number;
  /** Debounce before asking the materialiser to run, ms. Default 800. */
  materialiseDebounceMs?: number;
  /**
   * Broadcast is not reliable: every this many ms (while connected) the provider sends its state
   * vector so collaborators fill any gap a lost message left. Default 15 000.
   */
  resyncMs?: number;
  /** Broadcast payload budget per message (bytes of base64). Default 180 000 (limit 256 KB). */
  chunkBytes?: number;
  onError?: (message: string) => void;
  /** Updates with this origin are neither sent nor stored (the y-indexeddb instance). */
  ignoreOrigin?: unknown;
}

const MSG_SYNC = 0;
const MSG_AWARENESS = 1;
/** Chunk sets older than this are abandoned (a lost chunk). */
const CHUNK_TTL_MS = 30_000;
const MAX_CHUNKS = 64;

export class SequenceProvider {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly sequenceId: string;
  #opts: ProviderOptions;
  #transport: Transport;
  #status: ConnectionStatus = 'connecting';
  #outgoing: Uint8Array[] = [];
  #mergeTimer: ReturnType<typeof setTimeout> | null = null;
  #flushScheduled = false;
  /** When the last update message left (leading edge of the merge window). */
  #lastSentAt = -Infinity;
  #pending: Uint8Array[] = [];
  #inFlight = 0;
  #persistTimer: ReturnType<typeof setTimeout> | null = null;
  #persistDeadline: number | null = null;
  #materialiseTimer: ReturnType<typeof setTimeout> | null = null;
  #awarenessTimer: ReturnType<typeof setTimeout> | null = null;
  #awarenessDirty = new Set<number>();
  #chunks = new Map<string, { parts: (string | undefined)[]; at: number; event: string }>();
  #listeners = new Set<() => void>();
  #destroyed = false;
  #storageError: string | null = null;
  /** Messages refused (wrong sequence, malformed): visible in tests and the debug panel. */
  refused = 0;

  constructor(opts: ProviderOptions) {
    this.#opts = opts;
    this.doc = opts.doc;
    this.sequenceId = opts.sequenceId;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalStateField('user', opts.user);
    this.doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    if (opts.storage && opts.storedStateVector) {
      // Offline edits from an earlier visit (y-indexeddb) the database never got.
      const missing = Y.encodeStateAsUpdate(this.doc, opts.storedStateVector);
      if (hasContent(missing)) this.#queuePersist(missing);
    }
    this.#transport = opts.transport(this.#onMessage, this.#onStatus);
    this.#resyncTimer = setInterval(() => {
      if (this.#status === 'connected') this.#sendStep1();
    }, opts.resyncMs ?? 15_000);
  }

  #resyncTimer: ReturnType<typeof setInterval>;

  get status(): ConnectionStatus {
    return this.#status;
  }
  /** Local changes not yet stored in the database. */
  get unsaved(): boolean {
    return this.#pending.length > 0 || this.#inFlight > 0;
  }
  get storageError(): string | null {
    return this.#storageError;
  }

  /** Called on every status / unsaved change (state classes re-read the getters). */
  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #notify(): void {
    for (const fn of this.#listeners) fn();
  }

  // Outgoing --------------------------------------------------------------------------------

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || this.#destroyed) return;
    // Updates from y-indexeddb are this browser's own history; they were sent when made, and
    // whatever the database lacks was queued at construction.
    if (origin !== undefined && origin !== null && origin === this.#opts.ignoreOrigin) return;
    this.#outgoing.push(update);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      const window = this.#opts.mergeMs ?? 15;
      const since = performance.now() - this.#lastSentAt;
      // Idle before this update: send it now (in a microtask, so the edits of one synchronous
      // burst, e.g. a paste split into transactions, still leave together).
      if (since >= window) queueMicrotask(this.#flushOutgoing);
      else this.#mergeTimer = setTimeout(this.#flushOutgoing, window - since);
    }
    if (this.#opts.storage) this.#queuePersist(update);
  };

  #flushOutgoing = (): void => {
    this.#flushScheduled = false;
    if (this.#mergeTimer !== null) clearTimeout(this.#mergeTimer);
    this.#mergeTimer = null;
    if (!this.#outgoing.length || this.#destroyed) return;
    const merged = this.#outgoing.length === 1 ? this.#outgoing[0]! : Y.mergeUpdates(this.#outgoing);
    if (this.#status !== 'connected') {
      // Offline: kept (merged) and sent when the channel is back, so collaborators get offline
      // edits without having to ask (a state vector does not show deletions).
      this.#outgoing = [merged];
      return;
    }
    this.#lastSentAt = performance.now();
    this.#outgoing = [];
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_SYNC);
    syncProtocol.writeUpdate(enc, merged);
    this.#send('sync', encoding.toUint8Array(enc));
  };

  #onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this) return;
    for (const c of [...added, ...updated, ...removed]) this.#awarenessDirty.add(c);
    // Carets move with every keystroke: throttle so a team typing together stays far below the
    // hosted messages-per-second quota.
    if (this.#awarenessTimer === null) {
      this.#awarenessTimer = setTimeout(
        this.#flushAwareness,
        this.#opts.readOnly ? (this.#opts.announceMs ?? 250) : 40,
      );
    }
  };

  #flushAwareness = (): void => {
    this.#awarenessTimer = null;
    const clients = [...this.#awarenessDirty];
    this.#awarenessDirty.clear();
    if (!clients.length) return;
    this.#sendAwareness(clients);
  };

  #sendAwareness(clients: number[]): void {
    if (this.#opts.readOnly) {
      // Only our own state, and only where viewers may write.
      if (this.#status === 'connected' && clients.includes(this.doc.clientID)) {
        this.#transport.announce?.(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
      }
      return;
    }
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_AWARENESS);
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    this.#send('awareness', encoding.toUint8Array(enc));
  }

  #send(event: string, bytes: Uint8Array): void {
    if (this.#status !== 'connected') return;
    const b64 = toBase64(bytes);
    const budget = this.#opts.chunkBytes ?? 180_000;
    const base = { seq: this.sequenceId, from: this.doc.clientID };
    if (b64.length <= budget) {
      this.#transport.send(event, { ...base, m: b64 });
      return;
    }
    const n = Math.ceil(b64.length / budget);
    if (n > MAX_CHUNKS) {
      this.#opts.onError?.(
        'This change is too large to send to your collaborators; it is saved and they will see it on reload.',
      );
      return;
    }
    const id = `${this.doc.clientID}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    for (let i = 0; i < n; i++) {
      this.#transport.send(event, { ...base, chunk: { id, i, n }, m: b64.slice(i * budget, (i + 1) * budget) });
    }
  }

  /** Sends sync step 1 (our state vector): collaborators answer with what we miss. */
  #sendStep1(): void {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_SYNC);
    syncProtocol.writeSyncStep1(enc, this.doc);
    this.#send('sync', encoding.toUint8Array(enc));
  }

  // Incoming --------------------------------------------------------------------------------

  #onStatus = (status: ConnectionStatus, reason?: string): void => {
    if (this.#destroyed) return;
    this.#status = status;
    if (status === 'connected') {
      // Broadcast is not guaranteed and we may have been away: exchange state vectors, announce
      // ourselves, and store whatever is still pending.
      this.#sendStep1();
      this.#sendAwareness([this.doc.clientID]);
      this.#flushOutgoing();
      if (this.#pending.length) void this.#persist();
    }
    if (status === 'refused' && reason) this.#opts.onError?.(reason);
    this.#notify();
  };

  #onMessage = (event: string, payload: Record<string, unknown>): void => {
    if (this.#destroyed) return;
    if (payload['seq'] !== this.sequenceId || typeof payload['m'] !== 'string') {
      this.refused++;
      return;
    }
    let b64 = payload['m'];
    const chunk = payload['chunk'] as { id?: unknown; i?: unknown; n?: unknown } | undefined;
    if (chunk) {
      const joined = this.#joinChunk(event, chunk, b64);
      if (joined === null) return;
      b64 = joined;
    }
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(b64);
    } catch {
      this.refused++;
      return;
    }
    try {
      const dec = decoding.createDecoder(bytes);
      const type = decoding.readVarUint(dec);
      if (type === MSG_SYNC && event === 'sync') this.#readSync(dec);
      else if (type === MSG_AWARENESS && event === 'awareness') {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(dec), this);
      } else this.refused++;
    } catch {
      this.refused++;
    }
  };

  #readSync(dec: decoding.Decoder): void {
    const kind = decoding.readVarUint(dec);
    if (kind === syncProtocol.messageYjsSyncStep1) {
      const sv = decoding.readVarUint8Array(dec);
      const missing = Y.encodeStateAsUpdate(this.doc, sv);
      // Only answer when we hold something the newcomer lacks; otherwise stay quiet.
      if (hasContent(missing)) {
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, MSG_SYNC);
        encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep2);
        encoding.writeVarUint8Array(enc, missing);
        this.#send('sync', encoding.toUint8Array(enc));
      }
      // Ask back only when they hold something we lack (a message of theirs we missed): asking
      // every time would make two clients answer each other's question forever. Their offline
      // edits come by themselves when they reconnect (#flushOutgoing).
      if (aheadOf(sv, this.doc)) this.#sendStep1Once();
      // Tell the newcomer who we are and where our caret is.
      this.#sendAwarenessOnce();
      return;
    }
    if (kind === syncProtocol.messageYjsSyncStep2 || kind === syncProtocol.messageYjsUpdate) {
      const update = decoding.readVarUint8Array(dec);
      if (!isWellFormedUpdate(update)) {
        this.refused++;
        return;
      }
      Y.applyUpdate(this.doc, update, this);
      // An update that depends on one we never got (a lost message) waits in the store: ask.
      if (this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null) this.#sendStep1Once();
      return;
    }
    this.refused++;
  }

  #step1Timer: ReturnType<typeof setTimeout> | null = null;
  #sendStep1Once(): void {
    // Several collaborators may announce themselves at once: one answer covers them all.
    if (this.#step1Timer !== null) return;
    this.#step1Timer = setTimeout(() => {
      this.#step1Timer = null;
      this.#sendStep1();
    }, 30);
  }

  #hereTimer: ReturnType<typeof setTimeout> | null = null;
  #sendAwarenessOnce(): void {
    if (this.#hereTimer !== null) return;
    this.#hereTimer = setTimeout(() => {
      this.#hereTimer = null;
      this.#sendAwareness([this.doc.clientID]);
    }, 30);
  }

  #joinChunk(event: string, chunk: { id?: unknown; i?: unknown; n?: unknown }, part: string): string | null {
    const { id, i, n } = chunk;
    if (typeof id !== 'string' || !Number.isInteger(i) || !Number.isInteger(n)) return (this.refused++, null);
    const ni = n as number;
    const ii = i as number;
    if (ni < 1 || ni > MAX_CHUNKS || ii < 0 || ii >= ni) return (this.refused++, null);
    const now = Date.now();
    for (const [k, v] of this.#chunks) if (now - v.at > CHUNK_TTL_MS) this.#chunks.delete(k);
    let set = this.#chunks.get(id);
    if (!set) {
      set = { parts: Array.from({ length: ni }, () => undefined), at: now, event };
      this.#chunks.set(id, set);
    }
    if (set.parts.length !== ni || set.event !== event) return (this.refused++, null);
    set.parts[ii] = part;
    if (set.parts.some((p) => p === undefined)) return null;
    this.#chunks.delete(id);
    return set.parts.join('');
  }

  // Persistence -----------------------------------------------------------------------------

  #queuePersist(update: Uint8Array): void {
    this.#pending.push(update);
    const now = Date.now();
    this.#persistDeadline ??= now + (this.#opts.persistMaxWaitMs ?? 2000);
    if (this.#persistTimer !== null) clearTimeout(this.#persistTimer);
    const wait = Math.min(this.#opts.persistDebounceMs ?? 300, Math.max(0, this.#persistDeadline - now));
    this.#persistTimer = setTimeout(() => void this.#persist(), wait);
    this.#notify();
  }

  async #persist(): Promise<void> {
    if (this.#persistTimer !== null) clearTimeout(this.#persistTimer);
    this.#persistTimer = null;
    this.#persistDeadline = null;
    const storage = this.#opts.storage;
    if (!storage || !this.#pending.length || this.#inFlight > 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#inFlight++;
    const merged = Y.mergeUpdates(batch);
    // One row when it fits; otherwise the original updates (each a whole update) one per row.
    const rows = merged.byteLength <= MAX_UPDATE_BYTES ? [merged] : batch;
    const tooLarge = rows.filter((r) => r.byteLength > MAX_UPDATE_BYTES);
    const r = tooLarge.length
      ? { ok: false as const, error: 'A change is too large to save (over 200 KB). Paste less at once.' }
      : await storage.append(rows);
    this.#inFlight--;
    if (this.#destroyed && r.ok) return;
    if (r.ok) {
      this.#storageError = null;
      this.#scheduleMaterialise();
      if (this.#pending.length) void this.#persist();
    } else {
      this.#storageError = r.error;
      this.#opts.onError?.(r.error);
      if (!tooLarge.length && ('code' in r ? r.code !== '42501' : true)) {
        // Keep them and try again (offline, database restart); y-indexeddb keeps them too.
        this.#pending = [...batch, ...this.#pending];
        this.#persistTimer = setTimeout(() => void this.#persist(), 3000);
      }
    }
    this.#notify();
  }

  #scheduleMaterialise(): void {
    if (this.#materialiseTimer !== null) clearTimeout(this.#materialiseTimer);
    this.#materialiseTimer = setTimeout(() => {
      this.#materialiseTimer = null;
      void this.#opts.storage?.materialise();
    }, this.#opts.materialiseDebounceMs ?? 800);
  }

  /**
   * Answers a state vector announced out of band (a viewer's presence: viewers may not
   * broadcast, so they cannot send sync step 1) with what it lacks.
   */
  answerStateVector(sv: Uint8Array): void {
    if (this.#destroyed) return;
    let diff: Uint8Array;
    try {
      diff = Y.encodeStateAsUpdate(this.doc, sv);
    } catch {
      this.refused++;
      return;
    }
    if (!hasContent(diff)) return;
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MSG_SYNC);
    syncProtocol.writeUpdate(enc, diff);
    this.#send('sync', encoding.toUint8Array(enc));
  }

  /**
   * Applies the awareness a read-only collaborator announced through presence. Only the entry of
   * the client that presence belongs to is taken, so nobody can move someone else's caret; a
   * malformed announcement is counted and ignored.
   */
  applyAnnouncedAwareness(clientId: number, bytes: Uint8Array): void {
    if (this.#destroyed || clientId === this.doc.clientID) return;
    try {
      const dec = decoding.createDecoder(bytes);
      const n = decoding.readVarUint(dec);
      for (let i = 0; i < n; i++) {
        const id = decoding.readVarUint(dec);
        const clock = decoding.readVarUint(dec);
        const state = decoding.readVarString(dec);
        if (id !== clientId) continue;
        JSON.parse(state);
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, 1);
        encoding.writeVarUint(enc, id);
        encoding.writeVarUint(enc, clock);
        encoding.writeVarString(enc, state);
        awarenessProtocol.applyAwarenessUpdate(this.awareness, encoding.toUint8Array(enc), this);
      }
    } catch {
      this.refused++;
    }
  }

  /** A read-only collaborator left (their presence is gone): their caret goes too. */
  forgetAnnounced(clientId: number): void {
    if (this.#destroyed || clientId === this.doc.clientID || !this.awareness.states.has(clientId)) return;
    awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], this);
  }

  /**
   * A control notice for the other collaborators (not Yjs), e.g. `access-changed`: receivers
   * only re-read what the database says, so a forged one achieves nothing.
   */
  sendNotice(event: string): void {
    if (this.#status === 'connected') this.#transport.send(event, { seq: this.sequenceId });
  }

  /** Stores whatever is pending now and materialises (leaving the editor). */
  async flush(): Promise<void> {
    this.#flushOutgoing();
    await this.#persist();
    if (this.#materialiseTimer !== null) {
      clearTimeout(this.#materialiseTimer);
      this.#materialiseTimer = null;
      await this.#opts.storage?.materialise();
    }
  }

  destroy(): void {
    if (this.#destroyed) return;
    // Tell the others we left, while the channel is still open.
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.#flushAwareness();
    this.#destroyed = true;
    clearInterval(this.#resyncTimer);
    for (const t of [
      this.#mergeTimer,
      this.#persistTimer,
      this.#materialiseTimer,
      this.#awarenessTimer,
      this.#step1Timer,
      this.#hereTimer,
    ]) {
      if (t !== null) clearTimeout(t);
    }
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    this.#transport.close();
    this.#listeners.clear();
  }
}

/** Whether a state vector holds something `doc` lacks (some client's clock ahead of ours). */
function aheadOf(sv: Uint8Array, doc: Y.Doc): boolean {
  for (const [client, clock] of Y.decodeStateVector(sv)) if (clock > Y.getState(doc.store, client)) return true;
  return false;
}

/** An update that changes something (an empty Yjs update is 2 bytes: no structs, no deletes). */
export function hasContent(update: Uint8Array): boolean {
  return update.byteLength > 2;
}
