// The links inside sent emails: the unsubscribe page and RFC 8058 one-click POST
// (supabase/functions/unsubscribe, S7) and the open pixel and click redirect
// (supabase/functions/track, S8). Tokens are signed exactly as the sending engine signs them.
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { db, enrollment, functionUrl, linkToken, makeWorld, one, q, API_URL, type World } from './helpers/inbound.ts';

afterAll(() => db.end());

const subscription = (w: World) =>
  q(`select current_outreach, new_roles from public.subscriptions where candidate_id = $1`, [w.candidateId]);
const subscriptionActivities = (w: World) =>
  q<{ data: Record<string, unknown>; actor_id: string | null }>(
    `select data, actor_id from public.activities where candidate_id = $1 and kind = 'subscription_changed' order by created_at`,
    [w.candidateId],
  );
const unsubscribeUrl = async (w: World) =>
  functionUrl(`unsubscribe?token=${encodeURIComponent(await linkToken({ k: 'unsubscribe', s: w.stage0.id }))}`);
/** The same token with one character of its payload changed. */
const altered = (token: string) =>
  (token[3] === 'A' ? 'B' : 'A') + token.slice(1, 3) + (token[3] === 'A' ? 'B' : 'A') + token.slice(4);

async function postForm(url: string, fields: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

describe('RFC 8058 one-click unsubscribe', () => {
  it('a POST with List-Unsubscribe=One-Click unsubscribes from everything: 200, no page, no cookie, no redirect', async () => {
    const w = await makeWorld();
    const res = await postForm(await unsubscribeUrl(w), { 'List-Unsubscribe': 'One-Click' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await subscription(w)).toEqual([{ current_outreach: false, new_roles: false }]);
    expect(await enrollment(w.enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'unsubscribed' });
    const [activity] = await subscriptionActivities(w);
    expect(activity).toMatchObject({
      actor_id: null,
      data: { current_outreach: false, new_roles: false, source: 'one_click' },
    });
  });

  it('also accepts the multipart/form-data body some mail providers send', async () => {
    const w = await makeWorld();
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const res = await fetch(await unsubscribeUrl(w), { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await subscription(w)).toEqual([{ current_outreach: false, new_roles: false }]);
  });

  it('a forged token is refused with 400 and changes nothing', async () => {
    const w = await makeWorld();
    const token = await linkToken({ k: 'unsubscribe', s: w.stage0.id });
    for (const bad of [
      altered(token),
      token.slice(0, -2),
      `${token}x`,
      await linkToken({ k: 'open', s: w.stage0.id }),
    ]) {
      const res = await postForm(functionUrl(`unsubscribe?token=${encodeURIComponent(bad)}`), {
        'List-Unsubscribe': 'One-Click',
      });
      expect(res.status).toBe(400);
    }
    expect(await subscription(w)).toEqual([]);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');
  });
});

describe('the unsubscribe page', () => {
  it('shows two labelled checkboxes, saves the choice with a confirmation, and allows re-subscribing', async () => {
    const w = await makeWorld();
    const url = await unsubscribeUrl(w);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    const html = await page.text();
    expect(html).toContain('<legend>Stop emails about…</legend>');
    expect(html).toMatch(
      /<label><input type="checkbox" id="stop-current" name="stop_current" value="1"> Current outreach<\/label>/,
    );
    expect(html).toMatch(
      /<label><input type="checkbox" id="stop-new-roles" name="stop_new_roles" value="1"> Outreach about new roles<\/label>/,
    );

    const saved = await postForm(url, { form: 'preferences', stop_new_roles: '1' });
    expect(saved.status).toBe(200);
    const savedHtml = await saved.text();
    expect(savedHtml).toContain('role="status"');
    expect(savedHtml).toContain('You will not receive emails about new roles.');
    expect(savedHtml).toMatch(/name="stop_new_roles" value="1" checked/);
    expect(await subscription(w)).toEqual([{ current_outreach: true, new_roles: false }]);
    expect((await enrollment(w.enrollmentId)).status).toBe('running');

    // Clicking the link again shows the saved choice; unticking re-subscribes.
    expect(await (await fetch(url)).text()).toMatch(/name="stop_new_roles" value="1" checked/);
    const back = await postForm(url, { form: 'preferences' });
    expect(await back.text()).toContain('You are subscribed to both kinds of emails.');
    expect(await subscription(w)).toEqual([{ current_outreach: true, new_roles: true }]);
    expect((await subscriptionActivities(w)).map((a) => a.data)).toEqual([
      expect.objectContaining({ new_roles: false, current_outreach: true, source: 'page' }),
      expect.objectContaining({ new_roles: true, current_outreach: true, previous_new_roles: false, source: 'page' }),
    ]);
  });

  it('saving without a change logs no activity', async () => {
    const w = await makeWorld();
    await postForm(await unsubscribeUrl(w), { form: 'preferences' });
    expect(await subscriptionActivities(w)).toEqual([]);
  });

  it('an altered link shows a polite "not valid" page (400) and changes nothing', async () => {
    const w = await makeWorld();
    const token = await linkToken({ k: 'unsubscribe', s: w.stage0.id });
    const res = await fetch(functionUrl(`unsubscribe?token=${encodeURIComponent(altered(token))}`));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This link is not valid');
    const post = await postForm(functionUrl(`unsubscribe?token=${encodeURIComponent(altered(token))}`), {
      form: 'preferences',
      stop_current: '1',
    });
    expect(post.status).toBe(400);
    expect(await fetch(functionUrl('unsubscribe')).then((r) => r.status)).toBe(400);
    expect(await subscription(w)).toEqual([]);
  });

  it('after unsubscribing from current outreach, enrolling the candidate is refused', async () => {
    const w = await makeWorld();
    await postForm(await unsubscribeUrl(w), { form: 'preferences', stop_current: '1' });
    expect(await enrollment(w.enrollmentId)).toMatchObject({ status: 'cancelled', end_reason: 'unsubscribed' });
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({
      sub: w.userId,
      role: 'authenticated',
      aud: 'authenticated',
      iat: now,
      exp: now + 600,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(process.env.JWT_SECRET!));
    const res = await fetch(`${API_URL}/rest/v1/rpc/enroll_candidates`, {
      method: 'POST',
      headers: { apikey: process.env.ANON_KEY!, authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sequence_id: w.sequenceId, candidate_ids: [w.candidateId], start: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      {
        candidate_id: w.candidateId,
        enrollment_id: null,
        ok: false,
        reason: 'unsubscribed',
        detail: 'This candidate unsubscribed from outreach.',
      },
    ]);
  });
});

describe('open pixel and click redirect', () => {
  const events = (w: World) =>
    q<{ kind: string; is_machine: boolean; url: string | null }>(
      `select kind::text, is_machine, url from public.email_events where enrollment_stage_id = $1 order by id`,
      [w.stage0.id],
    );
  const human = {
    'user-agent':
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  };

  it('an open returns a 1×1 GIF that is never cached and records a human open', async () => {
    const w = await makeWorld();
    const res = await fetch(functionUrl(`track/o/${await linkToken({ k: 'open', s: w.stage0.id })}`), {
      headers: human,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toContain('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(String.fromCharCode(...bytes.slice(0, 6))).toBe('GIF89a');
    expect(bytes[6]! | (bytes[7]! << 8)).toBe(1);
    expect(await events(w)).toEqual([{ kind: 'opened', is_machine: false, url: null }]);
  });

  it('opens by privacy proxies and scanners are flagged as machine opens', async () => {
    const w = await makeWorld();
    const token = await linkToken({ k: 'open', s: w.stage0.id });
    for (const ua of [
      'Mozilla/5.0',
      'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
      'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html',
    ]) {
      await fetch(functionUrl(`track/o/${token}`), { headers: { 'user-agent': ua } });
    }
    expect((await events(w)).map((e) => e.is_machine)).toEqual([true, true, true]);
  });

  it('a click redirects (302) to exactly the URL in the token and records it; a click right after sending counts as a machine', async () => {
    const w = await makeWorld({ twoSent: true });
    const target = 'https://jobs.example.com/backend?ref=email&x=1#apply';
    const res = await fetch(
      functionUrl(`track/c/${await linkToken({ k: 'click', s: w.stage0.id, i: 0, u: target })}`),
      { headers: human, redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(target);
    expect(await events(w)).toEqual([{ kind: 'clicked', is_machine: false, url: target }]);
    // stage1 was sent "now": a click within 10 s of the send is a link scanner.
    await fetch(functionUrl(`track/c/${await linkToken({ k: 'click', s: w.stage1!.id, i: 0, u: target })}`), {
      headers: human,
      redirect: 'manual',
    });
    expect(
      await q(`select is_machine from public.email_events where enrollment_stage_id = $1`, [w.stage1!.id]),
    ).toEqual([{ is_machine: true }]);
  });

  it('a forged click token gets a 400 page and no redirect, and records nothing', async () => {
    const w = await makeWorld();
    const token = await linkToken({ k: 'click', s: w.stage0.id, i: 0, u: 'https://jobs.example.com/' });
    // Swap in another URL while keeping the signature: the classic open-redirect attempt.
    const [, sig] = token.split('.');
    const evil = Buffer.from(JSON.stringify({ k: 'click', s: w.stage0.id, i: 0, u: 'https://evil.example/' })).toString(
      'base64url',
    );
    for (const bad of [`${evil}.${sig}`, altered(token), await linkToken({ k: 'open', s: w.stage0.id })]) {
      const res = await fetch(functionUrl(`track/c/${bad}`), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('This link is not valid');
    }
    const pixel = await fetch(functionUrl(`track/o/${altered(await linkToken({ k: 'open', s: w.stage0.id }))}`));
    expect(pixel.status).toBe(400);
    expect(await events(w)).toEqual([]);
  });

  it('opens and clicks count in the sequence metrics, split into human and machine', async () => {
    const w = await makeWorld();
    await fetch(functionUrl(`track/o/${await linkToken({ k: 'open', s: w.stage0.id })}`), { headers: human });
    await fetch(functionUrl(`track/o/${await linkToken({ k: 'open', s: w.stage0.id })}`), {
      headers: { 'user-agent': 'Mozilla/5.0' },
    });
    expect(
      await one(
        `select count(*) filter (where not is_machine)::int as human, count(*) filter (where is_machine)::int as machine
                      from public.email_events where sequence_id = $1 and kind = 'opened'`,
        [w.sequenceId],
      ),
    ).toEqual({ human: 1, machine: 1 });
  });
});
