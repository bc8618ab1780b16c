// SPA mode: no server rendering; the app runs in the browser against Supabase.
export const ssr = false;
export const prerender = false;
