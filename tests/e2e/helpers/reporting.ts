// Shared by the reporting end-to-end specs: fresh organisations whose members can sign in
// through the app's sign-in page (the factories' members carry only minted tokens).
import { expect, type Browser, type Page } from '@playwright/test';
import { createMember, db, type Member, type Org } from '../../integration/helpers/factories.ts';

export const PASSWORD = 'password123';

/** A member of `org` who can sign in with PASSWORD. */
export async function signableMember(org: Org, opts: Parameters<typeof createMember>[1] = {}): Promise<Member> {
  const m = await createMember(org, opts);
  await db().query(
    `update auth.users set encrypted_password = extensions.crypt($2, extensions.gen_salt('bf')),
       email_confirmed_at = now() where id = $1`,
    [m.id, PASSWORD],
  );
  return m;
}

/** Signs `email` in on a page of a new browser context (another browser, as far as the app knows). */
export async function signedIn(
  browser: Browser,
  email: string,
  viewport?: { width: number; height: number },
): Promise<Page> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  return page;
}
