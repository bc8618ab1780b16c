// SPEC S12: the browser extension, loaded unpacked into Chromium as a person installs it. LinkedIn
// is played by the saved profile pages of tests/fixtures/linkedin/, served under linkedin.com
// paths; the extension (built into extension/dist for the test stack by `npm test`) reads them,
// talks to the test stack, and the email it starts arrives in the mail catcher.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { closeDb, db } from '../integration/helpers/factories.ts';
import { invokeSender, messagesTo, waitFor } from '../integration/helpers/sending.ts';
import { signedIn } from './helpers/reporting.ts';

const EXTENSION = path.resolve(import.meta.dirname, '../../extension/dist');
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/linkedin');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const PAGES: Record<string, string> = {
  'maria-gonzalez-4b2a1': 'classic.html',
  'priya-raman': 'top-card-2025.html',
  'bobby-tables': 'script-in-name.html',
};
const BACKEND = 'Backend Engineers – Berlin outreach';

let context: BrowserContext;
let extensionId: string;
let userDataDir: string;

test.beforeAll(async () => {
  // Each run meets these people for the first time (a re-run on the same stack included).
  await db().query(
    `update public.candidates set linkedin_url = null where linkedin_url like 'https://www.linkedin.com/in/%'
       and split_part(linkedin_url, '/', 5) = any($1)`,
    [Object.keys(PAGES)],
  );
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outreach-ext-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    headless: false,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      `--disable-extensions-except=${EXTENSION}`,
      `--load-extension=${EXTENSION}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  await context.route('https://www.linkedin.com/**', async (route) => {
    const slug = /\/in\/([^/?#]+)/.exec(new URL(route.request().url()).pathname)?.[1] ?? '';
    await route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: fixture(PAGES[slug] ?? 'not-a-profile.html'),
    });
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  extensionId = new URL(worker.url()).host;
});

test.afterAll(async () => {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  await closeDb();
});

/** A LinkedIn tab on `slug`'s profile, then the side panel (opened as a page) signed in as `email`. */
async function open(slug: string, email: string): Promise<{ linkedin: Page; panel: Page }> {
  for (const p of context.pages()) await p.close();
  const linkedin = await context.newPage();
  await linkedin.goto(`https://www.linkedin.com/in/${slug}/`);
  const panel = await context.newPage();
  await panel.goto(`chrome-extension://${extensionId}/sidepanel.html`);
  const signOut = panel.getByRole('button', { name: 'Sign out' });
  const signIn = panel.getByRole('form', { name: 'Sign in' });
  await expect(signOut.or(signIn)).toBeVisible();
  if (await signOut.isVisible()) await signOut.click();
  await signIn.getByLabel('Email').fill(email);
  await signIn.getByLabel('Password').fill('password123');
  await signIn.getByRole('button', { name: 'Sign in' }).click();
  await expect(signOut).toBeVisible();
  return { linkedin, panel };
}

const unique = (name: string) => `${name}.${Date.now().toString(36)}@candidates.test`;

test('a recruiter adds a LinkedIn profile as a candidate, reviews the stages and starts: the email arrives', async () => {
  test.setTimeout(90_000);
  const { panel } = await open('maria-gonzalez-4b2a1', 'hm@acme.test');
  await expect(panel.getByTestId('match')).toHaveText('Not a candidate yet: saving adds them.');
  await expect(panel.getByLabel('First name')).toHaveValue('Maria');
  await expect(panel.getByLabel('Company')).toHaveValue('Northwind Traders');
  await expect(panel.getByLabel('Title')).toHaveValue('Senior Backend Engineer');

  const email = unique('maria');
  await panel.getByLabel('Email', { exact: true }).fill(email);
  await panel.getByLabel('Template').selectOption({ label: BACKEND });
  // The template uses the reason for outreach, which is empty: marked, and Start would be refused.
  await expect(panel.getByText(/Reason for outreach.*used by template/)).toBeVisible();
  await expect(panel.getByRole('list', { name: 'Missing token values' })).toContainText('Reason for outreach');
  await panel.getByLabel(/Reason for outreach/).fill('Your talk on idempotent payment APIs');
  await expect(panel.getByRole('list', { name: 'Missing token values' })).toHaveCount(0);

  await panel.getByRole('button', { name: 'Review' }).click();
  await expect(panel.getByRole('heading', { name: 'Review the sequence for Maria Gonzalez' })).toBeVisible();
  await expect(panel.getByText(/^From .*; due /).first()).toBeVisible();
  // The body is the app's rich editor: the template's tokens are chips, its formatting kept.
  await expect(panel.getByLabel('Body of stage 1')).toContainText('Hi Candidate first name,');
  await panel.getByLabel('Subject of stage 1').fill('Payments at Acme, {{candidate.first_name}}?');
  await panel.getByText('Preview of stage 1').click();
  await expect(panel.getByTestId('preview').first()).toContainText('Your talk on idempotent payment APIs');
  await panel.getByRole('button', { name: 'Start sequence' }).click();
  await expect(panel.getByRole('status')).toContainText(`Started. The first message goes to ${email}`);
  await expect(panel.getByText(`In sequence “${BACKEND}” (running).`)).toBeVisible();

  // The enrolment is individual (no batch) and sends the edited subject.
  const { rows } = await db().query(
    `select e.id, e.batch_id from public.enrollments e join public.candidates c on c.id = e.candidate_id
      where c.email = $1 and c.linkedin_url = 'https://www.linkedin.com/in/maria-gonzalez-4b2a1/' and e.status = 'running'`,
    [email],
  );
  expect(rows).toHaveLength(1);
  expect(rows[0].batch_id).toBeNull();
  // Due now, whatever today's send window (the template sends on weekdays, 09:00–17:00 Berlin).
  await db().query(
    `update public.enrollment_stages set scheduled_at = now() - interval '1 second', send_window = null
      where enrollment_id = $1 and position = 0`,
    [rows[0].id],
  );
  expect((await invokeSender()).status).toBe(200);
  const message = await waitFor(async () => (await messagesTo(email))[0] ?? null, 15_000, 'the sent email');
  expect(message.subject).toBe('Payments at Acme, Maria?');
});

test('LinkedIn navigates to another profile without reloading: the panel follows; closing the review keeps a draft', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const { linkedin, panel } = await open('maria-gonzalez-4b2a1', 'hm@acme.test');
  await expect(panel.getByLabel('First name')).toHaveValue('Maria');
  // LinkedIn's single-page navigation: the URL changes by pushState and the DOM is replaced.
  const next = fixture('top-card-2025.html');
  await linkedin.evaluate((html) => {
    history.pushState({}, '', '/in/priya-raman/');
    document.body.innerHTML = new DOMParser().parseFromString(html, 'text/html').body.innerHTML;
  }, next);
  await expect(panel.getByLabel('First name')).toHaveValue('Priya');
  await expect(panel.getByLabel('Headline')).toHaveValue('Talent Partner — Engineering hiring at Fabrikam');

  const email = unique('priya');
  await panel.getByLabel('Email', { exact: true }).fill(email);
  await panel.getByLabel('Template').selectOption({ label: BACKEND });
  await panel.getByLabel(/Reason for outreach/).fill('Building a hiring team in Bengaluru');
  await panel.getByRole('button', { name: 'Review' }).click();
  await expect(panel.getByLabel('Subject of stage 1')).toBeVisible();
  await panel.getByRole('button', { name: 'Close without starting' }).click();
  await expect(panel.getByRole('status')).toContainText('The draft is kept on the candidate’s profile');
  await expect(panel.getByText(`Draft in “${BACKEND}” (draft, not started), to ${email}.`)).toBeVisible();

  // The draft is there for the app: visible through the API as this user, individual, not started.
  const { rows } = await db().query(
    `select e.status, e.batch_id from public.enrollments e join public.candidates c on c.id = e.candidate_id where c.email = $1`,
    [email],
  );
  expect(rows).toEqual([{ status: 'draft', batch_id: null }]);

  // …and on the candidate's profile in the app, where it can be opened and started later.
  const { rows: found } = await db().query<{ id: string }>(`select id from public.candidates where email = $1`, [
    email,
  ]);
  const app = await signedIn(browser, 'hm@acme.test');
  try {
    await app.goto(`/candidates/${found[0]!.id}`);
    await expect(app.getByRole('button', { name: `Open draft ${BACKEND}` })).toBeVisible();
    await expect(app.getByRole('button', { name: `Start draft ${BACKEND}` })).toBeVisible();
  } finally {
    await app.context().close();
  }
});

test('markup in a name stays text, oversized fields are refused, and an unknown page is said to be unrecognised', async () => {
  const { linkedin, panel } = await open('bobby-tables', 'hm@acme.test');
  let dialogs = 0;
  panel.on('dialog', () => dialogs++);
  await expect(panel.getByLabel('Last name')).toHaveValue('<script>alert(1)</script> Tables');
  await expect(panel.getByLabel('Headline')).toHaveValue(
    '<img src=x onerror="alert(2)"> Head of {{first_name}} at Initech',
  );
  await panel.getByLabel('Email', { exact: true }).fill(unique('bobby'));
  await panel.getByLabel('Template').selectOption({ label: BACKEND });
  await panel.getByLabel(/Reason for outreach/).fill('x'.repeat(4001));
  await expect(panel.getByRole('list', { name: 'Problems with the fields' })).toHaveText(
    'Reason for outreach is too long: 4001 characters, at most 4000.',
  );
  await expect(panel.getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
  expect(dialogs).toBe(0);

  await linkedin.goto('https://www.linkedin.com/feed/');
  await expect(panel.getByRole('status')).toContainText(
    'not recognised as a LinkedIn profile: fill the fields by hand',
  );
});

test('a user with limited access sees why they cannot enrol, and nothing to start', async () => {
  const { panel } = await open('maria-gonzalez-4b2a1', 'limited@acme.test');
  await expect(panel.getByRole('alert')).toContainText(
    'Your access level (limited) does not allow adding or enrolling candidates',
  );
  await expect(panel.getByRole('button', { name: 'Start', exact: true })).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Review' })).toHaveCount(0);
});
