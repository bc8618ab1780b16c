import { describe, expect, it } from 'vitest';
import { createClassifier, createRuleClassifier } from './classify.ts';
import { classifyWithRules } from './rules.ts';
import type { ClassifyInput, ReplyLabel } from './types.ts';

const RECEIVED = '2026-12-10T09:00:00Z';
const input = (text: string, overrides: Partial<ClassifyInput> = {}): ClassifyInput => ({
  subject: 'Re: Senior Backend Engineer at Northwind',
  text,
  receivedAt: RECEIVED,
  ...overrides,
});
const labelOf = (text: string, overrides: Partial<ClassifyInput> = {}): ReplyLabel =>
  classifyWithRules(input(text, overrides)).label;

describe('rule-based classifier — negation', () => {
  it.each<[string, ReplyLabel]>([
    ['Interested.', 'interested'],
    ['Not interested.', 'not_interested'],
    ["I'm not interested right now.", 'not_interested'],
    ['No, I am not interested, thanks.', 'not_interested'],
    ["I'm no longer looking.", 'not_interested'],
    ["I'm not actively looking, but I wouldn't say no to a conversation.", 'interested'],
    ["I'm happy where I am.", 'not_interested'],
    ["Honestly I'm not happy in my current role. Let's talk.", 'interested'],
    ["I'm not happy in my current role.", 'interested'],
    ["I don't want to hear more about it.", 'not_interested'],
    ["Interesting role, but I'm not looking to move.", 'not_interested'],
    ["Don't get me wrong, sounds interesting, but I'm staying put.", 'not_interested'],
    ['Never been more interested! Call me.', 'interested'],
    ['No problem, happy to chat.', 'interested'],
    ['Je ne suis pas intéressé.', 'not_interested'],
    ['Le poste m’intéresse beaucoup.', 'interested'],
    ['No estoy interesado.', 'not_interested'],
    ['Ich bin nicht interessiert.', 'not_interested'],
  ])('%s → %s', (text, expected) => {
    expect(labelOf(text)).toBe(expected);
  });
});

describe('rule-based classifier — the documented mapping', () => {
  it.each<[string, ReplyLabel]>([
    ["Let's talk!", 'interested'],
    ['Happy to chat next week.', 'interested'],
    ['Send me more details please.', 'interested'],
    ["What's the salary?", 'interested'],
    ['Is it remote?', 'interested'],
    ["I'm happy where I am, thanks.", 'not_interested'],
    ['Maybe in a few months.', 'not_interested'],
    ['Please remove me from your list.', 'not_interested'],
    ['Not me, but try my colleague Ana — she might be interested.', 'not_interested'],
    ['Yes', 'interested'],
    ['Nope', 'not_interested'],
    ['unsubscribe', 'not_interested'],
    ['Thanks', 'other'],
    ['Who is this? How did you get my email?', 'other'],
    ['You have the wrong person.', 'other'],
    ["Got it, I'll take a look.", 'other'],
  ])('%s → %s', (text, expected) => {
    expect(labelOf(text)).toBe(expected);
  });

  it('reads only what the candidate wrote, not our quoted outreach', () => {
    const text =
      "No thanks.\n\nOn Tue, Dec 8, 2026 at 10:02 AM Sam <sam@northwind.example> wrote:\n> Interested? Let's talk!";
    expect(labelOf(text)).toBe('not_interested');
  });

  it('reads the HTML body when there is no text part', () => {
    expect(classifyWithRules(input('', { html: '<p>Sounds great, let&#39;s talk!</p>' })).label).toBe('interested');
  });

  it('says why it decided, and that the rules decided', () => {
    const result = classifyWithRules(input('Please unsubscribe me.'));
    expect(result.reason).toContain('asks to stop emails');
    expect(result.provider).toBe('rules');
    expect(result.confidence).toBeGreaterThan(0.8);
  });

  it('is unsure, and says so, when there is no signal', () => {
    expect(classifyWithRules(input('Is this a real person?'))).toMatchObject({
      label: 'other',
      confidence: 0.5,
      reason: 'no clear signal',
    });
  });
});

describe('rule-based classifier — out of office', () => {
  it('labels an auto-reply out_of_office with its return date', async () => {
    const result = await createRuleClassifier().classify(
      input('I am out of the office until January 5th.', { subject: 'Automatic reply: Senior Backend Engineer' }),
    );
    expect(result).toMatchObject({ label: 'out_of_office', returnDate: '2027-01-05', provider: 'rules' });
  });

  it('lets a clear answer win over holiday wording a person wrote', () => {
    expect(labelOf("Would love to chat. I'm on holiday until the 4th but free after that.")).toBe('interested');
  });

  it('keeps auto-reply headers decisive even when the body sounds interested', () => {
    expect(labelOf("Interested? I'll reply when I'm back.", { headers: { 'Auto-Submitted': 'auto-replied' } })).toBe(
      'out_of_office',
    );
  });

  it('does not pause for a "left the company" auto-reply', () => {
    const text = 'Thank you for your email. I have left Contoso and this mailbox is no longer monitored.';
    expect(labelOf(text, { headers: { 'Auto-Submitted': 'auto-replied' } })).toBe('other');
  });
});

describe('createClassifier', () => {
  it('uses the rules when no LLM is configured', () => {
    const classifier = createClassifier({});
    expect(classifier).toMatchObject({ name: 'Rule-based classifier', kind: 'rules' });
  });

  it('uses the rules when the LLM configuration is incomplete', () => {
    const classifier = createClassifier({
      REPLY_CLASSIFIER_BASE_URL: 'https://llm.example/v1',
      REPLY_CLASSIFIER_API_KEY: 'key',
      REPLY_CLASSIFIER_MODEL: '  ',
    });
    expect(classifier.kind).toBe('rules');
  });

  it('uses the LLM when base URL, key and model are set', () => {
    const classifier = createClassifier({
      REPLY_CLASSIFIER_BASE_URL: 'https://llm.example/v1',
      REPLY_CLASSIFIER_API_KEY: 'key',
      REPLY_CLASSIFIER_MODEL: 'small-model',
    });
    expect(classifier).toMatchObject({ kind: 'llm', name: 'LLM classifier (small-model)' });
  });
});
