-- The board RPC of 20261129150000_reporting.sql read `enrollments.*`, which includes reply_token:
-- since 20261129110000_security_hardening.sql signed-in users may select every column of
-- enrollments but that one, so the board (security invoker) was refused. It now names the
-- columns it shows; nothing else changes.
create or replace function public.sequence_board(sequence_id uuid, page integer default 0)
returns table (
  id uuid, batch_id uuid, status public.enrollment_status, response_status public.response_status,
  pipeline text, interested boolean, converted boolean, end_reason text, hidden_reply_reason text,
  response_provider text, response_confidence real, response_set_by uuid, started_at timestamptz,
  candidate_id uuid, candidate_name text, candidate_email text, stages jsonb, total integer)
language sql stable security invoker set search_path = '' as $$
  select e.id, e.batch_id, e.status, e.response_status,
    private.pipeline_state(e.status, e.response_status),
    e.response_status = 'interested' and e.linked_job_archived_at is null,
    e.converted_at is not null,
    e.end_reason, e.last_reply_hidden_reason, e.response_provider, e.response_confidence, e.response_set_by,
    e.started_at, c.id, pg_catalog.btrim(c.first_name || ' ' || c.last_name), c.email,
    coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                'position', st.position, 'type', st.type, 'status', st.status, 'scheduled_at', st.scheduled_at,
                'sent_at', st.sent_at, 'send_window', st.send_window, 'deferred_reason', st.deferred_reason)
              order by st.position)
              from public.enrollment_stages st where st.enrollment_id = e.id), '[]'::jsonb),
    e.total::int
  from (
    select x.id, x.batch_id, x.status, x.response_status, x.linked_job_archived_at, x.converted_at,
      x.end_reason, x.last_reply_hidden_reason, x.response_provider, x.response_confidence,
      x.response_set_by, x.started_at, x.candidate_id, x.created_at,
      pg_catalog.count(*) over () as total
    from public.enrollments x
    where x.sequence_id = sequence_board.sequence_id
    order by x.created_at desc, x.id
    limit 1000 offset 1000 * greatest(coalesce(sequence_board.page, 0), 0)
  ) e
  left join public.candidates c on c.id = e.candidate_id
  order by e.created_at desc, e.id
$$;
