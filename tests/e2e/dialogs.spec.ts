// The board's and the enrol flow's larger dialogs (recipient detail, Edit sequence, Enrol
// candidates) as a keyboard and small-screen user meets them: focus stays inside and goes back to
// what opened them, Escape closes, unsaved edits are never dropped without asking, and at 390 px
// each is a full-width sheet whose body scrolls while the page does not scroll sideways.
import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  closeDb,
  createCandidate,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
} from '../integration/helpers/factories.ts';
import { signableMember, signedIn } from './helpers/reporting.ts';

test.afterAll(closeDb);

/** A sequence with two unsent stages and `names` enrolled in it together (one batch), running. */
async function boardWith(names: string[]) {
  const org = await createOrg({ timeZone: 'Europe/Berlin' });
  const owner = await signableMember(org);
  const seq = await createSequence(org, owner, {
    stages: [
      { subject: 'Hello {{candidate.first_name}}', body: docOf('Hi there.'), senderUserId: owner.id, delayDays: 1 },
      {
        subject: 'Old follow-up',
        body: docOf('Any thoughts? [Book a call](https://cal.example.com/dialog)'),
        senderUserId: owner.id,
        delayDays: 4,
      },
    ],
  });
  const cands = await Promise.all(names.map((n) => createCandidate(org, { firstName: n, lastName: 'Dialog' })));
  const made = await enroll(
    owner,
    seq.id,
    cands.map((c) => c.id),
    true,
  );
  expect(made.every((r) => r.ok)).toBe(true);
  return { org, owner, seq };
}

const subjects = async (sequenceId: string) =>
  (
    await db().query<{ first_name: string; subject: string }>(
      `select c.first_name, s.subject from public.enrollment_stages s join public.candidates c on c.id = s.candidate_id
       where s.sequence_id = $1 and s.position = 1 order by c.first_name`,
      [sequenceId],
    )
  ).rows;

/** True when the focused element is inside `dialog`. */
const focusInside = (dialog: Locator) => dialog.evaluate((d) => d.contains(document.activeElement));

async function noSidewaysScroll(page: Page) {
  const [scrollWidth, innerWidth] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

test('recipient detail and Edit sequence keep focus inside, close on Escape, give focus back, and never drop unsaved edits silently', async ({
  browser,
}, info) => {
  const { owner, seq } = await boardWith(['Ava', 'Ben', 'Cleo']);
  const page = await signedIn(browser, owner.email, { width: 1366, height: 768 });
  await page.goto(`/sequences/${seq.id}`);

  // Enrol candidates: nothing chosen yet, so Escape closes at once, back to the button.
  const enrolButton = page.getByRole('button', { name: 'Enrol candidates' });
  await enrolButton.click();
  const enrol = page.getByRole('dialog', { name: /Enrol candidates/ });
  await expect(enrol.getByRole('status')).toHaveText(/\d+ candidates?/);
  await page.screenshot({ path: info.outputPath('1366-enrol.png') });
  await page.keyboard.press('Escape');
  await expect(enrol).toBeHidden();
  await expect(enrolButton).toBeFocused();

  // Recipient detail, opened from the row's name.
  const name = page
    .getByRole('row')
    .filter({ hasText: 'Ava Dialog' })
    .getByRole('button', { name: 'Ava Dialog', exact: true });
  await name.click();
  const detail = page.getByRole('dialog', { name: 'Ava Dialog' });
  await expect(detail.getByRole('list', { name: 'Stages' }).getByRole('listitem')).toHaveCount(2);
  await expect(detail.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.screenshot({ path: info.outputPath('1366-recipient-detail.png') });
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInside(detail), `focus left the dialog after ${i + 1} Tabs`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(name).toBeFocused();

  // Actions → Edit sequence: the menu has closed, so focus goes back to its trigger.
  const actions = page.getByRole('button', { name: 'Actions for Ava Dialog' });
  await actions.click();
  await page.getByRole('menuitem', { name: 'Edit sequence' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit sequence' });
  const subject = edit.getByLabel('Subject (stage 2)');
  await subject.fill('Changed, then thought better of it');
  await page.screenshot({ path: info.outputPath('1366-edit-sequence.png') });

  // Escape with an unsaved edit asks first; keeping the edits keeps them.
  const discard = page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });
  await page.keyboard.press('Escape');
  await expect(discard).toContainText('Closing now loses your edits to the unsent stages');
  await page.screenshot({ path: info.outputPath('1366-edit-discard.png') });
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(discard).toBeHidden();
  await expect(subject).toHaveValue('Changed, then thought better of it');
  // A click outside asks too; Escape there closes only the question.
  await page.mouse.click(5, 5);
  await expect(discard).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(discard).toBeHidden();
  await expect(subject).toHaveValue('Changed, then thought better of it');
  // Closing and discarding closes without saving, and focus is back on the Actions button.
  await edit.getByRole('button', { name: 'Close' }).click();
  await discard.getByRole('button', { name: 'Discard and close' }).click();
  await expect(edit).toBeHidden();
  await expect(actions).toBeFocused();
  expect((await subjects(seq.id)).map((r) => r.subject)).toEqual(['Old follow-up', 'Old follow-up', 'Old follow-up']);

  // Saved: the dialog offers the change to the rest of the batch, and closes without asking.
  await actions.click();
  await page.getByRole('menuitem', { name: 'Edit sequence' }).click();
  await subject.fill('New follow-up');
  // The body is edited in the rich editor: a new paragraph after the link, which stays a link.
  const body = edit.getByLabel('Body (stage 2)');
  await expect(body.getByRole('link', { name: 'Book a call' })).toHaveAttribute(
    'href',
    'https://cal.example.com/dialog',
  );
  await body.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Friday works too.');
  await edit.getByRole('button', { name: 'Edit 1 sequence' }).click();
  await expect(edit.getByRole('status')).toContainText('2 other candidates were enrolled at the same time');
  await edit.getByRole('button', { name: 'Apply edits to 2 sequences' }).click();
  await expect(edit).toBeHidden();
  await expect(actions).toBeFocused();
  await expect
    .poll(async () => (await subjects(seq.id)).map((r) => r.subject))
    .toEqual(['New follow-up', 'New follow-up', 'New follow-up']);
  // All three bodies took the edit with the link kept.
  const { rows } = await db().query<{ body: string }>(
    `select body::text as body from public.enrollment_stages where sequence_id = $1 and position = 1`,
    [seq.id],
  );
  expect(rows).toHaveLength(3);
  for (const r of rows) {
    expect(r.body).toContain('https://cal.example.com/dialog');
    expect(r.body).toContain('Friday works too.');
  }
});

test('at 390 px the enrol dialog, recipient detail and Edit sequence are full-width sheets that scroll inside', async ({
  browser,
}, info) => {
  const { org, owner, seq } = await boardWith(['Dora', 'Eli']);
  // People to enrol, beyond those already in the sequence: enough that the dialog's body must scroll.
  for (const n of ['Fay', 'Gil', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Max']) {
    await createCandidate(org, { firstName: n, lastName: 'Dialog' });
  }
  const page = await signedIn(browser, owner.email, { width: 390, height: 844 });
  await page.goto(`/sequences/${seq.id}`);
  // The board's search box takes the row (its placeholder is not cut off); the count wraps below.
  const search = page.getByRole('searchbox', { name: 'Search this sequence' });
  await expect(search).toHaveAttribute('placeholder', 'Search candidates in this sequence');
  expect((await search.boundingBox())!.width).toBeGreaterThan(330);
  await page.screenshot({ path: info.outputPath('390-board.png') });

  const fullWidth = async (dialog: Locator, shot: string) => {
    const box = (await dialog.boundingBox())!;
    const width = await page.evaluate(() => document.documentElement.clientWidth);
    expect(width).toBeGreaterThan(370);
    expect(box.x).toBe(0);
    expect(box.width).toBe(width);
    await noSidewaysScroll(page);
    await page.screenshot({ path: info.outputPath(`390-${shot}.png`) });
  };

  // Enrol candidates: the body scrolls between a header and a footer that stay in view.
  const opener = page.getByRole('button', { name: 'Enrol candidates' });
  await opener.click();
  const enrol = page.getByRole('dialog', { name: /Enrol candidates/ });
  await expect(enrol.getByRole('status')).toHaveText(/\d+ candidates?/);
  await fullWidth(enrol, 'enrol');
  const body = enrol.locator('.sheet-body');
  expect(await body.evaluate((b) => b.scrollHeight > b.clientHeight)).toBe(true);
  await body.evaluate((b) => b.scrollTo(0, b.scrollHeight));
  await expect(enrol.getByRole('button', { name: 'Close' })).toBeInViewport();
  await expect(enrol.getByRole('button', { name: 'Edit 0 sequences' })).toBeInViewport();
  await enrol.getByRole('searchbox', { name: 'Find candidates' }).fill('Fay Dialog');
  await enrol.getByRole('listitem').filter({ hasText: 'Fay Dialog' }).getByRole('checkbox').check();
  await page.keyboard.press('Escape');
  const discard = page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });
  await expect(discard).toContainText('your choice of 1 candidate');
  await page.screenshot({ path: info.outputPath('390-enrol-discard.png') });
  await discard.getByRole('button', { name: 'Discard and close' }).click();
  await expect(enrol).toBeHidden();
  await expect(opener).toBeFocused();

  const name = page
    .getByRole('row')
    .filter({ hasText: 'Dora Dialog' })
    .getByRole('button', { name: 'Dora Dialog', exact: true });
  await name.click();
  const detail = page.getByRole('dialog', { name: 'Dora Dialog' });
  await expect(detail.getByRole('list', { name: 'Stages' }).getByRole('listitem')).toHaveCount(2);
  await fullWidth(detail, 'recipient-detail');
  // "Edit sequence" in the detail opens the edit dialog in its place.
  await detail.getByRole('button', { name: 'Edit sequence' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit sequence' });
  await expect(edit.getByLabel('Subject (stage 2)')).toHaveValue('Old follow-up');
  await fullWidth(edit, 'edit-sequence');
  await expect(edit.getByRole('button', { name: 'Edit 1 sequence' })).toBeInViewport();
  await page.keyboard.press('Escape');
  await expect(edit).toBeHidden();
  await expect(name).toBeFocused();
});
