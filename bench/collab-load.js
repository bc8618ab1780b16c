// How to load a stored sequence document of a snapshot + 5,000 small updates (the cold-open
// shape of bench/collab-browser.js), in Node, three runs each (issue 12, cold open):
//   1. one Y.applyUpdate (one transaction) per update, then re-encode into the editor's doc
//      (what the editor did before);
//   2. Y.mergeUpdates of all of them, applied once;
//   3. all of them inside one transaction, each checked by decoding first, then re-encoded into
//      the editor's doc (what the editor and the materialiser do now: applyUpdatesSafely).
//   node bench/collab-load.js > bench/results/collab-load.txt
import os from 'node:os';
import * as Y from 'yjs';

const doc = new Y.Doc();
const stages = doc.getMap('stages');
const ids = [];
doc.transact(() => {
  for (let i = 0; i < 10; i++) {
    const s = new Y.Map();
    ids.push(`s${i}`);
    stages.set(`s${i}`, s);
    const subject = new Y.Text();
    s.set('subject', subject);
    subject.insert(0, `Stage ${i + 1}`);
    const body = new Y.XmlFragment();
    s.set('body', body);
    const p = new Y.XmlElement('paragraph');
    body.insert(0, [p]);
    const t = new Y.XmlText();
    p.insert(0, [t]);
    t.insert(0, 'Hello');
  }
});
const snapshot = Y.encodeStateAsUpdate(doc);
const updates = [];
doc.on('update', (u) => updates.push(u));
for (let k = 0; k < 5000; k++) {
  const s = stages.get(ids[k % 10]);
  if (k % 2) s.get('subject').insert(s.get('subject').length, 'x');
  else s.get('body').get(0).get(0).insert(0, 'y');
}
const all = [snapshot, ...updates];
const expected = JSON.stringify(stages.toJSON());

const ways = {
  'one transaction per update (before)': () => {
    const server = new Y.Doc();
    for (const u of all) Y.applyUpdate(server, u);
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.encodeStateAsUpdate(server));
    return d;
  },
  'Y.mergeUpdates, applied once': () => {
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.mergeUpdates(all));
    return d;
  },
  'one transaction for all, each decoded first (now)': () => {
    const server = new Y.Doc();
    server.transact(() => {
      for (const u of all) {
        Y.decodeUpdate(u);
        Y.applyUpdate(server, u);
      }
    });
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.encodeStateAsUpdate(server));
    return d;
  },
};

const lines = [];
for (const [name, load] of Object.entries(ways)) {
  const runs = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const d = load();
    runs.push(performance.now() - t0);
    if (JSON.stringify(d.getMap('stages').toJSON()) !== expected) throw new Error(`${name}: wrong document`);
  }
  lines.push(`  ${name.padEnd(52)} ${runs.map((x) => x.toFixed(0).padStart(5)).join(' ')}`);
}
console.log(`date:    ${new Date().toISOString()}
nproc:   ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'})
node:    ${process.version}
load:    ${os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ')} (1/5/15 min, at the end; the machine is shared)
setup:   snapshot of 10 stages + 5,000 one-character updates, loaded into a fresh Y.Doc; same document each way

loading the stored document, ms (3 runs)
${lines.join('\n')}`);
