-- Attachments of sequence stages (SPEC S2): files in the private Storage bucket
-- `sequence-attachments`, named `<sequence_id>/<stage_id>/<file name>`. Who may read or change
-- them is the sequence's rule, by RLS on storage.objects: its viewers read (and so can see what
-- a stage sends), its editors add and remove. The stage's list of attachments lives in the
-- sequence's Yjs document and is materialised into sequence_stages.attachments with the rest of
-- the stage (public.materialise_sequence_doc).

insert into storage.buckets (id, name, public, file_size_limit)
values ('sequence-attachments', 'sequence-attachments', false, 10485760)
on conflict (id) do nothing;

-- The sequence an attachment object belongs to (its first folder), or null for any other
-- shape of name. Callers: the storage.objects policies below.
create function private.attachment_sequence_id(p_name text) returns uuid
language sql immutable set search_path = '' as $$
  select case when p_name ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[^/]+$'
              then pg_catalog.substr(p_name, 1, 36)::uuid end
$$;
revoke execute on function private.attachment_sequence_id(text) from public, anon;
grant execute on function private.attachment_sequence_id(text) to authenticated, service_role;

create policy "Viewers of a sequence read its attachments" on storage.objects
  for select to authenticated
  using (bucket_id = 'sequence-attachments'
         and private.can_view_sequence((select auth.uid()), private.attachment_sequence_id(name)));
create policy "Editors of a sequence add attachments" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'sequence-attachments'
              and private.can_edit_sequence((select auth.uid()), private.attachment_sequence_id(name)));
create policy "Editors of a sequence remove attachments" on storage.objects
  for delete to authenticated
  using (bucket_id = 'sequence-attachments'
         and private.can_edit_sequence((select auth.uid()), private.attachment_sequence_id(name)));

-- [{path, name, size, type}] in the order the stage lists them.
alter table public.sequence_stages
  add column attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array');
