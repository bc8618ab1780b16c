// Issue 11: the holes found by trying to break in, tried again through the API as the attacking
// user (supabase-js with the user's JWT, or the public webhook and unsubscribe endpoints). The
// policy and grant side of each item is also in supabase/tests/database/400_hardening.sql.
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeDb,
  createCandidate,
  createMember,
  createOrg,
  createSequence,
  db as pool,
  enroll,
} from './helpers/factories.ts';
import { API_URL, db, deliver, inboundEvent, makeWorld, one, q, replyAddress } from './helpers/inbound.ts';
import { messagesTo, waitFor } from './helpers/sending.ts';

afterAll(async () => {
  await db.end();
  await closeDb();
});

describe('item 15: creating a sequence with return=representation', () => {
  it('lets the creator insert and read back the new sequence in one request', async () => {
    const org = await createOrg();
    const owner = await createMember(org, { level: 'elevated' });
    const { data, error } = await owner.client
      .from('sequences')
      .insert({ organization_id: org.id, title: 'Made and returned' })
      .select('id, title, owner_id')
      .single();
    expect(error).toBeNull();
    expect(data).toMatchObject({ title: 'Made and returned', owner_id: owner.id });
  });
});

describe('item 6: enrolment state changes only through the RPCs', () => {
  it('refuses PATCH enrollments {status: running} for a draft the frequency policy blocks', async () => {
    const org = await createOrg({ frequencyDays: 30 });
    const owner = await createMember(org, { level: 'admin' });
    const cand = await createCandidate(org);
    const earlier = await createSequence(org, owner);
    const later = await createSequence(org, owner);
    const [draft] = await enroll(owner, later.id, [cand.id], false);
    expect(draft?.ok).toBe(true);
    const id = draft!.enrollment_id!;
    const [first] = await enroll(owner, earlier.id, [cand.id], true);
    expect(first?.ok).toBe(true);
    await pool().query(
      `update public.enrollment_stages set status = 'sent', sent_at = now() - interval '1 day' where enrollment_id = $1 and position = 0`,
      [first!.enrollment_id],
    );
    await pool().query(`update public.enrollments set status = 'completed' where id = $1`, [first!.enrollment_id]);

    const rpc = await owner.client.rpc('start_enrollments', { enrollment_ids: [id] });
    expect(rpc.error).toBeNull();
    expect(rpc.data?.[0]).toMatchObject({ ok: false, reason: 'frequency_policy' });

    const patch = await owner.client.from('enrollments').update({ status: 'running' }).eq('id', id).select('status');
    expect(patch.error?.code).toBe('42501');
    const stage = await owner.client
      .from('enrollment_stages')
      .update({ scheduled_at: new Date().toISOString() })
      .eq('enrollment_id', id)
      .select('id');
    expect(stage.error?.code).toBe('42501');
    const still = await pool().query(`select status::text from public.enrollments where id = $1`, [id]);
    expect(still.rows[0].status).toBe('draft');
  });
});

describe('item 13: reply tokens and who may stop a sequence by replying', () => {
  it('does not let a viewer of the sequence read its enrolments’ reply tokens', async () => {
    const org = await createOrg();
    const owner = await createMember(org, { level: 'admin' });
    const viewer = await createMember(org, { level: 'elevated' });
    const seq = await createSequence(org, owner);
    await enroll(owner, seq.id, [(await createCandidate(org)).id]);
    const token = await viewer.client.from('enrollments').select('reply_token').eq('sequence_id', seq.id);
    expect(token.error?.code).toBe('42501');
    const rows = await viewer.client.from('enrollments').select('id, status').eq('sequence_id', seq.id);
    expect(rows.error).toBeNull();
    expect(rows.data).toHaveLength(1);
  });

  it('keeps a reply through the token from an address the candidate is not known by for review, and the sequence goes on', async () => {
    const w = await makeWorld();
    const r = await deliver(
      inboundEvent({ from: 'mallory@elsewhere.test', to: [replyAddress(w.replyToken)], text: 'Please stop.' }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ outcome: 'review' });
    const enr = await one<{ status: string }>(`select status::text from public.enrollments where id = $1`, [
      w.enrollmentId,
    ]);
    expect(enr.status).toBe('running');
    expect(await q(`select 1 from public.replies where enrollment_id = $1`, [w.enrollmentId])).toHaveLength(0);
    const kept = await one<{ review_reason: string; from_email: string; organization_id: string }>(
      `select review_reason, from_email, organization_id from public.unmatched_replies where enrollment_id = $1`,
      [w.enrollmentId],
    );
    expect(kept).toEqual({
      review_reason: 'sender_not_candidate',
      from_email: 'mallory@elsewhere.test',
      organization_id: w.orgId,
    });
  });

  it('stops the sequence for a reply from one of the candidate’s alternate addresses', async () => {
    const w = await makeWorld();
    await q(`update public.candidates set alternate_emails = array['ada.private@home.test'] where id = $1`, [
      w.candidateId,
    ]);
    const r = await deliver(
      inboundEvent({ from: 'Ada <Ada.Private@home.test>', to: [replyAddress(w.replyToken)], text: 'Interested!' }),
    );
    expect(r.body).toMatchObject({ outcome: 'stopped' });
  });
});

describe('item 12: headers built from candidate data', () => {
  it('keeps a candidate name with CR/LF out of the reply notification’s headers', async () => {
    const w = await makeWorld({ firstName: 'Eve\r\nBcc: attacker@evil.test\r\nX-Injected: 1' });
    const r = await deliver(inboundEvent({ from: w.candidateEmail, to: [replyAddress(w.replyToken)], text: 'Hi!' }));
    expect(r.body).toMatchObject({ outcome: 'stopped' });
    const [note] = await waitFor(
      async () => {
        const m = await messagesTo(w.userEmail);
        return m.length > 0 ? m : null;
      },
      20_000,
      'the reply notification',
    );
    expect(note!.subject).not.toMatch(/[\r\n]/);
    expect(note!.subject).toContain('Eve Bcc: attacker@evil.test X-Injected: 1');
    expect(note!.to).toEqual([w.userEmail]);
  });
});

/**
 * Posts a chunked body (no Content-Length) that never ends: `chunks` × 64 KiB, then the stream
 * stays open. Resolves with the status the server answers while the body is still arriving.
 */
function postEndless(path: string, headers: Record<string, string>, chunks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${API_URL}${path}`, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (e) => {
      // The server may close the connection once it has answered.
      if (!(e as NodeJS.ErrnoException).code?.startsWith('ECONNRESET')) reject(e);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      // Deliberately never req.end(): a server that waits for the whole body never answers.
    };
    pump();
  });
}

describe('item 16: request bodies are limited while they stream', () => {
  it('the webhook answers 413 to an endless chunked body without waiting for its end', async () => {
    const status = await postEndless(
      '/functions/v1/resend-webhook',
      {
        'content-type': 'application/json',
        'svix-id': 'msg_endless',
        'svix-timestamp': String(Math.floor(Date.now() / 1000)),
        'svix-signature': 'v1,AAAA',
      },
      6 * 16 + 1,
    );
    expect(status).toBe(413);
  });

  it('the unsubscribe endpoint answers 413 to an endless chunked form', async () => {
    const status = await postEndless(
      '/functions/v1/unsubscribe?token=x',
      { 'content-type': 'application/x-www-form-urlencoded' },
      2,
    );
    expect(status).toBe(413);
  });

  it('a declared Content-Length over the limit is refused before reading', async () => {
    const res = await fetch(`${API_URL}/functions/v1/unsubscribe?token=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a'.repeat(20_000),
    });
    expect(res.status).toBe(413);
  });
});
