// The demo organisation's logins, printed by `npm start`. supabase/seed.sql creates these users;
// keep both in step (a test checks that every login here can sign in).
/** @type {Array<{ email: string, password: string, description: string }>} */
export const DEMO_LOGINS = [];
