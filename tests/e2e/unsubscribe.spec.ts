// S7 in the browser: the candidate opens the unsubscribe link of a real sent email (found in
// the mail catcher), ticks what they no longer want, saves, and can come back to re-subscribe.
import { expect, test } from '@playwright/test';
import { closeDb, enrolAndSend, row } from './helpers/inbound.ts';

test.afterAll(closeDb);

test('a candidate unsubscribes from current outreach on the page and later re-subscribes', async ({ page }) => {
  const sent = await enrolAndSend('Uma');
  const mailUrl = process.env.MAIL_URL!;

  // The candidate reads the email in the inbox and follows its unsubscribe link.
  await page.goto(`${mailUrl}/messages/${encodeURIComponent(sent.message.id)}`);
  const link = page.getByRole('link', { name: 'Unsubscribe' });
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/functions\/v1\/unsubscribe\?token=/);
  await page.goto(href!);

  await expect(page.getByRole('heading', { name: 'Email preferences' })).toBeVisible();
  const group = page.getByRole('group', { name: 'Stop emails about…' });
  const current = group.getByRole('checkbox', { name: 'Current outreach' });
  const newRoles = group.getByRole('checkbox', { name: 'Outreach about new roles' });
  await expect(current).not.toBeChecked();
  await expect(newRoles).not.toBeChecked();

  await current.check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('You will not receive further emails about this outreach.');
  await expect(page.getByRole('checkbox', { name: 'Current outreach' })).toBeChecked();
  expect(
    await row(`select current_outreach, new_roles from public.subscriptions where candidate_id = $1`, [
      sent.candidateId,
    ]),
  ).toEqual({ current_outreach: false, new_roles: true });
  expect(
    await row(`select status::text, end_reason from public.enrollments where id = $1`, [sent.enrollmentId]),
  ).toEqual({ status: 'cancelled', end_reason: 'unsubscribed' });

  // Following the link again shows the choice and allows changing it back.
  await page.goto(href!);
  await expect(page.getByRole('checkbox', { name: 'Current outreach' })).toBeChecked();
  await page.getByRole('checkbox', { name: 'Current outreach' }).uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('You are subscribed to both kinds of emails.');
  expect(
    await row(`select current_outreach from public.subscriptions where candidate_id = $1`, [sent.candidateId]),
  ).toEqual({ current_outreach: true });
});

test('an altered unsubscribe link shows a polite explanation and changes nothing', async ({ page }) => {
  const sent = await enrolAndSend('Ulla');
  const header = sent.message.headers['List-Unsubscribe'] ?? '';
  const url = /<(https?:[^>]+)>/.exec(header)?.[1];
  expect(url).toBeTruthy();
  const broken = url!.replace(/token=(.)/, (_m, c: string) => `token=${c === 'A' ? 'B' : 'A'}`);
  const res = await page.goto(broken);
  expect(res?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  expect(
    await row(`select count(*)::int as n from public.subscriptions where candidate_id = $1`, [sent.candidateId]),
  ).toEqual({ n: 0 });
});
