// SPEC S12 in the database: the extension's enrolments are individual drafts (no batch, never
// in a bulk edit), to the address the user chose among the candidate's, refused for the same
// reasons as the enrol dialog's; and the candidate fields a LinkedIn page fills have the size
// limits the extension checks first (src/lib/candidate-fields.ts), the same on both sides.
import { afterAll, describe, expect, it } from 'vitest';
import { FIELD_LIMITS, type LimitedField } from '../../src/lib/candidate-fields.ts';
import {
  closeDb,
  createCandidate,
  createJob,
  createMember,
  createOrg,
  createSequence,
  db,
  enroll,
  type Member,
} from './helpers/factories.ts';

afterAll(closeDb);

type Row = {
  candidate_id: string;
  enrollment_id: string | null;
  ok: boolean;
  reason: string | null;
  detail: string | null;
};

async function enrolOne(member: Member, sequenceId: string, candidateId: string, toEmail?: string): Promise<Row> {
  const { data, error } = await member.client.rpc('enroll_candidate', {
    sequence_id: sequenceId,
    candidate_id: candidateId,
    to_email: toEmail,
  });
  if (error) throw new Error(error.message);
  return (data as Row[])[0]!;
}

describe('enroll_candidate (the extension)', () => {
  it('creates one draft outside any batch, to the chosen address of the candidate', async () => {
    const org = await createOrg();
    const owner = await createMember(org);
    const seq = await createSequence(org, owner);
    const cand = await createCandidate(org, { email: 'main@candidates.test' });
    await db().query(`update public.candidates set alternate_emails = '{other@candidates.test}' where id = $1`, [
      cand.id,
    ]);

    const r = await enrolOne(owner, seq.id, cand.id, 'OTHER@candidates.test');
    expect(r).toMatchObject({ ok: true, reason: null });
    const { rows } = await db().query('select status, batch_id, to_email from public.enrollments where id = $1', [
      r.enrollment_id,
    ]);
    expect(rows).toEqual([{ status: 'draft', batch_id: null, to_email: 'other@candidates.test' }]);
    const batches = await db().query(
      'select count(*)::int as n from public.enrollment_batches where sequence_id = $1',
      [seq.id],
    );
    expect(batches.rows[0].n).toBe(0);

    // The app's dialog still makes a batch; the extension's draft is left out of bulk edits.
    const other = await createCandidate(org);
    const [batched] = await enroll(owner, seq.id, [other.id]);
    const bulk = await owner.client.rpc('apply_edits_to_batch', {
      enrollment_ids: [batched!.enrollment_id, r.enrollment_id],
      edits: [{ position: 0, subject: 'Changed for the batch' }],
    });
    expect(bulk.error).toBeNull();
    const byId = Object.fromEntries(
      (bulk.data as Array<{ enrollment_id: string; ok: boolean; reason: string }>).map((x) => [x.enrollment_id, x]),
    );
    expect(byId[batched!.enrollment_id!]).toMatchObject({ ok: true });
    expect(byId[r.enrollment_id!]).toMatchObject({ ok: false, reason: 'not_in_batch' });
  });

  it('refuses an address that is not the candidate’s, and says why', async () => {
    const org = await createOrg();
    const owner = await createMember(org);
    const seq = await createSequence(org, owner);
    const cand = await createCandidate(org);
    const r = await enrolOne(owner, seq.id, cand.id, 'stranger@elsewhere.test');
    expect(r).toMatchObject({ ok: false, reason: 'no_email' });
    expect(r.detail).toMatch(/not one of the candidate's/);
  });

  it('gives the enrol dialog’s reasons: unsubscribed, a draft already there, no permission', async () => {
    const org = await createOrg();
    const owner = await createMember(org);
    const recruiter = await createMember(org, { level: 'elevated' });
    const seq = await createSequence(org, owner);
    const gone = await createCandidate(org);
    await db().query(
      `insert into public.subscriptions (candidate_id, organization_id, current_outreach) values ($1, $2, false)`,
      [gone.id, org.id],
    );
    expect(await enrolOne(owner, seq.id, gone.id)).toMatchObject({ ok: false, reason: 'unsubscribed' });

    const cand = await createCandidate(org);
    expect(await enrolOne(owner, seq.id, cand.id)).toMatchObject({ ok: true });
    expect(await enrolOne(owner, seq.id, cand.id)).toMatchObject({
      ok: false,
      reason: 'already_enrolled',
      detail: 'A draft enrolment in this sequence already exists.',
    });
    // An elevated recruiter who is not hiring manager on the candidate's job.
    const job = await createJob(org, 'Platform Engineer');
    const onJob = await createCandidate(org);
    await db().query('insert into public.considerations (organization_id, candidate_id, job_id) values ($1, $2, $3)', [
      org.id,
      onJob.id,
      job.id,
    ]);
    const refused = await enrolOne(recruiter, seq.id, onJob.id);
    expect(refused).toMatchObject({ ok: false, reason: 'no_permission' });
    expect(refused.detail).toContain(
      'hiring manager or higher on every job this candidate is considered for: Platform Engineer',
    );
  });
});

describe('candidate field limits', () => {
  const COLUMNS: Record<LimitedField, string> = {
    firstName: 'first_name',
    lastName: 'last_name',
    headline: 'headline',
    title: 'title',
    company: 'company',
    location: 'location',
    linkedinUrl: 'linkedin_url',
    reasonForOutreach: 'reason_for_outreach',
  };

  it('the database takes a field at the extension’s limit and refuses one character more', async () => {
    const org = await createOrg();
    const cand = await createCandidate(org);
    for (const [field, limit] of Object.entries(FIELD_LIMITS) as Array<[LimitedField, number]>) {
      const column = COLUMNS[field];
      await db().query(`update public.candidates set ${column} = $2 where id = $1`, [cand.id, 'é'.repeat(limit)]);
      await expect(
        db().query(`update public.candidates set ${column} = $2 where id = $1`, [cand.id, 'é'.repeat(limit + 1)]),
        `${column} at ${limit + 1}`,
      ).rejects.toMatchObject({ code: '23514' });
    }
  });
});
