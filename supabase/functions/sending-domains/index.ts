// sending-domains: registers an organisation's sending domain with Resend and refreshes its
// verification state (S13; issue 11 item 5). Called by the SPA (Settings → Senders & domains)
// with the user's JWT: POST {domain_id}. The caller must be an organisation admin of the
// domain's organisation; the user-scoped client proves both (RLS decides what it can read).
// The verification state is then written with the service role, because no user may write it:
// only the provider decides whether a domain is verified.
import { createClient } from '@supabase/supabase-js';
import { CORS, env, json, refuse, subjectOf, UUID } from '../_shared/spa-call.ts';
import { Resend } from 'resend';

const STATUSES = new Set(['not_started', 'pending', 'verified', 'failed', 'temporary_failure']);

Deno.serve(async (req) => {
  if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
  if (req.method !== 'POST') return refuse(405, 'method_not_allowed', 'Use POST.');
  const auth = req.headers.get('Authorization') ?? '';
  const length = Number(req.headers.get('content-length') ?? '0');
  if (length > 4096) return refuse(413, 'too_large', 'The request body is too large.');
  let body: { domain_id?: unknown };
  try {
    body = JSON.parse((await req.text()).slice(0, 4096) || '{}');
  } catch {
    return refuse(400, 'bad_json', 'The request body is not valid JSON.');
  }
  const domainId = typeof body?.domain_id === 'string' ? body.domain_id : '';
  if (!UUID.test(domainId)) return refuse(400, 'bad_request', 'domain_id must be a sending domain id.');

  const url = env('SUPABASE_URL');
  const user = createClient(url, env('SUPABASE_ANON_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: auth } },
  });
  // verify_jwt (config.toml, the default) has checked the token's signature at the gateway,
  // and PostgREST checks it again for every query below, so its subject can be read here.
  const userId = subjectOf(auth);
  if (!userId) return refuse(401, 'not_signed_in', 'Sign in first.');
  const { data: me } = await user
    .from('members')
    .select('access_level, agency_id, organization_id')
    .eq('user_id', userId)
    .maybeSingle();
  // RLS shows a domain only to members of its organisation.
  const { data: domain } = await user
    .from('sending_domains')
    .select('id, organization_id, domain, provider_domain_id, status')
    .eq('id', domainId)
    .maybeSingle();
  if (!domain) return refuse(404, 'not_found', 'No such sending domain.');
  if (
    !me ||
    me.agency_id !== null ||
    me.access_level !== 'organization_admin' ||
    me.organization_id !== domain.organization_id
  ) {
    return refuse(403, 'not_admin', 'Only organisation admins register and verify sending domains.');
  }

  const resend = new Resend(
    env('RESEND_API_KEY'),
    Deno.env.get('RESEND_BASE_URL') ? { baseUrl: Deno.env.get('RESEND_BASE_URL') } : undefined,
  );
  let providerId = domain.provider_domain_id as string | null;
  let lastError: string | null = null;
  if (!providerId) {
    const created = await resend.domains.create({ name: domain.domain });
    if (created.error || !created.data) {
      lastError = created.error?.message ?? 'The provider did not register the domain.';
    } else providerId = created.data.id;
  }
  let status = domain.status as string;
  let records: unknown[] = [];
  if (providerId) {
    const v = await resend.domains.verify(providerId);
    if (v.error) lastError = v.error.message;
    const got = await resend.domains.get(providerId);
    if (got.error || !got.data) lastError = got.error?.message ?? 'The provider did not answer.';
    else {
      status = STATUSES.has(got.data.status) ? got.data.status : 'pending';
      records = Array.isArray(got.data.records) ? got.data.records : [];
    }
  }

  // The service role writes the provider's answer: users cannot write verification state.
  const service = createClient(url, env('SUPABASE_SERVICE_ROLE_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const now = new Date().toISOString();
  const { data: saved, error: saveError } = await service
    .from('sending_domains')
    .update({
      provider_domain_id: providerId,
      status,
      records,
      last_error: lastError,
      checked_at: now,
      ...(status === 'verified' ? { verified_at: now } : { verified_at: null }),
    })
    .eq('id', domain.id)
    .select('id, domain, status, records, last_error, checked_at, verified_at')
    .single();
  if (saveError) return refuse(500, 'save_failed', saveError.message);
  return json(200, saved);
});
