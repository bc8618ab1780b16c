// Second pass of the extension build: the content script as one classic (IIFE) file, which is
// what Chrome runs in a page. It imports only the pure profile reader and its field rules.
import path from 'node:path';
import { defineConfig } from 'vite';
import { aliases } from './vite.config.ts';

export default defineConfig({
  root: import.meta.dirname,
  resolve: { alias: aliases },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'chrome120',
    minify: false,
    lib: {
      entry: path.join(import.meta.dirname, 'src/content.ts'),
      formats: ['iife'],
      name: 'outreachProfileReader',
      fileName: () => 'content.js',
    },
  },
});
