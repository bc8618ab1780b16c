import { expect, test } from '@playwright/test';
import { DEMO_LOGINS } from '../../scripts/demo-logins.js';

const someone = DEMO_LOGINS[0];

test('a visitor is sent to sign-in and a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/sequences');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fsequences/);
  await page.getByLabel('Email').fill(someone?.email ?? 'nobody@acme.test');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
});

test('a demo user signs in against the local stack, lands on sequences and can sign out', async ({ page }) => {
  expect(someone, 'scripts/demo-logins.js lists the demo users').toBeTruthy();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(someone!.email);
  await page.getByLabel('Password').fill(someone!.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(someone!.email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
});
