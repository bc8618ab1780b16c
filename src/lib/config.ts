// Where the SPA finds Supabase. Vite inlines PUBLIC_* variables at build time; the defaults are
// the local stack's (`npm start`), so a plain `vite dev` works against it too.
export const SUPABASE_URL: string = import.meta.env.PUBLIC_SUPABASE_URL ?? 'http://127.0.0.1:54321';

/** The public anon key (safe in the browser: RLS decides what it can do). */
export const SUPABASE_ANON_KEY: string =
  import.meta.env.PUBLIC_SUPABASE_ANON_KEY ??
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
