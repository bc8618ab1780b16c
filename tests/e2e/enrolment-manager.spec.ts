// Issue 14, "Enrolment from the sequence manager": Enroll → add candidates (filtered select-all,
// pasted addresses, the 500 limit) → Edit sequences (each candidate's blocking issues with the
// fixes that can be made in place) → Start N sequences with a progress bar, as one batch.
import { expect, test, type Locator } from '@playwright/test';
import {
  closeDb,
  createCandidate,
  createJob,
  createMember,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
  uniq,
} from '../integration/helpers/factories.ts';
import { countsTo, invokeSender } from '../integration/helpers/sending.ts';
import { signableMember, signedIn } from './helpers/reporting.ts';

test.afterAll(closeDb);

/** A candidate's row in the panel; its text starts with their name. */
const draftRow = (dialog: Locator, name: string) =>
  dialog
    .getByRole('list', { name: 'Drafts' })
    .getByRole('listitem')
    .filter({ hasText: new RegExp(`^${name}`) });

test('each blocking reason shows for the right candidate, fixes are made in place, and the rest start as one batch', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const org = await createOrg({ plan: 'plus', frequencyDays: 14, timeZone: 'UTC' });
  const admin = await createMember(org);
  const other = await createMember(org);
  // An elevated recruiter: may enrol candidates without job considerations, and candidates whose
  // jobs all give them hiring manager or higher.
  const me = await signableMember(org, { level: 'elevated' });
  const tag = uniq('t').slice(2);
  const seq = await createSequence(org, admin, {
    stages: [
      {
        subject: 'Hello {{candidate.first_name}}',
        body: docOf('Hi {{candidate.first_name}}, a role at a company like {{candidate.company}}.'),
      },
    ],
  });
  const busySeq = await createSequence(org, admin);
  const hiddenSeq = await createSequence(org, other);
  await db().query(`update public.sequences set access = 'confidential', title = $2 where id = $1`, [
    hiddenSeq.id,
    `Stealth outreach ${tag}`,
  ]);
  const stealthJob = await createJob(org, `Stealth job ${tag}`);
  await db().query(`update public.jobs set confidential = true where id = $1`, [stealthJob.id]);

  const make = (firstName: string, opts: Parameters<typeof createCandidate>[1] = {}) =>
    createCandidate(org, { firstName, lastName: `Zed${tag}`, ...opts });
  const rita = await make('Rita');
  await db().query(`update public.candidates set alternate_emails = array[$2] where id = $1`, [
    rita.id,
    `rita.work.${tag}@candidates.test`,
  ]);
  await make('Nora', { email: null });
  const uma = await make('Uma');
  const bea = await make('Bea');
  const fred = await make('Fred');
  const al = await make('Al');
  const hal = await make('Hal');
  const cal = await make('Cal');
  const pat = await make('Pat');
  await db().query(`update public.candidates set company = null where id = $1`, [cal.id]);
  await db().query(
    `insert into public.subscriptions (candidate_id, organization_id, current_outreach, suppressed_reason)
     values ($1, $3, false, null), ($2, $3, true, 'bounced')`,
    [uma.id, bea.id, org.id],
  );
  // Fred was emailed two days ago by a sequence that has since been cancelled.
  const [fredRow] = await enroll(admin, busySeq.id, [fred.id], true);
  await db().query(`update public.enrollments set status = 'cancelled' where id = $1`, [fredRow!.enrollment_id]);
  await db().query(
    `update public.enrollment_stages set status = 'sent', sent_at = now() - interval '2 days'
     where enrollment_id = $1 and position = 0`,
    [fredRow!.enrollment_id],
  );
  const [alRow] = await enroll(admin, busySeq.id, [al.id], true);
  await enroll(admin, busySeq.id, [rita.id]); // a draft, not started: it does not block
  const [halRow] = await enroll(other, hiddenSeq.id, [hal.id], true);
  // Running but not contacted yet: their first stages wait a day, so the stack's sending cron
  // cannot send them mid-test (which would add the frequency reason to theirs).
  await db().query(
    `update public.enrollment_stages set scheduled_at = now() + interval '1 day' where enrollment_id = any($1)`,
    [[alRow!.enrollment_id, halRow!.enrollment_id]],
  );
  await db().query(`insert into public.considerations (organization_id, candidate_id, job_id) values ($1, $2, $3)`, [
    org.id,
    pat.id,
    stealthJob.id,
  ]);

  const page = await signedIn(browser, me.email);
  await page.goto(`/sequences/${seq.id}`);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  await dialog.getByRole('searchbox', { name: 'Find candidates' }).fill(`Zed${tag}`);
  await expect(dialog.getByRole('status')).toHaveText(`9 candidates match “Zed${tag}”`);
  await dialog.getByRole('button', { name: 'Select all 9' }).click();
  await expect(dialog.getByText('9 selected')).toBeVisible();
  const chosen = dialog.getByRole('list', { name: 'Chosen' }).getByRole('listitem');
  await expect(chosen).toHaveCount(9);
  // Existing drafts of the chosen candidates appear beside them.
  await expect(chosen.filter({ hasText: `Rita Zed${tag}` })).toContainText(`Has a draft in “${busySeq.title}”.`);
  await dialog.getByRole('button', { name: 'Edit 9 sequences' }).click();

  await expect(dialog.getByText('1 ready to start, 8 blocked.')).toBeVisible();
  await expect(draftRow(dialog, `Rita Zed${tag}`)).toContainText('Ready');
  await expect(draftRow(dialog, `Nora Zed${tag}`)).toContainText('This candidate has no email address.');
  await expect(draftRow(dialog, `Uma Zed${tag}`)).toContainText('This candidate unsubscribed from outreach.');
  await expect(draftRow(dialog, `Bea Zed${tag}`)).toContainText('bounced');
  const today = new Date();
  const allowed = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 2 + 14));
  await expect(draftRow(dialog, `Fred Zed${tag}`)).toContainText(
    `allows contact again from ${allowed.toISOString().slice(0, 10)}`,
  );
  await expect(draftRow(dialog, `Al Zed${tag}`)).toContainText(`Already in the sequence "${busySeq.title}".`);
  await expect(draftRow(dialog, `Hal Zed${tag}`)).toContainText('Already in another sequence that you cannot see.');
  await expect(draftRow(dialog, `Hal Zed${tag}`)).not.toContainText('Stealth');
  await expect(draftRow(dialog, `Cal Zed${tag}`)).toContainText(
    'No value for Candidate company ({{candidate.company}})',
  );
  await expect(draftRow(dialog, `Pat Zed${tag}`)).toContainText(
    /hiring manager or higher .*1 other job you cannot see/,
  );
  await expect(draftRow(dialog, `Pat Zed${tag}`)).not.toContainText('Stealth');
  await expect(dialog.getByRole('button', { name: 'Start 1 sequence' })).toBeEnabled();

  // Fix in place: Cal's company, Nora's address; Rita is sent to her work address.
  await draftRow(dialog, `Cal Zed${tag}`)
    .getByRole('button', { name: `Cal Zed${tag}` })
    .click();
  await dialog.getByLabel(`Candidate company for Cal Zed${tag}`).fill('Globex');
  await dialog.getByRole('button', { name: 'Save candidate company' }).click();
  await expect(draftRow(dialog, `Cal Zed${tag}`)).toContainText('Ready');
  await draftRow(dialog, `Nora Zed${tag}`)
    .getByRole('button', { name: `Nora Zed${tag}` })
    .click();
  await dialog.getByLabel(`Email address for Nora Zed${tag}`).fill(`nora.${tag}@candidates.test`);
  await dialog.getByRole('button', { name: 'Add the address and create the draft' }).click();
  await expect(draftRow(dialog, `Nora Zed${tag}`)).toContainText('Ready');
  await draftRow(dialog, `Rita Zed${tag}`)
    .getByRole('button', { name: `Rita Zed${tag}` })
    .click();
  await dialog.getByRole('combobox', { name: 'Send to' }).selectOption(`rita.work.${tag}@candidates.test`);
  // Rita's own copy of the stages, in the stage form.
  await expect(dialog.getByRole('group', { name: 'Stage 1' })).toBeVisible();
  await dialog.getByRole('group', { name: 'Stage 1' }).getByLabel('Subject').fill('Hello Rita, quick question');
  await dialog.getByRole('button', { name: `Save Rita Zed${tag}’s stages` }).click();
  await expect(dialog.getByRole('button', { name: 'Stages saved' })).toBeDisabled();

  await expect(dialog.getByText('3 ready to start, 6 blocked.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Start 3 sequences' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Started 3 sequences.');

  const { rows } = await db().query(
    `select c.first_name, e.status::text, e.batch_id, e.to_email, s.subject
     from public.enrollments e join public.candidates c on c.id = e.candidate_id
     join public.enrollment_stages s on s.enrollment_id = e.id and s.position = 0
     where e.sequence_id = $1 and e.status <> 'draft' order by c.first_name`,
    [seq.id],
  );
  expect(rows.map((r) => [r.first_name, r.status])).toEqual([
    ['Cal', 'running'],
    ['Nora', 'running'],
    ['Rita', 'running'],
  ]);
  expect(new Set(rows.map((r) => r.batch_id)).size).toBe(1);
  const ritaRow = rows.find((r) => r.first_name === 'Rita');
  expect(ritaRow.to_email).toBe(`rita.work.${tag}@candidates.test`);
  expect(ritaRow.subject).toBe('Hello Rita, quick question');
});

test('500 candidates: select-all takes the whole result, the 501st is refused, and Start shows progress until every email is caught', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const org = await createOrg({ plan: 'plus', timeZone: 'UTC', dailySendCap: 1000 });
  const me = await signableMember(org, { level: 'admin' });
  const tag = uniq('b').slice(2);
  const seq = await createSequence(org, me, {
    stages: [{ subject: 'Hello {{candidate.first_name}}', body: docOf('Hi {{candidate.first_name}}.'), delayDays: 0 }],
  });
  await db().query(
    `insert into public.candidates (organization_id, first_name, last_name, email, company)
     select $1, 'Bulk' || g, 'Many${tag}', 'bulk' || g || '.${tag}@candidates.test', 'Initech'
     from generate_series(1, 500) g`,
    [org.id],
  );
  const extra = await createCandidate(org, { firstName: 'Extra', lastName: `One${tag}` });

  const page = await signedIn(browser, me.email);
  await page.goto(`/sequences/${seq.id}`);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  const search = dialog.getByRole('searchbox', { name: 'Find candidates' });
  await search.fill(`Many${tag}`);
  await expect(dialog.getByRole('status')).toHaveText(`500 candidates match “Many${tag}”`);
  // The list shows one page; "Select all" takes every candidate of the search.
  await expect(dialog.getByRole('list', { name: 'Candidates' }).getByRole('listitem')).toHaveCount(50);
  await dialog.getByRole('button', { name: 'Select all 500' }).click();
  await expect(dialog.getByText('500 selected')).toBeVisible();

  await search.fill(`One${tag}`);
  await expect(dialog.getByRole('status')).toHaveText(`1 candidate matches “One${tag}”`);
  await dialog.getByRole('list', { name: 'Candidates' }).getByRole('checkbox').click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'At most 500 candidates can be enrolled at once. 1 candidate was not added.',
  );
  await expect(dialog.getByText('500 selected')).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Candidates' }).getByRole('checkbox')).not.toBeChecked();

  await dialog.getByRole('button', { name: 'Edit 500 sequences' }).click();
  await expect(dialog.getByRole('progressbar', { name: 'Creating drafts' })).toBeVisible();
  await expect(dialog.getByText('500 ready to start.')).toBeVisible({ timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Start 500 sequences' }).click();
  await expect(dialog.getByRole('progressbar', { name: 'Starting sequences' })).toBeVisible();
  await expect(dialog.getByRole('status')).toHaveText('Started 500 sequences.', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Done' }).click();
  // The board never shows a "Next" time in the past: a due first email is queued or sending.
  const table = page.getByRole('table', { name: 'Enrolments' });
  await expect(
    table
      .getByRole('row')
      .filter({ hasText: `Many${tag}` })
      .first(),
  ).toBeVisible();
  for (const next of await table
    .getByRole('row')
    .filter({ hasText: `Many${tag}` })
    .locator('td:nth-child(4)')
    .allInnerTexts()) {
    expect(next).toMatch(/^(Stage 1: (queued, sending shortly|sending now)|no reply)$/);
  }

  const { rows } = await db().query(
    `select count(*)::int as n, count(distinct batch_id)::int as batches from public.enrollments
     where sequence_id = $1 and started_at is not null`,
    [seq.id],
  );
  expect(rows[0]).toEqual({ n: 500, batches: 1 });
  expect(
    (await db().query(`select count(*)::int as n from public.enrollments where candidate_id = $1`, [extra.id])).rows[0]
      .n,
  ).toBe(0);

  // Every first email reaches the mail catcher (the scheduler runs too; invoking the sender as
  // the cron job does only drains the queue sooner).
  const addresses = Array.from({ length: 500 }, (_, i) => `bulk${i + 1}.${tag}@candidates.test`);
  await expect
    .poll(
      async () => {
        const counts = await countsTo(addresses);
        const missing = addresses.filter((a) => (counts.get(a) ?? 0) === 0).length;
        if (missing > 0) await invokeSender();
        return missing;
      },
      { timeout: 180_000, intervals: [1_000] },
    )
    .toBe(0);
});
