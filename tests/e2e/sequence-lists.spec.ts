// SPEC S1: what each person sees under Sourcing → Sequences is decided by the database's
// row-level security. Three demo users, three different lists, each written out from the matrix.
import { expect, test, type Page } from '@playwright/test';

async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
}

async function listedTitles(page: Page): Promise<string[]> {
  const table = page.getByRole('table', { name: 'Sequences' });
  await expect(table).toBeVisible();
  const titles = await table.locator('tbody tr td:first-child').allInnerTexts();
  return titles.map((t) => t.trim()).sort();
}

const SHARED = [
  'Backend Engineers – Berlin outreach',
  'Data Science community + LinkedIn',
  'Product Design – portfolio intro',
];

test('the organisation admin sees shared and personal sequences but not the confidential one', async ({ page }) => {
  await signIn(page, 'orgadmin@acme.test');
  expect(await listedTitles(page)).toEqual([...SHARED, "Hannah's warm follow-ups"].sort());
});

test('the creator of the confidential sequence sees it; an elevated analyst sees only shared ones', async ({
  page,
}) => {
  await signIn(page, 'adminprivate@acme.test');
  expect(await listedTitles(page)).toEqual([...SHARED, 'Head of Sales EMEA – confidential search'].sort());
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'analyst@acme.test');
  expect(await listedTitles(page)).toEqual([...SHARED].sort());
});

test('a limited user sees no sequences and is told so', async ({ page }) => {
  await signIn(page, 'limited@acme.test');
  await expect(page.getByText('There are no sequences you can see yet.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Sequences' })).toHaveCount(0);
});

test('a confidential sequence opened by link by someone else shows that it is not available', async ({ page }) => {
  await signIn(page, 'adminprivate@acme.test');
  await page.getByRole('link', { name: 'Head of Sales EMEA – confidential search' }).click();
  await expect(page.getByRole('heading', { name: 'Head of Sales EMEA – confidential search' })).toBeVisible();
  const url = page.url();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'orgadmin@acme.test');
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Sequence not available' })).toBeVisible();
});

test('search and the Mine filter narrow the list', async ({ page }) => {
  await signIn(page, 'hm@acme.test');
  await page.getByRole('searchbox', { name: 'Search sequences' }).fill('berlin');
  await expect.poll(() => listedTitles(page)).toEqual(['Backend Engineers – Berlin outreach']);
  await page.getByRole('searchbox', { name: 'Search sequences' }).fill('');
  await page.getByRole('radio', { name: 'Mine' }).check();
  await expect
    .poll(() => listedTitles(page))
    .toEqual(['Backend Engineers – Berlin outreach', "Hannah's warm follow-ups"]);
});
