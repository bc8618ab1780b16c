import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  envPrefix: 'PUBLIC_',
  server: {
    // The local stack keeps its database, Deno cache and caught mail in .local/: never reload the app for
    // those (supabase/functions/_shared is watched: the SPA imports it).
    watch: {
      ignored: [
        '**/.local/**',
        '**/supabase/migrations/**',
        '**/supabase/tests/**',
        '**/packages/**',
        '**/bench/**',
        '**/tests/**',
      ],
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'extension/src/**/*.test.ts',
            'scripts/**/*.test.js',
            'supabase/functions/_shared/**/*.test.ts',
            'tests/functions/**/*.test.ts',
            'packages/local-supabase/**/*.test.js',
          ],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // The suites share one local stack; running files one after another keeps the
          // 2-core machine's timings honest and the data of one suite out of another's way.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The stand-in's own conformance tests (supabase-js against the stack it serves).
          name: 'local-supabase',
          include: ['packages/local-supabase/tests/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
