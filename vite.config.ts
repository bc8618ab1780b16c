import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  envPrefix: 'PUBLIC_',
  server: {
    fs: { allow: ['local'] },
    // The local stack keeps its database, Deno cache and caught mail in .local/: never reload the app for those.
    watch: { ignored: ['**/.local/**', '**/supabase/**', '**/bench/**', '**/tests/**'] },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'supabase/functions/_shared/**/*.test.ts',
            'tests/functions/**/*.test.ts',
            'local/**/*.test.js',
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
    ],
  },
});
