import { describe, expect, it } from 'vitest';
import { DEFAULT_OOO_RESUME_DAYS, detectOutOfOffice, parseReturnDate, resumeDate } from './ooo.ts';

// A Thursday: "next Monday" is 14 December, "Friday" the 11th.
const RECEIVED = '2026-12-10T09:00:00Z';
const reply = (overrides: Partial<Parameters<typeof detectOutOfOffice>[0]> = {}) =>
  detectOutOfOffice({ subject: 'Re: Senior Backend Engineer', text: 'Thanks!', receivedAt: RECEIVED, ...overrides });

describe('detectOutOfOffice — recognising auto-replies', () => {
  it.each([
    [{ 'Auto-Submitted': 'auto-replied' }],
    [{ 'auto-submitted': 'auto-replied (vacation)' }],
    [{ 'X-Autoreply': 'yes' }],
    [{ 'X-Autorespond': 'Vacation' }],
    [{ PRECEDENCE: 'auto_reply' }],
  ])('takes the headers %o as an auto-reply', (headers) => {
    expect(reply({ headers })).toEqual({ isOutOfOffice: true, returnDate: null, evidence: 'header' });
  });

  it('reads headers from a Fetch Headers object', () => {
    const headers = new Headers({ 'Auto-Submitted': 'auto-replied' });
    expect(reply({ headers }).evidence).toBe('header');
  });

  it.each([
    [{ 'Auto-Submitted': 'no' }],
    [{ 'Auto-Submitted': 'auto-generated' }],
    [{ 'X-Autoreply': 'no' }],
    [{ Precedence: 'bulk' }],
  ])('does not take %o alone as an out-of-office reply', (headers) => {
    expect(reply({ headers }).isOutOfOffice).toBe(false);
  });

  it.each([
    'Automatic reply: Senior Backend Engineer',
    'Out of Office: Senior Backend Engineer',
    'Autoreply: Senior Backend Engineer',
    'Abwesenheitsnotiz: Senior Backend Engineer',
    'Automatische Antwort: Senior Backend Engineer',
    'Réponse automatique : Senior Backend Engineer',
    'Respuesta automática: Senior Backend Engineer',
    '[OOO] Senior Backend Engineer',
  ])('takes the subject "%s" as an auto-reply', (subject) => {
    expect(reply({ subject }).evidence).toBe('subject');
  });

  it.each([
    'Thank you for your message. I am currently out of the office with limited access to email.',
    'Ich bin derzeit nicht im Büro. In dringenden Fällen wenden Sie sich an office@example.de.',
    'Je suis en congé. Pour toute urgence, contactez accueil@example.fr.',
    'Estoy fuera de la oficina. Para asuntos urgentes, escriba a soporte@example.es.',
  ])('recognises out-of-office wording in the body: %s', (text) => {
    expect(reply({ text }).evidence).toBe('body');
  });

  it('ignores out-of-office words that are only in the quoted history', () => {
    const text =
      'Happy to chat.\n\nOn Tue, Dec 8, 2026 at 10:02 AM Sam wrote:\n> I will be out of the office until Monday.';
    expect(reply({ text }).isOutOfOffice).toBe(false);
  });

  it('does not flag an ordinary reply', () => {
    expect(reply({ text: "Sounds interesting, what's the salary range?" })).toEqual({
      isOutOfOffice: false,
      returnDate: null,
      evidence: null,
    });
  });

  it('refuses an unreadable received date with a RangeError', () => {
    expect(() => reply({ receivedAt: 'yesterday' })).toThrow(RangeError);
  });
});

describe('parseReturnDate — formats', () => {
  it.each([
    ['I will be back on Monday 14 December.', '2026-12-14'],
    ['Back on Monday, December 14th.', '2026-12-14'],
    ['I will return on 12/14.', '2026-12-14'],
    ['Ich bin bis 14.12.2026 nicht im Büro.', '2026-12-14'],
    ['I am away until 14/12/2026.', '2026-12-14'],
    ['I am away until January 5th.', '2027-01-05'],
    ['Returning 2027-01-05.', '2027-01-05'],
    ['Ich bin bis zum 5. Januar im Urlaub.', '2027-01-05'],
    ["Je suis absente jusqu'au 5 janvier.", '2027-01-05'],
    ['Je serai de retour le lundi 4 janvier 2027.', '2027-01-04'],
    ['Estoy de vacaciones hasta el 5 de enero.', '2027-01-05'],
    ['Estaré fuera del 20 de diciembre al 5 de enero de 2027.', '2027-01-05'],
    ['Back on the 15th.', '2026-12-15'],
  ])('%s → %s', (text, expected) => {
    expect(parseReturnDate(text, RECEIVED)).toBe(expected);
  });

  it('reads slashes month-first for US senders and day-first for European ones', () => {
    const text = 'I am away until 05/01/2027.';
    expect(parseReturnDate(text, RECEIVED, { locale: 'en-US' })).toBe('2027-05-01');
    expect(parseReturnDate(text, RECEIVED)).toBe('2027-05-01');
    expect(parseReturnDate(text, RECEIVED, { locale: 'en-GB' })).toBe('2027-01-05');
    expect(parseReturnDate(text, RECEIVED, { locale: 'de-DE' })).toBe('2027-01-05');
    expect(parseReturnDate('Ich bin bis 05/01/2027 weg.', RECEIVED)).toBe('2027-01-05');
  });

  it('reads a slash date day-first whenever the first number cannot be a month', () => {
    expect(parseReturnDate('Away until 14/12.', RECEIVED, { locale: 'en-US' })).toBe('2026-12-14');
  });
});

describe('parseReturnDate — relative and inclusive dates', () => {
  it.each([
    ['I am away until next Monday.', '2026-12-14'],
    ['Out until Monday.', '2026-12-14'],
    ['Ich bin bis nächsten Montag weg.', '2026-12-14'],
    ['Back tomorrow.', '2026-12-11'],
    ['Back next week.', '2026-12-14'],
    ['Back in two weeks.', '2026-12-24'],
    ['Out of office through Friday.', '2026-12-12'],
    ["Je suis absente jusqu'au 5 janvier inclus.", '2027-01-06'],
    ['Ich bin bis einschließlich 3. Januar im Urlaub.', '2027-01-04'],
  ])('%s → %s', (text, expected) => {
    expect(parseReturnDate(text, RECEIVED)).toBe(expected);
  });

  it('names the same weekday a week later when the reply arrives on that day', () => {
    expect(parseReturnDate('Back Thursday.', RECEIVED)).toBe('2026-12-17');
  });

  it('prefers the day back over the last day away', () => {
    expect(parseReturnDate('Out from 20 December to 4 January, back on the 5th.', RECEIVED)).toBe('2027-01-05');
    expect(
      parseReturnDate(
        'Vom 20.12. bis 4.1. bin ich nicht erreichbar. Ab dem 5. Januar bin ich wieder im Büro.',
        RECEIVED,
      ),
    ).toBe('2027-01-05');
  });

  it('does not take the start of an absence for the return ("ab dem 11.12. im Urlaub")', () => {
    expect(parseReturnDate('Ich bin ab dem 11.12. im Urlaub und ab dem 4.1.2027 wieder erreichbar.', RECEIVED)).toBe(
      '2027-01-04',
    );
  });
});

describe('parseReturnDate — past, impossible and missing dates', () => {
  it('moves a date without a year whose month has passed to next year', () => {
    expect(parseReturnDate('I am out until January 4.', '2026-12-28T10:00:00Z')).toBe('2027-01-04');
  });

  it('returns null for an earlier day of the current month (a responder left on)', () => {
    expect(parseReturnDate("I'm out of the office until December 5.", RECEIVED)).toBeNull();
  });

  it('returns null for a date with a past year', () => {
    expect(parseReturnDate('Back on 5 January 2026.', RECEIVED)).toBeNull();
  });

  it('accepts the day the reply arrived', () => {
    expect(parseReturnDate('Back on 10 December.', RECEIVED)).toBe('2026-12-10');
  });

  it('returns null for impossible dates and dates more than a year ahead', () => {
    expect(parseReturnDate('Back on 30 February.', RECEIVED)).toBeNull();
    expect(parseReturnDate('Back on 5 January 2029.', RECEIVED)).toBeNull();
  });

  it('returns null when no date is stated', () => {
    expect(parseReturnDate('I am on parental leave and will not be checking email.', RECEIVED)).toBeNull();
    expect(parseReturnDate('Je reviendrai vers vous à mon retour.', RECEIVED)).toBeNull();
  });
});

describe('resumeDate', () => {
  it('resumes on the stated return date', () => {
    expect(resumeDate('2027-01-05', RECEIVED)).toBe('2027-01-05');
  });

  it(`resumes ${DEFAULT_OOO_RESUME_DAYS} days after the reply when no date was stated`, () => {
    expect(DEFAULT_OOO_RESUME_DAYS).toBe(7);
    expect(resumeDate(null, RECEIVED)).toBe('2026-12-17');
    expect(resumeDate('not a date', RECEIVED)).toBe('2026-12-17');
    expect(resumeDate(undefined, RECEIVED, 3)).toBe('2026-12-13');
  });
});

describe('detectOutOfOffice — end to end', () => {
  it('returns the return date of a German auto-reply', () => {
    expect(
      reply({
        subject: 'Abwesenheitsnotiz: Senior Backend Engineer',
        text: 'Vielen Dank für Ihre Nachricht. Ich bin bis zum 5. Januar nicht im Büro.',
      }),
    ).toEqual({ isOutOfOffice: true, returnDate: '2027-01-05', evidence: 'subject' });
  });

  it('does not read dates from our quoted outreach under an auto-reply', () => {
    const text =
      'I am on vacation.\n\n-----Original Message-----\nFrom: Sam\nAre you back on 12/15? Interviews run until 12/18.';
    expect(reply({ subject: 'Automatic reply: Role', text }).returnDate).toBeNull();
  });
});
