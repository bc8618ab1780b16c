// Issue 15 (S5, S8): the sequence manager's live metrics, bulk edit across batches, the home
// chart's drill-down, and the layout at 390 px.
import { expect, test, type Page } from '@playwright/test';
import {
  closeDb,
  createCandidate,
  createJob,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
} from '../integration/helpers/factories.ts';
import { enrolAndSend, row } from './helpers/inbound.ts';
import { signableMember, signedIn } from './helpers/reporting.ts';

test.afterAll(closeDb);

const metric = (page: Page, name: string) =>
  page.getByRole('region', { name: 'Metrics' }).locator('.metric').filter({ hasText: name }).locator('strong');
const tabCount = (page: Page, name: RegExp) => page.getByRole('tab', { name }).locator('.count');

test('a reply from the inbox moves the row to Replied and changes the reply rate on a board open in another browser', async ({
  browser,
  page,
}) => {
  const sent = await enrolAndSend('Quinn');
  const { organization_id: orgId, sequence_id: sequenceId } = await row<{
    organization_id: string;
    sequence_id: string;
  }>('select organization_id, sequence_id from public.enrollments where id = $1', [sent.enrollmentId]);
  // Someone else in the organisation watches the board.
  const watcher = await signableMember({ id: orgId, name: 'org' }, { level: 'elevated' });
  // A second candidate in the same sequence, whom the reply does not concern.
  const other = await createCandidate({ id: orgId, name: 'org' }, { firstName: 'Uma', lastName: 'Unrelated' });
  const [uma] = await enroll(watcher, sequenceId, [other.id], true);
  expect(uma?.ok).toBe(true);
  // Paused, so no scheduled send changes the rates while the test watches them.
  const paused = await watcher.client.rpc('pause_enrollments', { enrollment_ids: [uma!.enrollment_id!] });
  expect(paused.error).toBeNull();
  const board = await signedIn(browser, watcher.email);
  await board.goto(`/sequences/${sequenceId}`);
  await expect(metric(board, 'Reply rate')).toHaveText('0%');
  await expect(tabCount(board, /^Replied/)).toHaveText('0');
  await expect(board.getByRole('row').filter({ hasText: 'Quinn' })).toContainText('1 of 2 sent');
  // Mark Uma's row element: a live change patches the rows it names and leaves the others alone.
  await board
    .getByRole('row')
    .filter({ hasText: 'Uma Unrelated' })
    .evaluate((el) => el.setAttribute('data-probe', 'kept'));

  // The candidate answers from the mail catcher's inbox.
  await page.goto(`${process.env.MAIL_URL}/messages/${encodeURIComponent(sent.message.id)}`);
  const actions = page.getByRole('region', { name: 'Act as the candidate' });
  await actions.getByLabel('Reply text').fill('Yes, let us talk on Friday.');
  await actions.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('status')).toHaveText('Reply delivered');

  // Without reload, the watcher's board moved the candidate and the reply rate.
  await expect(tabCount(board, /^Replied/)).toHaveText('1');
  await expect(metric(board, 'Reply rate')).toHaveText('100%');
  // Quinn left In progress; Uma's row is still the very same element.
  await expect(board.getByRole('row').filter({ hasText: 'Quinn' })).toHaveCount(0);
  await expect(board.locator('tr[data-probe="kept"]')).toContainText('Uma Unrelated');
  await board.getByRole('tab', { name: /^Replied/ }).click();
  const quinn = board.getByRole('row').filter({ hasText: 'Quinn' });
  await expect(quinn).toBeVisible();

  // The recipient detail shows the reply as text and the stage that was sent.
  await quinn.getByRole('button', { name: /^Quinn/ }).click();
  const detail = board.getByRole('dialog', { name: /Quinn/ });
  await expect(detail.getByRole('blockquote')).toHaveText('Yes, let us talk on Friday.');
  await expect(detail.getByRole('list', { name: 'Stages' }).getByRole('listitem').first()).toContainText('Sent');
  await expect(detail).toContainText('No more stages will send');
});

test('bulk edit across two batches edits only the larger group and says who was left out', async ({ browser }) => {
  const org = await createOrg({ timeZone: 'Europe/Berlin' });
  const owner = await signableMember(org);
  const job = await createJob(org);
  const seq = await createSequence(org, owner, {
    jobId: job.id,
    stages: [
      { subject: 'Hello {{candidate.first_name}}', body: docOf('Hi there.'), senderUserId: owner.id, delayDays: 1 },
      { subject: 'Old follow-up', body: docOf('Any thoughts?'), senderUserId: owner.id, delayDays: 4 },
    ],
  });
  const names = ['Ava', 'Ben', 'Cleo', 'Dov'];
  const c = await Promise.all(names.map((n) => createCandidate(org, { firstName: n, lastName: 'Batch' })));
  const first = await enroll(owner, seq.id, [c[0]!.id, c[1]!.id, c[2]!.id], true);
  const second = await enroll(owner, seq.id, [c[3]!.id], true);
  expect([...first, ...second].every((r) => r.ok)).toBe(true);

  const page = await signedIn(browser, owner.email);
  await page.goto(`/sequences/${seq.id}`);
  for (const n of names) await page.getByRole('checkbox', { name: `Select ${n} Batch` }).check();
  await page.getByRole('group', { name: 'Bulk actions' }).getByRole('button', { name: 'Edit sequence' }).click();

  const dialog = page.getByRole('dialog', { name: 'Edit 3 sequences' });
  await expect(dialog.getByRole('note')).toContainText('1 selected is left out: Dov Batch');
  await dialog.getByLabel('Subject (stage 2)').fill('New follow-up');
  await dialog.getByRole('button', { name: 'Edit 3 sequences' }).click();

  const results = page.getByRole('status', { name: 'Results' });
  await expect(results).toContainText('Edited 3 sequences; 1 left out because it was enrolled in another batch.');
  await expect(results).toContainText('Dov Batch — Bulk edits apply to one batch');
  const subjects = await db().query(
    `select c.first_name, s.subject from public.enrollment_stages s join public.candidates c on c.id = s.candidate_id
     where s.sequence_id = $1 and s.position = 1 order by c.first_name`,
    [seq.id],
  );
  expect(subjects.rows).toEqual([
    { first_name: 'Ava', subject: 'New follow-up' },
    { first_name: 'Ben', subject: 'New follow-up' },
    { first_name: 'Cleo', subject: 'New follow-up' },
    { first_name: 'Dov', subject: 'Old follow-up' },
  ]);
  // The selection was used up; nothing stays selected behind the report.
  await expect(page.getByRole('group', { name: 'Bulk actions' })).toContainText('0 selected');

  // One enrolment on its own: Actions → Edit sequence.
  await page.getByRole('button', { name: 'Actions for Dov Batch' }).click();
  await page.getByRole('menuitem', { name: 'Edit sequence' }).click();
  const single = page.getByRole('dialog', { name: 'Edit sequence' });
  await single.getByLabel('Subject (stage 2)').fill('Just for Dov');
  await single.getByRole('button', { name: 'Edit 1 sequence' }).click();
  await expect
    .poll(
      async () =>
        (
          await db().query(
            `select s.subject from public.enrollment_stages s join public.candidates c on c.id = s.candidate_id
         where s.sequence_id = $1 and s.position = 1 and c.first_name = 'Dov'`,
            [seq.id],
          )
        ).rows[0]?.subject,
    )
    .toBe('Just for Dov');
});

test("the home chart's bar for this week drills down to the right candidates, Mine then Everyone", async ({
  browser,
}) => {
  const org = await createOrg({ timeZone: 'Europe/Berlin' });
  const me = await signableMember(org);
  const colleague = await signableMember(org);
  const seq = await createSequence(org, me, {
    stages: [{ subject: 'Hi {{candidate.first_name}}', body: docOf('Hello.'), senderUserId: me.id, delayDays: 2 }],
  });
  const mine = await Promise.all(['Mila', 'Noor'].map((n) => createCandidate(org, { firstName: n, lastName: 'Mine' })));
  const theirs = await createCandidate(org, { firstName: 'Theo', lastName: 'Theirs' });
  expect(
    (
      await enroll(
        me,
        seq.id,
        mine.map((x) => x.id),
        true,
      )
    ).every((r) => r.ok),
  ).toBe(true);
  expect((await enroll(colleague, seq.id, [theirs.id], true)).every((r) => r.ok)).toBe(true);

  const page = await signedIn(browser, me.email);
  await page.goto('/home');
  const weeks = page.getByRole('list', { name: 'Weeks' }).getByRole('listitem');
  await expect(weeks).toHaveCount(13);
  await expect(weeks.last()).toContainText(': 2');

  // Click this week's bar (the last of 13) on the chart itself.
  const canvas = page.locator('canvas');
  const box = (await canvas.boundingBox())!;
  const barX = box.x + box.width - (box.width - 40) / 13 / 2;
  await page.mouse.click(barX, box.y + box.height * 0.6);
  const drill = page.getByRole('table', { name: 'Candidates behind the bar' });
  await expect(drill.getByRole('row')).toHaveCount(3);
  await expect(drill).toContainText('Mila Mine');
  await expect(drill).toContainText('Noor Mine');
  await expect(drill).not.toContainText('Theo');
  await expect(drill.getByRole('link', { name: 'Mila Mine' })).toHaveAttribute('href', `/candidates/${mine[0]!.id}`);

  await page.getByRole('button', { name: 'Everyone' }).click();
  await expect(weeks.last()).toContainText(': 3');
  await page.mouse.click(barX, box.y + box.height * 0.6);
  await expect(drill.getByRole('row')).toHaveCount(4);
  await expect(drill).toContainText('Theo Theirs');
});

test('at 390 px wide no page scrolls sideways and the navigation collapses behind a menu', async ({
  browser,
}, info) => {
  const org = await createOrg();
  const me = await signableMember(org);
  const seq = await createSequence(org, me, {
    stages: [{ subject: 'Hi {{candidate.first_name}}', body: docOf('Hello.'), senderUserId: me.id, delayDays: 2 }],
  });
  const cands = await Promise.all(
    ['Wide', 'Narrow'].map((n) => createCandidate(org, { firstName: n, lastName: 'Screenshotworthy-Longname' })),
  );
  await enroll(
    me,
    seq.id,
    cands.map((x) => x.id),
    true,
  );
  const page = await signedIn(browser, me.email, { width: 390, height: 844 });
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(nav.getByRole('link', { name: 'Home' })).toBeVisible();
  await nav.getByRole('link', { name: 'Home' }).click();
  await expect(nav).toBeHidden();

  for (const [name, path] of [
    ['home', '/home'],
    ['sequences', '/sequences'],
    ['sequence', `/sequences/${seq.id}`],
    ['candidate', `/candidates/${cands[0]!.id}`],
    ['not-found', '/no-such-page'],
  ] as const) {
    await page.goto(path);
    await expect(page.locator('h1')).toBeVisible();
    if (name === 'sequence') await expect(page.getByRole('row').filter({ hasText: 'Wide' })).toBeVisible();
    if (name === 'candidate') await expect(page.getByRole('button', { name: 'More' })).toBeVisible();
    // The top bar's Menu button keeps its own size on every app page (a page's menu style once
    // widened it); the not-found page has no top bar.
    if (name !== 'not-found') {
      expect(
        (await page.getByRole('button', { name: 'Menu' }).boundingBox())!.width,
        `${name}: Menu button`,
      ).toBeLessThan(100);
    }
    await page.screenshot({ path: info.outputPath(`390-${name}.png`), fullPage: true });
    const [scrollWidth, innerWidth] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      window.innerWidth,
    ]);
    expect(scrollWidth, `${name} scrolls sideways`).toBeLessThanOrEqual(innerWidth);
  }
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to Home' })).toBeVisible();
});
