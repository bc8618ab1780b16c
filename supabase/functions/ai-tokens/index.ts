// ai-tokens: writes the AI token values ({{ai.opening_line}}) of candidates' drafts (S13), so a
// person reviews them before start. Called by the SPA right after drafts are made:
// POST {enrollment_ids: uuid[] (≤ 500)} with the user's JWT.
//   * Which drafts, and their inputs, come from public.ai_token_targets called with the user's
//     JWT: only drafts the caller may enrol, of an organisation that turned AI tokens on.
//   * The provider is the reply classifier's OpenAI-compatible endpoint (_shared/ai). Without
//     one, nothing is generated and the answer says why (no fake text).
//   * Values are stored with the service role, because no user may write a generated value
//     (users only approve or edit through public.review_ai_token), with the model and time.
import { createClient } from '@supabase/supabase-js';
import {
  AiTokenFailure,
  aiProviderFromEnv,
  generateOpeningLine,
  type OpeningLineInput,
} from '../_shared/ai/opening-line.ts';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The AI tokens this installation can write. */
const SUPPORTED = new Set(['opening_line']);
const CONCURRENCY = 4;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...CORS, 'Content-Type': 'application/json' } });
}

function env(name: string): string {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} must be set`);
  return v;
}

interface Target {
  enrollment_id: string;
  organization_id: string;
  sequence_id: string;
  keys: string[];
  ai_enabled: boolean;
  first_name: string | null;
  last_name: string | null;
  title: string | null;
  company: string | null;
  location: string | null;
  job_title: string | null;
  reason_for_outreach: string | null;
}

export interface TokenResult {
  enrollment_id: string;
  key: string;
  value: string | null;
  model: string | null;
  generated_at: string;
  error: string | null;
}

Deno.serve(async (req) => {
  if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
  if (req.method !== 'POST') return json(405, { error: 'method_not_allowed', message: 'Use POST.' });
  if (Number(req.headers.get('content-length') ?? '0') > 64 * 1024)
    return json(413, { error: 'too_large', message: 'At most 500 enrolments per request.' });
  let ids: unknown;
  try {
    ids = JSON.parse((await req.text()).slice(0, 64 * 1024) || '{}')?.enrollment_ids;
  } catch {
    return json(400, { error: 'bad_json', message: 'The request body is not valid JSON.' });
  }
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.length > 500 ||
    !ids.every((i) => typeof i === 'string' && UUID.test(i))
  )
    return json(400, { error: 'bad_request', message: 'enrollment_ids must be 1 to 500 enrolment ids.' });

  const url = env('SUPABASE_URL');
  const user = createClient(url, env('SUPABASE_ANON_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: req.headers.get('Authorization') ?? '' } },
  });
  const { data, error } = await user.rpc('ai_token_targets', { enrollment_ids: ids });
  if (error) return json(error.code === '42501' ? 403 : 400, { error: 'refused', message: error.message });
  const targets = ((data ?? []) as Target[]).filter((t) => t.keys.length > 0);
  if (targets.length === 0) return json(200, { available: true, results: [] });
  // Unavailable: nothing is generated; every draft that uses AI tokens comes back without a
  // value and with the reason, so the person sees why those drafts cannot start.
  const unavailable = (reason: string) =>
    json(200, {
      available: false,
      reason,
      results: targets.flatMap((t) =>
        t.keys.map((key) => ({
          enrollment_id: t.enrollment_id,
          key,
          value: null,
          model: null,
          generated_at: new Date().toISOString(),
          error: reason,
        })),
      ),
    });
  if (!targets.every((t) => t.ai_enabled))
    return unavailable(
      'AI tokens are turned off for your organisation; an organisation admin turns them on in Settings → Organisation.',
    );
  const provider = aiProviderFromEnv(Deno.env.toObject());
  if (!provider.ok) return unavailable(provider.reason);

  const jobs = targets.flatMap((t) => t.keys.map((key) => ({ t, key })));
  const results: TokenResult[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const { t, key } = jobs[next++]!;
      const at = new Date().toISOString();
      if (!SUPPORTED.has(key)) {
        results.push({
          enrollment_id: t.enrollment_id,
          key,
          value: null,
          model: null,
          generated_at: at,
          error: `{{ai.${key}}} is not an AI token this installation can write.`,
        });
        continue;
      }
      const input: OpeningLineInput = {
        candidate: {
          firstName: t.first_name,
          lastName: t.last_name,
          title: t.title,
          company: t.company,
          location: t.location,
        },
        jobTitle: t.job_title,
        reasonForOutreach: t.reason_for_outreach,
      };
      try {
        const line = await generateOpeningLine(provider.config, input);
        results.push({
          enrollment_id: t.enrollment_id,
          key,
          value: line.value,
          model: line.model,
          generated_at: at,
          error: null,
        });
      } catch (e) {
        const message = e instanceof AiTokenFailure ? e.message : 'The AI provider failed.';
        results.push({
          enrollment_id: t.enrollment_id,
          key,
          value: null,
          model: provider.config.model,
          generated_at: at,
          error: message,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, lane));

  // Service role: users cannot write generated values; a new value always needs a new review.
  const service = createClient(url, env('SUPABASE_SERVICE_ROLE_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const byId = new Map(targets.map((t) => [t.enrollment_id, t]));
  const { error: saveError } = await service.from('enrollment_ai_tokens').upsert(
    results.map((r) => ({
      ...r,
      organization_id: byId.get(r.enrollment_id)!.organization_id,
      sequence_id: byId.get(r.enrollment_id)!.sequence_id,
      reviewed_by: null,
      reviewed_at: null,
    })),
    { onConflict: 'enrollment_id,key' },
  );
  if (saveError) return json(500, { error: 'save_failed', message: saveError.message });
  return json(200, { available: true, results });
});
