// What the enrol dialog asks about before it closes (SheetDialog's "Discard unsaved changes?"):
// a choice not yet made into drafts and stage edits not yet saved, never the drafts themselves.
import { afterEach, describe, expect, it, vi } from 'vitest';

// The state's module reaches the Supabase client, which needs browser configuration; these
// tests make no call.
vi.mock('$lib/supabase', () => ({ supabase: {} }));

import type { CandidateListItem } from '$lib/api/candidates';
import type { DraftStage } from '$lib/api/candidate-profile';
import { DraftEdit, EnrolDialogState } from './enrol-dialog.svelte';
import { EditStagesForm } from './edit-stages.svelte';
import { plainDoc } from '$shared/email/test-factories.ts';

const candidate = (id: string, name: string): CandidateListItem => ({
  id,
  name,
  email: `${id}@example.test`,
  title: null,
  company: null,
  location: null,
  jobs: [],
});
const stage: DraftStage = {
  position: 0,
  type: 'email',
  subject: 'Hello',
  body: plainDoc('Hi there.'),
  delayDays: 0,
  delayHours: 0,
  senderUserId: null,
  status: 'scheduled',
};

let s: EnrolDialogState;
afterEach(() => s.destroy());

describe('what closing the enrol dialog would lose', () => {
  it('is nothing when it opens, and the choice once candidates are ticked', () => {
    s = new EnrolDialogState('seq', true);
    expect(s.unsaved).toEqual([]);
    s.add([candidate('a', 'Ada Byron'), candidate('b', 'Ben Ode')]);
    expect(s.unsaved).toEqual(['your choice of 2 candidates']);
    s.remove('b');
    expect(s.unsaved).toEqual(['your choice of 1 candidate']);
  });

  it('is not the drafts once they exist, but the stage edits not saved, by candidate, and those for everyone', () => {
    s = new EnrolDialogState('seq', true);
    s.add([candidate('a', 'Ada Byron')]);
    s.outcomes.set('a', { candidateId: 'a', enrollmentId: 'e-a', ok: false, reason: 'no_email', detail: null });
    s.step = 'edit';
    expect(s.unsaved).toEqual([]);

    const edit = new DraftEdit('e-a');
    s.edits.set('e-a', edit);
    expect(s.unsaved).toEqual([]);
    // Stages that differ from what was loaded (nothing was) are unsaved edits.
    edit.stages = [{ ...stage }];
    expect(s.unsaved).toEqual(['the unsaved stage edits for Ada Byron']);

    s.templateForm = new EditStagesForm([
      {
        position: 0,
        type: 'email',
        status: 'scheduled',
        subject: 'Hello',
        body: plainDoc('Hi.'),
        delayDays: 1,
        delayHours: 0,
      },
    ]);
    expect(s.unsaved).toHaveLength(1);
    s.templateForm.stages[0]!.subject = 'Hello again';
    expect(s.unsaved).toEqual(['the unsaved stage edits for Ada Byron', 'the stage edits for everyone, not applied']);

    s.step = 'done';
    expect(s.unsaved).toEqual([]);
  });
});
