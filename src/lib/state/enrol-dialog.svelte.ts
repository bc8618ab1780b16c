// "Enrol candidates" on a sequence (SPEC S3, issue 14): choose up to 500 candidates (search,
// a filtered list with select-all over the whole result, or a pasted list of addresses), create
// their drafts as one batch (50 a call, so the progress bar is real), then "Edit sequences": a
// panel lists every candidate's blocking issues — the database's refusals and the token values
// the candidate's data cannot fill — with the fixes that can be made in place (another address,
// a missing field), each candidate's own stages personalised with the stage form, and
// "Start N sequences" starts the rest 50 a call with a progress bar. Drafts that are not started
// stay on the candidates' profiles and can be started later.
import { listCandidates, searchKey, type CandidateFilters, type CandidateListItem } from '$lib/api/candidates';
import {
  batchOf,
  editBatch,
  editEnrollment,
  enrollCandidates,
  listDraftsOf,
  MAX_ENROLMENT,
  reasonText,
  setEnrollmentAddress,
  startEnrollments,
  TOO_MANY_TEXT,
  type ActionOutcome,
  type EnrolOutcome,
  type StageEdit,
  type ExistingDraft,
} from '$lib/api/enrollments';
import { saveTemplateEdits } from '$lib/api/collab';
import { EditStagesForm } from '$lib/state/edit-stages.svelte';
import { buildReport, type ActionReport } from '$lib/state/enrollments.svelte';
import {
  addCandidateEmail,
  allMatching,
  candidatesByEmail,
  fillCandidateField,
  fillableToken,
  pickedCandidates,
  type PickedCandidate,
} from '$lib/api/enrol-picker';
import {
  listDraftStages,
  listSenders,
  draftStagesChanged,
  isPersonalisable,
  saveDraftStages,
  type DraftStage,
  type SenderOption,
} from '$lib/api/candidate-profile';
import { getSequence, listJobs, listRunningEnrollments, type JobOption, type SequenceDetail } from '$lib/api/sequences';
import { generateAiTokens, reviewAiToken, type AiTokenValue } from '$lib/api/ai-tokens';
import { parseEmailList } from '$lib/enrol-emails';
import { previewStage, type StagePreview } from '$lib/draft-preview';
import { gapText, missingTokens, type TokenGap } from '$lib/enrol-blockers';
import {
  candidateContext,
  isValidEmailAddress,
  type DocNode,
  type RenderContext,
  type StageDraft,
} from '$shared/email/index.ts';
import { SvelteMap } from 'svelte/reactivity';

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

export type EnrolStep = 'choose' | 'creating' | 'edit' | 'starting' | 'done';

/** Drafts are created and started this many per call, so progress moves as the work does. */
export const CHUNK = 50;

/** One candidate of the "Edit sequences" step: their draft, or why there is none. */
export interface EditRow {
  candidateId: string;
  name: string;
  outcome: EnrolOutcome;
  /** Token values the candidate's data cannot fill (none when refused). */
  gaps: TokenGap[];
  /** Every blocking issue, in words; empty when the draft can start. */
  issues: string[];
  /** The draft existed before this enrolment (kept, not made again). */
  existing: boolean;
}

/** One candidate's own copy of the stages, as edited in the stage form. */
export class DraftEdit {
  stages = $state<DraftStage[]>([]);
  #original = $state.raw<DraftStage[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);

  constructor(readonly enrollmentId: string) {}

  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  get original(): readonly DraftStage[] {
    return this.#original;
  }
  /** Stages not sent yet: the ones that can be personalised. */
  get editable(): boolean[] {
    return this.stages.map(isPersonalisable);
  }
  dirty = $derived(draftStagesChanged(this.stages, this.#original));

  async load(): Promise<void> {
    const r = await listDraftStages(this.enrollmentId);
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    this.#original = r.data;
    this.stages = r.data.map((s) => ({ ...s }));
    this.#loaded = true;
  }

  /** Saves the personalised stages; bodies are sent only when their text changed. */
  async save(): Promise<boolean> {
    if (!this.dirty) return true;
    const r = await saveDraftStages(this.enrollmentId, this.stages, this.#original);
    if (!r.ok) {
      this.#error = r.error;
      return false;
    }
    this.#error = null;
    this.#original = this.stages.map((s) => ({ ...s }));
    return true;
  }
}

type Refusal = { name: string; message: string };

export class EnrolDialogState {
  step = $state<EnrolStep>('choose');
  search = $state('');
  filters = $state<CandidateFilters>({ jobId: null, inSequence: null, unsubscribed: null });
  includeUnsubscribeLink = $state(true);
  pasteText = $state('');
  /** Chosen candidates by id, in the order chosen (kept across searches). */
  readonly chosen = new SvelteMap<string, CandidateListItem>();
  /** Existing drafts of the chosen candidates, by candidate id. */
  readonly drafts = new SvelteMap<string, ExistingDraft[]>();
  #results = $state.raw<CandidateListItem[]>([]);
  #total = $state(0);
  /** The search (its words and filters) the shown results answer; null before the first answer. */
  #resultsFor = $state<string | null>(null);
  #jobs = $state.raw<JobOption[]>([]);
  /** Why the last addition was refused or only partly made (the 500 limit, unknown addresses). */
  #notice = $state<string | null>(null);
  #pasteReport = $state<string | null>(null);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #draftTimer: ReturnType<typeof setTimeout> | null = null;

  // Edit step
  #sequence = $state.raw<SequenceDetail | null>(null);
  #senders = $state.raw<SenderOption[]>([]);
  #me: string | null = null;
  readonly picks = new SvelteMap<string, PickedCandidate>();
  readonly outcomes = new SvelteMap<string, EnrolOutcome>();
  readonly existing = new SvelteMap<string, string>();
  readonly edits = new SvelteMap<string, DraftEdit>();
  /** The address chosen in this dialog, by candidate (the draft's own otherwise). */
  readonly sendTo = new SvelteMap<string, string>();
  #batchId: string | null = null;
  selectedId = $state<string | null>(null);
  #fixError = $state<string | null>(null);

  // Progress of creating drafts and of starting them
  #done = $state(0);
  #of = $state(0);
  #started = $state(0);
  #startFailures = $state.raw<Refusal[]>([]);

  /** AI token values of the ready drafts, by `<enrollment id> <key>` (S13). */
  readonly ai = new SvelteMap<string, AiTokenValue>();
  #aiUnavailable = $state<string | null>(null);

  constructor(
    readonly sequenceId: string,
    defaultUnsubscribe: boolean,
    userId: string | null = null,
  ) {
    this.includeUnsubscribeLink = defaultUnsubscribe;
    this.#me = userId;
  }

  // --- choose -------------------------------------------------------------------------------

  get results(): readonly CandidateListItem[] {
    return this.#results;
  }
  /** How many candidates match the search the results answer (the list shows the first page). */
  get total(): number {
    return this.#total;
  }
  get jobs(): readonly JobOption[] {
    return this.#jobs;
  }
  get notice(): string | null {
    return this.#notice;
  }
  get pasteReport(): string | null {
    return this.#pasteReport;
  }
  #key(): string {
    const f = this.filters;
    return `${searchKey(this.search)}|${f.jobId ?? ''}|${f.inSequence ?? ''}|${f.unsubscribed ?? ''}`;
  }
  /** What the list answers, for its status line: "Searching…" until the current words are answered. */
  get summary(): string {
    if (this.stale) return 'Searching…';
    const n = this.#total;
    const words = this.search.trim();
    if (!words) return `${n} ${n === 1 ? 'candidate' : 'candidates'}`;
    return `${n} ${n === 1 ? 'candidate matches' : 'candidates match'} “${words}”`;
  }
  /**
   * True while the shown results answer other words or filters than the ones set (typed,
   * waiting for the debounce or the answer): they are shown as stale and cannot be ticked, so
   * what is ticked is always what the user saw for the current search.
   */
  get stale(): boolean {
    return this.#resultsFor !== this.#key();
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get full(): boolean {
    return this.chosen.size >= MAX_ENROLMENT;
  }
  /** Every shown result is chosen (the header checkbox). */
  allShownChosen = $derived(this.#results.length > 0 && this.#results.every((c) => this.chosen.has(c.id)));

  async loadJobs(): Promise<void> {
    const r = await listJobs();
    if (r.ok) this.#jobs = r.data;
  }

  async find(): Promise<void> {
    const seq = ++this.#seq;
    const key = this.#key();
    const r = await listCandidates(searchKey(this.search), 0, { ...this.filters });
    if (seq !== this.#seq) return;
    if (r.ok) {
      this.#error = null;
      this.#results = r.data.rows;
      this.#total = r.data.total;
      this.#resultsFor = key;
    } else this.#error = r.error;
  }

  findSoon(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.find(), 200);
  }

  /**
   * Adds candidates up to the limit of one enrolment (the one rule: MAX_ENROLMENT, the
   * database's too_many); those past it are refused with the reason. Returns how many were added.
   */
  add(list: readonly CandidateListItem[]): number {
    let added = 0;
    let refused = 0;
    for (const c of list) {
      if (this.chosen.has(c.id)) continue;
      if (this.chosen.size >= MAX_ENROLMENT) {
        refused += 1;
        continue;
      }
      this.chosen.set(c.id, c);
      added += 1;
    }
    this.#notice = refused
      ? `${TOO_MANY_TEXT} ${refused === 1 ? '1 candidate was' : `${refused} candidates were`} not added.`
      : null;
    if (added) this.#loadDraftsSoon();
    return added;
  }

  toggle(c: CandidateListItem): void {
    if (this.stale) return;
    if (this.chosen.has(c.id)) this.remove(c.id);
    else this.add([c]);
  }

  remove(id: string): void {
    this.chosen.delete(id);
    this.drafts.delete(id);
    if (this.chosen.size < MAX_ENROLMENT) this.#notice = null;
  }

  clear(): void {
    this.chosen.clear();
    this.drafts.clear();
    this.#notice = null;
  }

  /** The header checkbox: chooses (or un-chooses) the shown page. */
  toggleShown(): void {
    if (this.stale) return;
    if (this.allShownChosen) for (const c of this.#results) this.remove(c.id);
    else this.add(this.#results);
  }

  /**
   * "Select all N": every candidate of the current search and filters, not only the page shown.
   * A result larger than one enrolment may take is refused whole, with the reason.
   */
  async selectAllMatching(): Promise<void> {
    if (this.stale) return;
    this.#busy = true;
    const r = await allMatching(searchKey(this.search), { ...this.filters }, MAX_ENROLMENT);
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    if (r.data.total > MAX_ENROLMENT) {
      this.#notice = `${TOO_MANY_TEXT} This search matches ${r.data.total}; narrow it down or pick candidates one by one.`;
      return;
    }
    for (const p of r.data.rows) this.picks.set(p.id, p);
    this.add(r.data.rows);
  }

  /** "Add" of the paste box: finds the pasted addresses' candidates and chooses them. */
  async addPasted(): Promise<void> {
    const parsed = parseEmailList(this.pasteText);
    if (parsed.emails.length === 0) {
      this.#pasteReport =
        parsed.invalid.length > 0
          ? `No valid address found. Not addresses: ${parsed.invalid.join(', ')}.`
          : 'Paste email addresses, one per line or separated by commas.';
      return;
    }
    if (parsed.emails.length > MAX_ENROLMENT) {
      this.#pasteReport = `${TOO_MANY_TEXT} You pasted ${parsed.emails.length} different addresses.`;
      return;
    }
    this.#busy = true;
    const r = await candidatesByEmail(parsed.emails);
    this.#busy = false;
    if (!r.ok) {
      this.#pasteReport = r.error;
      return;
    }
    const byEmail: Record<string, PickedCandidate> = {};
    for (const c of r.data) {
      this.picks.set(c.id, c);
      for (const e of [c.email, ...(c.alternate_emails ?? [])]) if (e) byEmail[e.trim().toLowerCase()] = c;
    }
    const found: PickedCandidate[] = [];
    const missing: string[] = [];
    for (const e of parsed.emails) {
      const c = byEmail[e];
      if (c) {
        if (!found.includes(c)) found.push(c);
      } else missing.push(e);
    }
    const already = found.filter((c) => this.chosen.has(c.id)).length;
    const added = this.add(found);
    const parts = [`${added} ${added === 1 ? 'candidate' : 'candidates'} added`];
    if (already) parts.push(`${already} already chosen`);
    if (parsed.duplicates)
      parts.push(`${parsed.duplicates} repeated ${parsed.duplicates === 1 ? 'address' : 'addresses'} ignored`);
    let report = `${parts.join(', ')}.`;
    // One message for unknown addresses and candidates the user may not see: the database
    // answers both the same way, so nothing about hidden candidates leaks.
    if (missing.length) report += ` Not found among the candidates you can see: ${missing.join(', ')}.`;
    if (parsed.invalid.length) report += ` Not valid addresses: ${parsed.invalid.join(', ')}.`;
    this.#pasteReport = report;
    if (missing.length === 0 && parsed.invalid.length === 0) this.pasteText = '';
  }

  #loadDraftsSoon(): void {
    if (this.#draftTimer) clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => void this.#loadDrafts(), 250);
  }

  /** Existing drafts of chosen candidates (shown beside them; a draft in this sequence is kept). */
  async #loadDrafts(): Promise<void> {
    const ids = [...this.chosen.keys()].filter((id) => !this.drafts.has(id));
    if (ids.length === 0) return;
    const r = await listDraftsOf(ids);
    if (!r.ok) return;
    for (const id of ids) if (this.chosen.has(id)) this.drafts.set(id, []);
    for (const d of r.data) if (this.chosen.has(d.candidateId)) this.drafts.get(d.candidateId)?.push(d);
    // SvelteMap tracks set/delete, not the arrays inside: set again to notify.
    for (const id of ids) {
      const list = this.drafts.get(id);
      if (list) this.drafts.set(id, [...list]);
    }
  }

  draftNote(candidateId: string): string | null {
    const list = this.drafts.get(candidateId) ?? [];
    if (list.length === 0) return null;
    return list
      .map((d) =>
        d.sequenceId === this.sequenceId
          ? 'Has a draft in this sequence: it is kept and opens in Edit sequences.'
          : `Has a draft in “${d.sequenceTitle}”.`,
      )
      .join(' ');
  }

  // --- creating the drafts ------------------------------------------------------------------

  get progress(): { done: number; of: number } {
    return { done: this.#done, of: this.#of };
  }

  /** Choose → edit: creates the drafts (one batch, CHUNK a call) and learns what blocks whom. */
  async createDrafts(): Promise<void> {
    const ids = [...this.chosen.keys()];
    if (ids.length === 0) return;
    if (ids.length > MAX_ENROLMENT) {
      this.#error = TOO_MANY_TEXT;
      return;
    }
    this.#error = null;
    this.#busy = true;
    this.step = 'creating';
    this.#done = 0;
    this.#of = ids.length;
    const [seq, senders, drafts] = await Promise.all([getSequence(this.sequenceId), listSenders(), listDraftsOf(ids)]);
    if (!seq.ok || !seq.data) {
      this.#fail(seq.ok ? 'The sequence is no longer visible to you.' : seq.error);
      return;
    }
    this.#sequence = seq.data;
    this.templateForm = new EditStagesForm(
      seq.data.stages.map((t) => ({ ...t, status: 'scheduled' as const, subject: t.subject ?? '' })),
    );
    if (senders.ok) this.#senders = senders.data;
    // A draft the candidate already has in this sequence is kept: it is their draft here.
    if (drafts.ok) {
      for (const d of drafts.data) {
        if (d.sequenceId !== this.sequenceId || this.outcomes.has(d.candidateId)) continue;
        this.existing.set(d.candidateId, d.enrollmentId);
        this.outcomes.set(d.candidateId, {
          candidateId: d.candidateId,
          enrollmentId: d.enrollmentId,
          ok: true,
          reason: null,
          detail: null,
        });
      }
    }
    this.#done = this.existing.size;
    const todo = ids.filter((id) => !this.outcomes.has(id));
    for (let i = 0; i < todo.length; i += CHUNK) {
      const r = await enrollCandidates(this.sequenceId, todo.slice(i, i + CHUNK), {
        start: false,
        includeUnsubscribeLink: this.includeUnsubscribeLink,
        batchId: this.#batchId,
      });
      if (!r.ok) {
        this.#fail(r.error);
        return;
      }
      for (const o of r.data) this.outcomes.set(o.candidateId, o);
      await this.#learnBatch(r.data);
      this.#done += r.data.length;
    }
    const missing = ids.filter((id) => !this.picks.has(id));
    const picks = await pickedCandidates(missing);
    if (picks.ok) for (const p of picks.data) this.picks.set(p.id, p);
    this.#busy = false;
    this.step = 'edit';
    // The first candidate who can start opens with their stages; the panel lists the others'
    // issues, and choosing one shows their fixes.
    const first = this.ready[0]?.candidateId;
    if (first) void this.select(first);
    await this.#writeAiTokens();
  }

  /** The batch the first call made; the later calls join it. */
  async #learnBatch(rows: EnrolOutcome[]): Promise<void> {
    if (this.#batchId) return;
    const first = rows.find((o) => o.ok && o.enrollmentId);
    if (!first?.enrollmentId) return;
    const b = await batchOf(first.enrollmentId);
    if (b.ok) this.#batchId = b.data;
  }

  #fail(error: string): void {
    this.#busy = false;
    this.#error = error;
    // Drafts made so far stay (on the candidates' profiles); the edit step shows them.
    this.step = this.outcomes.size > 0 ? 'edit' : 'choose';
  }

  // --- edit ---------------------------------------------------------------------------------

  /** The template's stages, edited for every candidate of this enrolment (not one draft). */
  templateForm = $state<EditStagesForm | null>(null);
  /** "Save these template edits for future enrolments": written to the sequence's document. */
  saveForFuture = $state(false);
  /** "… for running enrolments (unsent stages only)": the same edits on each running enrolment. */
  saveForRunning = $state(false);
  #templateBusy = $state(false);
  #templateError = $state<string | null>(null);
  #templateDone = $state<string | null>(null);
  #runningReport = $state.raw<ActionReport | null>(null);

  get templateBusy(): boolean {
    return this.#templateBusy;
  }
  get templateError(): string | null {
    return this.#templateError;
  }
  /** What applying the edits did, in words. */
  get templateDone(): string | null {
    return this.#templateDone;
  }
  /** Per running enrolment: edited, or why not. */
  get runningReport(): ActionReport | null {
    return this.#runningReport;
  }

  /**
   * Applies the stage edits made for everyone to every draft of this enrolment (only the changed
   * fields, so each candidate's own personalisations stay), then, as ticked, to the template
   * (its document, so the editor and the materialiser stay the only writers of the stage rows)
   * and to the unsent stages of the sequence's running enrolments, with a report for those.
   */
  async applyTemplateEdits(): Promise<void> {
    const form = this.templateForm;
    const seq = this.#sequence;
    if (!form || !seq || this.#templateBusy) return;
    this.#templateError = null;
    this.#templateDone = null;
    this.#runningReport = null;
    if (form.problems.length) {
      this.#templateError = form.problems.join(' ');
      return;
    }
    const edits = $state.snapshot(form.edits) as StageEdit[];
    if (edits.length === 0) {
      this.#templateError = 'Nothing was changed.';
      return;
    }
    this.#templateBusy = true;
    try {
      const done: string[] = [];
      const drafts = [...this.outcomes.values()].filter((o) => o.ok && o.enrollmentId).map((o) => o.enrollmentId!);
      if (drafts.length) {
        const outcomes: ActionOutcome[] = [];
        for (let i = 0; i < drafts.length; i += CHUNK) {
          const r = await editBatch(drafts.slice(i, i + CHUNK), edits);
          if (!r.ok) {
            this.#templateError = r.error;
            return;
          }
          outcomes.push(...r.data);
        }
        // Drafts kept from an earlier enrolment belong to another batch: edited one by one.
        for (const o of outcomes.filter((x) => !x.ok && x.reason === 'not_in_batch')) {
          const r = await editEnrollment(o.enrollmentId, edits);
          if (r.ok && r.data[0]) Object.assign(o, r.data[0]);
        }
        const failed = outcomes.filter((o) => !o.ok);
        done.push(
          `Edited ${plural(outcomes.length - failed.length, 'draft')}` +
            (failed.length ? `; ${plural(failed.length, 'draft')} could not be changed` : '') +
            '.',
        );
        await Promise.all([...this.edits.values()].map((e) => e.load()));
      }
      if (this.saveForFuture) {
        const r = await saveTemplateEdits(
          seq.id,
          edits.map((e) => ({
            stageId: seq.stages.find((t) => t.position === e.position)?.id ?? '',
            ...(e.subject !== undefined ? { subject: e.subject } : {}),
            ...(e.body !== undefined ? { body: e.body as DocNode } : {}),
            ...(e.delay_days !== undefined ? { delayDays: e.delay_days } : {}),
            ...(e.delay_hours !== undefined ? { delayHours: e.delay_hours } : {}),
          })),
        );
        if (!r.ok) {
          this.#templateError = `The template was not saved: ${r.error}`;
          this.#templateDone = done.join(' ') || null;
          return;
        }
        done.push('Saved the edits to the template for future enrolments.');
      }
      if (this.saveForRunning) {
        const running = await listRunningEnrollments(seq.id);
        if (!running.ok) {
          this.#templateError = running.error;
          this.#templateDone = done.join(' ') || null;
          return;
        }
        const outcomes: ActionOutcome[] = [];
        for (const e of running.data) {
          const r = await editEnrollment(e.id, edits);
          outcomes.push(
            r.ok
              ? (r.data[0] ?? { enrollmentId: e.id, ok: false, reason: 'not_found', detail: null })
              : { enrollmentId: e.id, ok: false, reason: 'error', detail: r.error },
          );
        }
        this.#runningReport = buildReport(
          'edit',
          outcomes,
          Object.fromEntries(running.data.map((e) => [e.id, e.candidateName])),
        );
        done.push(
          running.data.length
            ? 'Applied the edits to the unsent stages of running enrolments.'
            : 'No running enrolments to apply the edits to.',
        );
      }
      this.#templateDone = done.join(' ');
      // The edited stages are the form's new starting point (a second apply sends only what changes next).
      this.templateForm = new EditStagesForm(form.stages.map((f) => ({ ...f, status: 'scheduled' as const })));
    } finally {
      this.#templateBusy = false;
    }
  }

  get sequence(): SequenceDetail | null {
    return this.#sequence;
  }
  get senders(): readonly SenderOption[] {
    return this.#senders;
  }
  get fixError(): string | null {
    return this.#fixError;
  }

  /** The sender of a stage (the user when the stage names none); its option is its token context. */
  #senderOf(userId: string | null): SenderOption | null {
    return this.#senders.find((p) => p.userId === (userId ?? this.#me)) ?? null;
  }

  /** The stages a candidate's tokens are checked against: their edited draft, else the template. */
  #stagesFor(candidateId: string): { stages: StageDraft[]; senders: Array<string | null> } {
    const seq = this.#sequence;
    const template = seq?.stages ?? [];
    const enrollmentId = this.outcomes.get(candidateId)?.enrollmentId;
    const edit = enrollmentId ? this.edits.get(enrollmentId) : undefined;
    if (edit?.loaded) {
      return {
        stages: edit.stages.map((s) => ({
          type: s.type,
          delay: { days: s.delayDays, hours: s.delayHours },
          subject: s.subject,
          body: s.body,
        })),
        senders: edit.stages.map((s) => s.senderUserId),
      };
    }
    return {
      stages: template.map((t) => ({
        type: t.type,
        delay: { days: t.delayDays, hours: t.delayHours },
        subject: t.subject,
        body: t.body as DocNode,
      })),
      senders: template.map((t) => t.sender?.userId ?? null),
    };
  }

  gapsOf(candidateId: string): TokenGap[] {
    const c = this.picks.get(candidateId);
    if (!c || !this.#sequence) return [];
    const { stages, senders } = this.#stagesFor(candidateId);
    const ctx = this.#contextOf(c);
    return missingTokens(stages, (i): RenderContext => ({ ...ctx, sender: this.#senderOf(senders[i] ?? null) }));
  }

  /** What a candidate's tokens render apart from the sender: their fields and the sequence's job. */
  #contextOf(c: PickedCandidate): RenderContext {
    const job = this.#sequence?.job;
    return {
      candidate: candidateContext({ ...c, custom_fields: c.customFields }),
      job: job ? { title: job.title } : null,
    };
  }

  /** A candidate's draft stages as they would get them, live as the stage form is edited. */
  previewsOf(candidateId: string): StagePreview[] {
    const c = this.picks.get(candidateId);
    const enrollmentId = this.outcomes.get(candidateId)?.enrollmentId;
    const edit = enrollmentId ? this.edits.get(enrollmentId) : undefined;
    if (!c || !edit?.loaded) return [];
    const ctx = this.#contextOf(c);
    return edit.stages.map((s) => {
      return previewStage(s, ctx, this.#senderOf(s.senderUserId));
    });
  }

  rows = $derived.by((): EditRow[] =>
    [...this.chosen.keys()]
      .filter((id) => this.outcomes.has(id))
      .map((id) => {
        const outcome = this.outcomes.get(id)!;
        const gaps = outcome.ok ? this.gapsOf(id) : [];
        const issues = outcome.ok ? gaps.map(gapText) : [reasonText(outcome.reason, outcome.detail)];
        return {
          candidateId: id,
          name: this.picks.get(id)?.name ?? this.chosen.get(id)?.name ?? 'Candidate',
          outcome,
          gaps,
          issues,
          existing: this.existing.has(id),
        };
      }),
  );

  ready = $derived(this.rows.filter((r) => r.outcome.ok && r.outcome.enrollmentId && r.issues.length === 0));
  blocked = $derived(this.rows.filter((r) => r.issues.length > 0));
  selected = $derived(this.rows.find((r) => r.candidateId === this.selectedId) ?? null);

  /** Why AI tokens could not be written (no provider, turned off), or null. */
  get aiUnavailable(): string | null {
    return this.#aiUnavailable;
  }
  /** Drafts whose AI tokens still need a person's approval (or a value at all). */
  aiPending = $derived([...this.ai.values()].filter((v) => v.reviewedAt === null).map((v) => v.enrollmentId));
  /** The ready drafts Start will start: those without AI tokens waiting for review. */
  startable = $derived(this.ready.filter((r) => !this.aiPending.includes(r.outcome.enrollmentId ?? '')));

  /**
   * What closing the dialog now would lose, one phrase each; empty when nothing would. Drafts
   * already created are not lost (they stay on the profiles), so only a choice not yet made into
   * drafts and stage edits not yet saved count. The dialog asks before closing over these.
   */
  unsaved = $derived.by((): string[] => {
    const out: string[] = [];
    if (this.step === 'choose' && this.chosen.size > 0) {
      out.push(`your choice of ${this.chosen.size} ${this.chosen.size === 1 ? 'candidate' : 'candidates'}`);
    }
    if (this.step !== 'edit') return out;
    const names = [...this.edits.values()].filter((e) => e.dirty).map((e) => this.nameOfEnrollment(e.enrollmentId));
    if (names.length) out.push(`the unsaved stage edits for ${names.join(', ')}`);
    if (this.templateForm && this.templateForm.edits.length > 0) out.push('the stage edits for everyone, not applied');
    return out;
  });

  nameOfEnrollment(enrollmentId: string): string {
    const row = this.rows.find((r) => r.outcome.enrollmentId === enrollmentId);
    return row?.name ?? 'Candidate';
  }

  /** The selected candidate's draft, loaded for the stage form on first view. */
  async select(candidateId: string): Promise<void> {
    this.selectedId = candidateId;
    this.#fixError = null;
    const id = this.outcomes.get(candidateId)?.enrollmentId;
    if (!id || this.edits.has(id)) return;
    const edit = new DraftEdit(id);
    this.edits.set(id, edit);
    await edit.load();
  }

  /** The candidate's addresses a draft may send to. */
  addressesOf(candidateId: string): string[] {
    const c = this.picks.get(candidateId);
    return c ? [c.email, ...(c.alternate_emails ?? [])].filter((e): e is string => !!e && e.trim() !== '') : [];
  }

  /** In-place fix: "Send to" another of the candidate's addresses. */
  async pickAddress(candidateId: string, email: string): Promise<void> {
    const id = this.outcomes.get(candidateId)?.enrollmentId;
    if (!id) return;
    this.#fixError = null;
    const r = await setEnrollmentAddress(id, email);
    if (!r.ok) this.#fixError = r.error;
    else this.sendTo.set(candidateId, email);
  }
  /** In-place fix: fills a missing token value on the candidate. */
  async fillGap(candidateId: string, token: string, value: string): Promise<boolean> {
    const c = this.picks.get(candidateId);
    if (!c) return false;
    if (!fillableToken(token)) {
      this.#fixError = 'This value does not come from the candidate; edit the stage instead.';
      return false;
    }
    this.#fixError = null;
    const r = await fillCandidateField(c, token, value);
    if (!r.ok) {
      this.#fixError = r.error;
      return false;
    }
    return this.#refresh(candidateId);
  }

  /** In-place fix for "no email": adds the address, then makes the candidate's draft. */
  async addEmail(candidateId: string, email: string): Promise<boolean> {
    if (!isValidEmailAddress(email)) {
      this.#fixError = `“${email.trim()}” is not a valid email address.`;
      return false;
    }
    this.#fixError = null;
    const r = await addCandidateEmail(candidateId, email);
    if (!r.ok) {
      this.#fixError = r.error;
      return false;
    }
    await this.#refresh(candidateId);
    return this.retry(candidateId);
  }

  /** Asks the database again for one refused candidate (after a fix), in the same batch. */
  async retry(candidateId: string): Promise<boolean> {
    const r = await enrollCandidates(this.sequenceId, [candidateId], {
      start: false,
      includeUnsubscribeLink: this.includeUnsubscribeLink,
      batchId: this.#batchId,
    });
    if (!r.ok) {
      this.#fixError = r.error;
      return false;
    }
    const o = r.data[0];
    if (o) this.outcomes.set(candidateId, o);
    await this.#learnBatch(r.data);
    if (o && !o.ok) this.#fixError = reasonText(o.reason, o.detail);
    return !!o?.ok;
  }

  async #refresh(candidateId: string): Promise<boolean> {
    const r = await pickedCandidates([candidateId]);
    if (!r.ok) {
      this.#fixError = r.error;
      return false;
    }
    for (const p of r.data) this.picks.set(p.id, p);
    return true;
  }

  /** Saves the selected candidate's personalised stages. */
  async saveDraft(enrollmentId: string): Promise<void> {
    const edit = this.edits.get(enrollmentId);
    if (edit) await edit.save();
  }

  /** Right after the drafts exist: the AI tokens their stages use are written for review. */
  async #writeAiTokens(): Promise<void> {
    this.ai.clear();
    this.#aiUnavailable = null;
    const usesAi = (this.#sequence?.stages ?? []).some(
      (s) => s.subject.includes('{{ai.') || JSON.stringify(s.body ?? null).includes('"ai.'),
    );
    const ids = this.ready.map((r) => r.outcome.enrollmentId).filter((v): v is string => v !== null);
    if (!usesAi || ids.length === 0) return;
    this.#busy = true;
    const r = await generateAiTokens(ids);
    this.#busy = false;
    if (!r.ok) {
      this.#aiUnavailable = r.error;
      return;
    }
    for (const v of r.data.values) this.ai.set(`${v.enrollmentId} ${v.key}`, v);
    // Without a provider the drafts that use AI tokens come back without values: held back.
    if (!r.data.available) this.#aiUnavailable = r.data.reason;
  }

  /** Approves (possibly edited) text of one AI token; returns the refusal's reason if any. */
  async approveAi(enrollmentId: string, key: string, value: string): Promise<string | null> {
    const r = await reviewAiToken(enrollmentId, key, value);
    if (!r.ok) return r.error;
    this.ai.set(`${enrollmentId} ${key}`, r.data);
    return null;
  }

  // --- start --------------------------------------------------------------------------------

  get started(): number {
    return this.#started;
  }
  get startFailures(): readonly Refusal[] {
    return this.#startFailures;
  }

  /** Edit → done: saves personalised drafts, then starts every startable draft, CHUNK a call. */
  async start(): Promise<void> {
    const rows = this.startable;
    const ids = rows.map((r) => r.outcome.enrollmentId).filter((v): v is string => v !== null);
    if (ids.length === 0) return;
    this.#error = null;
    for (const id of ids) {
      const edit = this.edits.get(id);
      if (edit?.dirty && !(await edit.save())) {
        this.#error = `${this.nameOfEnrollment(id)}: ${edit.error ?? 'could not save the stages.'}`;
        return;
      }
    }
    const names: Record<string, string> = Object.fromEntries(rows.map((r) => [r.outcome.enrollmentId ?? '', r.name]));
    this.#busy = true;
    this.step = 'starting';
    this.#done = 0;
    this.#of = ids.length;
    this.#started = 0;
    const failures: Refusal[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const r = await startEnrollments(ids.slice(i, i + CHUNK));
      if (!r.ok) {
        failures.push({ name: `${ids.length - i} not started`, message: r.error });
        break;
      }
      for (const o of r.data) {
        if (o.ok) this.#started += 1;
        else failures.push({ name: names[o.enrollmentId] ?? 'Candidate', message: reasonText(o.reason, o.detail) });
      }
      this.#done += r.data.length;
    }
    this.#startFailures = failures;
    this.#busy = false;
    this.step = 'done';
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#draftTimer) clearTimeout(this.#draftTimer);
  }
}
