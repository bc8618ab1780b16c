import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: [
      'build/',
      '.svelte-kit/',
      'node_modules/',
      '.local/',
      'src/lib/database.types.ts',
      'supabase/functions/_shared/database.types.ts',
      'test-results/',
      'playwright-report/',
      // Deno code is checked by `deno lint`/`deno check`; the pure modules the SPA shares are linted here too.
      'supabase/functions/*',
      '!supabase/functions/_shared',
      'supabase/functions/_shared/*',
      '!supabase/functions/_shared/{email,replies,ai,collab}',
      'tests/fixtures/functions/**',
      'extension/**/vendor/**',
      'extension/dist/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Type-aware rules where TypeScript sees the code: promises must be awaited or handled.
    files: [
      'src/**/*.ts',
      'src/**/*.svelte',
      'tests/**/*.ts',
      'extension/**/*.ts',
      'extension/**/*.svelte',
      'supabase/functions/_shared/{email,replies,ai,collab}/**/*.ts',
    ],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
