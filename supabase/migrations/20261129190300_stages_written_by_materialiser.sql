-- A sequence's stage rows are the materialised template that the sending engine, validation and
-- RLS read; since live co-editing (20261129120000_sequence_collab.sql) they are written by one
-- writer only: the materialiser (edge function `sequence-doc`, service role), which replaces them
-- from the Yjs document under a per-sequence lock, so the engine never sees half an edit and two
-- browsers never race. Editors change a template by appending to its document
-- (sequence_doc_updates, "Editors of a sequence append to its document"); direct writes to the
-- rows through the API, which the next materialisation would silently overwrite, are refused.
drop policy "Editors of a sequence add stages" on public.sequence_stages;
drop policy "Editors of a sequence change stages" on public.sequence_stages;
drop policy "Editors of a sequence delete stages" on public.sequence_stages;
revoke insert, update, delete on public.sequence_stages from authenticated, anon;
