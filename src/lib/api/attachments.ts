// Stage attachments in Supabase Storage (bucket `sequence-attachments`, named
// `<sequence>/<stage>/<file>`). RLS on storage.objects decides: viewers of the sequence read,
// editors add. Nothing here deletes a file: removing one from a stage only stops the template
// listing it, because running enrolments still send the files their stages were copied with; the
// database deletes a file once nothing lists it any more
// (20261201300000_attachments_kept_while_referenced.sql).
import type { Attachment } from '$shared/collab/doc';
import { fail, ok, type Result } from '$lib/result';
import { supabase } from '$lib/supabase';

const BUCKET = 'sequence-attachments';
/** The bucket's limit (file_size_limit), checked here too for a clear message before uploading. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** A storage-safe file name that still reads like the original. */
function safeName(name: string): string {
  const cleaned = [...name]
    .map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 32 ? '_' : c))
    .join('')
    .trim()
    .slice(-120);
  return cleaned || 'file';
}

export async function uploadAttachment(sequenceId: string, stageId: string, file: File): Promise<Result<Attachment>> {
  if (file.size > MAX_ATTACHMENT_BYTES) return { ok: false, error: `${file.name} is larger than 10 MB.` };
  const path = `${sequenceId}/${stageId}/${crypto.randomUUID().slice(0, 8)}-${safeName(file.name)}`;
  const { error } = await supabase.storage.from(BUCKET).upload(path, file, {
    contentType: file.type || 'application/octet-stream',
  });
  if (error) return fail(error, `Could not upload ${file.name}.`);
  return ok({ path, name: file.name.slice(0, 200), size: file.size, type: file.type || 'application/octet-stream' });
}

/** A short-lived link to download an attachment (viewers of the sequence only). */
export async function attachmentUrl(path: string): Promise<Result<string>> {
  const { data, error } = await supabase.storage.from(BUCKET).createSignedUrl(path, 300);
  if (error || !data) return fail(error, 'Could not open the attachment.');
  return ok(data.signedUrl);
}
