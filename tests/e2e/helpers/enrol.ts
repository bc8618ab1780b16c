// The enrol dialog's search as a person uses it: type the words, wait until the dialog says it
// answers exactly those words (older results are dimmed and cannot be ticked meanwhile), then
// tick the candidate in that answer.
import { expect, type Locator } from '@playwright/test';

export async function findAndTick(dialog: Locator, search: string, name: string): Promise<void> {
  await dialog.getByRole('searchbox', { name: 'Find candidates' }).fill(search);
  await expect(dialog.getByRole('status')).toHaveText(new RegExp(`^\\d+ candidates? match(es)? “${search}”$`));
  await dialog.getByRole('listitem').filter({ hasText: name }).getByRole('checkbox').check();
}
