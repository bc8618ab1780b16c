// SPEC S2 / DESIGN "Live collaboration" end to end: "+ New" opens the editor; two editors type in
// the same subject and the same paragraph at once and converge, seeing each other's avatar and
// caret; an editor who went offline merges on return; a viewer follows live but cannot type, and
// the editor sees the viewer's caret; a user without access cannot open it; the stages the engine
// reads are materialised from the document; and the email that arrives carries the edited subject
// and body with tokens rendered.
import { expect, test, type Browser, type BrowserContext, type Page, type WebSocketRoute } from '@playwright/test';
import { closeDb, db, uniq } from '../integration/helpers/factories.ts';
import { invokeSender, messagesTo, waitFor } from '../integration/helpers/sending.ts';

const ACME = '0a000000-0000-4000-8000-000000000001';

/** Sequences these tests created: archived afterwards, so other specs' lists stay as seeded. */
const created: string[] = [];
test.afterAll(async () => {
  await db().query(`update public.sequences set archived_at = now() where id = any($1::uuid[])`, [created]);
  await closeDb();
});

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sequences$/);
  return page;
}

/** "+ New" → the editor of the new sequence; returns its id. */
async function createThroughUi(page: Page, title: string): Promise<string> {
  await page.getByRole('button', { name: 'New' }).click();
  const dialog = page.getByRole('dialog', { name: 'New sequence' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('radio', { name: /Shared/ }).check();
  await dialog.getByRole('button', { name: 'Create sequence' }).click();
  await expect(page).toHaveURL(/\/sequences\/[0-9a-f-]+\/edit$/);
  await expect(page.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();
  const id = page.url().split('/').at(-2)!;
  created.push(id);
  return id;
}

const subject = (page: Page, n = 1) =>
  page.getByRole('article', { name: `Stage ${n}` }).getByRole('textbox', { name: 'Subject' });
const body = (page: Page, n = 1) => page.getByRole('textbox', { name: `Body of stage ${n}` });
/** The body's text without collaborators' caret labels (which differ per viewer). */
const bodyText = (page: Page) =>
  body(page).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((c) => c.remove());
    return copy.textContent;
  });
const avatars = (page: Page) => page.getByRole('list', { name: 'People editing now' });

/** Cuts a page's Realtime socket and keeps it cut until `online()`, like a lost network. */
async function controllableSocket(context: BrowserContext) {
  let offline = false;
  const open: WebSocketRoute[] = [];
  await context.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
    if (offline) return void ws.close({ code: 1006, reason: 'offline' });
    ws.connectToServer();
    open.push(ws);
  });
  return {
    async offline() {
      offline = true;
      await context.setOffline(true);
      for (const ws of open.splice(0)) await ws.close({ code: 1006, reason: 'offline' });
    },
    async online() {
      offline = false;
      await context.setOffline(false);
    },
  };
}

test('two editors co-edit the same subject and paragraph, see each other, merge offline edits, and the stages follow', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const adam = await signedIn(browser, 'admin@acme.test');
  const olivia = await signedIn(browser, 'orgadmin@acme.test');
  const socket = await controllableSocket(olivia.context());
  const id = await createThroughUi(adam, uniq('Co-edited'));
  // A new sequence starts with one email stage whose empty subject and body block enrolment.
  await expect(adam.getByRole('status').filter({ hasText: /^2 errors$/ })).toBeVisible();
  await olivia.goto(`/sequences/${id}/edit`);

  // Presence: each sees the other's avatar.
  await expect(avatars(adam)).toContainText('Olivia Adler');
  await expect(avatars(olivia)).toContainText('Adam Brandt');

  // Both type in the same subject at the same time.
  await subject(adam).click();
  await subject(olivia).click();
  await Promise.all([
    subject(adam).pressSequentially('Hello from Adam'),
    subject(olivia).pressSequentially('Hi from Olivia'),
  ]);
  await expect(subject(adam)).toHaveValue(/Hello from Adam/);
  await expect(subject(adam)).toHaveValue(/Hi from Olivia/);
  await expect.poll(() => subject(olivia).inputValue()).toBe(await subject(adam).inputValue());

  // Both type in the same paragraph of the body at the same time, one at its start and one at
  // its end. (Two people typing at the very same caret position can still duplicate a character:
  // a known limitation of the ProseMirror binding, y-prosemirror issue #161.)
  await body(adam).click();
  await body(adam).pressSequentially('Adam writes here.');
  await expect(body(olivia)).toContainText('Adam writes here.');
  await body(olivia).click();
  await body(olivia).press('Home');
  await body(adam).press('End');
  await Promise.all([body(adam).pressSequentially(' More from Adam.'), body(olivia).pressSequentially('Olivia too. ')]);
  await expect.poll(() => bodyText(adam)).toBe('Olivia too. Adam writes here. More from Adam.');
  await expect.poll(() => bodyText(olivia)).toBe('Olivia too. Adam writes here. More from Adam.');
  // Each sees the other's caret, labelled with their name.
  await expect(adam.locator('.collaboration-carets__label', { hasText: 'Olivia Adler' })).toBeVisible();
  await expect(olivia.locator('.collaboration-carets__label', { hasText: 'Adam Brandt' })).toBeVisible();

  // Olivia loses her connection; both keep editing; she comes back and nothing is lost.
  await socket.offline();
  await expect(olivia.getByRole('status').filter({ hasText: /Reconnecting|Offline/ })).toBeVisible();
  await body(olivia).press('End');
  await body(olivia).pressSequentially(' Written offline.');
  await body(adam).press('End');
  await body(adam).pressSequentially(' Written online.');
  await expect(body(adam)).not.toContainText('Written offline.');
  await socket.online();
  await expect(body(adam)).toContainText('Written offline.', { timeout: 30_000 });
  await expect(body(olivia)).toContainText('Written online.', { timeout: 30_000 });
  await expect.poll(() => bodyText(olivia)).toBe(await bodyText(adam));

  // A second stage, added by Adam, appears for Olivia.
  await adam.getByRole('button', { name: 'Add stage' }).click();
  await expect(olivia.getByRole('article', { name: 'Stage 2' })).toBeVisible();
  await expect(olivia.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible({ timeout: 20_000 });
  await expect(adam.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();
  const expectedSubject = await subject(adam).inputValue();

  // The stage rows the engine reads are materialised from the document.
  await expect
    .poll(
      async () =>
        (await db().query(`select count(*)::int as n from public.sequence_stages where sequence_id = $1`, [id])).rows[0]
          .n,
      {
        timeout: 20_000,
      },
    )
    .toBe(2);
  await expect
    .poll(
      async () =>
        (await db().query(`select subject from public.sequence_stages where sequence_id = $1 and position = 0`, [id]))
          .rows[0]?.subject,
      { timeout: 20_000 },
    )
    .toBe(expectedSubject);

  // Reload: the document comes back from the database, and the sequence page shows the stages.
  await adam.reload();
  await expect(subject(adam)).toHaveValue(expectedSubject);
  await expect(body(adam)).toContainText('Written offline.');
  await adam.getByRole('link', { name: 'Done' }).click();
  await expect(adam).toHaveURL(new RegExp(`/sequences/${id}$`));
  await adam.getByRole('tab', { name: /Stages/ }).click();
  await expect(adam.getByText(expectedSubject).first()).toBeVisible();
  await adam.context().close();
  await olivia.context().close();
});

test('a viewer follows live edits read-only; a user without access cannot open the editor', async ({ browser }) => {
  const adam = await signedIn(browser, 'admin@acme.test');
  const id = await createThroughUi(adam, uniq('Viewed'));
  const ana = await signedIn(browser, 'analyst@acme.test');
  await ana.goto(`/sequences/${id}/edit`);
  await expect(ana.getByText('Read only', { exact: true })).toBeVisible();
  await expect(body(ana)).toHaveAttribute('contenteditable', 'false');
  await expect(subject(ana)).toHaveAttribute('readonly', '');
  await expect(ana.getByRole('button', { name: 'Add stage' })).toHaveCount(0);
  await expect(avatars(adam)).toContainText('Ana Costa');

  await subject(adam).click();
  await subject(adam).pressSequentially('Live for viewers');
  await body(adam).click();
  await body(adam).pressSequentially('Viewers see this.');
  await expect(subject(ana)).toHaveValue('Live for viewers');
  await expect(body(ana)).toContainText('Viewers see this.');

  // An attachment uploaded by the editor is listed for the viewer, who cannot remove it.
  await adam.getByLabel('Attach file to stage 1').setInputFiles({
    name: 'brochure.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Our team and what we build.'),
  });
  const list = (p: Page) => p.getByRole('list', { name: 'Attachments of stage 1' });
  await expect(list(adam)).toContainText('brochure.txt');
  await expect(list(ana)).toContainText('brochure.txt');
  await expect(list(ana).getByRole('button', { name: 'Remove brochure.txt' })).toHaveCount(0);
  await expect
    .poll(
      async () =>
        (
          await db().query(`select attachments->0->>'name' as n from public.sequence_stages where sequence_id = $1`, [
            id,
          ])
        ).rows[0]?.n,
      { timeout: 20_000 },
    )
    .toBe('brochure.txt');
  // The editor removes it: gone from the stage at once, for the viewer too. The stored file stays
  // until nothing lists it (running enrolments may still send it; the purge job deletes it later).
  await list(adam).getByRole('button', { name: 'Remove brochure.txt' }).click();
  await expect(list(adam).getByRole('listitem')).toHaveCount(0);
  await expect(list(ana).getByRole('listitem')).toHaveCount(0);
  await expect
    .poll(
      async () =>
        (await db().query(`select attachments from public.sequence_stages where sequence_id = $1`, [id])).rows[0]
          ?.attachments,
      { timeout: 20_000 },
    )
    .toEqual([]);
  const kept = await db().query(`select count(*)::int as n from storage.objects where name like $1 || '/%'`, [id]);
  expect(kept.rows[0].n).toBe(1);

  // Typing as a viewer changes nothing.
  await body(ana).click();
  await ana.keyboard.type('forged');
  await expect(body(ana)).not.toContainText('forged');
  await expect(body(adam)).not.toContainText('forged');
  // But the editor sees where the viewer is reading: her caret, labelled with her name, in the
  // body she clicked (announced through presence, since viewers may not broadcast).
  await expect(adam.locator('.collaboration-carets__label', { hasText: 'Ana Costa' })).toBeVisible();
  await expect(avatars(adam)).toContainText('Ana Costa');

  const lena = await signedIn(browser, 'limited@acme.test');
  await lena.goto(`/sequences/${id}/edit`);
  await expect(lena.getByRole('heading', { name: 'Sequence not available' })).toBeVisible();
  await Promise.all([adam.context().close(), ana.context().close(), lena.context().close()]);
});

test('when the creator makes a sequence personal, a viewer who lost access is cut off and the others follow on the new channel', async ({
  browser,
}) => {
  const adam = await signedIn(browser, 'admin@acme.test');
  const id = await createThroughUi(adam, uniq('Access change'));
  const ana = await signedIn(browser, 'analyst@acme.test');
  const olivia = await signedIn(browser, 'orgadmin@acme.test');
  await ana.goto(`/sequences/${id}/edit`);
  await olivia.goto(`/sequences/${id}/edit`);
  await expect(avatars(adam)).toContainText('Ana Costa');
  await expect(avatars(adam)).toContainText('Olivia Adler');

  await adam.getByRole('button', { name: 'Sequence settings' }).click();
  const settings = adam.getByRole('dialog', { name: 'Sequence settings' });
  await settings.getByRole('radio', { name: 'Personal' }).check();
  await expect(adam.getByText(/Access changed/)).toBeVisible();
  await settings.getByRole('button', { name: 'Close' }).click();

  // Ana (elevated, no link) may not see a personal sequence: her editor closes and forgets it.
  await expect(ana.getByRole('heading', { name: 'You no longer have access' })).toBeVisible();
  await expect(avatars(adam)).not.toContainText('Ana Costa');
  // Olivia (organisation admin) still may, and keeps receiving on the new channel.
  await subject(adam).click();
  await subject(adam).pressSequentially('After the change');
  await expect(subject(olivia)).toHaveValue('After the change');
  await expect(ana.getByRole('textbox', { name: 'Subject' })).toHaveCount(0);
  await Promise.all([adam.context().close(), ana.context().close(), olivia.context().close()]);
});

test('create → edit with a token → enrol: the email that arrives carries the edited subject and body, tokens rendered', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const email = `${uniq('editor')}@candidates.test`;
  const last = uniq('Zed').replace('-', '');
  await db().query(
    `insert into public.candidates (organization_id, first_name, last_name, email, company) values ($1, 'Yara', $2, $3, 'Initech')`,
    [ACME, last, email],
  );
  const adam = await signedIn(browser, 'admin@acme.test');
  const id = await createThroughUi(adam, uniq('Edited then sent'));

  await subject(adam).click();
  await subject(adam).pressSequentially('A role for you, ');
  await adam
    .getByRole('article', { name: 'Stage 1' })
    .getByRole('button', { name: 'Personalize with token' })
    .first()
    .click();
  await adam.getByRole('menuitem', { name: 'Candidate first name' }).click();
  await expect(subject(adam)).toHaveValue('A role for you, {{candidate.first_name}}');

  await body(adam).click();
  await body(adam).pressSequentially('Dear ');
  await adam
    .getByRole('toolbar', { name: 'Formatting' })
    .getByRole('button', { name: 'Personalize with token' })
    .click();
  await adam.getByRole('menuitem', { name: 'Candidate company' }).click();
  await body(adam).pressSequentially(' team member, we would love to talk.');
  // The chip is one atomic unit: Backspace after it removes it whole, never half a token.
  await expect(body(adam).locator('[data-token="candidate.company"]')).toHaveText('Candidate company');
  await expect(adam.getByRole('status').filter({ hasText: /^0 errors$/ })).toBeVisible();
  await expect(adam.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible({ timeout: 20_000 });

  await adam.getByRole('link', { name: 'Done' }).click();
  await expect(adam).toHaveURL(new RegExp(`/sequences/${id}$`));
  await adam.getByRole('button', { name: 'Enrol candidates' }).click();
  const dialog = adam.getByRole('dialog', { name: /Enrol candidates/ });
  await dialog.getByRole('searchbox', { name: 'Find candidates' }).fill(last);
  await dialog.getByRole('listitem').filter({ hasText: last }).getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Edit 1 sequence' }).click();
  await dialog.getByRole('button', { name: 'Start 1' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Started 1 sequence.');

  expect((await invokeSender()).status).toBe(200);
  const message = await waitFor(async () => (await messagesTo(email)).at(-1) ?? null, 20_000, 'the email');
  expect(message.subject).toBe('A role for you, Yara');
  expect(message.text).toContain('Dear Initech team member, we would love to talk.');
  expect(message.html).toContain('Dear Initech team member');
  await adam.context().close();
});
