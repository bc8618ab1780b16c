// SPEC S4: a LinkedIn stage becomes a task for the prompted user when it comes due; the user
// sends the personalised message on LinkedIn, marks it sent, and the sequence continues.
import { expect, test } from '@playwright/test';
import { findAndTick } from './helpers/enrol.ts';
import { closeDb } from '../integration/helpers/factories.ts';
import { invokeSender } from '../integration/helpers/sending.ts';

const DATA_SCIENCE = '/sequences/5e000000-0000-4000-8000-000000000005';

test.afterAll(closeDb);

test('a due LinkedIn connection stage shows on the Tasks page with the personalised note, and marking it sent continues the sequence', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('orgadmin@acme.test');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);

  // Enrol a data scientist the organisation admin may enrol, and start at once.
  await page.goto(DATA_SCIENCE);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  await findAndTick(dialog, 'Kenji Becker', 'Kenji Becker');
  await dialog.getByRole('button', { name: 'Edit 1 sequence' }).click();
  await dialog.getByRole('button', { name: 'Start 1' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Started 1 sequence.');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // The scheduler comes by (as pg_cron does every minute) and opens the task.
  const run = await invokeSender();
  expect(run.status).toBe(200);

  await page.getByRole('link', { name: 'Tasks' }).click();
  const task = page.getByRole('listitem', { name: 'Task for Kenji Becker' });
  await expect(task).toContainText('Send a LinkedIn connection request to Kenji Becker');
  await expect(task.locator('.message')).toContainText('Kenji');
  await expect(task.locator('.message')).not.toContainText('{{');
  await task.getByRole('button', { name: 'Mark sent' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Marked as sent to Kenji Becker' })).toBeVisible();
  await expect(task).toHaveCount(0);

  await page.goto(DATA_SCIENCE);
  await expect(page.getByRole('row').filter({ hasText: 'Kenji Becker' })).toContainText('1 of 4 sent');
});
