// Builds the browser extension into extension/dist: the side panel (Svelte) and the service
// worker as ES modules, and manifest.json with the least permissions — the LinkedIn host and
// the API host given at build time (PUBLIC_SUPABASE_URL, as for the SPA). The content script
// is a classic script, so vite.content.config.ts builds it in a second pass.
import path from 'node:path';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { extensionManifest } from './manifest.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export const aliases = [
  // The extension keeps its session in chrome.storage, so it has its own client; everything
  // else of src/lib (api, state) and supabase/functions/_shared (email rules) is the app's own code.
  { find: /^\$lib\/supabase$/, replacement: path.join(import.meta.dirname, 'src/supabase.ts') },
  { find: /^\$lib\//, replacement: path.join(ROOT, 'src/lib') + '/' },
  { find: /^\$shared\//, replacement: path.join(ROOT, 'supabase/functions/_shared') + '/' },
];

function manifest(apiUrl: string): Plugin {
  return {
    name: 'extension-manifest',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'manifest.json',
        source: JSON.stringify(extensionManifest(apiUrl), null, 2),
      });
    },
  };
}

export default defineConfig(({ mode }) => {
  const env = { ...loadEnv(mode, ROOT, 'PUBLIC_'), ...process.env };
  const apiUrl = env.PUBLIC_SUPABASE_URL ?? 'http://127.0.0.1:54321';
  return {
    root: import.meta.dirname,
    envDir: ROOT,
    envPrefix: 'PUBLIC_',
    base: './',
    resolve: { alias: aliases },
    plugins: [
      svelte({ configFile: false, preprocess: vitePreprocess(), compilerOptions: { runes: true } }),
      manifest(apiUrl),
    ],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'chrome120',
      minify: false,
      rollupOptions: {
        input: {
          sidepanel: path.join(import.meta.dirname, 'sidepanel.html'),
          background: path.join(import.meta.dirname, 'src/background.ts'),
        },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          assetFileNames: 'assets/[name]-[hash][extname]',
        },
      },
    },
  };
});
