-- Live co-editing of sequence templates (SPEC S2, DESIGN "Live collaboration"), the database side:
--
-- * The Realtime topic of a sequence carries a per-sequence channel key that changes whenever
--   someone may lose access (20261129110100): `sequence:<id>:<channel_key>`. Realtime checks channel rights
--   at join only (hosted too), so a member who loses access would keep receiving on a topic they
--   joined before; rotating the key moves every remaining member to a new topic that the former
--   member can neither read the key of (RLS on sequences) nor join (the policies below).
-- * The Yjs update log is loaded as one consistent read (load_sequence_doc) and folded into the
--   snapshot by the materialiser only (the edge function `sequence-doc`, service role), which
--   in the same transaction replaces the sequence's stage rows: the sending engine, validation
--   and RLS read rows that always reflect a whole document state, never half an edit, and two
--   materialisers of one sequence never interleave (advisory lock + snapshot version check).
-- * Updates are bounded in size; browsers can no longer write the snapshot themselves.

-- Channel key: the keyed topic `sequence:<id>:<channel_key>`, its rotation and the topic helpers
-- the realtime.messages policies call live in 20261129110100_sequence_channel_key.sql.

-- Update log -----------------------------------------------------------------------------------
-- One stored update stays under Realtime's payload limit family: the client splits larger ones.
alter table public.sequence_doc_updates
  add constraint sequence_doc_updates_size check (octet_length("update") <= 262144);

-- Snapshot: written by the materialiser only. `version` counts materialisations, so a
-- materialiser that read an older snapshot cannot overwrite a newer one.
alter table public.sequence_doc_snapshots
  add column version bigint not null default 0,
  add column materialised_at timestamptz;
drop policy "Editors of a sequence store its document snapshot" on public.sequence_doc_snapshots;
drop policy "Editors of a sequence replace its document snapshot" on public.sequence_doc_snapshots;
revoke insert, update, delete on public.sequence_doc_snapshots from authenticated, anon;

-- The document of a sequence as one consistent read: the snapshot (base64, null before the
-- first materialisation), its version, and every update not folded into it yet (id, base64,
-- in id order). Security invoker: RLS decides (viewers of the sequence). Callers: the editor,
-- the materialiser.
create function public.load_sequence_doc(sequence_id uuid) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select pg_catalog.jsonb_build_object(
    'snapshot', (select pg_catalog.encode(s.state, 'base64') from public.sequence_doc_snapshots s
                 where s.sequence_id = load_sequence_doc.sequence_id),
    'version', coalesce((select s.version from public.sequence_doc_snapshots s
                         where s.sequence_id = load_sequence_doc.sequence_id), -1),
    'updates', coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(u.id, pg_catalog.encode(u."update", 'base64')) order by u.id)
                         from public.sequence_doc_updates u where u.sequence_id = load_sequence_doc.sequence_id), '[]'::jsonb))
  where exists (select 1 from public.sequences q where q.id = load_sequence_doc.sequence_id)
$$;
revoke execute on function public.load_sequence_doc(uuid) from public, anon;
grant execute on function public.load_sequence_doc(uuid) to authenticated, service_role;

-- Folds updates into the snapshot and replaces the stage rows with the document's, in one
-- transaction, serialised per sequence. p_base_version is the snapshot version the caller
-- started from (-1: none); when another materialisation happened since, nothing changes and
-- the result is {status: 'conflict'} (the caller reloads and retries). p_folded are the update
-- ids contained in p_state; updates stored meanwhile stay in the log for the next run.
-- p_stages: [{id, type, delay_days, delay_hours, send_window, sender_user_id, subject, body,
-- thread_mode, attachments}] in order. Callers: the `sequence-doc` edge function (service role) only.
create function public.materialise_sequence_doc(
  p_sequence_id uuid, p_base_version bigint, p_folded bigint[], p_state text, p_title text, p_stages jsonb)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_version bigint;
  v_ids uuid[];
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('sequence_doc:' || p_sequence_id::text, 0));
  if not exists (select 1 from public.sequences s where s.id = p_sequence_id) then
    raise exception 'not_found' using errcode = 'PT404', detail = 'No such sequence.';
  end if;
  if pg_catalog.jsonb_typeof(p_stages) is distinct from 'array' then
    raise exception 'p_stages must be a JSON array' using errcode = '22023';
  end if;
  select s.version into v_version from public.sequence_doc_snapshots s where s.sequence_id = p_sequence_id;
  if coalesce(v_version, -1) <> p_base_version then
    return pg_catalog.jsonb_build_object('status', 'conflict', 'version', coalesce(v_version, -1));
  end if;

  select coalesce(pg_catalog.array_agg((x ->> 'id')::uuid), '{}') into v_ids
  from pg_catalog.jsonb_array_elements(p_stages) x;
  delete from public.sequence_stages st where st.sequence_id = p_sequence_id and st.id <> all (v_ids);
  -- Positions move as a block: park the kept rows out of the way first (unique per sequence).
  update public.sequence_stages st set position = st.position + 100000 where st.sequence_id = p_sequence_id;
  insert into public.sequence_stages as st
    (id, sequence_id, position, type, delay_days, delay_hours, send_window, sender_user_id, subject, body, thread_mode, attachments)
  select (x ->> 'id')::uuid, p_sequence_id, (o - 1)::int,
         (x ->> 'type')::public.stage_type,
         least(365, greatest(0, coalesce((x ->> 'delay_days')::int, 0))),
         least(23, greatest(0, coalesce((x ->> 'delay_hours')::int, 0))),
         case when pg_catalog.jsonb_typeof(x -> 'send_window') = 'object' then x -> 'send_window' end,
         -- A sender must be a member of the sequence's organisation; anything else means "the enrolling user".
         (select m.user_id from public.members m join public.sequences s on s.organization_id = m.organization_id
          where s.id = p_sequence_id and m.user_id::text = x ->> 'sender_user_id'),
         coalesce(x ->> 'subject', ''),
         case when pg_catalog.jsonb_typeof(x -> 'body') = 'object' then x -> 'body' else '{"type": "doc", "content": []}'::jsonb end,
         coalesce((x ->> 'thread_mode')::public.thread_mode, 'reply'),
         case when pg_catalog.jsonb_typeof(x -> 'attachments') = 'array' then x -> 'attachments' else '[]'::jsonb end
  from pg_catalog.jsonb_array_elements(p_stages) with ordinality as t(x, o)
  on conflict (id) do update set
    position = excluded.position, type = excluded.type, delay_days = excluded.delay_days,
    delay_hours = excluded.delay_hours, send_window = excluded.send_window,
    sender_user_id = excluded.sender_user_id, subject = excluded.subject, body = excluded.body,
    thread_mode = excluded.thread_mode, attachments = excluded.attachments
  where st.sequence_id = p_sequence_id;

  if p_title is not null and pg_catalog.btrim(p_title) <> '' then
    update public.sequences s set title = pg_catalog.left(pg_catalog.btrim(p_title), 200)
    where s.id = p_sequence_id and s.title is distinct from pg_catalog.left(pg_catalog.btrim(p_title), 200);
  end if;

  insert into public.sequence_doc_snapshots as s (sequence_id, state, last_update_id, version, materialised_at)
  values (p_sequence_id, pg_catalog.decode(p_state, 'base64'),
          coalesce((select pg_catalog.max(f) from pg_catalog.unnest(p_folded) f), 0), 0, pg_catalog.now())
  on conflict (sequence_id) do update set
    state = excluded.state,
    last_update_id = greatest(s.last_update_id, excluded.last_update_id),
    version = s.version + 1,
    materialised_at = excluded.materialised_at;
  delete from public.sequence_doc_updates u where u.sequence_id = p_sequence_id and u.id = any (p_folded);
  return pg_catalog.jsonb_build_object('status', 'ok', 'version', coalesce(v_version + 1, 0));
end $$;
revoke execute on function public.materialise_sequence_doc(uuid, bigint, bigint[], text, text, jsonb)
  from public, anon, authenticated;
grant execute on function public.materialise_sequence_doc(uuid, bigint, bigint[], text, text, jsonb) to service_role;
