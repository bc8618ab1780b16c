// Issue 14: the Candidates list is a virtual list over pages the API cuts — with 10,000
// candidates it scrolls to the end while the DOM holds only a window of rows, the rows are
// reachable by keyboard, and the last candidate's row opens their profile.
import { expect, test, type Page } from '@playwright/test';
import { closeDb, createMember, createOrg, db } from '../integration/helpers/factories.ts';

const PASSWORD = 'password123';
let email = '';

test.beforeAll(async () => {
  // An organisation of its own, so the 10,000 rows change nothing the other tests see.
  const org = await createOrg();
  const member = await createMember(org, { level: 'organization_admin' });
  email = member.email;
  await db().query(
    `update auth.users set encrypted_password = extensions.crypt($2, extensions.gen_salt('bf')),
       email_confirmed_at = now() where id = $1`,
    [member.id, PASSWORD],
  );
  // Vera Row00001 … Vera Row10000: by name, Row10000 is last.
  await db().query(
    `insert into public.candidates (organization_id, first_name, last_name, email, company, title)
     select $1, 'Vera', 'Row' || lpad(i::text, 5, '0'), 'vera.row' || i || '@example.test',
            'Company ' || (i % 40), 'Engineer'
     from generate_series(1, 10000) i`,
    [org.id],
  );
});
test.afterAll(closeDb);

async function signIn(page: Page) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  await page.goto('/candidates');
  await expect(page.getByRole('status').filter({ hasText: /candidates/ })).toHaveText('10000 candidates');
}

test('10,000 candidates scroll to the end with only a window of rows in the DOM, and the last one opens its profile', async ({
  page,
}) => {
  await signIn(page);
  const table = page.getByRole('table', { name: 'Candidates' });
  await expect(table).toHaveAttribute('aria-rowcount', '10001');
  await expect(table.getByRole('link', { name: 'Vera Row00001' })).toBeVisible();
  const atStart = await table.getByRole('row').count();
  expect(atStart).toBeLessThan(100);

  // Scroll to the end as a person dragging the scroll bar down would.
  const list = page.getByRole('region', { name: 'Candidate list' });
  await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const last = table.getByRole('link', { name: 'Vera Row10000' });
  await expect(last).toBeVisible();
  await expect(table.getByRole('link', { name: 'Vera Row00001' })).toHaveCount(0);
  expect(await table.getByRole('row').count()).toBeLessThan(100);

  await last.click();
  await expect(page).toHaveURL(/\/candidates\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Vera Row10000' })).toBeVisible();
});

test('the rows are reachable by keyboard: arrows move between rows, End jumps to the last, Enter opens it', async ({
  page,
}) => {
  await signIn(page);
  const table = page.getByRole('table', { name: 'Candidates' });
  await table.getByRole('link', { name: 'Vera Row00001' }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(table.getByRole('link', { name: 'Vera Row00002' })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(table.getByRole('link', { name: 'Vera Row00001' })).toBeFocused();

  await page.keyboard.press('End');
  await expect(table.getByRole('link', { name: 'Vera Row10000' })).toBeFocused();
  expect(await table.getByRole('row').count()).toBeLessThan(100);
  await page.keyboard.press('ArrowUp');
  await expect(table.getByRole('link', { name: 'Vera Row09999' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Vera Row09999' })).toBeVisible();
});

test("at 390 px wide the list fits the screen, shows each candidate's title and company, and opens profiles", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await signIn(page);
  const row = page.getByRole('table', { name: 'Candidates' }).getByRole('row').filter({ hasText: 'Vera Row00003' });
  await expect(row).toContainText('Engineer · Company 3');
  // Nothing to scroll sideways: the list fits the screen.
  const region = page.getByRole('region', { name: 'Candidate list' });
  expect(await region.evaluate((el: HTMLElement) => el.scrollWidth - el.clientWidth)).toBe(0);
  expect((await region.boundingBox())!.width).toBeLessThanOrEqual(390);
  await row.getByRole('link', { name: 'Vera Row00003' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Vera Row00003' })).toBeVisible();
});
