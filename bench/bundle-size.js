// Initial JavaScript of the app vs the lazily loaded template editor (issue 12: the app stays
// < 200 KB gzip with the editor loaded lazily). Reads the Vite manifest of a production build
// and gzips each chunk (level 9). "Initial" = what opening Sourcing → Sequences loads: the
// client entry, the app, the root and (app) layouts and the sequences list page, with every
// static import. "Editor" = what /sequences/<id>/edit adds on top: its route node and the
// dynamically imported SequenceEditor with its static imports (Tiptap, Yjs, y-indexeddb …).
//
//   npx vite build && node bench/bundle-size.js > bench/results/bundle-size.txt
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const out = '.svelte-kit/output/client';
const manifest = JSON.parse(fs.readFileSync(path.join(out, '.vite/manifest.json'), 'utf8'));
const app = fs.readFileSync('.svelte-kit/generated/client-optimized/app.js', 'utf8');

/** Route id → node indexes (layouts and page) from the generated client app. */
function nodesOf(route) {
  const m = new RegExp(`"${route.replace(/[[\]()/]/g, '\\$&')}": \\[(-?\\d+),\\[([\\d,]*)\\]`).exec(app);
  if (!m) throw new Error(`route ${route} not found`);
  return [0, ...m[2].split(',').filter(Boolean).map(Number), Number(m[1])];
}

function closure(keys) {
  const seen = new Set();
  const visit = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    for (const i of manifest[k]?.imports ?? []) visit(i);
  };
  keys.forEach(visit);
  return seen;
}

const gz = (file) => zlib.gzipSync(fs.readFileSync(path.join(out, file)), { level: 9 }).length;
const raw = (file) => fs.statSync(path.join(out, file)).size;
const size = (keys) => {
  let g = 0;
  let r = 0;
  for (const k of keys) {
    const f = manifest[k].file;
    if (!f.endsWith('.js')) continue;
    g += gz(f);
    r += raw(f);
  }
  return { g, r, n: [...keys].filter((k) => manifest[k].file.endsWith('.js')).length };
};

const nodeKey = (i) => `.svelte-kit/generated/client-optimized/nodes/${i}.js`;
const initialKeys = closure([
  'node_modules/@sveltejs/kit/src/runtime/client/entry.js',
  '.svelte-kit/generated/client-optimized/app.js',
  ...nodesOf('/(app)/sequences').map(nodeKey),
]);
const editorAll = closure([
  ...nodesOf('/(app)/sequences/[id]/edit').map(nodeKey),
  'src/lib/components/editor/SequenceEditor.svelte',
]);
const editorKeys = new Set([...editorAll].filter((k) => !initialKeys.has(k)));

const initial = size(initialKeys);
const editor = size(editorKeys);
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
console.log(`date:    ${new Date().toISOString()}
nproc:   ${os.cpus().length} (${os.cpus()[0]?.model ?? '?'})
node:    ${process.version}
build:   vite build (adapter-static), gzip -9 per chunk

                                   chunks      raw     gzip
initial (Sequences list)           ${String(initial.n).padStart(6)} ${kb(initial.r).padStart(9)} ${kb(initial.g).padStart(9)}   ${initial.g < 200 * 1024 ? 'ok (< 200 KB)' : 'OVER 200 KB'}
editor, loaded lazily on top       ${String(editor.n).padStart(6)} ${kb(editor.r).padStart(9)} ${kb(editor.g).padStart(9)}
initial + editor                   ${String(initial.n + editor.n).padStart(6)} ${kb(initial.r + editor.r).padStart(9)} ${kb(initial.g + editor.g).padStart(9)}`);
