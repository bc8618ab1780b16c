// Issue 14, the stage form of both enrol paths: a draft body is edited in the rich body editor
// (token chips, links and formatting kept; typed {{key}} tokens honoured) with the stage as the
// candidate gets it below, and missing token values block Start by one rule in the sequence
// manager and on the profile, in the same words.
import { expect, test } from '@playwright/test';
import {
  closeDb,
  createCandidate,
  createOrg,
  createSequence,
  db,
  docOf,
  enroll,
  uniq,
} from '../integration/helpers/factories.ts';
import { invokeSender, messagesTo } from '../integration/helpers/sending.ts';
import { signableMember, signedIn } from './helpers/reporting.ts';
import { findAndTick } from './helpers/enrol.ts';

test.afterAll(closeDb);

test('the manager’s stage form edits the body richly: chips and links stay, typed tokens render, the email carries both', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const org = await createOrg({ plan: 'plus', timeZone: 'UTC', dailySendCap: 1000 });
  const me = await signableMember(org, { level: 'admin' });
  const tag = uniq('k').slice(2);
  const seq = await createSequence(org, me, {
    stages: [
      {
        subject: 'Hello {{candidate.first_name}}',
        body: docOf('Hi {{candidate.first_name}}, quick one. [Book a call](https://cal.example.com/ada)'),
        delayDays: 0,
      },
    ],
  });
  const ada = await createCandidate(org, {
    firstName: 'Ada',
    lastName: `Tok${tag}`,
    email: `ada.${tag}@candidates.test`,
  });

  const page = await signedIn(browser, me.email);
  await page.goto(`/sequences/${seq.id}`);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  await findAndTick(dialog, `Tok${tag}`, `Ada Tok${tag}`);
  await dialog.getByRole('button', { name: 'Edit 1 sequence' }).click();

  const stage = dialog.getByRole('group', { name: 'Stage 1' });
  const body = stage.getByLabel('Body');
  // The token is a chip with its name; the link is a link.
  await expect(body).toHaveText('Hi Candidate first name, quick one. Book a call');
  await expect(body.getByRole('link', { name: 'Book a call' })).toHaveAttribute('href', 'https://cal.example.com/ada');
  const preview = stage.getByRole('region', { name: `As Ada Tok${tag} gets it` });
  await expect(preview).toContainText('Hi Ada, quick one. Book a call');
  // A new paragraph after the link, with a token typed as text.
  await body.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('A role at {{candidate.company}}.');
  await expect(preview).toContainText('A role at Initech.');
  await dialog.getByRole('button', { name: `Save Ada Tok${tag}’s stages` }).click();
  await expect(dialog.getByRole('button', { name: 'Stages saved' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Start 1 sequence' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Started 1 sequence.');

  // The stored body keeps the chip, the link and the typed token; the email has Ada's values in
  // their place and the link (tracked) around the same words.
  const { rows } = await db().query(
    `select s.body::text as body from public.enrollment_stages s join public.enrollments e on e.id = s.enrollment_id
     where e.candidate_id = $1 and s.position = 0`,
    [ada.id],
  );
  expect(rows[0].body).toContain('"key": "candidate.first_name"');
  expect(rows[0].body).toContain('https://cal.example.com/ada');
  expect(rows[0].body).toContain('{{candidate.company}}');
  await expect
    .poll(
      async () => {
        const got = await messagesTo(`ada.${tag}@candidates.test`);
        if (got.length === 0) await invokeSender();
        return got[0]?.text ?? '';
      },
      { timeout: 60_000, intervals: [1_000] },
    )
    .toContain('A role at Initech.');
  const [mail] = await messagesTo(`ada.${tag}@candidates.test`);
  expect(mail!.text).toContain('Hi Ada, quick one.');
  expect(mail!.html).toMatch(/<a [^>]*href="[^"]+"[^>]*>Book a call<\/a>/);
});

test('a missing token value blocks Start on the profile in the words the manager uses', async ({ browser }) => {
  test.setTimeout(90_000);
  const org = await createOrg({ plan: 'plus', timeZone: 'UTC' });
  const me = await signableMember(org, { level: 'admin' });
  const tag = uniq('m').slice(2);
  const seq = await createSequence(org, me, {
    stages: [{ subject: 'Hello', body: docOf('Hi {{candidate.first_name}} at {{candidate.company}}.') }],
  });
  const cal = await createCandidate(org, { firstName: 'Cal', lastName: `Gap${tag}` });
  await db().query(`update public.candidates set company = null where id = $1`, [cal.id]);
  const words = 'No value for Candidate company ({{candidate.company}}), used in stage 1.';

  const page = await signedIn(browser, me.email);
  await page.goto(`/sequences/${seq.id}`);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const enrol = page.getByRole('dialog', { name: /Enrol candidates/ });
  await findAndTick(enrol, `Gap${tag}`, `Cal Gap${tag}`);
  await enrol.getByRole('button', { name: 'Edit 1 sequence' }).click();
  await expect(enrol.getByRole('list', { name: 'Drafts' })).toContainText(words);
  await enrol.getByRole('button', { name: 'Close' }).click();

  // The draft stays on the profile; starting it there is refused for the same reason.
  await page.goto(`/candidates/${cal.id}`);
  await page
    .getByRole('region', { name: 'Sequences' })
    .getByRole('button', { name: `Open draft ${seq.title}` })
    .click();
  const dialog = page.getByRole('dialog', { name: `Enroll Cal Gap${tag} in a sequence` });
  await dialog.getByRole('button', { name: 'Start 1 sequence' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(`Not started: ${words}`);
  const { rows } = await db().query(`select status::text from public.enrollments where candidate_id = $1`, [cal.id]);
  expect(rows.map((r) => r.status)).toEqual(['draft']);
});

test('stage edits for everyone reach every draft, and as ticked the template (through its document) and the unsent stages of running enrolments', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const org = await createOrg({ plan: 'plus', timeZone: 'UTC' });
  const me = await signableMember(org, { level: 'admin' });
  const tag = uniq('e').slice(2);
  const seq = await createSequence(org, me, {
    stages: [
      { subject: 'Hello {{candidate.first_name}}', body: docOf('Hi {{candidate.first_name}}.'), delayDays: 0 },
      { subject: 'Again', body: docOf('Still there?'), delayDays: 3 },
    ],
  });
  const rob = await createCandidate(org, { firstName: 'Rob', lastName: `Run${tag}` });
  const [robRow] = await enroll(me, seq.id, [rob.id], true);
  const ada = await createCandidate(org, { firstName: 'Ada', lastName: `New${tag}` });
  const bo = await createCandidate(org, { firstName: 'Bo', lastName: `New${tag}` });

  const page = await signedIn(browser, me.email);
  await page.goto(`/sequences/${seq.id}`);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  await dialog.getByRole('searchbox', { name: 'Find candidates' }).fill(`New${tag}`);
  await expect(dialog.getByRole('status')).toHaveText(`2 candidates match “New${tag}”`);
  await dialog.getByRole('button', { name: 'Select all 2' }).click();
  await dialog.getByRole('button', { name: 'Edit 2 sequences' }).click();
  await expect(dialog.getByText('2 ready to start.')).toBeVisible();

  await dialog.getByText('Edit the stages for everyone').click();
  const everyone = dialog.getByRole('group', { name: 'Stage 2 for everyone' });
  await expect(everyone.getByLabel('Body')).toHaveText('Still there?');
  const subjects = async (where: string, id: string) =>
    (await db().query(`select position, subject from ${where} = $1 order by position`, [id])).rows.map(
      (r) => r.subject,
    );

  // Unticked: the drafts change, the template and running enrolments do not.
  await everyone.getByLabel('Subject').fill('For these drafts only');
  await dialog.getByRole('button', { name: 'Apply to every draft' }).click();
  await expect(dialog.getByRole('status', { name: 'Template edits' })).toHaveText('Edited 2 drafts.');
  await expect(dialog.getByRole('region', { name: 'Running enrolments' })).toHaveCount(0);
  expect(await subjects('public.sequence_stages where sequence_id', seq.id)).toEqual([
    'Hello {{candidate.first_name}}',
    'Again',
  ]);
  expect(await subjects('public.enrollment_stages where enrollment_id', robRow!.enrollment_id!)).toEqual([
    'Hello {{candidate.first_name}}',
    'Again',
  ]);

  await everyone.getByLabel('Subject').fill('One more thing, {{candidate.first_name}}');
  await everyone.getByLabel('Body').fill('Hi {{candidate.first_name}}, still keen?');
  await dialog.getByRole('checkbox', { name: 'Save these template edits for future enrolments' }).check();
  await dialog
    .getByRole('checkbox', { name: 'Save these template edits for running enrolments (unsent stages only)' })
    .check();
  await dialog.getByRole('button', { name: 'Apply to every draft' }).click();
  await expect(dialog.getByRole('status', { name: 'Template edits' })).toHaveText(
    'Edited 2 drafts. Saved the edits to the template for future enrolments. Applied the edits to the unsent stages of running enrolments.',
  );
  await expect(dialog.getByRole('region', { name: 'Running enrolments' })).toContainText('Edited 1 sequence.');

  // The open draft shows the edit, tokens kept; each candidate gets their own name.
  const ownStage2 = dialog.getByRole('group', { name: 'Stage 2', exact: true });
  await expect(ownStage2.getByLabel('Subject')).toHaveValue('One more thing, {{candidate.first_name}}');
  await expect(ownStage2.getByRole('region', { name: /gets it$/ })).toContainText('Hi Ada, still keen?');

  // The template's rows, written by the materialiser from the document.
  expect(await subjects('public.sequence_stages where sequence_id', seq.id)).toEqual([
    'Hello {{candidate.first_name}}',
    'One more thing, {{candidate.first_name}}',
  ]);
  // Rob's running enrolment: the unsent stage 2 took the edit.
  expect(await subjects('public.enrollment_stages where enrollment_id', robRow!.enrollment_id!)).toEqual([
    'Hello {{candidate.first_name}}',
    'One more thing, {{candidate.first_name}}',
  ]);
  for (const c of [ada, bo]) {
    const { rows } = await db().query(
      `select s.subject from public.enrollment_stages s join public.enrollments e on e.id = s.enrollment_id
       where e.candidate_id = $1 and s.position = 1`,
      [c.id],
    );
    expect(rows[0].subject).toBe('One more thing, {{candidate.first_name}}');
  }

  await dialog.getByRole('button', { name: 'Start 2 sequences' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Started 2 sequences.');
});
