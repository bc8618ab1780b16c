// Reply classification (S6): after the webhook has answered, a logged reply is classified when
// the organisation opted in and the initiating user did not opt out; the initiator gets an
// email with a link to change the status; users override it with set_response_status.
//
// The functions' classifier is configured by the stack's environment (fixed when the worker
// starts), so this suite serves the fake OpenAI-compatible endpoint at the address the stack
// was given: the test runner starts the stack with
//   REPLY_CLASSIFIER_BASE_URL=http://127.0.0.1:25399/v1 REPLY_CLASSIFIER_API_KEY=test-key
//   REPLY_CLASSIFIER_MODEL=fake-classifier REPLY_CLASSIFIER_TIMEOUT_MS=2000
// and runs vitest with the same variables.
import http from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_URL,
  MAIL_URL,
  db,
  deliver,
  enrollment,
  inboundEvent,
  makeWorld,
  one,
  q,
  replyAddress,
  waitFor,
  type World,
} from './helpers/inbound.ts';

const BASE = process.env.REPLY_CLASSIFIER_BASE_URL;
const MODEL = process.env.REPLY_CLASSIFIER_MODEL;
if (!BASE || !MODEL || !process.env.REPLY_CLASSIFIER_API_KEY) {
  throw new Error(
    'inbound-classify needs the stack and vitest started with REPLY_CLASSIFIER_BASE_URL (a free loopback port, ' +
      'e.g. http://127.0.0.1:25399/v1), REPLY_CLASSIFIER_API_KEY, REPLY_CLASSIFIER_MODEL and REPLY_CLASSIFIER_TIMEOUT_MS=2000',
  );
}

type Mode =
  { kind: 'label'; label: string; confidence: number } | { kind: 'garbage' } | { kind: 'slow' } | { kind: 'error' };
let mode: Mode = { kind: 'error' };
const seen: Array<{ model: string; authorization: string | undefined; user: string }> = [];
let server: http.Server;

beforeAll(async () => {
  const url = new URL(BASE);
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body || '{}');
      seen.push({
        model: parsed.model,
        authorization: req.headers.authorization,
        user: parsed.messages?.[1]?.content ?? '',
      });
      const answer = (content: string) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content } }],
          }),
        );
      };
      if (mode.kind === 'label')
        answer(
          JSON.stringify({ label: mode.label, confidence: mode.confidence, reason: 'fake model', returnDate: null }),
        );
      else if (mode.kind === 'garbage') answer('Honestly? Hard to say. Maybe keen, maybe not!!');
      else if (mode.kind === 'slow')
        setTimeout(() => answer('{"label":"interested","confidence":1,"reason":"late","returnDate":null}'), 4000);
      else {
        res.writeHead(500);
        res.end('boom');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(url.port), url.hostname, () => resolve());
  });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await db.end();
});

async function reply(w: World, text: string) {
  const r = await deliver(
    inboundEvent({ from: `Ada Lovelace <${w.candidateEmail}>`, to: [replyAddress(w.replyToken)], text }),
  );
  expect(r.body).toMatchObject({ outcome: 'stopped' });
}
const classified = (w: World) =>
  waitFor(async () => {
    // The reply first: apply_reply_classification writes reply and enrolment in one
    // transaction, so once the reply shows a label the enrolment read after it shows it too.
    const r = await one(
      `select classification::text, classification_provider from public.replies where enrollment_id = $1`,
      [w.enrollmentId],
    );
    return r.classification ? { ...(await enrollment(w.enrollmentId)), reply: r } : null;
  }, 'the reply to be classified');
async function notification(w: World) {
  return waitFor(async () => {
    const list = (await (
      await fetch(`${MAIL_URL}/_catcher/messages?to=${encodeURIComponent(w.userEmail)}`)
    ).json()) as Array<{ id: string; subject: string }>;
    const m = list[0];
    return m
      ? ((await (await fetch(`${MAIL_URL}/_catcher/messages/${m.id}`)).json()) as { subject: string; text: string })
      : null;
  }, 'the notification email');
}

describe('classification with the LLM endpoint', () => {
  it('sets the response status with provider and confidence, and emails the initiator a link to change it', async () => {
    mode = { kind: 'label', label: 'interested', confidence: 0.91 };
    const w = await makeWorld({ classification: true, firstName: 'Grace' });
    await reply(w, 'Yes please, this sounds like a great fit. When can we talk?');
    const e = await classified(w);
    expect(e).toMatchObject({ status: 'completed', response_status: 'interested', response_provider: `llm:${MODEL}` });
    expect(e.response_confidence).toBeCloseTo(0.91, 5);
    const last = seen.at(-1)!;
    expect(last.model).toBe(MODEL);
    expect(last.authorization).toBe(`Bearer ${process.env.REPLY_CLASSIFIER_API_KEY}`);
    expect(last.user).toContain('Yes please, this sounds like a great fit.');
    const mail = await notification(w);
    expect(mail.subject).toBe('Reply from Grace Lovelace: classified as Interested');
    expect(mail.text).toContain(`classified as Interested — change it: `);
    expect(mail.text).toContain(`/sequences/${w.sequenceId}?enrollment=${w.enrollmentId}`);
  });

  it('not interested archives the lead in the linked job', async () => {
    mode = { kind: 'label', label: 'not_interested', confidence: 0.8 };
    const w = await makeWorld({ classification: true });
    await reply(w, 'No thanks, I am happy where I am.');
    expect(await classified(w)).toMatchObject({ response_status: 'not_interested' });
    expect(
      await one(
        `select archived_at is not null as archived, archive_reason from public.considerations where candidate_id = $1`,
        [w.candidateId],
      ),
    ).toEqual({ archived: true, archive_reason: 'not_interested' });
  });

  it('garbage output falls back to the built-in rules cleanly', async () => {
    mode = { kind: 'garbage' };
    const w = await makeWorld({ classification: true });
    await reply(w, 'Not interested, please remove me from your list.');
    const e = await classified(w);
    expect(e.response_status).toBe('not_interested');
    expect(e.response_provider).toMatch(/^rules \(fallback: /);
  });

  it('a model slower than the timeout falls back to the rules, and the webhook answered long before', async () => {
    mode = { kind: 'slow' };
    const w = await makeWorld({ classification: true });
    const t0 = Date.now();
    await reply(w, 'Sounds interesting, happy to chat next week.');
    expect(Date.now() - t0).toBeLessThan(1500);
    const e = await classified(w);
    expect(e.response_provider).toMatch(/^rules \(fallback: llm timeout/);
    expect(e.response_status).toBe('interested');
  });
});

describe('who gets classified', () => {
  it('the built-in classifier answers when the endpoint fails (HTTP 500)', async () => {
    mode = { kind: 'error' };
    const w = await makeWorld({ classification: true });
    await reply(w, 'Yes, I am interested! Please send me more details.');
    const e = await classified(w);
    expect(e).toMatchObject({ response_status: 'interested' });
    expect(e.response_provider).toMatch(/^rules/);
  });

  it('an initiator who opted out gets no classification, only the notification', async () => {
    mode = { kind: 'label', label: 'interested', confidence: 0.9 };
    const w = await makeWorld({ classification: true, preference: 'off' });
    await reply(w, 'Yes, interested!');
    const mail = await notification(w);
    expect(mail.subject).toBe('Reply from Ada Lovelace');
    expect(await enrollment(w.enrollmentId)).toMatchObject({ response_status: 'replied', response_provider: null });
    expect(
      (await one(`select classification from public.replies where enrollment_id = $1`, [w.enrollmentId]))
        .classification,
    ).toBeNull();
  });

  it('an organisation that did not opt in gets no classification', async () => {
    mode = { kind: 'label', label: 'interested', confidence: 0.9 };
    const w = await makeWorld({ classification: false, preference: 'on' });
    await reply(w, 'Yes, interested!');
    await notification(w);
    expect((await enrollment(w.enrollmentId)).response_status).toBe('replied');
  });
});

describe('Set response (set_response_status)', () => {
  const asUser = async (userId: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(process.env.JWT_SECRET!));
  };
  const setStatus = async (jwt: string | null, body: Record<string, unknown>) => {
    const res = await fetch(`${API_URL}/rest/v1/rpc/set_response_status`, {
      method: 'POST',
      headers: {
        apikey: process.env.ANON_KEY!,
        'content-type': 'application/json',
        ...(jwt ? { authorization: `Bearer ${jwt}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  it('a user who may enrol overrides the status with a reason; it is logged and wins over the classifier', async () => {
    mode = { kind: 'error' };
    const w = await makeWorld({ classification: false });
    await reply(w, 'Maybe later.');
    const r = await setStatus(await asUser(w.userId), {
      enrollment_id: w.enrollmentId,
      status: 'interested',
      reason: 'Called me back',
    });
    expect(r).toEqual({ status: 200, body: 'interested' });
    expect(await enrollment(w.enrollmentId)).toMatchObject({
      response_status: 'interested',
      response_provider: 'user',
    });
    expect(
      await q(
        `select actor_id, data->>'reason' as reason from public.activities where enrollment_id = $1 and kind = 'response_status_changed'`,
        [w.enrollmentId],
      ),
    ).toEqual([{ actor_id: w.userId, reason: 'Called me back' }]);
  });

  it('refuses limited users, other organisations, anonymous callers, unknown statuses and enrolments nobody replied to', async () => {
    const w = await makeWorld();
    await reply(w, 'Thanks!');
    const limited = crypto.randomUUID();
    await q(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, updated_at)
             values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '', now(), now())`,
      [limited, `limited-${limited}@example.test`],
    );
    await q(`insert into public.members (user_id, organization_id, access_level) values ($1, $2, 'limited')`, [
      limited,
      w.orgId,
    ]);
    expect(
      (await setStatus(await asUser(limited), { enrollment_id: w.enrollmentId, status: 'interested' })).status,
    ).toBe(404);
    const other = await makeWorld();
    expect(
      (await setStatus(await asUser(other.userId), { enrollment_id: w.enrollmentId, status: 'interested' })).status,
    ).toBe(404);
    expect((await setStatus(null, { enrollment_id: w.enrollmentId, status: 'interested' })).status).toBe(401);
    const bad = await setStatus(await asUser(w.userId), { enrollment_id: w.enrollmentId, status: 'delighted' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('invalid_status');
    const noReply = await setStatus(await asUser(other.userId), {
      enrollment_id: other.enrollmentId,
      status: 'interested',
    });
    expect(noReply.status).toBe(400);
    expect(noReply.body.message).toBe('no_reply');
    expect((await enrollment(w.enrollmentId)).response_status).toBe('replied');
  });
});
