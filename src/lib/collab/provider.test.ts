import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  docToRows,
  insertStage,
  newStageRow,
  rowsToDoc,
  stagesMap,
} from '../../../supabase/functions/_shared/collab/doc.ts';
import { MemoryHub } from './memory-hub.ts';
import { SequenceProvider } from './provider.ts';

const SEQ = '00000000-0000-4000-8000-0000000000aa';
const STAGE = '00000000-0000-4000-8000-0000000000a1';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function client(hub: MemoryHub, base: Uint8Array, name: string, chunkBytes?: number, mergeMs?: number) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  const t = hub.transport();
  let online = true;
  const provider = new SequenceProvider({
    sequenceId: SEQ,
    doc,
    transport: t.factory,
    storage: hub.storage(() => online),
    user: { id: name, name, color: '#336699' },
    persistDebounceMs: 5,
    persistMaxWaitMs: 20,
    materialiseDebounceMs: 5,
    ...(chunkBytes ? { chunkBytes } : {}),
    ...(mergeMs ? { mergeMs } : {}),
  });
  const subject = () => stagesMap(doc).get(STAGE)?.get('subject') as Y.Text;
  return {
    doc,
    provider,
    subject,
    setOnline(v: boolean) {
      online = v;
      t.setOnline(v);
    },
  };
}

function baseDoc(): Uint8Array {
  const d = new Y.Doc();
  rowsToDoc(d, { title: 'T', stages: [newStageRow(STAGE)] });
  return Y.encodeStateAsUpdate(d);
}

describe('SequenceProvider', () => {
  it('two editors typing in the same subject converge, and the log holds the result', async () => {
    const hub = new MemoryHub();
    const base = baseDoc();
    const a = client(hub, base, 'a');
    const b = client(hub, base, 'b');
    await until(() => a.provider.status === 'connected' && b.provider.status === 'connected', 'connect');
    a.subject().insert(0, 'Hello');
    b.subject().insert(0, 'World');
    await until(() => a.subject().toString().length === 10 && b.subject().toString().length === 10, 'convergence');
    expect(a.subject().toString()).toBe(b.subject().toString());
    await until(() => !a.provider.unsaved && !b.provider.unsaved, 'saved');
    const stored = hub.storedDoc();
    Y.applyUpdate(stored, base);
    expect(docToRows(stored)).toEqual(docToRows(a.doc));
    // The materialiser is asked after the updates are stored (debounced).
    await until(() => hub.materialisations > 0, 'the materialiser to be asked');
    a.provider.destroy();
    b.provider.destroy();
  });

  it('edits made offline merge on reconnect, nothing lost', async () => {
    const hub = new MemoryHub();
    const base = baseDoc();
    const a = client(hub, base, 'a');
    const b = client(hub, base, 'b');
    await until(() => a.provider.status === 'connected' && b.provider.status === 'connected', 'connect');
    b.setOnline(false);
    a.subject().insert(0, 'online ');
    b.subject().insert(0, 'offline ');
    b.doc.transact(() => insertStage(b.doc, newStageRow('00000000-0000-4000-8000-0000000000a2'), 5));
    await new Promise((r) => setTimeout(r, 30));
    expect(a.subject().toString()).toBe('online ');
    b.setOnline(true);
    await until(() => a.subject().toString().length === 15 && docToRows(a.doc).stages.length === 2, 'merge');
    expect(docToRows(a.doc)).toEqual(docToRows(b.doc));
    await until(() => !b.provider.unsaved, 'b saved');
    a.provider.destroy();
    b.provider.destroy();
  });

  it('ignores messages for another sequence and malformed updates', async () => {
    const hub = new MemoryHub();
    const base = baseDoc();
    const a = client(hub, base, 'a');
    const evil = hub.transport().factory(
      () => {},
      () => {},
    );
    await until(() => a.provider.status === 'connected', 'connect');
    const before = docToRows(a.doc);
    evil.send('sync', { seq: '00000000-0000-4000-8000-0000000000bb', m: 'AAE=' });
    evil.send('sync', { seq: SEQ, m: 'AAIFAQIDBAU=' });
    evil.send('sync', { seq: SEQ, m: '!!!' });
    evil.send('sync', { seq: SEQ, chunk: { id: 'x', i: 9, n: 2 }, m: 'AA' });
    await until(() => a.provider.refused === 4, 'refusals');
    expect(docToRows(a.doc)).toEqual(before);
    a.provider.destroy();
  });

  it('splits a large update into chunks under the payload budget and joins them on arrival', async () => {
    const hub = new MemoryHub();
    const base = baseDoc();
    const a = client(hub, base, 'a', 10_000);
    const b = client(hub, base, 'b', 10_000);
    await until(() => a.provider.status === 'connected' && b.provider.status === 'connected', 'connect');
    const sentBefore = hub.sent;
    a.subject().insert(0, 'x'.repeat(25_000));
    await until(() => b.subject().length === 25_000, 'large update');
    expect(hub.sent - sentBefore).toBeGreaterThanOrEqual(3);
    a.provider.destroy();
    b.provider.destroy();
  });

  it('sends a lone edit at once and merges the edits that follow it within the window', async () => {
    const hub = new MemoryHub();
    const base = baseDoc();
    const a = client(hub, base, 'a', undefined, 1000);
    const b = client(hub, base, 'b');
    await until(() => a.provider.status === 'connected' && b.provider.status === 'connected', 'connect');
    await new Promise((r) => setTimeout(r, 50));
    const before = hub.sent;
    a.subject().insert(0, 'H');
    // No window to wait for: it leaves in the same turn of the event loop.
    await Promise.resolve();
    expect(hub.sent).toBe(before + 1);
    for (const ch of 'ello') a.subject().insert(a.subject().length, ch);
    await Promise.resolve();
    expect(hub.sent).toBe(before + 1);
    // The four that followed within the window leave together when it ends.
    await until(() => b.subject().toString() === 'Hello', 'the merged edits');
    expect(hub.sent).toBe(before + 2);
    a.provider.destroy();
    b.provider.destroy();
  });
});
