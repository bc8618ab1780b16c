// /functions/v1/unsubscribe?token=<signed token> (verify_jwt = false: candidates have no
// session). The link and the List-Unsubscribe header of every sequence email point here.
//   GET                                   → the preferences page (two checkboxes, Save)
//   POST form=preferences&stop_current…   → saves, shows the page again with a confirmation
//   POST List-Unsubscribe=One-Click       → RFC 8058 one-click: unsubscribes from everything,
//                                           answers 200 with no page, cookie or redirect
// A forged or altered token changes nothing and gets a polite 400. The token (kind
// 'unsubscribe', _shared/signed-links.ts) names the enrolment stage the email was; the
// choice applies to that stage's candidate (public.save_subscription_choice), which also
// logs it as an activity and ends running sequences when current outreach is refused.
import { verifyLink } from '../_shared/signed-links.ts';
import { callRpc } from '../_shared/service-rpc.ts';
import { CSP, renderForm, renderMessage, type Choice } from './page.ts';
import { readBodyLimited } from '../_shared/body.ts';

const MAX_FORM_BYTES = 16 * 1024;

function html(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

const INVALID = renderMessage(
  'This link is not valid',
  'The unsubscribe link you followed is incomplete or has been altered, so we could not tell who it belongs to. Nothing was changed. Please use the link from the email exactly as it was sent, or reply to the email and ask us to stop.',
);
const GONE = renderMessage(
  'This link no longer works',
  'We could not find the email this link came from. Nothing was changed. Please reply to the email and ask us to stop.',
);

/** The posted form, or 'too_large' when the body is over MAX_FORM_BYTES (checked before and while reading). */
async function readForm(req: Request): Promise<URLSearchParams | 'too_large'> {
  const bytes = await readBodyLimited(req, MAX_FORM_BYTES);
  if (bytes === null) return 'too_large';
  const type = req.headers.get('content-type') ?? '';
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    const form = await new Response(bytes, { headers: { 'Content-Type': type } }).formData();
    const out = new URLSearchParams();
    for (const [k, v] of form.entries()) if (typeof v === 'string') out.append(k, v);
    return out;
  }
  return new URLSearchParams(new TextDecoder().decode(bytes));
}

Deno.serve(async (req) => {
  if (req.method !== 'GET' && req.method !== 'POST') {
    return text(405, 'Method not allowed');
  }
  const secret = Deno.env.get('LINK_SIGNING_SECRET') ?? '';
  const url = new URL(req.url);
  let form: URLSearchParams | null = null;
  if (req.method === 'POST') {
    let read: URLSearchParams | 'too_large' | null;
    try {
      read = await readForm(req);
    } catch {
      read = null;
    }
    if (read === 'too_large') return text(413, 'The request is too large. Nothing was changed.');
    if (!read) return text(400, 'The request body could not be read.');
    form = read;
  }
  const token = url.searchParams.get('token') ?? form?.get('token') ?? '';
  const oneClick = form !== null && form.get('List-Unsubscribe') === 'One-Click' && form.get('form') === null;
  const payload = token ? await verifyLink(token, 'unsubscribe', secret) : null;

  if (oneClick) {
    if (!payload) return text(400, 'This unsubscribe link is not valid. Nothing was changed.');
    const saved = await callRpc<Choice | null>('save_subscription_choice', {
      stage_id: payload.s,
      current_outreach: false,
      new_roles: false,
      source: 'one_click',
    });
    return saved
      ? text(200, 'You have been unsubscribed.')
      : text(404, 'This unsubscribe link no longer works. Nothing was changed.');
  }

  if (!payload) return html(400, INVALID);
  const action = `?token=${encodeURIComponent(token)}`;

  if (req.method === 'GET') {
    const state = await callRpc<(Choice & { organization_name: string }) | null>('unsubscribe_state', {
      stage_id: payload.s,
    });
    if (!state) return html(404, GONE);
    return html(200, renderForm({ action, token, organization: state.organization_name, choice: state, saved: false }));
  }

  if (form?.get('form') !== 'preferences') {
    return html(
      400,
      renderMessage('Nothing was changed', 'The form was incomplete. Please open the link from the email again.'),
    );
  }
  const choice = {
    current_outreach: form.get('stop_current') === null,
    new_roles: form.get('stop_new_roles') === null,
  };
  const saved = await callRpc<Choice | null>('save_subscription_choice', {
    stage_id: payload.s,
    ...choice,
    source: 'page',
  });
  if (!saved) return html(404, GONE);
  const state = await callRpc<(Choice & { organization_name: string }) | null>('unsubscribe_state', {
    stage_id: payload.s,
  });
  return html(
    200,
    renderForm({ action, token, organization: state?.organization_name ?? 'us', choice: saved, saved: true }),
  );
});
