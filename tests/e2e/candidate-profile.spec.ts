// Issue 14: a candidate's profile — a row of the Candidates list opens it; the activity
// timeline shows replies with their text (as text, never markup), newest first; and More →
// Manage subscriptions is saved, logged on the timeline and refuses the next enrolment (S7).
import { expect, test, type Page } from '@playwright/test';
import { closeDb, db } from '../integration/helpers/factories.ts';
import { findAndTick } from './helpers/enrol.ts';

test.afterAll(closeDb);

async function signIn(page: Page) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('orgadmin@acme.test');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
}

/**
 * The seed candidates have no "reason for outreach", which the Berlin outreach template uses:
 * a draft missing a token value cannot start (the rule the sequence manager uses too), so the
 * tests that start one fill the value first, as a recruiter would on the profile.
 */
async function fillReason(first: string, last: string) {
  await db().query(
    `update public.candidates set reason_for_outreach = 'your Go work at scale'
     where first_name = $1 and last_name = $2 and reason_for_outreach is null`,
    [first, last],
  );
}

async function openProfile(page: Page, search: string, name: string) {
  await page.getByRole('link', { name: 'Candidates' }).click();
  await page.getByRole('searchbox', { name: 'Search candidates' }).fill(search);
  await expect(page.getByRole('status').filter({ hasText: search })).toHaveText(/^1 candidate matches/);
  await page.getByRole('table', { name: 'Candidates' }).getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('a reply shows on the profile with its text, newest first, and markup in it stays text', async ({ page }) => {
  // Amelia Novak (seed) replies, as the inbound pipeline stores it: body_text is what she wrote.
  const { rows } = await db().query(
    `select id, organization_id from public.candidates where email = 'amelia.novak191@outlook.com'`,
  );
  const cand = rows[0] as { id: string; organization_id: string };
  const text = 'Sounds good <img src=x onerror="document.title=\'pwned\'"> — call me on Friday';
  await db().query(
    `insert into public.replies (organization_id, candidate_id, from_email, subject, body_text, matched_by, received_at)
     values ($1, $2, 'amelia.novak191@outlook.com', 'Re: hello', $3, 'manual', now())`,
    [cand.organization_id, cand.id, text],
  );

  await signIn(page);
  await openProfile(page, 'amelia.novak191', 'Amelia Novak');
  const timeline = page.getByRole('list', { name: 'Activity, newest first' });
  const first = timeline.getByRole('listitem').first();
  await expect(first).toContainText('Replied');
  await expect(first.locator('blockquote')).toHaveText(text);
  await expect(timeline.locator('img')).toHaveCount(0);
  await expect(page).not.toHaveTitle('pwned');
});

test('manage subscriptions: unsubscribing is saved, logged on the timeline live, and refuses the next enrolment', async ({
  page,
}) => {
  await signIn(page);
  await openProfile(page, 'Aarav Weber', 'Aarav Weber');
  await expect(page.getByTestId('subscription-state')).toContainText('Current outreach: subscribed');

  await page.getByRole('button', { name: /More/ }).click();
  await page.getByRole('menuitem', { name: 'Manage subscriptions' }).click();
  const dialog = page.getByRole('dialog', { name: 'Manage subscriptions' });
  await expect(dialog.getByRole('checkbox', { name: 'Current outreach' })).toBeChecked();
  await dialog.getByRole('checkbox', { name: 'Current outreach' }).uncheck();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId('subscription-state')).toContainText('Current outreach: unsubscribed');
  await expect(page.getByTestId('subscription-state')).toContainText('New roles: subscribed');
  await expect(page.getByRole('list', { name: 'Activity, newest first' }).getByRole('listitem').first()).toContainText(
    'Unsubscribed from current outreach; subscribed to new roles (changed by a user)',
  );

  await page.goto('/sequences/5e000000-0000-4000-8000-000000000001');
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const enrol = page.getByRole('dialog', { name: /Enrol candidates/ });
  await findAndTick(enrol, 'Aarav Weber', 'Aarav Weber');
  await enrol.getByRole('button', { name: 'Edit 1 sequence' }).click();
  await expect(enrol.getByText(/0 ready to start, 1 blocked/)).toBeVisible();
  await expect(enrol.getByRole('listitem').filter({ hasText: 'Aarav Weber' })).toContainText(/unsubscribed/i);
});

test('enrolling from the profile: a personalised draft closed without starting stays on the profile and starts from there', async ({
  page,
}) => {
  await fillReason('Amelia', 'Dubois');
  await signIn(page);
  await openProfile(page, 'Amelia Dubois', 'Amelia Dubois');
  await page.getByRole('button', { name: /More/ }).click();
  await page.getByRole('menuitem', { name: 'Enroll in sequence' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enroll Amelia Dubois in a sequence' });
  await dialog.getByLabel('Sequence').selectOption({ label: 'Backend Engineers – Berlin outreach' });
  await dialog.getByRole('button', { name: 'Review stages' }).click();

  const first = dialog.getByRole('group', { name: /^Stage 1/ });
  await first.getByLabel('Subject').fill('A Berlin backend role for you, Amelia');
  await dialog.getByRole('button', { name: 'Save draft' }).click();
  await expect(dialog).toBeHidden();

  // The draft is on the profile, also after a reload, with what was personalised.
  await page.reload();
  const sequences = page.getByRole('region', { name: 'Sequences' });
  await expect(
    sequences.getByRole('listitem').filter({ hasText: 'Backend Engineers – Berlin outreach' }),
  ).toContainText('Draft');
  await sequences.getByRole('button', { name: 'Open draft Backend Engineers – Berlin outreach' }).click();
  const reopened = page.getByRole('dialog', { name: 'Enroll Amelia Dubois in a sequence' });
  await expect(reopened.getByRole('group', { name: /^Stage 1/ }).getByLabel('Subject')).toHaveValue(
    'A Berlin backend role for you, Amelia',
  );
  await reopened.getByRole('button', { name: 'Start 1 sequence' }).click();
  await expect(reopened.getByRole('status')).toHaveText(
    'Started “Backend Engineers – Berlin outreach” for Amelia Dubois.',
  );
  await reopened.getByRole('button', { name: 'Done' }).click();

  await expect(
    sequences.getByRole('listitem').filter({ hasText: 'Backend Engineers – Berlin outreach' }),
  ).toContainText('In progress');
  await expect(page.getByRole('list', { name: 'Activity, newest first' })).toContainText('Sequence started');
});

test('archiving a candidate on a job warns which running sequences it cancels, then cancels them', async ({ page }) => {
  await fillReason('Amelia', 'Novak');
  await signIn(page);
  await openProfile(page, 'amelia.novak191', 'Amelia Novak');
  // Put her in a running sequence first, from the profile.
  await page.getByRole('button', { name: /More/ }).click();
  await page.getByRole('menuitem', { name: 'Enroll in sequence' }).click();
  const enrol = page.getByRole('dialog', { name: 'Enroll Amelia Novak in a sequence' });
  await enrol.getByLabel('Sequence').selectOption({ label: 'Backend Engineers – Berlin outreach' });
  await enrol.getByRole('button', { name: 'Review stages' }).click();
  await enrol.getByRole('button', { name: 'Start 1 sequence' }).click();
  await expect(enrol.getByRole('status')).toContainText('Started');
  await enrol.getByRole('button', { name: 'Done' }).click();
  const sequences = page.getByRole('region', { name: 'Sequences' });
  const backend = sequences.getByRole('listitem').filter({ hasText: 'Backend Engineers – Berlin outreach' });
  await expect(backend).toContainText('In progress');

  await page
    .getByRole('region', { name: 'Jobs' })
    .getByRole('button', { name: 'Archive on Senior Backend Engineer' })
    .click();
  const confirm = page.getByRole('alertdialog', { name: /Archive Amelia Novak on “Senior Backend Engineer”/ });
  await expect(confirm.getByRole('list', { name: 'Sequences that will be cancelled' })).toHaveText(
    'Backend Engineers – Berlin outreach',
  );
  await confirm.getByLabel('Reason').fill('Hired elsewhere');
  await confirm.getByRole('button', { name: 'Archive and cancel' }).click();
  await expect(confirm).toBeHidden();

  await expect(page.getByRole('region', { name: 'Jobs' })).toContainText('archived: Hired elsewhere');
  await expect(backend).toContainText('Cancelled');
  await expect(backend).toContainText('candidate archived');
});

test("the draft editor shows each stage with the candidate's own values, live, and names the values that are missing", async ({
  page,
}) => {
  // Valentina Nguyen (seed: Personio, no reason for outreach), Product Design – portfolio intro
  // (sent by Adam Brandt): "Your portfolio, {{candidate.first_name}}" / "Hi {{candidate.first_name}}, …".
  await signIn(page);
  await openProfile(page, 'Valentina Nguyen', 'Valentina Nguyen');
  await page.getByRole('button', { name: /More/ }).click();
  await page.getByRole('menuitem', { name: 'Enroll in sequence' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enroll Valentina Nguyen in a sequence' });
  await dialog.getByLabel('Sequence').selectOption({ label: 'Product Design – portfolio intro' });
  await dialog.getByRole('button', { name: 'Review stages' }).click();

  const first = dialog.getByRole('group', { name: /^Stage 1/ });
  // The form keeps the tokens; the preview shows what Valentina will read.
  await expect(first.getByLabel('Body')).toHaveText(/^Hi Candidate first name,/);
  const preview = first.getByRole('region', { name: 'As Valentina Nguyen gets it' });
  await expect(preview).toContainText('Your portfolio, Valentina');
  await expect(preview).toContainText('Hi Valentina,');
  await expect(preview).toContainText('Your design work at Personio stood out');
  await expect(preview).toContainText('Adam Brandt');
  await expect(preview).not.toContainText('{{');
  await expect(preview.getByRole('list', { name: 'Token problems' })).toHaveCount(0);

  // A token whose value she lacks is named; one she has renders as typed.
  await first
    .getByLabel('Subject')
    .fill('{{candidate.reason_for_outreach}}: {{candidate.first_name}} at {{candidate.company}}');
  await expect(preview).toContainText(': Valentina at Personio');
  await expect(preview.getByRole('list', { name: 'Token problems' })).toContainText(
    'No value for Reason for outreach ({{candidate.reason_for_outreach}}), used in the subject',
  );
});

test("the profile's dialogs give focus back to More, never drop changes without asking, and are full-width sheets at 390 px", async ({
  page,
}, info) => {
  const { rows } = await db().query<{ id: string }>(
    `with c as (
       insert into public.candidates (organization_id, first_name, last_name, email, company, title)
       values ('0a000000-0000-4000-8000-000000000001', 'Dana', 'Sheets', $1, 'Acme', 'Engineer')
       returning id)
     insert into public.considerations (organization_id, candidate_id, job_id)
     select '0a000000-0000-4000-8000-000000000001', id, '0a000000-0000-4000-8000-0000000000b2' from c
     returning candidate_id as id`,
    [`dana.sheets.${Date.now()}@example.test`],
  );
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page);
  await page.goto(`/candidates/${rows[0]!.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Dana Sheets' })).toBeVisible();
  // "Save notes" is a button of its own width, not a bar across the card.
  const saveNotes = page.getByRole('button', { name: 'Save notes' });
  expect((await saveNotes.boundingBox())!.width).toBeLessThan(200);
  await page.screenshot({ path: info.outputPath('1366-profile.png'), fullPage: true });
  const more = page.getByRole('button', { name: /More/ });
  const discard = page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });

  // Manage subscriptions: a changed choice is not dropped by Escape or Cancel without asking.
  await more.click();
  await page.getByRole('menuitem', { name: 'Manage subscriptions' }).click();
  const subs = page.getByRole('dialog', { name: 'Manage subscriptions' });
  await subs.getByRole('checkbox', { name: 'Outreach about new roles' }).uncheck();
  await page.screenshot({ path: info.outputPath('1366-subscriptions.png') });
  await page.keyboard.press('Escape');
  await expect(discard).toContainText('the subscription choices you changed');
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(subs.getByRole('checkbox', { name: 'Outreach about new roles' })).not.toBeChecked();
  await subs.getByRole('button', { name: 'Cancel' }).click();
  await discard.getByRole('button', { name: 'Discard and close' }).click();
  await expect(subs).toBeHidden();
  await expect(more).toBeFocused();
  await expect(page.getByTestId('subscription-state')).toContainText('New roles: subscribed');

  // Enroll: personalised stages are not dropped without asking; Save draft closes at once.
  await more.click();
  await page.getByRole('menuitem', { name: 'Enroll in sequence' }).click();
  const enrol = page.getByRole('dialog', { name: 'Enroll Dana Sheets in a sequence' });
  await enrol.getByLabel('Sequence').selectOption({ label: 'Product Design – portfolio intro' });
  await enrol.getByRole('button', { name: 'Review stages' }).click();
  const subject = enrol.getByRole('group', { name: /^Stage 1/ }).getByLabel('Subject');
  await subject.fill('Your portfolio, Dana');
  await page.keyboard.press('Escape');
  await expect(discard).toContainText('your personalised stages for “Product Design – portfolio intro”');
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(subject).toHaveValue('Your portfolio, Dana');
  await page.screenshot({ path: info.outputPath('1366-enrol.png') });
  await enrol.getByRole('button', { name: 'Save draft' }).click();
  await expect(enrol).toBeHidden();
  await expect(more).toBeFocused();

  // A saved draft reopened without edits closes on Escape without asking.
  const open = page.getByRole('region', { name: 'Sequences' }).getByRole('button', {
    name: 'Open draft Product Design – portfolio intro',
  });
  await open.click();
  await expect(subject).toHaveValue('Your portfolio, Dana');
  await page.keyboard.press('Escape');
  await expect(enrol).toBeHidden();
  await expect(discard).toBeHidden();
  await expect(open).toBeFocused();

  // Archive asks first, as an alert dialog; Keep changes nothing.
  const archive = page
    .getByRole('region', { name: 'Jobs' })
    .getByRole('button', { name: 'Archive on Product Designer' });
  await archive.click();
  const confirm = page.getByRole('alertdialog', { name: 'Archive Dana Sheets on “Product Designer”?' });
  await expect(confirm.getByLabel('Reason')).toBeVisible();
  await page.screenshot({ path: info.outputPath('1366-archive.png') });
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await expect(confirm).toBeHidden();
  await expect(archive).toBeFocused();

  // At 390 px the sheets fill the screen and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const fullWidth = async (dialog: typeof subs, shot: string) => {
    const box = (await dialog.boundingBox())!;
    const width = await page.evaluate(() => document.documentElement.clientWidth);
    expect(box.x).toBe(0);
    expect(box.width).toBe(width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: info.outputPath(`390-${shot}.png`) });
  };
  await more.click();
  await page.getByRole('menuitem', { name: 'Manage subscriptions' }).click();
  await expect(subs.getByRole('button', { name: 'Save' })).toBeInViewport();
  await fullWidth(subs, 'subscriptions');
  await page.keyboard.press('Escape');
  await expect(subs).toBeHidden();
  await open.click();
  await expect(subject).toHaveValue('Your portfolio, Dana');
  await expect(enrol.getByRole('button', { name: 'Start 1 sequence' })).toBeInViewport();
  await fullWidth(enrol, 'enrol');
  await page.keyboard.press('Escape');
  await expect(enrol).toBeHidden();
  await archive.click();
  await expect(confirm.getByRole('button', { name: 'Archive and cancel' })).toBeInViewport();
  await page.screenshot({ path: info.outputPath('390-archive.png') });
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await expect(page.getByRole('region', { name: 'Jobs' })).not.toContainText('archived');
});
