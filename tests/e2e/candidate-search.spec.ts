// Issue 10: candidate search finds people by full name, "Last, First", part of a name, email
// and company — every typed word must match somewhere — and each step waits for the answer to
// the words it typed (older results are dimmed and marked busy until then).
import { expect, test, type Page } from '@playwright/test';

async function searchFor(page: Page, words: string): Promise<string[]> {
  await page.getByRole('searchbox', { name: 'Search candidates' }).fill(words);
  const status = page.getByRole('status').filter({ hasText: /match|Searching/ });
  await expect(status).toHaveText(new RegExp(`^\\d+ candidates? match(es)? “${words}”( \\(filtered\\))?$`));
  const names = page.getByRole('table', { name: 'Candidates' }).getByRole('row').locator('td:first-child');
  return (await page.getByRole('table', { name: 'Candidates' }).count()) ? names.allInnerTexts() : [];
}

test('candidates are found by full name, "Last, First", part of a name, email and company, and every word must match', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('orgadmin@acme.test');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  await page.getByRole('link', { name: 'Candidates' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^\d+ candidates$/ })).toBeVisible();

  const byFullName = await searchFor(page, 'Charlotte Dubois');
  expect(byFullName.length).toBeGreaterThan(0);
  expect(byFullName.every((n) => n === 'Charlotte Dubois')).toBe(true);

  expect(await searchFor(page, 'Dubois, Charlotte')).toEqual(byFullName);
  expect(await searchFor(page, 'charl dubo')).toEqual(byFullName);
  expect(await searchFor(page, 'charlotte.dubois177')).toEqual(['Charlotte Dubois']);
  // Candidate 177 works at Trade Republic (supabase/seed.sql).
  expect(await searchFor(page, 'Trade Republic charlotte')).toContain('Charlotte Dubois');

  expect(await searchFor(page, 'Charlotte Dubois Nowhere')).toEqual([]);
  await expect(page.getByText('No candidate matches this search.')).toBeVisible();
});

test('while a search is in flight the enrol dialog shows the older results as stale and they cannot be ticked', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('orgadmin@acme.test');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  await page.goto('/sequences/5e000000-0000-4000-8000-000000000001');
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  const list = dialog.getByRole('list', { name: 'Candidates' });
  await expect(dialog.getByRole('status')).toHaveText(/^\d+ candidates$/);

  // Hold the answer to the next search until the test lets it through.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/rest/v1/rpc/list_candidates*', async (route) => {
    await held;
    await route.continue();
  });
  const first = list.getByRole('listitem').first();
  const firstName = (await first.locator('strong').innerText()).trim();
  await dialog.getByRole('searchbox', { name: 'Find candidates' }).fill('Charlotte Dubois');

  await expect(dialog.getByRole('status')).toHaveText('Searching…');
  await expect(list).toHaveAttribute('aria-busy', 'true');
  await expect(list.getByRole('listitem').filter({ hasText: firstName }).getByRole('checkbox')).toBeDisabled();
  await expect(dialog.getByText('0 selected')).toBeVisible();

  release();
  await expect(dialog.getByRole('status')).toHaveText(/^\d+ candidates? match(es)? “Charlotte Dubois”$/);
  await expect(list).toHaveAttribute('aria-busy', 'false');
  const charlotte = list.getByRole('listitem').filter({ hasText: 'Charlotte Dubois' }).first();
  await charlotte.getByRole('checkbox').check();
  await expect(dialog.getByText('1 selected')).toBeVisible();
});

test('the Candidates list filters by job and by subscription, together with the search words', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('orgadmin@acme.test');
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  await page.getByRole('link', { name: 'Candidates' }).click();
  const status = page.getByRole('status').filter({ hasText: /candidate|Searching/ });
  await expect(status).toHaveText(/^\d+ candidates$/);
  const all = Number((await status.innerText()).split(' ')[0]);
  const table = page.getByRole('table', { name: 'Candidates' });

  // Seeded: Lukas Rossi unsubscribed, Ananya Costa bounced (supabase/seed.sql).
  await page.getByRole('combobox', { name: 'Subscriptions' }).selectOption({ label: 'Unsubscribed' });
  await expect(status).toHaveText(/^\d+ candidates? \(filtered\)$/);
  const names = await table.getByRole('row').locator('td:first-child').allInnerTexts();
  expect(names).toEqual(expect.arrayContaining(['Lukas Rossi', 'Ananya Costa']));
  expect(names.length).toBeLessThan(all);
  expect(await searchFor(page, 'Costa')).toEqual(['Ananya Costa']);

  await page.getByRole('combobox', { name: 'Subscriptions' }).selectOption({ label: 'Any' });
  await page.getByRole('searchbox', { name: 'Search candidates' }).fill('');
  await page.getByRole('combobox', { name: 'Job' }).selectOption({ label: 'Head of Sales EMEA' });
  await expect(status).toHaveText(/^\d+ candidates? \(filtered\)$/);
  const jobs = await table.getByRole('row').locator('td:last-child').allInnerTexts();
  expect(jobs.length).toBeGreaterThan(0);
  expect(jobs.every((j) => j.includes('Head of Sales EMEA'))).toBe(true);
});
