-- Inbound side of sending (issue 7, S5–S9): what replies, out-of-office answers, bounces,
-- complaints, opens, clicks and unsubscribes leave on enrolments, replies and events. The
-- functions that write these columns live in 20261126001510_inbound_ingest.sql (webhook),
-- 20261126001520_inbound_links.sql (track/unsubscribe) and 20261126001530_inbound_responses.sql
-- (classification, Set response, out-of-office resume).

-- The sending engine (20261126001000…) owns reply_token: it is the `<token>` of the Reply-To
-- address `reply+<token>@<INBOUND_EMAIL_DOMAIN>`. Declared here too, `if not exists`, so reply
-- matching works whichever of the two migrations a database received first; matching compares
-- `reply_token::text` case-insensitively, so either column type works.
alter table public.enrollments add column if not exists reply_token text
  default encode(extensions.gen_random_bytes(12), 'hex');
create index if not exists enrollments_reply_token_lookup_idx on public.enrollments (lower(reply_token::text));

alter table public.enrollments
  -- Why the last reply from this candidate was not logged and did not stop the sequence:
  -- 'hired', 'confidential_job' or 'internal' (the organisation's email visibility settings,
  -- S5). The sequence page shows it next to the enrolment; null when the last reply was logged.
  add column if not exists last_reply_hidden_reason text
    check (last_reply_hidden_reason is null or last_reply_hidden_reason in ('hired', 'confidential_job', 'internal')),
  add column if not exists last_reply_hidden_at timestamptz,
  -- Why a paused enrolment is paused: 'out_of_office' (resumed by private.resume_due_ooo at
  -- resume_at) or 'manual'.
  add column if not exists pause_reason text,
  -- Who set response_status: 'user', 'rules', 'llm:<model>', 'rules (fallback: …)'; the
  -- classifier's confidence (0-1) when a classifier set it; the user when a user set it.
  add column if not exists response_provider text,
  add column if not exists response_confidence real
    check (response_confidence is null or response_confidence between 0 and 1),
  add column if not exists response_set_by uuid references auth.users (id) on delete set null,
  add column if not exists response_set_at timestamptz;
create index if not exists enrollments_response_set_by_idx on public.enrollments (response_set_by);
create index if not exists enrollments_ooo_resume_idx on public.enrollments (resume_at)
  where status = 'paused' and pause_reason = 'out_of_office';

alter table public.replies
  add column if not exists classification_provider text,
  add column if not exists classification_confidence real
    check (classification_confidence is null or classification_confidence between 0 and 1),
  add column if not exists classification_reason text,
  -- For out-of-office replies: the stated return date (null when none could be read).
  add column if not exists return_date date,
  -- The provider's id of the inbound email (Resend `email_id`), so a re-delivered inbound
  -- email is one reply.
  add column if not exists provider_email_id text;
create unique index if not exists replies_provider_email_id_idx on public.replies (provider_email_id);

alter table public.unmatched_replies
  add column if not exists provider_email_id text,
  add column if not exists message_id text;
create unique index if not exists unmatched_replies_provider_email_id_idx on public.unmatched_replies (provider_email_id);

-- The user agent an open or click came with (what the machine heuristic looked at).
alter table public.email_events add column if not exists user_agent text;

-- Provider events name the email by Resend's id; the engine may declare the same index.
create index if not exists enrollment_stages_provider_message_id_idx on public.enrollment_stages (provider_message_id);
