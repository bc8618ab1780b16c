-- The sender signature is rich text (issue 16): what the personal settings' editor writes (the
-- template editor's Tiptap document: paragraphs, bold, italic, links, token chips), rendered
-- into emails by the shared email renderer like a stage body (escaped, allow-listed marks,
-- http/https/mailto links only, tracked like the body's). `signature` stays as the document's
-- plain text, derived here and nowhere else, for the places that show a signature as text
-- (previews, LinkedIn tasks, the extension) and for members without a document.

alter table public.members
  add column signature_doc jsonb
    constraint members_signature_doc_is_a_document check (
      signature_doc is null
      or (pg_catalog.jsonb_typeof(signature_doc) = 'object' and signature_doc ->> 'type' = 'doc'
          and pg_catalog.octet_length(signature_doc::text) <= 20000));

-- The plain text of a Tiptap/ProseMirror document: text nodes as they are, token chips as
-- `{{key}}`, hard breaks and block ends as line breaks. Pure. Callers: the trigger below.
create function private.doc_plain_text(p_node jsonb) returns text
language plpgsql immutable set search_path = '' as $$
declare
  v_out text := '';
  v_child jsonb;
begin
  if p_node is null or pg_catalog.jsonb_typeof(p_node) <> 'object' then
    return '';
  end if;
  case p_node ->> 'type'
    when 'text' then return coalesce(p_node ->> 'text', '');
    when 'token' then return '{{' || coalesce(p_node -> 'attrs' ->> 'key', '') || '}}';
    when 'hardBreak' then return E'\n';
    else null;
  end case;
  if pg_catalog.jsonb_typeof(p_node -> 'content') = 'array' then
    for v_child in select c from pg_catalog.jsonb_array_elements(p_node -> 'content') c loop
      v_out := v_out || private.doc_plain_text(v_child);
      if v_child ->> 'type' in ('paragraph', 'heading', 'listItem', 'blockquote', 'codeBlock', 'horizontalRule') then
        v_out := v_out || E'\n';
      end if;
    end loop;
  end if;
  return v_out;
end $$;

-- Trigger (before insert or update of signature_doc on members), any role: only the member
-- themselves changes their signature (the personal-settings rule of
-- private.guard_member_update, which compares `signature` and may run before this trigger), and
-- `signature` becomes the document's plain text (null for an empty or removed document).
create function private.member_signature_from_doc() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and new.signature_doc is not distinct from old.signature_doc then
    return new;
  end if;
  if tg_op = 'UPDATE' and pg_catalog.current_setting('role', true) in ('authenticated', 'anon')
     and new.user_id is distinct from (select auth.uid()) then
    raise exception 'Only the member themselves changes their sender identity and personal settings'
      using errcode = '42501';
  end if;
  if new.signature_doc is not null then
    new.signature := nullif(pg_catalog.btrim(
      pg_catalog.regexp_replace(private.doc_plain_text(new.signature_doc), E'\n{3,}', E'\n\n', 'g'), E' \n'), '');
  elsif tg_op = 'UPDATE' then
    new.signature := null;
  end if;
  return new;
end $$;
create trigger members_signature_from_doc before insert or update of signature_doc on public.members
  for each row execute function private.member_signature_from_doc();

revoke execute on function private.doc_plain_text(jsonb), private.member_signature_from_doc() from public, anon;
grant execute on function private.doc_plain_text(jsonb) to authenticated, service_role;

-- The member writes the document; the text follows from it.
grant update (signature_doc) on public.members to authenticated;
revoke update (signature) on public.members from authenticated;

-- The signature documents of the given senders, for send-due-stages (which renders them into
-- the emails it sends, next to the claim's other sender fields). Service role only, like the
-- engine's other RPCs.
create function public.sender_signature_docs(p_user_ids uuid[])
returns table (user_id uuid, signature_doc jsonb)
language sql stable security invoker set search_path = '' as $$
  select m.user_id, m.signature_doc from public.members m
  where m.user_id = any (p_user_ids) and m.signature_doc is not null
$$;
revoke execute on function public.sender_signature_docs(uuid[]) from public, anon, authenticated;
grant execute on function public.sender_signature_docs(uuid[]) to service_role;
