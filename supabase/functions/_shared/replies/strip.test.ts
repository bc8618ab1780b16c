import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText, stripReply } from './strip.ts';

const QUOTE = ['> Hi Dana,', '>', '> Would you be open to a chat about the role?', '> Sam'].join('\n');

describe('stripReply — quoted history', () => {
  it('cuts a Gmail attribution wrapped over two lines and the quote under it', () => {
    const text = [
      'Sounds good, Monday works.',
      '',
      'On Tue, Dec 8, 2026 at 10:02 AM Sam Lee <',
      'sam@northwind.example> wrote:',
      QUOTE,
    ].join('\n');
    const out = stripReply(text);
    expect(out.visible).toBe('Sounds good, Monday works.');
    expect(out.quoted).toContain('Would you be open to a chat');
    expect(out.quoted).toContain('wrote:');
  });

  it.each([
    ['German Gmail', 'Am Di., 8. Dez. 2026 um 10:02 Uhr schrieb Sam Lee <sam@northwind.example>:'],
    ['French Gmail', 'Le mar. 8 déc. 2026 à 10:02, Sam Lee <sam@northwind.example> a écrit :'],
    ['Spanish Gmail', 'El mar, 8 dic 2026 a las 10:02, Sam Lee (<sam@northwind.example>) escribió:'],
    ['Apple Mail', 'On 8 Dec 2026, at 10:02, Sam Lee <sam@northwind.example> wrote:'],
    ['Thunderbird', 'On 12/8/2026 10:02 AM, Sam Lee wrote:'],
    ['Thunderbird German', 'Sam Lee <sam@northwind.example> schrieb am 08.12.2026 um 10:02:'],
    ['bare name', 'Sam Lee wrote:'],
  ])('cuts a %s attribution line', (_client, attribution) => {
    const out = stripReply(`Yes, let's talk.\n\n${attribution}\n${QUOTE}`);
    expect(out.visible).toBe("Yes, let's talk.");
    expect(out.quoted.startsWith(attribution)).toBe(true);
  });

  it('cuts an Outlook header block whose quoted lines carry no ">"', () => {
    const text = [
      "I'd like to learn more.",
      '',
      'From: Sam Lee <sam@northwind.example>',
      'Sent: Tuesday, December 8, 2026 10:02 AM',
      'To: Dana Wu <dana@example.com>',
      'Subject: Senior Backend Engineer at Northwind',
      '',
      "Hi Dana, not interested? Reply 'remove me'.",
    ].join('\n');
    const out = stripReply(text);
    expect(out.visible).toBe("I'd like to learn more.");
    expect(out.quoted).toContain("Reply 'remove me'");
  });

  it('cuts Outlook on the web from its underscore rule, and bold header names', () => {
    const text = [
      'Not interested.',
      '',
      '________________________________',
      '*From:* Sam Lee <sam@northwind.example>',
      '*Sent:* Tuesday, December 8, 2026 10:02',
      '*To:* Ola Nordmann',
      '*Subject:* Senior Backend Engineer',
      '',
      'Hi Ola',
    ].join('\n');
    const out = stripReply(text);
    expect(out.visible).toBe('Not interested.');
    expect(out.quoted.startsWith('____')).toBe(true);
  });

  it('cuts a German Outlook block (Von / Gesendet / An / Betreff)', () => {
    const text =
      'Gerne!\n\nVon: Sam Lee\nGesendet: Dienstag, 8. Dezember 2026 10:02\nAn: Jonas\nBetreff: Rolle\n\nHallo Jonas';
    expect(stripReply(text).visible).toBe('Gerne!');
  });

  it.each([
    '-----Original Message-----',
    '----- Original Message -----',
    '-------- Ursprüngliche Nachricht --------',
    "-------- Message d'origine --------",
    '---------- Forwarded message ---------',
    'Begin forwarded message:',
  ])('cuts everything under "%s"', (separator) => {
    const out = stripReply(`No thanks.\n\n${separator}\nFrom: Sam\nHi, interested in a chat?`);
    expect(out.visible).toBe('No thanks.');
    expect(out.quoted).toContain('interested in a chat');
  });

  it('keeps a reply written under the quote (bottom posting)', () => {
    const text = `On Tue, Dec 8, 2026 at 10:02 AM Sam Lee <sam@northwind.example> wrote:\n${QUOTE}\n\nHappy to chat next week.`;
    const out = stripReply(text);
    expect(out.visible).toBe('Happy to chat next week.');
    expect(out.quoted).toContain('Would you be open');
  });

  it('keeps answers written between quoted lines', () => {
    const text = ['> Is the role remote?', 'Yes, fully.', '> What is the salary?', 'About 120k.'].join('\n');
    const out = stripReply(text);
    expect(out.visible).toBe('Yes, fully.\nAbout 120k.');
    expect(out.quoted).toBe('> Is the role remote?\n> What is the salary?');
  });

  it('does not cut a sentence that merely mentions "From:" or someone who "wrote:"', () => {
    const text = 'From: my side, all good.\nHere is what my manager wrote:\nWe should hire more engineers.';
    expect(stripReply(text).visible).toBe(text);
  });
});

describe('stripReply — signatures', () => {
  it('cuts at the "-- " delimiter', () => {
    const out = stripReply('Send me the spec please.\n-- \nLukas Brandt\nBackend Developer');
    expect(out).toEqual({
      visible: 'Send me the spec please.',
      quoted: '',
      signature: '--\nLukas Brandt\nBackend Developer',
    });
  });

  it.each([
    'Sent from my iPhone',
    'Get Outlook for iOS',
    'Von meinem iPhone gesendet',
    'Envoyé de mon iPhone',
    'Enviado desde mi iPhone',
  ])('cuts the mobile footer "%s"', (footer) => {
    const out = stripReply(`Yes please.\n\n${footer}`);
    expect(out.visible).toBe('Yes please.');
    expect(out.signature).toBe(footer);
  });

  it('cuts a sign-off followed by a name block', () => {
    const text =
      'Thanks for reaching out, I am interested.\n\nBest regards,\nPriya Raman\nSenior Engineer | Contoso\n+1 555 0100';
    const out = stripReply(text);
    expect(out.visible).toBe('Thanks for reaching out, I am interested.');
    expect(out.signature).toBe('Best regards,\nPriya Raman\nSenior Engineer | Contoso\n+1 555 0100');
  });

  it('keeps a "sign-off" word that starts a sentence of the message', () => {
    const text =
      'Hi Sam\nThanks,\nbut I am not looking right now and I would rather you did not write again this year?';
    expect(stripReply(text).visible).toBe(text);
  });

  it('keeps a message that is only a thank-you and a name', () => {
    expect(stripReply('Thanks,\nAnna')).toEqual({ visible: 'Thanks,\nAnna', quoted: '', signature: '' });
  });
});

describe('stripReply — never empties a message', () => {
  it('returns the whole text when all of it looks quoted', () => {
    const text = '> Hi Dana,\n> are you interested?';
    expect(stripReply(text).visible).toBe(text);
  });

  it('returns empty only for blank input', () => {
    expect(stripReply('  \n\n ')).toEqual({ visible: '', quoted: '', signature: '' });
    expect(stripReply({ text: null, html: null }).visible).toBe('');
  });

  it('leaves non-blank text for any non-blank input', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(
              '> quoted',
              '-- ',
              'Best,',
              'Sent from my iPhone',
              'From: x',
              'Sent: y',
              'To: z',
              'On Mon wrote:',
              '',
            ),
          ),
          { maxLength: 12 },
        ),
        (lines) => {
          const text = lines.join('\n');
          fc.pre(text.trim() !== '');
          expect(stripReply(text).visible.trim()).not.toBe('');
        },
      ),
    );
  });
});

describe('HTML bodies', () => {
  it('reads a Gmail HTML reply: blockquote becomes quoted, the attribution is cut', () => {
    const html = `<html><head><style>p{color:red}</style></head><body>
      <div dir="ltr">Sounds great &mdash; let&#39;s talk Thursday.<br><br>Dana</div>
      <div class="gmail_quote"><div class="gmail_attr">On Tue, Dec 8, 2026 at 10:02 AM Sam Lee &lt;sam@northwind.example&gt; wrote:<br></div>
      <blockquote class="gmail_quote"><div>Hi Dana,</div><div>not interested? Just say so.</div></blockquote></div>
    </body></html>`;
    const out = stripReply({ html });
    expect(out.visible).toBe("Sounds great — let's talk Thursday.\n\nDana");
    expect(out.quoted).toContain('> not interested? Just say so.');
    expect(out.visible).not.toContain('color');
  });

  it('prefers the text part when both are present', () => {
    expect(stripReply({ text: 'plain', html: '<p>html</p>' }).visible).toBe('plain');
  });

  it('converts paragraphs, line breaks, nested quotes and entities', () => {
    expect(
      htmlToText(
        '<p>One &amp; two</p><p>Three<br/>four&nbsp;five &#x1F44D;</p><blockquote>a<blockquote>b</blockquote></blockquote>',
      ),
    ).toBe('One & two\n\nThree\nfour five 👍\n\n> a\n> > b');
  });
});
