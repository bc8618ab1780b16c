// One sequence's page: the template as stored, what would block enrolment (the same validation
// the editor and the sending function use), when each stage would send if a candidate were
// enrolled now. The enrolments themselves live in EnrollmentBoardState.
import { directLinkSecret, getSequence, redeemLink, type SequenceDetail, type StageRow } from '$lib/api/sequences';
import {
  previewSchedule,
  renderStage,
  validateStages,
  type DocNode,
  type RenderContext,
  type StageDraft,
  type StageIssue,
} from '$shared/email/index.ts';

/** Sample values that show where each token lands, for previews outside any candidate. */
export const PREVIEW_CONTEXT: RenderContext = {
  candidate: {
    firstName: '[First name]',
    lastName: '[Last name]',
    company: '[Company]',
    title: '[Title]',
    location: '[Location]',
    reasonForOutreach: '[Reason for outreach]',
  },
  sender: { name: '[Sender name]', title: '[Sender title]', signature: '[Signature]' },
  job: { title: '[Job title]' },
};

const EMPTY_DOC: DocNode = { type: 'doc', content: [] };

export function toDraft(s: StageRow): StageDraft {
  return {
    type: s.type,
    delay: { days: s.delayDays, hours: s.delayHours },
    sendWindow: s.sendWindow,
    senderEmail: s.sender?.email ?? null,
    subject: s.subject,
    body: (s.body as DocNode | null) ?? EMPTY_DOC,
  };
}

export class SequencePageState {
  #sequence = $state.raw<SequenceDetail | null>(null);
  #status = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  #error = $state<string | null>(null);
  #now = $state(Date.now());

  readonly timeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone;

  get sequence(): SequenceDetail | null {
    return this.#sequence;
  }
  get status() {
    return this.#status;
  }
  get error(): string | null {
    return this.#error;
  }

  issues = $derived.by((): StageIssue[] => {
    const s = this.#sequence;
    if (!s) return [];
    if (s.stages.length === 0) return [];
    return validateStages(s.stages.map(toDraft));
  });

  /** When each stage would send for a candidate enrolled now (in the viewer's time zone). */
  schedule = $derived.by((): Date[] => {
    const s = this.#sequence;
    if (!s) return [];
    try {
      return previewSchedule(
        s.stages.map((st) => ({ delay: { days: st.delayDays, hours: st.delayHours }, sendWindow: st.sendWindow })),
        this.timeZone,
        // A throwaway instant handed to pure code; nothing mutates it, so no SvelteDate.
        // eslint-disable-next-line svelte/prefer-svelte-reactivity
        new Date(this.#now),
      );
    } catch {
      return [];
    }
  });

  issuesOf(index: number): StageIssue[] {
    return this.issues.filter((i) => i.stageIndex === index);
  }

  preview(stage: StageRow): { subject: string; html: string } {
    try {
      const r = renderStage(
        { subject: stage.subject, body: (stage.body as DocNode | null) ?? EMPTY_DOC },
        {
          ...PREVIEW_CONTEXT,
          sender: stage.sender
            ? { name: stage.sender.name, title: stage.sender.title, signature: stage.sender.signature }
            : PREVIEW_CONTEXT.sender,
        },
      );
      return { subject: r.subject, html: r.html };
    } catch {
      return { subject: stage.subject, html: '' };
    }
  }

  /** Set when the page was opened with a direct link that does not grant access. */
  #linkRefused = $state(false);
  get linkRefused(): boolean {
    return this.#linkRefused;
  }

  /** The shareable direct link of a personal sequence, for its creator. */
  async directLink(origin: string): Promise<string | null> {
    const s = this.#sequence;
    if (!s) return null;
    const r = await directLinkSecret(s.id);
    return r.ok && r.data ? `${origin}/sequences/${s.id}?key=${encodeURIComponent(r.data)}` : null;
  }

  /** Loads the sequence; `key` is a direct-link secret from a shared URL, presented first. */
  async load(id: string, key: string | null = null): Promise<void> {
    this.#status = 'loading';
    this.#now = Date.now();
    this.#linkRefused = false;
    if (key) {
      const r = await redeemLink(id, key);
      this.#linkRefused = !r.ok || !r.data;
    }
    const seq = await getSequence(id);
    if (!seq.ok) {
      this.#status = 'error';
      this.#error = seq.error;
      return;
    }
    if (!seq.data) {
      this.#status = 'not_found';
      return;
    }
    this.#sequence = seq.data;
    this.#status = 'ready';
  }
}
