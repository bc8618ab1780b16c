import { describe, expect, it } from 'vitest';
import type { DraftStage, SenderOption } from '$lib/api/candidate-profile';
import { previewStage } from './draft-preview';
import { plainDoc } from '$shared/email/test-factories.ts';

const stage = (over: Partial<DraftStage> = {}): DraftStage => ({
  position: 0,
  type: 'email',
  subject: 'Your portfolio, {{candidate.first_name}}',
  body: plainDoc('Hi {{candidate.first_name}},\n\nYour work at {{candidate.company}}.\n\n{{sender.signature}}'),
  delayDays: 0,
  delayHours: 0,
  senderUserId: 'u1',
  status: 'scheduled',
  ...over,
});
const sender: SenderOption = { userId: 'u1', name: 'Adam', email: 'a@x.test', title: 'Lead', signature: 'Adam\nAcme' };
const context = { candidate: { firstName: 'Valentina', lastName: 'Nguyen', company: '<b>Personio</b>' } };

describe("a draft stage previewed with the candidate's values", () => {
  it('renders the tokens with her values and the sender, as text', () => {
    const p = previewStage(stage(), context, sender);
    expect(p.subject).toBe('Your portfolio, Valentina');
    expect(p.text).toBe('Hi Valentina,\n\nYour work at <b>Personio</b>.\n\nAdam\nAcme');
    expect(p.problems).toEqual([]);
  });

  it('names the missing values and unknown tokens', () => {
    const p = previewStage(stage({ subject: '{{candidate.title}} {{candidate.nope}}' }), context, null);
    expect(p.problems).toEqual([
      expect.stringContaining('Unknown token {{candidate.nope}} in the subject'),
      expect.stringContaining('No value for Candidate title ({{candidate.title}}), used in the subject'),
      expect.stringContaining('No value for Sender signature ({{sender.signature}}), used in the body'),
    ]);
  });

  it('renders a body edited in the rich editor: token chips with her values, formatting kept', () => {
    const body = {
      type: 'doc',
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Hi ' },
            { type: 'token', attrs: { key: 'candidate.first_name' } },
            { type: 'text', text: ', ' },
            { type: 'text', text: 'book a call', marks: [{ type: 'link', attrs: { href: 'https://cal.test/adam' } }] },
          ],
        },
      ],
    };
    const p = previewStage(stage({ body }), context, sender);
    expect(p.text).toContain('Hi Valentina, book a call');
    expect(p.problems).toEqual([]);
  });

  it('has no subject for a LinkedIn connection request', () => {
    expect(previewStage(stage({ type: 'linkedin_connection' }), context, sender).subject).toBe('');
  });
});
