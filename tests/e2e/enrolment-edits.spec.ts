// Issue 14, the stage form of both enrol paths: a draft body shows its tokens as {{key}} text with
// the stage as the candidate gets it below, an edited body keeps its tokens (one body ⇄ text
// conversion, $shared/email/plain-body.ts), and missing token values block Start by one rule in
// the sequence manager and on the profile, in the same words.
import { expect, test } from '@playwright/test';
import {
  closeDb,
  createCandidate,
  createOrg,
  createSequence,
  db,
  docOf,
  uniq,
} from '../integration/helpers/factories.ts';
import { invokeSender, messagesTo } from '../integration/helpers/sending.ts';
import { signableMember, signedIn } from './helpers/reporting.ts';
import { findAndTick } from './helpers/enrol.ts';

test.afterAll(closeDb);

test('the manager’s stage form shows tokens as {{key}} with the rendered stage, and an edited body keeps them', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const org = await createOrg({ plan: 'plus', timeZone: 'UTC', dailySendCap: 1000 });
  const me = await signableMember(org, { level: 'admin' });
  const tag = uniq('k').slice(2);
  const seq = await createSequence(org, me, {
    stages: [
      { subject: 'Hello {{candidate.first_name}}', body: docOf('Hi {{candidate.first_name}}, quick one.'), delayDays: 0 },
    ],
  });
  const ada = await createCandidate(org, { firstName: 'Ada', lastName: `Tok${tag}`, email: `ada.${tag}@candidates.test` });

  const page = await signedIn(browser, me.email);
  await page.goto(`/sequences/${seq.id}`);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  await findAndTick(dialog, `Tok${tag}`, `Ada Tok${tag}`);
  await dialog.getByRole('button', { name: 'Edit 1 sequence' }).click();

  const stage = dialog.getByRole('group', { name: 'Stage 1' });
  await expect(stage.getByLabel('Body')).toHaveValue('Hi {{candidate.first_name}}, quick one.');
  const preview = stage.getByRole('region', { name: `As Ada Tok${tag} gets it` });
  await expect(preview).toContainText('Hi Ada, quick one.');
  await stage.getByLabel('Body').fill('Hi {{candidate.first_name}}, a role at {{candidate.company}}.');
  await expect(preview).toContainText('Hi Ada, a role at Initech.');
  await dialog.getByRole('button', { name: `Save Ada Tok${tag}’s stages` }).click();
  await expect(dialog.getByRole('button', { name: 'Stages saved' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Start 1 sequence' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Started 1 sequence.');

  // The stored body still carries the tokens, and the email has Ada's values in their place.
  const { rows } = await db().query(
    `select s.body::text as body from public.enrollment_stages s join public.enrollments e on e.id = s.enrollment_id
     where e.candidate_id = $1 and s.position = 0`,
    [ada.id],
  );
  expect(rows[0].body).toContain('{{candidate.first_name}}');
  await expect
    .poll(
      async () => {
        const got = await messagesTo(`ada.${tag}@candidates.test`);
        if (got.length === 0) await invokeSender();
        return got[0]?.text ?? '';
      },
      { timeout: 60_000, intervals: [1_000] },
    )
    .toContain('Hi Ada, a role at Initech.');
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
  await page.getByRole('region', { name: 'Sequences' }).getByRole('button', { name: `Open draft ${seq.title}` }).click();
  const dialog = page.getByRole('dialog', { name: `Enroll Cal Gap${tag} in a sequence` });
  await dialog.getByRole('button', { name: 'Start 1 sequence' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(`Not started: ${words}`);
  const { rows } = await db().query(`select status::text from public.enrollments where candidate_id = $1`, [cal.id]);
  expect(rows.map((r) => r.status)).toEqual(['draft']);
});
