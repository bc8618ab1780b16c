// S5/S6 end to end: enrol → the engine sends → the candidate replies from the mail catcher's
// inbox page → the sequence stops and the lead is in the linked job's Replied stage.
// The first test drives enrolment and sending through the RPC and the function and checks the
// database; the second does it all as people do — a recruiter enrols from the sequence page
// and watches the board while the candidate replies from the inbox, without reloading.
import { expect, test } from '@playwright/test';
import { findAndTick } from './helpers/enrol.ts';
import { invokeSender, messagesTo, waitFor } from '../integration/helpers/sending.ts';
import { closeDb, enrolAndSend, row } from './helpers/inbound.ts';

test.afterAll(closeDb);

test('a reply sent from the inbox stops the sequence and moves the lead to Replied', async ({ page }) => {
  const sent = await enrolAndSend('Rita');
  await page.goto(`${process.env.MAIL_URL}/messages/${encodeURIComponent(sent.message.id)}`);
  await expect(page.getByRole('heading', { name: sent.message.subject })).toBeVisible();

  const actions = page.getByRole('region', { name: 'Act as the candidate' });
  await actions.getByLabel('Reply text').fill('Happy to talk — how about Thursday?');
  await actions.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('status')).toHaveText('Reply delivered');

  expect(
    await row(`select status::text, end_reason, response_status::text from public.enrollments where id = $1`, [
      sent.enrollmentId,
    ]),
  ).toEqual({ status: 'completed', end_reason: 'replied', response_status: 'replied' });
  expect(
    await row(
      `select js.kind::text from public.considerations c join public.job_stages js on js.id = c.stage_id
                    where c.candidate_id = $1 and c.job_id = $2`,
      [sent.candidateId, sent.jobId],
    ),
  ).toEqual({ kind: 'replied' });
  expect(await row(`select body_display from public.replies where enrollment_id = $1`, [sent.enrollmentId])).toEqual({
    body_display: 'Happy to talk — how about Thursday?',
  });
  // The follow-up stage will never send.
  expect(
    await row(
      `select status::text, end_reason from public.enrollment_stages where enrollment_id = $1 and position = 1`,
      [sent.enrollmentId],
    ),
  ).toEqual({ status: 'cancelled', end_reason: 'replied' });
});

test('a recruiter watching the sequence sees the candidate move to Replied without reloading when the reply arrives', async ({
  page,
  context,
}) => {
  // Product Design's first email has no send window, so it goes out as soon as the engine runs.
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('admin@acme.test');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  await page.goto('/sequences/5e000000-0000-4000-8000-000000000002');
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  await findAndTick(dialog, 'Charlotte Dubois', 'Charlotte Dubois');
  await dialog.getByRole('button', { name: 'Edit 1 sequence' }).click();
  await dialog.getByRole('button', { name: 'Start 1' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();
  const replied = page.getByRole('tab', { name: /Replied/ });
  const before = Number(await replied.locator('.count').innerText());

  // The scheduler runs (as pg_cron does each minute); the email reaches the candidate.
  expect((await invokeSender()).status).toBe(200);
  const email = 'charlotte.dubois177@proton.me';
  // The newest message: a stack that was not reset may hold Charlotte's emails from earlier runs.
  const message = await waitFor(async () => (await messagesTo(email)).at(-1) ?? null, 15_000, 'the first email');
  await expect(page.getByRole('row').filter({ hasText: 'Charlotte Dubois' })).toContainText('1 of 2 sent');

  // The candidate answers from the inbox, in another tab.
  const inbox = await context.newPage();
  await inbox.goto(`${process.env.MAIL_URL}/messages/${encodeURIComponent(message.id)}`);
  const actions = inbox.getByRole('region', { name: 'Act as the candidate' });
  await actions.getByLabel('Reply text').fill('Sounds great, send me the brief.');
  await actions.getByRole('button', { name: 'Send reply' }).click();
  await expect(inbox.getByRole('status')).toHaveText('Reply delivered');

  // Back on the untouched sequence page: the board followed the change live.
  await expect.poll(async () => Number(await replied.locator('.count').innerText())).toBe(before + 1);
  await replied.click();
  await expect(page.getByRole('row').filter({ hasText: 'Charlotte Dubois' })).toBeVisible();
});
