// S5/S6 end to end: enrol → the engine sends → the candidate replies from the mail catcher's
// inbox page → the sequence stops and the lead is in the linked job's Replied stage.
// Enrolment and sending go through the RPC and the function (the enrolment UI is covered by
// enrolment.spec.ts); the lead adds the sequence page's assertions when that page shows them.
import { expect, test } from '@playwright/test';
import { closeDb, enrolAndSend, row } from './helpers/inbound.ts';

test.afterAll(closeDb);

test('a reply sent from the inbox stops the sequence and moves the lead to Replied', async ({ page }) => {
  const sent = await enrolAndSend('Rita');
  await page.goto(`${process.env.MAIL_URL}/messages/${encodeURIComponent(sent.message.id)}`);
  await expect(page.getByRole('heading', { name: sent.message.subject })).toBeVisible();

  const actions = page.getByRole('region', { name: 'Act as the candidate' });
  await actions.getByLabel('Reply text').fill('Happy to talk — how about Thursday?');
  await actions.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('status')).toHaveText('Reply delivered');

  expect(
    await row(`select status::text, end_reason, response_status::text from public.enrollments where id = $1`, [
      sent.enrollmentId,
    ]),
  ).toEqual({ status: 'completed', end_reason: 'replied', response_status: 'replied' });
  expect(
    await row(
      `select js.kind::text from public.considerations c join public.job_stages js on js.id = c.stage_id
                    where c.candidate_id = $1 and c.job_id = $2`,
      [sent.candidateId, sent.jobId],
    ),
  ).toEqual({ kind: 'replied' });
  expect(await row(`select body_display from public.replies where enrollment_id = $1`, [sent.enrollmentId])).toEqual({
    body_display: 'Happy to talk — how about Thursday?',
  });
  // The follow-up stage will never send.
  expect(
    await row(
      `select status::text, end_reason from public.enrollment_stages where enrollment_id = $1 and position = 1`,
      [sent.enrollmentId],
    ),
  ).toEqual({ status: 'cancelled', end_reason: 'replied' });
});
