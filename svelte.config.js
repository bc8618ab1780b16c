import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // SPA mode: every route falls back to index.html; the app talks to Supabase from the browser.
    adapter: adapter({ fallback: 'index.html' }),
    alias: { $email: 'src/lib/email' },
  },
};

export default config;
