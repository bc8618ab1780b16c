// The demo organisation's logins, printed by `npm start`. supabase/seed.sql creates these users;
// keep both in step (a test checks that every login here can sign in).
/** @type {Array<{ email: string, password: string, description: string }>} */
export const DEMO_LOGINS = [
  { email: 'orgadmin@acme.test', password: 'password123', description: 'Acme Talent: organisation admin' },
  { email: 'admin@acme.test', password: 'password123', description: 'Acme Talent: admin' },
  {
    email: 'hm@acme.test',
    password: 'password123',
    description: 'Acme Talent: elevated, hiring manager on the open jobs',
  },
  {
    email: 'adminprivate@acme.test',
    password: 'password123',
    description: 'Acme Talent: elevated, admin_private on every job (owns the confidential sequence)',
  },
  {
    email: 'recruiter@acme.test',
    password: 'password123',
    description: 'Acme Talent: elevated, external recruiter (holds the link to a personal sequence)',
  },
  { email: 'analyst@acme.test', password: 'password123', description: 'Acme Talent: elevated, analyst' },
  { email: 'hiringteam@acme.test', password: 'password123', description: 'Acme Talent: elevated, hiring team member' },
  { email: 'limited@acme.test', password: 'password123', description: 'Acme Talent: limited access' },
  {
    email: 'agency@acme.test',
    password: 'password123',
    description: 'Acme Talent: agency user (behaves like limited)',
  },
  {
    email: 'owner@globex.test',
    password: 'password123',
    description: 'Globex Hiring (other organisation): organisation admin',
  },
  {
    email: 'recruiter@globex.test',
    password: 'password123',
    description: 'Globex Hiring (other organisation): elevated recruiter',
  },
];
