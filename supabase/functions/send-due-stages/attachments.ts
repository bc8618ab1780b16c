// A stage's attachments (SPEC S2), sent with its email. The files live in the private Storage
// bucket `sequence-attachments` under `<sequence>/<stage>/<file>`; an enrolment's stage carries
// the list its template had when the enrolment was made (enrollment_stages.attachments,
// 20261130120000_stage_attachments_sending.sql). The engine downloads them with the service role
// (it sends for every organisation; RLS on storage.objects admits only the sequence's viewers)
// and sends them as base64 `content`, which makes the request a pure function of the stored
// bytes, so a re-drive after a crash is the identical request.
//
// Resend takes attachments on POST /emails only (not on the batch endpoint), at most 40 MB per
// email after base64 encoding. So a stage with attachments always goes alone (engine.ts), and
// what cannot be sent whole is never sent without its files: the stage ends with a recorded
// reason instead (`attachment_missing: …`, `attachments_too_large: …`, `attachment_invalid: …`),
// which ends that enrolment only. A Storage outage is not the stage's fault: it is retried.
import type { SupabaseClient } from '@supabase/supabase-js';

export const BUCKET = 'sequence-attachments';
/** Resend's limit for one email's attachments, after base64 encoding. */
export const MAX_ENCODED_BYTES = 40 * 1024 * 1024;

/** An entry of enrollment_stages.attachments. */
export interface StageAttachment {
  path: string;
  name: string;
  size: number;
  type: string;
}

/** What Resend's SDK takes for one attachment. */
export interface EmailAttachment {
  filename: string;
  content: string;
  contentType: string;
}

/** The stage cannot be sent with its files: end it with this reason. */
export class AttachmentRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Storage did not answer as expected: try the stage again later. */
export class AttachmentUnavailable extends Error {}

const encodedSize = (bytes: number) => 4 * Math.ceil(bytes / 3);

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

/** A list as stored, checked: entries that are not attachments of this sequence are refused. */
export function parseAttachments(sequenceId: string, value: unknown): StageAttachment[] {
  if (!Array.isArray(value)) throw new AttachmentRefused('attachment_invalid: the list of attachments is malformed');
  return value.map((a) => {
    const { path, name, size, type } = (a ?? {}) as Record<string, unknown>;
    const label = typeof name === 'string' && name ? name : typeof path === 'string' ? path : 'an attachment';
    // The materialiser keeps only this stage's files; the engine, acting as the service role,
    // re-checks that nothing outside the sequence's own folder is ever read.
    if (typeof path !== 'string' || !path.startsWith(`${sequenceId}/`) || path.split('/').length !== 3) {
      throw new AttachmentRefused(`attachment_invalid: "${label}" is not a file of this sequence`);
    }
    return {
      path,
      name: typeof name === 'string' && name.trim() ? name : (path.split('/')[2] ?? 'file'),
      size: typeof size === 'number' && size >= 0 ? size : 0,
      type: typeof type === 'string' && type ? type : 'application/octet-stream',
    };
  });
}

/**
 * Downloads a stage's files. Refuses (AttachmentRefused) a file that is gone or files too large
 * for one email, before and after downloading (the listed sizes come from the editor; the stored
 * bytes decide). Throws AttachmentUnavailable when Storage fails otherwise.
 */
export async function loadAttachments(
  db: SupabaseClient,
  list: StageAttachment[],
  bodyBytes: number,
): Promise<EmailAttachment[]> {
  const budget = MAX_ENCODED_BYTES - bodyBytes;
  const tooLarge = (total: number) =>
    new AttachmentRefused(
      `attachments_too_large: the files add up to ${mb(total)} encoded; one email carries at most ${mb(budget)} of attachments`,
    );
  const listed = list.reduce((n, a) => n + encodedSize(a.size), 0);
  if (listed > budget) throw tooLarge(listed);
  const out: EmailAttachment[] = [];
  let total = 0;
  for (const a of list) {
    const { data, error } = await db.storage.from(BUCKET).download(a.path);
    if (error || !data) {
      const e = (error ?? {}) as { status?: number; statusCode?: string; message?: string };
      // Storage answers a missing object with statusCode "404" (HTTP 400) or HTTP 404.
      const missing =
        e.statusCode === '404' || e.status === 404 || /not.?found/i.test(e.message ?? '') || (!error && !data);
      if (missing) {
        throw new AttachmentRefused(
          `attachment_missing: "${a.name}" is no longer stored (its file was deleted from storage outside the sequence editor)`,
        );
      }
      throw new AttachmentUnavailable(`storage: ${e.message ?? 'download failed'}`);
    }
    const bytes = new Uint8Array(await data.arrayBuffer());
    total += encodedSize(bytes.length);
    if (total > budget) throw tooLarge(total);
    out.push({ filename: a.name, content: base64(bytes), contentType: a.type });
  }
  return out;
}
