/**
 * Convergence of the co-editing provider under a lossy network (issue 12): 3 clients make
 * 1,000 random concurrent edits each (subject, body, stage fields, add/move/delete stages)
 * while 5 % of broadcast messages are dropped and one client is offline for a third of the
 * run; then everyone is left to settle (resync + reconnect). Reports whether all documents are
 * identical and whether the stages materialised from the stored log equal each document.
 * In-memory transport and log (src/lib/collab/memory-hub.ts): this measures the protocol, not
 * the network. Run with Deno from the repository root:
 *
 *   node_modules/.bin/deno run --allow-sys --allow-read --allow-env bench/collab-convergence.ts > bench/results/collab-convergence.txt
 */
import * as Y from 'yjs';
import {
  docToRows,
  insertStage,
  newStageRow,
  orderBetween,
  orderedStageEntries,
  rowsToDoc,
  stagesMap,
} from '../supabase/functions/_shared/collab/doc.ts';
import { MemoryHub } from '../src/lib/collab/memory-hub.ts';
import { SequenceProvider } from '../src/lib/collab/provider.ts';

const CLIENTS = 3;
const EDITS = 1000;
const DROP = 0.05;
const SEQ = '00000000-0000-4000-8000-0000000000aa';

// Deterministic randomness so a run can be repeated.
let seed = 12;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hub = new MemoryHub();
hub.dropRate = DROP;
hub.random = rnd;
const base = new Y.Doc();
rowsToDoc(base, {
  title: 'Bench',
  stages: Array.from({ length: 3 }, (_, i) => ({ ...newStageRow(crypto.randomUUID()), subject: `Stage ${i}` })),
});
hub.log.push(Y.encodeStateAsUpdate(base));

const clients = Array.from({ length: CLIENTS }, (_, i) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const t = hub.transport();
  let online = true;
  const provider = new SequenceProvider({
    sequenceId: SEQ,
    doc,
    transport: t.factory,
    storage: hub.storage(() => online),
    user: { id: `u${i}`, name: `U${i}`, color: '#000000' },
    persistDebounceMs: 20,
    persistMaxWaitMs: 100,
    materialiseDebounceMs: 50,
    resyncMs: 250,
  });
  return {
    doc,
    provider,
    setOnline(v: boolean) {
      online = v;
      t.setOnline(v);
    },
  };
});

function randomEdit(doc: Y.Doc): void {
  const entries = orderedStageEntries(doc);
  const r = rnd();
  if (r < 0.03 || entries.length === 0) {
    const last = entries.at(-1);
    doc.transact(() =>
      insertStage(
        doc,
        newStageRow(crypto.randomUUID()),
        orderBetween(last?.[1].get('order') as number | undefined, undefined),
      ),
    );
    return;
  }
  const [id, stage] = pick(entries);
  if (r < 0.05 && entries.length > 1) {
    doc.transact(() => stagesMap(doc).delete(id));
  } else if (r < 0.08) {
    doc.transact(() => stage.set('order', rnd() * 10));
  } else if (r < 0.15) {
    doc.transact(() => stage.set('delayDays', Math.floor(rnd() * 30)));
  } else if (r < 0.5) {
    const subject = stage.get('subject') as Y.Text;
    if (rnd() < 0.8 || subject.length === 0)
      subject.insert(Math.floor(rnd() * (subject.length + 1)), pick(['a', 'b', 'c', ' ']));
    else subject.delete(Math.floor(rnd() * subject.length), 1);
  } else {
    const body = stage.get('body') as Y.XmlFragment;
    const para = body.get(0);
    if (!(para instanceof Y.XmlElement)) return;
    let text = para.get(0);
    doc.transact(() => {
      if (!(text instanceof Y.XmlText)) {
        text = new Y.XmlText();
        para.insert(0, [text]);
      }
      const t = text as Y.XmlText;
      if (rnd() < 0.85 || t.length === 0)
        t.insert(Math.floor(rnd() * (t.length + 1)), pick(['x', 'y', 'z', ' ']), rnd() < 0.1 ? { bold: {} } : {});
      else t.delete(Math.floor(rnd() * t.length), 1);
    });
  }
}

const t0 = performance.now();
const offlineFrom = Math.floor(EDITS / 3);
const offlineTo = Math.floor((2 * EDITS) / 3);
for (let step = 0; step < EDITS; step++) {
  if (step === offlineFrom) clients[2]?.setOnline(false);
  if (step === offlineTo) clients[2]?.setOnline(true);
  for (const c of clients) randomEdit(c.doc);
  // Let messages flow now and then, so edits are concurrent but not all at once.
  if (step % 5 === 0) await sleep(0);
}
const editsDone = performance.now();

// Settle: wait until every document is identical and nothing is left unsaved.
const same = () => {
  const first = JSON.stringify(docToRows(clients[0]!.doc));
  return clients.every((c) => JSON.stringify(docToRows(c.doc)) === first);
};
let settled = false;
for (let i = 0; i < 600 && !settled; i++) {
  await sleep(50);
  settled = same() && clients.every((c) => !c.provider.unsaved);
}
const settleMs = performance.now() - editsDone;

const stored = hub.storedDoc();
const materialisedEqual = JSON.stringify(docToRows(stored)) === JSON.stringify(docToRows(clients[0]!.doc));
const rows = docToRows(clients[0]!.doc);
for (const c of clients) c.provider.destroy();

const mem = (() => {
  try {
    return `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`;
  } catch {
    return 'unavailable (run with --allow-sys)';
  }
})();
console.log(`date:    ${new Date().toISOString()}
nproc:   ${navigator.hardwareConcurrency}
memory:  ${mem}
deno:    ${Deno.version.deno}
os:      ${Deno.build.os} ${Deno.build.arch}
setup:   ${CLIENTS} clients × ${EDITS} random edits (subject, body text, marks, stage fields, add/move/delete stages),
         ${DROP * 100} % of broadcast messages dropped, client 3 offline from edit ${offlineFrom} to ${offlineTo};
         resync every 250 ms (production default 15 s); in-memory transport and update log

messages sent:             ${hub.sent} (${hub.dropped} dropped)
edits made in:             ${(editsDone - t0).toFixed(0)} ms
settled after:             ${settleMs.toFixed(0)} ms
documents identical:       ${same() ? 'yes, 3/3' : 'NO'}
stored log rows:           ${hub.log.length}
materialised = document:   ${materialisedEqual ? 'yes' : 'NO'}
final stages:              ${rows.stages.length}, subject lengths ${rows.stages.map((s) => s.subject.length).join('/')}
result:                    ${same() && materialisedEqual ? 'ok' : 'FAILED'}`);
