// More → Enroll in sequence on a candidate's profile (issue 14): choose a sequence, which
// creates the candidate's draft (or says what blocks them), review and personalise its stages,
// then "Start 1 sequence". A draft closed without starting stays on the profile and reopens
// here (openDraft) to be edited and started later.
import {
  getDraftContext,
  listDraftStages,
  listSenders,
  draftStagesChanged,
  isPersonalisable,
  saveDraftStages,
  type DraftStage,
  type SenderOption,
} from '$lib/api/candidate-profile';
import { enrollCandidates, reasonText, startEnrollments } from '$lib/api/enrollments';
import { listSequences, type SequenceListItem } from '$lib/api/sequences';
import { previewStage, type StagePreview } from '$lib/draft-preview';
import { gapText, missingTokens } from '$lib/enrol-blockers';
import type { RenderContext } from '$shared/email/index.ts';

export type ProfileEnrolStep = 'choose' | 'review' | 'done';

export class ProfileEnrolState {
  step = $state<ProfileEnrolStep>('choose');
  sequenceId = $state('');
  /** The draft's stages as edited (saved on Save or Start). */
  stages = $state<DraftStage[]>([]);
  #original = $state.raw<DraftStage[]>([]);
  #sequences = $state.raw<SequenceListItem[]>([]);
  #senders = $state.raw<SenderOption[]>([]);
  /** The candidate's values for the tokens (null until loaded, or when they could not be). */
  #context = $state.raw<RenderContext | null>(null);
  #enrollmentId = $state<string | null>(null);
  #title = $state('');
  #blocked = $state<string | null>(null);
  #error = $state<string | null>(null);
  #busy = $state(false);

  constructor(readonly candidateId: string) {}

  get sequences(): readonly SequenceListItem[] {
    return this.#sequences;
  }
  get senders(): readonly SenderOption[] {
    return this.#senders;
  }
  get enrollmentId(): string | null {
    return this.#enrollmentId;
  }
  get title(): string {
    return this.#title;
  }
  /** Why the candidate cannot be enrolled in the chosen sequence, in words. */
  get blocked(): string | null {
    return this.#blocked;
  }
  get error(): string | null {
    return this.#error;
  }
  get busy(): boolean {
    return this.#busy;
  }
  /** Each stage as the candidate would get it, live as it is edited; empty without values. */
  previews = $derived.by((): StagePreview[] => {
    const ctx = this.#context;
    if (!ctx) return [];
    return this.stages.map((s) => previewStage(s, ctx, this.#senders.find((x) => x.userId === s.senderUserId) ?? null));
  });

  /**
   * The token values this candidate's draft is missing, in the words the sequence manager's
   * panel uses: the same rule (missingTokens over validateDraftForCandidate) blocks Start in both.
   */
  missing = $derived.by((): string[] => {
    const ctx = this.#context;
    if (!ctx) return [];
    const stages = this.stages.map((s) => ({
      type: s.type,
      delay: { days: s.delayDays, hours: s.delayHours },
      subject: s.type === 'linkedin_connection' ? '' : s.subject,
      body: s.body,
    }));
    return missingTokens(stages, (i): RenderContext => {
      const sender = this.#senders.find((x) => x.userId === this.stages[i]?.senderUserId) ?? null;
      return { ...ctx, sender };
    }).map(gapText);
  });

  /**
   * Whether the stages were edited since they were loaded or last saved (closing would lose it):
   * the enrol dialog's rule, draftStagesChanged.
   */
  dirty = $derived(this.step === 'review' && draftStagesChanged(this.stages, this.#original));

  /** Stages not sent yet: the ones that can be personalised. */
  get editable(): boolean[] {
    return this.stages.map(isPersonalisable);
  }

  async loadSequences(userId: string): Promise<void> {
    const r = await listSequences({ search: '', scope: 'everyone', access: 'all', jobId: 'all' }, userId);
    if (r.ok) this.#sequences = r.data.filter((s) => s.stageCount > 0);
    else this.#error = r.error;
  }

  /** Choose → review: creates the draft, or reports what blocks the candidate. */
  async createDraft(): Promise<void> {
    const seq = this.#sequences.find((s) => s.id === this.sequenceId);
    if (!seq) return;
    this.#busy = true;
    this.#error = null;
    this.#blocked = null;
    const r = await enrollCandidates(seq.id, [this.candidateId], { start: false, includeUnsubscribeLink: null });
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    const o = r.data[0];
    if (!o?.ok || !o.enrollmentId) {
      this.#blocked = reasonText(o?.reason ?? null, o?.detail ?? null);
      return;
    }
    await this.openDraft(o.enrollmentId, seq.title);
  }

  /** Opens an existing draft of the candidate at the review step. */
  async openDraft(enrollmentId: string, title: string): Promise<void> {
    this.#enrollmentId = enrollmentId;
    this.#title = title;
    this.#busy = true;
    const [stages, senders, context] = await Promise.all([
      listDraftStages(enrollmentId),
      listSenders(),
      getDraftContext(enrollmentId),
    ]);
    this.#busy = false;
    if (!stages.ok) {
      this.#error = stages.error;
      return;
    }
    if (senders.ok) this.#senders = senders.data;
    // Without the values the stages can still be edited; the reason is shown instead of previews.
    if (context.ok) this.#context = context.data;
    else this.#error = context.error;
    this.#original = stages.data;
    this.stages = stages.data.map((s) => ({ ...s }));
    this.step = 'review';
  }

  /** Saves the personalised stages; bodies are sent only when their text changed. */
  async save(): Promise<boolean> {
    const id = this.#enrollmentId;
    if (!id) return false;
    this.#busy = true;
    this.#error = null;
    const r = await saveDraftStages(id, this.stages, this.#original);
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return false;
    }
    this.#original = this.stages.map((s) => ({ ...s }));
    return true;
  }

  /** Review → done: saves, then starts the draft. */
  async start(): Promise<void> {
    const id = this.#enrollmentId;
    if (!id || !(await this.save())) return;
    if (this.missing.length) {
      this.#error = `Not started: ${this.missing.join(' ')}`;
      return;
    }
    this.#busy = true;
    const r = await startEnrollments([id]);
    this.#busy = false;
    if (!r.ok) {
      this.#error = r.error;
      return;
    }
    const o = r.data[0];
    if (!o?.ok) {
      this.#error = reasonText(o?.reason ?? null, o?.detail ?? null);
      return;
    }
    this.step = 'done';
  }
}
