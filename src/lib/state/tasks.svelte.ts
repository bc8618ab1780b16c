// The Tasks page: the user's open LinkedIn prompts with the message personalised for each
// candidate (the same rendering as emails), ready to copy into LinkedIn.
import { completeTask, listMyOpenTasks, mySenderProfile, type OpenTask, type SenderProfile } from '$lib/api/tasks';
import { renderStage, type DocNode } from '$shared/email/index.ts';
import type { Result } from '$lib/result';

export interface TaskView extends OpenTask {
  message: { subject: string; text: string };
}

export class TasksState {
  #tasks = $state.raw<TaskView[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #busy = $state<string | null>(null);

  constructor(private readonly userId: () => string | null) {}

  get tasks(): readonly TaskView[] {
    return this.#tasks;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The task being completed, if any. */
  get busy(): string | null {
    return this.#busy;
  }

  async load(): Promise<void> {
    const uid = this.userId();
    if (!uid) return;
    const [tasks, me] = await Promise.all([listMyOpenTasks(uid), mySenderProfile(uid)]);
    this.#loaded = true;
    if (!tasks.ok) {
      this.#error = tasks.error;
      return;
    }
    const sender: SenderProfile | null = me.ok ? me.data : null;
    this.#error = null;
    this.#tasks = tasks.data.map((t) => ({ ...t, message: personalise(t, sender) }));
  }

  async complete(id: string, outcome: 'sent' | 'skipped'): Promise<Result<null>> {
    this.#busy = id;
    const r = await completeTask(id, outcome);
    this.#busy = null;
    if (r.ok) this.#tasks = this.#tasks.filter((t) => t.id !== id);
    return r;
  }
}

function personalise(t: OpenTask, sender: SenderProfile | null): { subject: string; text: string } {
  try {
    const r = renderStage(
      { subject: t.stage.subject, body: (t.stage.body as DocNode | null) ?? { type: 'doc', content: [] } },
      {
        candidate: { ...t.candidate, customFields: t.candidate.customFields },
        sender: sender ?? undefined,
        job: { title: t.sequence.jobTitle },
      },
    );
    return { subject: r.subject, text: r.text };
  } catch {
    return { subject: t.stage.subject, text: '' };
  }
}
