// The side panel's state (SPEC S12): who is signed in and may they enrol, what the LinkedIn page
// shows, whether that person is already a candidate, the lead form, the chosen template and
// address, and the individual draft being reviewed. The rules are the app's: lib/api talks to
// the database (which decides permissions and refusals), lib/email renders and validates, and
// src/lib/candidate-fields.ts holds the size limits. The component only renders this class.
import { session } from '$lib/state/session.svelte';
import { listSequences, getSequence, type SequenceDetail, type SequenceListItem } from '$lib/api/sequences';
import { listCustomFields, type CustomField } from '$lib/api/settings';
import { reasonText, startEnrollments } from '$lib/api/enrollments';
import {
  createIndividualDraft,
  findLead,
  getDraft,
  myMembership,
  saveLead,
  updateDraft,
  type AccessLevel,
  type Draft,
  type Lead,
  type StageEdit,
} from '$lib/api/leads';
import { CUSTOM_FIELD_LIMIT, oversizedFields } from '$lib/candidate-fields';
import { collectDocTokens, renderStage, type DocNode } from '$shared/email/render';
import { extractTemplateTokens, type RenderContext } from '$shared/email/tokens';
import { isValidEmailAddress, validateDraftForCandidate, type StageDraft } from '$shared/email/validate';
import type { ProfileFields, ProfileReading } from '../profile-reader';
import { sameDoc } from '$shared/email/same-doc';

export type Phase = 'form' | 'review' | 'started';
export type FormField = keyof ProfileFields | 'reasonForOutreach' | 'email';

export interface LeadForm {
  firstName: string;
  lastName: string;
  headline: string;
  title: string;
  company: string;
  location: string;
  linkedinUrl: string;
  reasonForOutreach: string;
  email: string;
}

export interface ReviewStage {
  position: number;
  type: string;
  subject: string;
  /** Edited in the app's BodyEditor: formatting, links and token chips kept. */
  body: DocNode;
  delayDays: number;
  delayHours: number;
  scheduledAt: string | null;
  sender: string;
  /** When it may go out: the stage's send window in the candidate's zone, or null (any time). */
  window: string | null;
  original: { subject: string; body: DocNode; delayDays: number; delayHours: number };
}

const emptyForm = (): LeadForm => ({
  firstName: '',
  lastName: '',
  headline: '',
  title: '',
  company: '',
  location: '',
  linkedinUrl: '',
  reasonForOutreach: '',
  email: '',
});

const unique = (xs: string[]): string[] => xs.filter((x, i) => xs.indexOf(x) === i);

/** A time in the user's locale and zone. */
export const formatTime = (iso: string): string =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso));

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const RANK: Record<AccessLevel, number> = { limited: 0, elevated: 1, admin: 2, organization_admin: 3 };

/** Which form field fills a candidate token (custom fields are `custom.<key>`). */
const TOKEN_FIELDS: Record<string, FormField> = {
  'candidate.first_name': 'firstName',
  'candidate.last_name': 'lastName',
  'candidate.full_name': 'firstName',
  'candidate.company': 'company',
  'candidate.title': 'title',
  'candidate.location': 'location',
  'candidate.reason_for_outreach': 'reasonForOutreach',
};

export class LeadPanelState {
  readonly session = session;
  #membership = $state.raw<{ organizationId: string; accessLevel: AccessLevel; active: boolean; name: string } | null>(
    null,
  );
  #accountLoaded = $state(false);
  /** The page being read: its URL and what the reader found, or why there is none. */
  #page = $state.raw<{ url: string; reading: ProfileReading } | null>(null);
  pageProblem = $state<string | null>(null);
  form = $state<LeadForm>(emptyForm());
  custom = $state<Record<string, string>>({});
  #lead = $state.raw<Lead | null>(null);
  #looked = $state(false);
  #sequences = $state.raw<SequenceListItem[]>([]);
  #customFields = $state.raw<CustomField[]>([]);
  sequenceId = $state('');
  #sequence = $state.raw<SequenceDetail | null>(null);
  phase = $state<Phase>('form');
  #draft = $state.raw<Draft | null>(null);
  review = $state<ReviewStage[]>([]);
  #blockers = $state.raw<string[]>([]);
  #error = $state<string | null>(null);
  #notice = $state<string | null>(null);
  #busy = $state(false);
  #seq = 0;

  get membership() {
    return this.#membership;
  }
  get accountLoaded() {
    return this.#accountLoaded;
  }
  get page() {
    return this.#page;
  }
  get lead() {
    return this.#lead;
  }
  /** True once the lookup for the current page has answered. */
  get looked() {
    return this.#looked;
  }
  get sequences() {
    return this.#sequences;
  }
  get customFields() {
    return this.#customFields;
  }
  get sequence() {
    return this.#sequence;
  }
  get draft() {
    return this.#draft;
  }
  get blockers() {
    return this.#blockers;
  }
  get error() {
    return this.#error;
  }
  get notice() {
    return this.#notice;
  }
  get busy() {
    return this.#busy;
  }

  /** Why this user cannot enrol anyone (null when they can). */
  noRights = $derived.by(() => {
    const m = this.#membership;
    if (!this.#accountLoaded) return null;
    if (!m) return 'Your account is not a member of any organisation, so it cannot add or enrol candidates.';
    if (!m.active) return 'Your account was deactivated by an administrator of your organisation.';
    if (RANK[m.accessLevel] < RANK.elevated) {
      return `Your access level (${m.accessLevel}) does not allow adding or enrolling candidates. Ask an administrator of your organisation for elevated access.`;
    }
    return null;
  });

  /** The template's token keys, in the order they first appear. */
  tokens = $derived.by(() => {
    const keys = (this.#sequence?.stages ?? []).flatMap((s) => [
      ...extractTemplateTokens(s.subject),
      ...collectDocTokens(s.body as DocNode),
    ]);
    return unique(keys);
  });

  /** Form fields (and `custom.<key>`) the chosen template's tokens use. */
  usedFields: string[] = $derived(unique(this.tokens.map((k) => TOKEN_FIELDS[k] ?? k)));

  activeCustomFields = $derived(this.#customFields.filter((f) => f.retired_at === null));

  context = $derived.by((): RenderContext => {
    const customFields: Record<string, string | number | null> = {};
    for (const f of this.activeCustomFields) {
      const v = (this.custom[f.key] ?? '').trim();
      customFields[f.key] = v === '' ? null : f.type === 'number' && Number.isFinite(Number(v)) ? Number(v) : v;
    }
    return {
      candidate: {
        firstName: this.form.firstName,
        lastName: this.form.lastName,
        company: this.form.company,
        title: this.form.title,
        location: this.form.location,
        reasonForOutreach: this.form.reasonForOutreach,
        customFields,
      },
      job: this.#sequence?.job ? { title: this.#sequence.job.title } : null,
    };
  });

  /** Everything wrong with the form as typed: too long, bad address, no name. */
  formProblems = $derived.by(() => {
    const out = oversizedFields(this.form);
    for (const f of this.activeCustomFields) {
      const v = this.custom[f.key] ?? '';
      if ([...v].length > CUSTOM_FIELD_LIMIT) {
        out.push(`${f.label} is too long: ${[...v].length} characters, at most ${CUSTOM_FIELD_LIMIT}.`);
      }
    }
    if (!this.form.firstName.trim() && !this.form.lastName.trim()) out.push('Give the candidate a name.');
    const email = this.form.email.trim();
    if (email && !isValidEmailAddress(email)) out.push(`“${email}” is not a valid email address.`);
    return out;
  });

  /** The candidate's known addresses, to choose from. */
  emailOptions = $derived(
    this.#lead ? [this.#lead.email, ...this.#lead.alternateEmails].filter((e): e is string => !!e) : [],
  );

  /** Missing token values of the stages Start would send (the draft's once reviewed). */
  missingTokens = $derived.by(() => {
    const stages: StageDraft[] =
      this.phase === 'review'
        ? this.review.map((s) => ({
            type: s.type as StageDraft['type'],
            delay: { days: s.delayDays, hours: s.delayHours },
            subject: s.subject,
            body: s.body,
          }))
        : (this.#sequence?.stages ?? []).map((s) => ({
            type: s.type,
            delay: { days: s.delayDays, hours: s.delayHours },
            subject: s.subject,
            body: s.body as DocNode,
          }));
    const senders = this.phase === 'review' ? this.#draft?.stages : this.#sequence?.stages;
    const issues = validateDraftForCandidate(stages, (_s, i) => {
      const sender = senders?.[i]?.sender;
      return {
        ...this.context,
        sender: sender
          ? { name: sender.name, email: sender.email, title: sender.title, signature: sender.signature }
          : null,
      };
    });
    return unique(
      issues
        .filter((i) => i.code === 'missing_token_value')
        .map((i) => `Stage ${(i.stageIndex ?? 0) + 1}: ${i.message}`),
    );
  });

  /** The candidate's running/paused enrolment, if any (one at a time). */
  activeEnrollment = $derived(
    this.#lead?.enrollments.find((e) => e.status === 'running' || e.status === 'paused') ?? null,
  );
  drafts = $derived(this.#lead?.enrollments.filter((e) => e.status === 'draft') ?? []);

  canSubmit = $derived(
    !this.noRights &&
      !this.#busy &&
      this.sequenceId !== '' &&
      this.form.email.trim() !== '' &&
      this.formProblems.length === 0,
  );

  // --- account --------------------------------------------------------------------------

  async signIn(email: string, password: string): Promise<void> {
    this.#error = null;
    this.#busy = true;
    const r = await this.session.signIn(email, password);
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    await this.loadAccount();
  }

  async signOut(): Promise<void> {
    await this.session.signOut();
    this.reset();
  }

  reset(): void {
    this.#membership = null;
    this.#accountLoaded = false;
    this.#lead = null;
    this.#looked = false;
    this.#sequences = [];
    this.#customFields = [];
    this.sequenceId = '';
    this.#sequence = null;
    this.#draft = null;
    this.review = [];
    this.phase = 'form';
    this.#blockers = [];
    this.#error = null;
    this.#notice = null;
  }

  async loadAccount(): Promise<void> {
    const user = this.session.user;
    if (!user) return;
    const m = await myMembership(user.id);
    if (!m.ok) {
      this.#error = m.error;
      return;
    }
    this.#membership = m.data;
    this.#accountLoaded = true;
    if (this.noRights) return;
    const [seqs, fields] = await Promise.all([
      listSequences({ search: '', scope: 'everyone', access: 'all', jobId: 'all' }, user.id),
      listCustomFields(),
    ]);
    if (!seqs.ok) this.#error = seqs.error;
    // Only templates this user may enrol into: confidential ones are their creator's alone.
    else
      this.#sequences = seqs.data.filter(
        (s) => s.stageCount > 0 && (s.access !== 'confidential' || s.ownerId === user.id),
      );
    if (fields.ok) this.#customFields = fields.data;
    else this.#error = fields.error;
    await this.lookup();
  }

  // --- the page ---------------------------------------------------------------------------

  /** A reading of the LinkedIn tab; another profile than before starts over. */
  async showPage(url: string, reading: ProfileReading): Promise<void> {
    const samePerson = this.#page !== null && this.#page.reading.fields.linkedinUrl === reading.fields.linkedinUrl;
    this.#page = { url, reading };
    this.pageProblem = null;
    if (samePerson && reading.recognised) return;
    this.form = { ...emptyForm(), ...reading.fields };
    this.custom = {};
    this.#lead = null;
    this.#looked = false;
    this.#draft = null;
    this.review = [];
    this.phase = 'form';
    this.#blockers = [];
    this.#notice = null;
    this.#error = null;
    await this.lookup();
  }

  /** Finds the candidate by profile URL, then by the typed email; fills what the page did not. */
  async lookup(): Promise<void> {
    if (!this.session.signedIn || this.noRights !== null || !this.#accountLoaded) return;
    const url = this.form.linkedinUrl.trim() || null;
    const email = this.form.email.trim() || null;
    if (!url && !email) return;
    const seq = ++this.#seq;
    const r = await findLead(url, email);
    if (seq !== this.#seq) return;
    this.#looked = true;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    this.#lead = r.data;
    const c = r.data;
    if (!c) return;
    // What the page shows wins for the fields it has; the candidate's record fills the rest.
    const keep = (page: string, stored: string | null) => (page.trim() ? page : (stored ?? ''));
    this.form = {
      firstName: keep(this.form.firstName, c.firstName),
      lastName: keep(this.form.lastName, c.lastName),
      headline: keep(this.form.headline, c.headline),
      title: keep(this.form.title, c.title),
      company: keep(this.form.company, c.company),
      location: keep(this.form.location, c.location),
      linkedinUrl: keep(this.form.linkedinUrl, c.linkedinUrl),
      reasonForOutreach: keep(this.form.reasonForOutreach, c.reasonForOutreach),
      email: keep(this.form.email, c.email ?? c.alternateEmails[0] ?? null),
    };
    const custom: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.customFields)) custom[k] = this.custom[k] || (v === null ? '' : String(v));
    this.custom = custom;
  }

  async chooseSequence(id: string): Promise<void> {
    this.sequenceId = id;
    this.#sequence = null;
    this.#blockers = [];
    if (!id) return;
    const r = await getSequence(id);
    if (this.sequenceId !== id) return;
    if (!r.ok) this.#error = r.error;
    else this.#sequence = r.data;
  }

  // --- enrol --------------------------------------------------------------------------------

  /** Saves the lead and finds or creates the individual draft; null (with blockers) when refused. */
  async #prepare(): Promise<string | null> {
    this.#error = null;
    this.#notice = null;
    this.#blockers = [];
    if (this.formProblems.length) {
      this.#blockers = this.formProblems;
      return null;
    }
    const m = this.#membership;
    if (!m || this.noRights) {
      this.#blockers = [this.noRights ?? 'You cannot enrol candidates.'];
      return null;
    }
    const customFields: Record<string, string | number | null> = {};
    for (const f of this.activeCustomFields) {
      if (this.custom[f.key] !== undefined)
        customFields[f.key] = this.context.candidate?.customFields?.[f.key] as string | number | null;
    }
    const saved = await saveLead(this.#lead, m.organizationId, { ...this.form, customFields });
    if (!saved.ok) {
      this.#error = saved.error;
      return null;
    }
    const found = await findLead(this.form.linkedinUrl.trim() || null, this.form.email.trim() || null);
    if (found.ok && found.data) this.#lead = found.data;
    const existing = this.#lead?.enrollments.find((e) => e.status === 'draft' && e.sequenceId === this.sequenceId);
    if (existing) return existing.id;
    const r = await createIndividualDraft(this.sequenceId, saved.data, this.form.email.trim());
    if (!r.ok) {
      this.#error = r.error;
      return null;
    }
    if (!r.data.ok || !r.data.enrollmentId) {
      this.#blockers = [reasonText(r.data.reason, r.data.detail)];
      return null;
    }
    const again = await findLead(this.form.linkedinUrl.trim() || null, this.form.email.trim() || null);
    if (again.ok && again.data) this.#lead = again.data;
    return r.data.enrollmentId;
  }

  async #run<T>(fn: () => Promise<T>): Promise<T> {
    this.#busy = true;
    try {
      return await fn();
    } finally {
      this.#busy = false;
    }
  }

  /** Start: save the lead, create the draft and start it as the template has it. */
  startNow(): Promise<void> {
    return this.#run(async () => {
      if (this.missingTokens.length) {
        this.#blockers = this.missingTokens;
        return;
      }
      const id = await this.#prepare();
      if (id) await this.#start(id);
    });
  }

  /** Review: save the lead, create the draft and show its stages for this candidate. */
  openReview(): Promise<void> {
    return this.#run(async () => {
      const id = await this.#prepare();
      if (!id) return;
      const d = await getDraft(id);
      if (!d.ok || !d.data) {
        this.#error = d.ok ? 'The draft is not visible to you.' : d.error;
        return;
      }
      this.#draft = d.data;
      this.review = d.data.stages.map((s) => {
        const body = s.body as DocNode;
        return {
          position: s.position,
          type: s.type,
          subject: s.subject,
          body,
          delayDays: s.delayDays,
          delayHours: s.delayHours,
          scheduledAt: s.scheduledAt,
          sender: s.sender ? `${s.sender.name}${s.sender.email ? ` <${s.sender.email}>` : ''}` : 'No sender',
          window: s.sendWindow
            ? `${s.sendWindow.days.map((d) => DAYS[d % 7]).join(', ')} ${s.sendWindow.start}–${s.sendWindow.end} (candidate’s time)`
            : null,
          original: { subject: s.subject, body, delayDays: s.delayDays, delayHours: s.delayHours },
        };
      });
      this.phase = 'review';
    });
  }

  /** A review stage as the candidate will get it (text part; the page's text stays text). */
  preview(i: number): { subject: string; text: string } {
    const s = this.review[i];
    const d = this.#draft?.stages[i];
    if (!s) return { subject: '', text: '' };
    const sender = d?.sender;
    const ctx: RenderContext = {
      ...this.context,
      sender: sender
        ? { name: sender.name, email: sender.email, title: sender.title, signature: sender.signature }
        : null,
    };
    const r = renderStage({ subject: s.subject, body: s.body }, ctx);
    return { subject: r.subject, text: r.text };
  }

  /** Saves the review's edits, then starts the draft. */
  startReviewed(): Promise<void> {
    return this.#run(async () => {
      const d = this.#draft;
      if (!d) return;
      if (this.missingTokens.length) {
        this.#blockers = this.missingTokens;
        return;
      }
      const bad = this.review.find(
        (s) =>
          !Number.isInteger(s.delayDays) ||
          s.delayDays < 0 ||
          !Number.isInteger(s.delayHours) ||
          s.delayHours < 0 ||
          s.delayHours > 23,
      );
      if (bad) {
        this.#blockers = [`Stage ${bad.position + 1}: the delay must be whole days and 0–23 hours.`];
        return;
      }
      const edits: StageEdit[] = [];
      for (const s of this.review) {
        const e: StageEdit = { position: s.position };
        if (s.subject !== s.original.subject) e.subject = s.subject;
        if (!sameDoc(s.body, s.original.body)) e.body = s.body;
        if (s.delayDays !== s.original.delayDays) e.delayDays = s.delayDays;
        if (s.delayHours !== s.original.delayHours) e.delayHours = s.delayHours;
        if (Object.keys(e).length > 1) edits.push(e);
      }
      if (edits.length) {
        const r = await updateDraft(d.id, edits);
        if (!r.ok) {
          this.#blockers = [r.error];
          return;
        }
      }
      await this.#start(d.id);
    });
  }

  async #start(id: string): Promise<void> {
    const r = await startEnrollments([id]);
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    const o = r.data[0];
    if (!o?.ok) {
      this.#blockers = [reasonText(o?.reason ?? null, o?.detail ?? null)];
      return;
    }
    const d = await getDraft(id);
    const first = d.ok ? d.data?.stages[0] : undefined;
    const when = first?.scheduledAt ? formatTime(first.scheduledAt) : 'as scheduled';
    const from = first?.sender
      ? ` from ${first.sender.name}${first.sender.email ? ` <${first.sender.email}>` : ''}`
      : '';
    this.#notice = `Started. The first message goes to ${d.ok ? (d.data?.toEmail ?? this.form.email) : this.form.email}${from}, ${when}.`;
    this.phase = 'started';
    this.#draft = null;
    const found = await findLead(this.form.linkedinUrl.trim() || null, this.form.email.trim() || null);
    if (found.ok) this.#lead = found.data;
  }

  /** Closes the review without starting: the draft stays on the candidate's profile. */
  closeReview(): void {
    this.phase = 'form';
    this.#draft = null;
    this.review = [];
    this.#blockers = [];
    this.#notice = 'Not started. The draft is kept on the candidate’s profile; start it later here or in the app.';
  }
}
