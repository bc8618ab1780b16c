// The template editor of one sequence (SPEC S2): the shared Yjs document and its provider, the
// stage list as the document says right now, what blocks enrolment (the validation of
// src/lib/email, live as anyone types), when each stage would send for an enrolment made now
// (the engine's schedule rule, in the organisation's time zone), who else is here, and the
// sequence settings. Components render this and call its methods; they never touch Supabase.
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import * as collab from '$lib/api/collab';
import { attachmentUrl, uploadAttachment } from '$lib/api/attachments';
import {
  applyTemplateToRunning,
  archiveSequence,
  CONFIDENTIAL_PLANS,
  getMe,
  getSequence,
  listJobs,
  listRunningEnrollments,
  listSenders,
  myOrganizationId,
  updateSequenceSettings,
  type EditReport,
  type JobOption,
  type Me,
  type RunningEnrollment,
  type SenderOption,
  type SequenceAccess,
  type SequenceDetail,
} from '$lib/api/sequences';
import { customFields } from '$lib/state/custom-fields.svelte';
import {
  docToRows,
  insertStage,
  newStageRow,
  orderBetween,
  orderedStageEntries,
  stagesMap,
  applyUpdatesSafely,
  fromBase64,
  toBase64,
  type Attachment,
  type DocContent,
  type StageRowData,
} from '$shared/collab/doc';
import { SequenceProvider, type ConnectionStatus } from '$lib/collab/provider';
import {
  previewSchedule,
  resolveTimeZone,
  validateStages,
  type DocNode,
  type StageDraft,
  type StageIssue,
} from '$shared/email/index.ts';

export interface Peer {
  userId: string;
  name: string;
  color: string;
}

const COLORS = ['#b3261e', '#7b3fa0', '#1d6fb8', '#0b7a55', '#a35f00', '#c2185b', '#00796b', '#5d4037'];

/** A colour per user, the same in every browser. */
export function colorFor(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length] ?? '#1d6fb8';
}

/** Origin of edits made through this editor's own controls (not Tiptap, not the network). */
export const LOCAL = Symbol('local-edit');

export class SequenceEditorState {
  #status = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  #error = $state<string | null>(null);
  #content = $state.raw<DocContent>({ title: '', stages: [] });
  #connection = $state<ConnectionStatus>('connecting');
  #unsaved = $state(false);
  #saveError = $state<string | null>(null);
  #peers = $state.raw<Peer[]>([]);
  #detail = $state.raw<SequenceDetail | null>(null);
  #me = $state.raw<Me | null>(null);
  #senders = $state.raw<SenderOption[]>([]);
  #jobs = $state.raw<JobOption[]>([]);
  #lostAccess = $state(false);
  #providerVersion = $state(0);
  #now = $state(Date.now());

  doc: Y.Doc | null = null;
  provider: SequenceProvider | null = null;
  #idb: IndexeddbPersistence | null = null;
  #sequenceId = '';
  #topic = '';
  #cleanup: Array<() => void> = [];
  #destroyed = false;

  get status() {
    return this.#status;
  }
  get error() {
    return this.#error;
  }
  get title(): string {
    return this.#content.title;
  }
  get stages(): readonly StageRowData[] {
    return this.#content.stages;
  }
  get connection(): ConnectionStatus {
    return this.#connection;
  }
  get unsaved(): boolean {
    return this.#unsaved;
  }
  get saveError(): string | null {
    return this.#saveError;
  }
  get peers(): readonly Peer[] {
    return this.#peers;
  }
  get detail(): SequenceDetail | null {
    return this.#detail;
  }
  get me(): Me | null {
    return this.#me;
  }
  get senders(): readonly SenderOption[] {
    return this.#senders;
  }
  get jobs(): readonly JobOption[] {
    return this.#jobs;
  }
  get customFieldKeys(): readonly string[] {
    return customFields.keys;
  }
  get lostAccess(): boolean {
    return this.#lostAccess;
  }
  /** Changes when the provider is replaced (new channel): body editors rebind their carets. */
  get providerVersion(): number {
    return this.#providerVersion;
  }
  get sequenceId(): string {
    return this.#sequenceId;
  }

  /** Mirrors private.can_edit_sequence: the creator; for shared sequences also admins. */
  canEdit = $derived.by((): boolean => {
    const d = this.#detail;
    const me = this.#me;
    if (!d || !me || this.#lostAccess) return false;
    return (
      d.ownerId === me.userId ||
      (d.access === 'shared' && (me.accessLevel === 'admin' || me.accessLevel === 'organization_admin'))
    );
  });

  isCreator = $derived(this.#detail !== null && this.#me !== null && this.#detail.ownerId === this.#me.userId);

  confidentialAllowed = $derived(this.#me !== null && CONFIDENTIAL_PLANS.includes(this.#me.plan));

  timeZone = $derived(resolveTimeZone(this.#me?.orgTimeZone, Intl.DateTimeFormat().resolvedOptions().timeZone));

  // Rebuilt whole on each change, never mutated.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #senderById = $derived(new Map(this.#senders.map((s) => [s.userId, s])));

  drafts = $derived.by((): StageDraft[] =>
    this.#content.stages.map((s) => ({
      type: s.type,
      delay: { days: s.delay_days, hours: s.delay_hours },
      sendWindow: s.send_window,
      // No sender set = the enrolling user; in the template that is "you".
      senderEmail:
        (s.sender_user_id ? this.#senderById.get(s.sender_user_id) : this.#senderById.get(this.#me?.userId ?? ''))
          ?.email ?? null,
      subject: s.subject,
      body: s.body as DocNode,
    })),
  );

  issues = $derived.by((): StageIssue[] =>
    this.drafts.length
      ? validateStages(this.drafts, {
          customFieldKeys: customFields.keys.length ? [...customFields.keys] : undefined,
        })
      : [],
  );

  issuesByStage = $derived.by((): StageIssue[][] => {
    const out: StageIssue[][] = this.#content.stages.map(() => []);
    for (const i of this.issues) out[i.stageIndex ?? 0]?.push(i);
    return out;
  });

  schedule = $derived.by((): Array<Date | null> => {
    try {
      return previewSchedule(
        this.#content.stages.map((s) => ({
          delay: { days: s.delay_days, hours: s.delay_hours },
          sendWindow: s.send_window,
        })),
        this.timeZone,
        // eslint-disable-next-line svelte/prefer-svelte-reactivity
        new Date(this.#now),
      );
    } catch {
      return this.#content.stages.map(() => null);
    }
  });

  senderSummary = $derived.by((): string => {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local, not state
    const emails = new Set(this.drafts.filter((d) => d.type === 'email').map((d) => d.senderEmail ?? ''));
    if (emails.size === 0) return 'No email stages';
    if (emails.size > 1) return 'Multiple senders';
    const only = [...emails][0];
    return only ? only : 'No sender address';
  });

  async open(sequenceId: string, userId: string): Promise<void> {
    this.#sequenceId = sequenceId;
    // Everything the first paint needs, at once: the stored document loads alongside.
    const doc = new Y.Doc();
    this.doc = doc;
    // Offline copy: edits made without a connection survive a reload and merge when back.
    const idb = new IndexeddbPersistence(`sequence-doc:${sequenceId}`, doc);
    this.#idb = idb;
    const [me, detail, info, first] = await Promise.all([
      getMe(userId),
      getSequence(sequenceId),
      collab.channelInfo(sequenceId),
      collab.loadDoc(sequenceId),
      Promise.race([idb.whenSynced, new Promise((r) => setTimeout(r, 1500))]),
    ]);
    if (this.#destroyed) return;
    if (!me.ok || !detail.ok || !info.ok) {
      this.#status = 'error';
      this.#error =
        (!me.ok && me.error) || (!detail.ok && detail.error) || (!info.ok && info.error) || 'Could not open.';
      return;
    }
    if (!detail.data || !info.data || !me.data) {
      this.#status = 'not_found';
      // Nothing of a sequence the user may not see stays on this device.
      void idb.clearData();
      return;
    }
    this.#me = me.data;
    this.#detail = detail.data;
    this.#topic = info.data.topic;
    void listSenders().then((r) => r.ok && (this.#senders = r.data));
    void listJobs().then((r) => r.ok && (this.#jobs = r.data));
    customFields.refresh();

    let stored = first;
    if (stored.ok && stored.data && stored.data.snapshot === null) {
      // Never opened in the editor: the materialiser builds the first document from the rows.
      const m = await collab.materialise(sequenceId);
      if (!m.ok) {
        this.#status = 'error';
        this.#error = m.error;
        return;
      }
      stored = await collab.loadDoc(sequenceId);
    }
    if (this.#destroyed) return;
    if (!stored.ok || !stored.data) {
      this.#status = stored.ok ? 'not_found' : 'error';
      this.#error = stored.ok ? null : stored.error;
      return;
    }
    // What the database holds, on its own, to tell which local edits it lacks. All of it in one
    // transaction: a long log tail loads several times faster than update by update (and far
    // faster than Y.mergeUpdates, bench/README.md "Co-editing"); malformed entries are skipped.
    const server = new Y.Doc();
    applyUpdatesSafely(
      server,
      [stored.data.snapshot, ...stored.data.updates].filter((u): u is Uint8Array => u !== null),
    );
    const storedSv = Y.encodeStateVector(server);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server), 'database');
    server.destroy();
    if (stored.data.updates.length && this.canEdit) void collab.materialise(sequenceId);

    this.#content = docToRows(doc);
    // The stage list, validation and schedule follow the document. Edits through this editor's
    // own controls show at once; typing and collaborators' updates are folded in once per turn
    // of the event loop, after the keystroke or the remote character is on screen (reading all
    // ten bodies per update would otherwise sit on the path of every character).
    let pending: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (pending !== null) clearTimeout(pending);
      pending = null;
      if (!this.#destroyed) this.#content = docToRows(doc);
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === LOCAL) refresh();
      else pending ??= setTimeout(refresh, 0);
    };
    doc.on('update', onUpdate);
    this.#cleanup.push(() => {
      doc.off('update', onUpdate);
      if (pending !== null) clearTimeout(pending);
    });
    const tick = setInterval(() => (this.#now = Date.now()), 60_000);
    this.#cleanup.push(() => clearInterval(tick));

    this.#connect(storedSv);
    this.#status = 'ready';
  }

  #connect(storedSv: Uint8Array | null): void {
    const doc = this.doc;
    const me = this.#me;
    if (!doc || !me) return;
    const id = this.#sequenceId;
    const canEdit = this.canEdit;
    const provider = new SequenceProvider({
      sequenceId: id,
      doc,
      user: { id: me.userId, name: me.displayName || 'Someone', color: colorFor(me.userId) },
      storedStateVector: storedSv,
      ignoreOrigin: this.#idb,
      // Viewers announce their caret through presence (they may not broadcast).
      readOnly: !canEdit,
      storage: canEdit
        ? {
            append: (updates) => collab.appendUpdates(id, updates),
            materialise: () => collab.materialise(id),
          }
        : null,
      transport: (onMessage, onStatus) => {
        const channel = collab.joinChannel(
          this.#topic,
          (event, payload) => {
            if (event === 'access-changed') void this.#onAccessChanged();
            else onMessage(event, payload);
          },
          onStatus,
          {
            meta: () => ({
              userId: me.userId,
              name: me.displayName || 'Someone',
              color: colorFor(me.userId),
              sv: toBase64(Y.encodeStateVector(doc)),
              cid: doc.clientID,
            }),
            onSync: (all) => {
              // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local, not state
              const seen = new Set<string>([me.userId]);
              const peers: Peer[] = [];
              for (const m of all) {
                if (!m.userId || seen.has(m.userId)) continue;
                seen.add(m.userId);
                peers.push({ userId: m.userId, name: m.name, color: m.color });
              }
              this.#peers = peers;
              for (const m of all) this.#applyAnnounced(m);
            },
            onJoin: (joined) => {
              for (const m of joined) {
                this.#applyAnnounced(m);
                if (m.sv && m.userId !== me.userId && canEdit) {
                  try {
                    this.provider?.answerStateVector(fromBase64(m.sv));
                  } catch {
                    // A malformed state vector from someone's presence: nothing to answer.
                  }
                }
              }
            },
            onLeave: (left, remaining) => {
              for (const m of left) {
                // A re-announcement leaves its old entry while the new one stays: only a
                // client with no entry left is gone.
                if (typeof m.cid === 'number' && !remaining.some((r) => r.cid === m.cid)) {
                  this.provider?.forgetAnnounced(m.cid);
                }
              }
            },
          },
        );
        return {
          send: channel.send,
          close: channel.close,
          announce: (awareness) => channel.track({ aw: toBase64(awareness) }),
        };
      },
      onError: (m) => (this.#saveError = m),
    });
    this.provider = provider;
    this.#providerVersion++;
    const sync = () => {
      this.#connection = provider.status;
      this.#unsaved = provider.unsaved;
      this.#saveError = provider.storageError;
    };
    const unsub = provider.subscribe(sync);
    this.#cleanup.push(unsub);
    sync();
  }

  /** A viewer's caret, announced through presence, shown to everyone else. */
  #applyAnnounced(m: collab.PresenceMeta): void {
    if (typeof m.cid !== 'number' || typeof m.aw !== 'string') return;
    try {
      this.provider?.applyAnnouncedAwareness(m.cid, fromBase64(m.aw));
    } catch {
      // Not base64: someone's malformed presence; nothing to show.
    }
  }

  /** Someone changed who may see this sequence: follow it to its new channel, or leave. */
  async #onAccessChanged(): Promise<void> {
    const [info, detail] = await Promise.all([collab.channelInfo(this.#sequenceId), getSequence(this.#sequenceId)]);
    if (this.#destroyed) return;
    if (info.ok && !info.data) {
      this.#lostAccess = true;
      this.provider?.destroy();
      this.provider = null;
      this.#connection = 'refused';
      // Nothing of it stays on this device.
      void this.#idb?.clearData();
      return;
    }
    if (detail.ok && detail.data) this.#detail = detail.data;
    if (info.ok && info.data && info.data.topic !== this.#topic) this.#reconnect(info.data.topic);
  }

  #reconnect(topic: string): void {
    this.#topic = topic;
    const old = this.provider;
    old?.destroy();
    this.#connect(null);
  }

  // Editing ---------------------------------------------------------------------------------

  #stage(id: string): Y.Map<unknown> | undefined {
    return this.doc ? stagesMap(this.doc).get(id) : undefined;
  }

  subjectText(id: string): Y.Text | null {
    const t = this.#stage(id)?.get('subject');
    return t instanceof Y.Text ? t : null;
  }

  bodyFragment(id: string): Y.XmlFragment | null {
    const f = this.#stage(id)?.get('body');
    return f instanceof Y.XmlFragment ? f : null;
  }

  titleText(): Y.Text | null {
    return this.doc ? this.doc.getText('title') : null;
  }

  setField(
    id: string,
    key: 'type' | 'delayDays' | 'delayHours' | 'sendWindow' | 'senderUserId' | 'threadMode',
    value: unknown,
  ): void {
    const s = this.#stage(id);
    if (!s || !this.canEdit) return;
    this.doc?.transact(() => s.set(key, value), LOCAL);
  }

  addStage(): string | null {
    const doc = this.doc;
    if (!doc || !this.canEdit) return null;
    const entries = orderedStageEntries(doc);
    const last = entries.at(-1);
    const id = crypto.randomUUID();
    const previous = this.#content.stages.at(-1);
    doc.transact(() => {
      insertStage(
        doc,
        newStageRow(id, previous),
        orderBetween(last ? (last[1].get('order') as number) : undefined, undefined),
      );
    }, LOCAL);
    return id;
  }

  /** Deletes a stage; returns the undo (puts it back where it was, content included). */
  deleteStage(id: string): (() => void) | null {
    const doc = this.doc;
    const s = this.#stage(id);
    if (!doc || !s || !this.canEdit) return null;
    const row = docToRows(doc).stages.find((r) => r.id === id);
    const order = s.get('order') as number;
    if (!row) return null;
    doc.transact(() => stagesMap(doc).delete(id), LOCAL);
    return () => {
      if (!this.doc || stagesMap(doc).has(id)) return;
      doc.transact(() => insertStage(doc, row, order), LOCAL);
    };
  }

  moveStage(id: string, by: -1 | 1): void {
    const doc = this.doc;
    if (!doc || !this.canEdit) return;
    const entries = orderedStageEntries(doc);
    const i = entries.findIndex(([k]) => k === id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= entries.length) return;
    const orderAt = (k: number) => entries[k]?.[1].get('order') as number | undefined;
    const next = by < 0 ? orderBetween(orderAt(j - 1), orderAt(j)) : orderBetween(orderAt(j), orderAt(j + 1));
    doc.transact(() => entries[i]?.[1].set('order', next), LOCAL);
  }

  /** Uploads a file and lists it on the stage; resolves to an error message or null. */
  async addAttachment(stageId: string, file: File): Promise<string | null> {
    if (!this.canEdit) return 'You cannot edit this sequence.';
    const r = await uploadAttachment(this.#sequenceId, stageId, file);
    if (!r.ok) return r.error;
    const list = this.#stage(stageId)?.get('attachments');
    if (!(list instanceof Y.Array)) return 'This stage no longer exists.';
    this.doc?.transact(() => list.push([r.data]), LOCAL);
    return null;
  }

  /**
   * Stops the stage listing a file. The stored file stays while running enrolments (or an undo)
   * still need it; the database's purge deletes it once nothing lists it (api/attachments.ts).
   */
  removeAttachment(stageId: string, path: string): void {
    const list = this.#stage(stageId)?.get('attachments');
    if (!(list instanceof Y.Array) || !this.canEdit) return;
    const i = (list.toArray() as Attachment[]).findIndex((a) => a.path === path);
    if (i >= 0) this.doc?.transact(() => list.delete(i, 1), LOCAL);
  }

  async attachmentUrl(path: string): Promise<string | null> {
    const r = await attachmentUrl(path);
    return r.ok ? r.data : null;
  }

  // Settings --------------------------------------------------------------------------------

  async saveSettings(patch: Parameters<typeof updateSequenceSettings>[1]): Promise<string | null> {
    const r = await updateSequenceSettings(this.#sequenceId, patch);
    if (!r.ok) return r.error;
    const d = await getSequence(this.#sequenceId);
    if (d.ok && d.data) this.#detail = d.data;
    return null;
  }

  /** Creator only. Moves every remaining collaborator to the new channel; the others drop off. */
  async changeAccess(access: SequenceAccess): Promise<string | null> {
    const err = await this.saveSettings({ access });
    if (err) return err;
    // Tell the old channel first (everyone there refetches; those who lost access get nothing).
    this.provider?.sendNotice('access-changed');
    const info = await collab.channelInfo(this.#sequenceId);
    if (info.ok && info.data) this.#reconnect(info.data.topic);
    return null;
  }

  async runningEnrollments(): Promise<RunningEnrollment[] | string> {
    const r = await listRunningEnrollments(this.#sequenceId);
    return r.ok ? r.data : r.error;
  }

  async applyEdits(): Promise<EditReport[] | string> {
    await this.provider?.flush();
    const r = await applyTemplateToRunning(this.#sequenceId);
    return r.ok ? r.data : r.error;
  }

  async archive(running: readonly string[]): Promise<string | null> {
    const r = await archiveSequence(this.#sequenceId, running);
    return r.ok ? null : r.error;
  }

  /** Stores everything pending (before leaving). */
  async flush(): Promise<void> {
    await this.provider?.flush();
  }

  destroy(): void {
    this.#destroyed = true;
    for (const fn of this.#cleanup) fn();
    this.#cleanup = [];
    this.provider?.destroy();
    this.provider = null;
    void this.#idb?.destroy();
    this.doc?.destroy();
  }
}

export { myOrganizationId };
