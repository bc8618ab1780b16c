// SPEC S13 (issue 16): settings change what the rest of the product does. Each test uses an
// organisation of its own (factories), so the demo organisation other specs rely on is left
// as it was.
import http from 'node:http';
import { expect, test, type Browser, type Page } from '@playwright/test';
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
  makeDue,
  uniq,
  type Member,
  type Org,
} from '../integration/helpers/factories.ts';
import { invokeSender, messagesTo, waitFor } from '../integration/helpers/sending.ts';

test.afterAll(async () => {
  await closeDb();
});

/** An organisation admin who can sign in with a password, sending from a verified domain. */
async function orgAdminWithLogin(org: Org): Promise<Member> {
  const admin = await createMember(org, { level: 'organization_admin', senderName: 'Odette Admin' });
  await db().query(
    `update auth.users set encrypted_password = extensions.crypt('password123', extensions.gen_salt('bf')),
       email_confirmed_at = now() where id = $1`,
    [admin.id],
  );
  await db().query(`update public.members set display_name = 'Odette Admin' where user_id = $1`, [admin.id]);
  return admin;
}

async function signIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  return page;
}

async function openEnrolReview(page: Page, sequenceId: string, candidateName: string) {
  await page.goto(`/sequences/${sequenceId}`);
  await page.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = page.getByRole('dialog', { name: /Enrol candidates/ });
  await dialog.getByRole('searchbox', { name: 'Find candidates' }).fill(candidateName);
  await dialog.getByRole('listitem').filter({ hasText: candidateName }).getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Edit 1 sequence' }).click();
  return dialog;
}

test('an organisation admin invites a user, makes them elevated hiring manager on a job; they sign in from the email and enrol its candidates', async ({
  browser,
}) => {
  const org = await createOrg({ plan: 'plus' });
  const admin = await orgAdminWithLogin(org);
  const job = await createJob(org, 'Platform Engineer');
  const tag = uniq('c').slice(2);
  const candidate = await createCandidate(org, { firstName: 'Quinn', lastName: `Hale${tag}` });
  await db().query(`insert into public.considerations (organization_id, candidate_id, job_id) values ($1, $2, $3)`, [
    org.id,
    candidate.id,
    job.id,
  ]);
  const seq = await createSequence(org, admin);

  const page = await signIn(browser, admin.email);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings\/personal$/);
  await page.getByRole('link', { name: 'People' }).click();
  const invitee = `${uniq('hire')}@newhires.test`;
  const form = page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email').fill(invitee);
  await form.getByLabel('Access level').selectOption('elevated');
  await form.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();
  const name = invitee.split('@')[0]!;
  await expect(page.getByRole('combobox', { name: `Access level of ${name}` })).toHaveValue('elevated');

  await page.getByRole('link', { name: 'Jobs' }).click();
  await page.locator('summary', { hasText: 'Platform Engineer' }).click();
  await page.getByRole('combobox', { name: `Role of ${name} on Platform Engineer` }).selectOption('hiring_manager');
  await expect(page.getByText(`${name} is Hiring manager on Platform Engineer.`)).toBeVisible();

  // The invited person follows the link Auth mailed them (caught by the mail catcher).
  const mail = await waitFor(async () => (await messagesTo(invitee))[0] ?? null, 15_000, 'the invitation email');
  // Auth's invitation in the product's look (supabase/templates/invite.html), naming the
  // organisation and who invited them.
  expect(mail.subject).toBe(`Odette Admin invited you to ${org.name} on Outreach Sequences`);
  expect(mail.html).toContain(`Join ${org.name}`);
  expect(mail.html).toContain('Odette Admin invited you');
  expect(mail.html).toContain('Accept the invitation');
  const link = /href="([^"]+\/auth\/v1\/verify[^"]+)"/.exec(mail.html ?? '')?.[1]?.replaceAll('&amp;', '&');
  expect(link).toBeTruthy();
  const newcomer = await (await browser.newContext()).newPage();
  await newcomer.goto(link!);
  await expect(newcomer).toHaveURL(/\/sequences/);
  await expect(newcomer.getByText(invitee)).toBeVisible();

  const dialog = await openEnrolReview(newcomer, seq.id, `Quinn Hale${tag}`);
  await expect(dialog.getByText(/1 ready to start\./)).toBeVisible();
  await dialog.getByRole('button', { name: 'Start 1' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Started 1 sequence.');
});

test('the outreach frequency policy changed in settings changes the reason shown in the enrol dialog', async ({
  browser,
}) => {
  const org = await createOrg({ plan: 'plus', frequencyDays: 14, timeZone: 'UTC' });
  const admin = await orgAdminWithLogin(org);
  const tag = uniq('c').slice(2);
  const candidate = await createCandidate(org, { firstName: 'Rory', lastName: `Vance${tag}` });
  // Contacted ten days ago by an earlier sequence.
  const earlier = await createSequence(org, admin);
  const [row] = await enroll(admin, earlier.id, [candidate.id]);
  await db().query(
    `update public.enrollment_stages set status = 'sent', sent_at = now() - interval '10 days' where enrollment_id = $1`,
    [row!.enrollment_id],
  );
  for (const status of ['running', 'completed'])
    await db().query(`update public.enrollments set status = $2::public.enrollment_status where id = $1`, [
      row!.enrollment_id,
      status,
    ]);
  const seq = await createSequence(org, admin);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  const page = await signIn(browser, admin.email);
  let dialog = await openEnrolReview(page, seq.id, `Rory Vance${tag}`);
  await expect(dialog.getByText(`your organisation allows contact again from ${day(4)}.`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.goto('/settings/organization');
  await page.getByLabel('Days before a candidate may be contacted again').fill('30');
  await page.getByRole('button', { name: 'Save organisation settings' }).click();
  await expect(page.getByText('Organisation settings saved.')).toBeVisible();

  dialog = await openEnrolReview(page, seq.id, `Rory Vance${tag}`);
  await expect(dialog.getByText(`your organisation allows contact again from ${day(20)}.`)).toBeVisible();
});

test('turning tracking off in personal settings removes the pixel and tracked links from the next email', async ({
  browser,
}) => {
  const org = await createOrg({ plan: 'plus' });
  const admin = await orgAdminWithLogin(org);
  const seq = await createSequence(org, admin, {
    stages: [
      { subject: 'Hello {{candidate.first_name}}', body: docOf('See [the role](https://jobs.example.com/r1).') },
    ],
  });
  const sendTo = async () => {
    const cand = await createCandidate(org);
    const [r] = await enroll(admin, seq.id, [cand.id], true);
    await makeDue([r!.enrollment_id!], [0]);
    expect((await invokeSender()).status).toBe(200);
    return waitFor(async () => (await messagesTo(cand.email!))[0] ?? null, 15_000, 'the sent email');
  };

  const tracked = await sendTo();
  expect(tracked.html).toContain('/functions/v1/track/o/');
  expect(tracked.html).toContain('/functions/v1/track/c/');

  const page = await signIn(browser, admin.email);
  await page.goto('/settings/personal');
  await page.getByLabel('Track opens and clicks in my emails').uncheck();
  await page.getByRole('button', { name: 'Save email settings' }).click();
  await expect(page.getByText('Your email settings are saved.')).toBeVisible();

  const untracked = await sendTo();
  expect(untracked.html).not.toContain('/functions/v1/track/');
  expect(untracked.html).toContain('href="https://jobs.example.com/r1"');
});

test('a sender writes a rich-text signature in personal settings and the next email carries it, formatted and escaped', async ({
  browser,
}) => {
  const org = await createOrg({ plan: 'plus' });
  const admin = await orgAdminWithLogin(org);
  const seq = await createSequence(org, admin, {
    stages: [{ subject: 'Hello {{candidate.first_name}}', body: docOf('Thanks for reading.', '{{sender.signature}}') }],
  });

  const page = await signIn(browser, admin.email);
  await page.goto('/settings/personal');
  const signature = page.getByRole('textbox', { name: 'Signature' });
  await signature.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.getByRole('button', { name: 'Bold' }).click();
  await page.keyboard.type('Odette <Admin>');
  await page.getByRole('button', { name: 'Bold' }).click();
  await page.keyboard.press('Enter');
  await page.keyboard.type('Talent partner');
  await page.getByRole('button', { name: 'Save email settings' }).click();
  await expect(page.getByText('Your email settings are saved.')).toBeVisible();

  // Shown again as saved.
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Signature' }).locator('strong')).toHaveText('Odette <Admin>');

  const cand = await createCandidate(org);
  const [r] = await enroll(admin, seq.id, [cand.id], true);
  await makeDue([r!.enrollment_id!], [0]);
  expect((await invokeSender()).status).toBe(200);
  const mail = await waitFor(async () => (await messagesTo(cand.email!))[0] ?? null, 15_000, 'the sent email');
  expect(mail.html).toContain('<strong>Odette &lt;Admin&gt;</strong><br>Talent partner');
  expect(mail.text).toContain('Odette <Admin>\nTalent partner');
});

test('an organisation admin adds a sending domain, the provider verifies it, and only then can a sender use it', async ({
  browser,
}) => {
  const org = await createOrg({ plan: 'plus' });
  const admin = await orgAdminWithLogin(org);
  const domain = `${uniq('mail')}.hiring.test`;
  const page = await signIn(browser, admin.email);
  await page.goto('/settings/senders');
  await page.getByRole('textbox', { name: 'New domain' }).fill(domain);
  await page.getByRole('button', { name: 'Add domain' }).click();
  const card = page.getByRole('article', { name: `Domain ${domain}` });
  await expect(card.getByText('Pending DNS verification')).toBeVisible();

  await page.goto('/settings/personal');
  await page.getByLabel('Sender address').fill(`odette@${domain}`);
  await expect(page.getByText(`${domain} is not a verified sending domain of your organisation`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save email settings' })).toBeDisabled();

  // The mail catcher stands in for Resend: its inbox page decides the verification.
  const inbox = await (await browser.newContext()).newPage();
  await inbox.goto(`${process.env.MAIL_URL}/inbox/domains`);
  await inbox.getByRole('button', { name: `Mark ${domain} verified` }).click();
  await expect(inbox.getByRole('row').filter({ hasText: domain })).toContainText('verified');

  await page.goto('/settings/senders');
  await page
    .getByRole('article', { name: `Domain ${domain}` })
    .getByRole('button', { name: `Check ${domain} now` })
    .click();
  await expect(page.getByRole('article', { name: `Domain ${domain}` }).getByText('Verified')).toBeVisible();

  await page.goto('/settings/personal');
  await page.getByLabel('Sender address').fill(`odette@${domain}`);
  await page.getByRole('button', { name: 'Save email settings' }).click();
  await expect(page.getByText('Your email settings are saved.')).toBeVisible();
});

test('an AI opening line is written on each draft and sent only as a person approved it', async ({ browser }) => {
  // Two edge functions start cold here (ai-tokens, send-due-stages) on a shared machine.
  test.setTimeout(60_000);
  // The functions' OpenAI-compatible provider (REPLY_CLASSIFIER_BASE_URL), served here.
  const base = new URL(process.env.REPLY_CLASSIFIER_BASE_URL ?? 'http://127.0.0.1:25399/v1');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'Your Kafka talk at Initech stood out to me.' } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(Number(base.port), base.hostname, r));
  try {
    const org = await createOrg({ plan: 'plus' });
    await db().query(`update public.organizations set ai_tokens_enabled = true where id = $1`, [org.id]);
    const admin = await orgAdminWithLogin(org);
    const seq = await createSequence(org, admin, {
      stages: [{ subject: 'Hello {{candidate.first_name}}', body: docOf('{{ai.opening_line}}', 'Shall we talk?') }],
    });
    const tag = uniq('c').slice(2);
    const cand = await createCandidate(org, { firstName: 'Nina', lastName: `Kerr${tag}` });

    const page = await signIn(browser, admin.email);
    const dialog = await openEnrolReview(page, seq.id, `Nina Kerr${tag}`);
    const box = dialog.getByRole('textbox', { name: `Opening line for Nina Kerr${tag}` });
    await expect(box).toHaveValue('Your Kafka talk at Initech stood out to me.');
    await expect(dialog.getByText(/Written by /)).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Start 0' })).toBeDisabled();

    await box.fill('Your Kafka talk at Initech stood out to our platform team.');
    await dialog.getByRole('button', { name: `Approve the opening line for Nina Kerr${tag}` }).click();
    await expect(dialog.getByText('Approved', { exact: true })).toBeVisible();
    await dialog.getByRole('button', { name: 'Start 1' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Started 1 sequence.');

    const [row] = (
      await db().query(`select id from public.enrollments where candidate_id = $1 and status = 'running'`, [cand.id])
    ).rows;
    await makeDue([row.id], [0]);
    expect((await invokeSender()).status).toBe(200);
    const mail = await waitFor(async () => (await messagesTo(cand.email!))[0] ?? null, 15_000, 'the sent email');
    expect(mail.html).toContain('Your Kafka talk at Initech stood out to our platform team.');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
