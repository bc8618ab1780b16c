import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // SPA mode: every route falls back to index.html; the app talks to Supabase from the browser.
    adapter: adapter({ fallback: 'index.html' }),
    // Pure TypeScript shared with the edge functions lives where `supabase functions deploy`
    // bundles it (supabase/functions/_shared); the SPA imports it as $shared/….
    alias: { $shared: 'supabase/functions/_shared' },
    typescript: {
      // svelte-check and the type-aware lint rules see the shared modules the SPA imports.
      config: (tsconfig) => {
        for (const dir of ['email', 'replies', 'ai', 'collab']) {
          tsconfig.include.push(`../supabase/functions/_shared/${dir}/**/*.ts`);
        }
      },
    },
  },
};

export default config;
