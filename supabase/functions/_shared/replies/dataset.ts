/**
 * A labelled set of replies to recruiting outreach, written for this project
 * (no real people or addresses), used by the accuracy regression test and by
 * bench/classifier.ts. The outreach they answer: Sam Lee of Northwind asking
 * about a Senior Backend Engineer role. Labels follow the mapping documented
 * in rule-patterns.ts.
 *
 * Caveat for anyone reading the numbers: the same author wrote these replies
 * and the rules, so the rule-based accuracy on this set is optimistic; it
 * guards regressions, it does not measure real-world accuracy.
 */
import type { ReplyLabel } from './types.ts';

export interface LabelledReply {
  id: string;
  subject: string;
  text: string;
  label: ReplyLabel;
  /** Expected `returnDate` for out-of-office replies (null: none stated). */
  returnDate?: string | null;
  /** Default `DATASET_RECEIVED_AT`. */
  receivedAt?: string;
  headers?: Record<string, string>;
  locale?: string;
  /**
   * Written after the rules were tuned on the rest and never used to tune
   * them: the held-out part, a fairer (still same-author) estimate.
   */
  holdout?: boolean;
}

/** A Thursday, so "next Monday" and "Friday" resolve to distinct days. */
export const DATASET_RECEIVED_AT = '2026-12-10T09:00:00Z';

const RE = 'Re: Senior Backend Engineer at Northwind';

const interested: Omit<LabelledReply, 'label'>[] = [
  {
    id: 'int-01',
    subject: RE,
    text: "Hi Sam, thanks for reaching out! I'd be happy to chat. Does Thursday afternoon work?",
  },
  { id: 'int-02', subject: RE, text: 'Yes' },
  { id: 'int-03', subject: RE, text: 'Sure, send me the JD.' },
  { id: 'int-04', subject: RE, text: "Sounds interesting. What's the salary range?" },
  { id: 'int-05', subject: RE, text: "Is this role fully remote? I'm based in Lisbon." },
  {
    id: 'int-06',
    subject: RE,
    text: "Hey — timing is actually good, I've been thinking about a move. Let's set up a call next week.",
  },
  { id: 'int-07', subject: RE, text: "I'm not actively looking, but I wouldn't say no to a conversation." },
  { id: 'int-08', subject: RE, text: 'Not sure yet, but tell me more about the team and the stack.' },
  { id: 'int-09', subject: RE, text: 'Interested. My number is +44 7700 900123, best after 6pm.' },
  {
    id: 'int-10',
    subject: RE,
    text: `Hi Sam,

Thank you for your message. I'm definitely interested in learning more about the position. Could you share the job description and the compensation band?

Best regards,
Priya Raman
Senior Engineer | Contoso
+1 555 0100`,
  },
  { id: 'int-11', subject: RE, text: 'Why not — happy to hop on a quick call.' },
  { id: 'int-12', subject: RE, text: 'Can you share more details about the company? The description is a bit vague.' },
  { id: 'int-13', subject: RE, text: "ok let's talk" },
  { id: 'int-14', subject: RE, text: "Please find my CV attached. I'm available for a call any day next week." },
  { id: 'int-15', subject: RE, text: "I'm open to hearing more if the role is hybrid in Berlin." },
  {
    id: 'int-16',
    subject: 'AW: Senior Backend Engineer at Northwind',
    text: `Hallo Sam,

danke für die Nachricht. Klingt spannend – gerne können wir nächste Woche telefonieren.

Viele Grüße
Jonas`,
  },
  {
    id: 'int-17',
    subject: 'RE: Senior Backend Engineer at Northwind',
    text: `Bonjour,

Merci pour votre message. Le poste m'intéresse, pouvez-vous m'envoyer plus de détails ?

Cordialement,
Claire Martin`,
  },
  { id: 'int-18', subject: RE, text: 'Hola Sam, me interesa. ¿Cuál es el rango salarial? Saludos' },
  {
    id: 'int-19',
    subject: RE,
    text: "Thanks Sam. I'm happy at Contoso but this sounds like a great opportunity. When are you free?",
  },
  {
    id: 'int-20',
    subject: RE,
    text: "Absolutely, I've been following Northwind for a while. Here's my calendly: calendly.com/alex-k",
  },
  { id: 'int-21', subject: RE, text: "What's the interview process like? And is there equity?" },
  { id: 'int-22', subject: RE, text: 'yeah sure, happy to have a chat' },
  { id: 'int-23', subject: RE, text: "I could be interested, depending on the comp. What's the budget?" },
  {
    id: 'int-24',
    subject: RE,
    text: `Sounds good, let's talk Monday.

On Tue, Dec 8, 2026 at 10:02 AM Sam Lee <sam@northwind.example> wrote:
> Hi Dana,
>
> Would you be open to a quick chat about a Senior Backend Engineer role?
> Not interested? Just reply and I'll stop reaching out.
>
> Sam`,
  },
  {
    id: 'int-25',
    subject: RE,
    text: `I'd like to learn more.

From: Sam Lee <sam@northwind.example>
Sent: Tuesday, December 8, 2026 10:02 AM
To: Dana Wu <dana@example.com>
Subject: Senior Backend Engineer at Northwind

Hi Dana, not the right time? Just reply "remove me" and I won't reach out again.`,
  },
  { id: 'int-26', subject: RE, text: "Timing's not perfect but I'm curious. What's the team size?" },
  { id: 'int-27', subject: RE, text: 'I am interested!! When can we talk?' },
  { id: 'int-28', subject: RE, text: "Definitely keen. I'm free Tuesday or Wednesday after 2pm CET." },
  { id: 'int-29', subject: RE, text: "Could be a fit. Is relocation support offered? I'd be moving from Madrid." },
  { id: 'int-30', subject: RE, text: 'Let me know what the next steps are.' },
  { id: 'int-31', subject: RE, text: "Hi, yes I'm still looking. Can we speak tomorrow?" },
  { id: 'int-32', subject: RE, text: "Thanks for thinking of me. I'd love to hear more about the platform team." },
  {
    id: 'int-33',
    subject: RE,
    text: "I'm not unhappy where I am, but I'd consider the right offer. What's the range?",
  },
  { id: 'int-34', subject: RE, text: "Happy to talk. FYI I'm only interested in remote roles." },
  { id: 'int-35', subject: RE, text: "Sure thing — what's the tech stack?" },
  {
    id: 'int-36',
    subject: 'AW: Senior Backend Engineer at Northwind',
    text: 'Hallo, grundsätzlich bin ich offen für einen Wechsel. Wie sieht das Gehaltsband aus?',
  },
  { id: 'int-37', subject: RE, text: 'Oui, avec plaisir. Je suis disponible jeudi.' },
  { id: 'int-38', subject: RE, text: 'Claro, hablemos la semana que viene.' },
  {
    id: 'int-39',
    subject: RE,
    text: "Hi Sam - not looking to leave right now unless it's something special. Is this a staff-level role? What's the comp?",
  },
  { id: 'int-40', subject: RE, text: '👍 sounds good' },
  { id: 'int-41', subject: RE, text: "I'm in. Send over the details." },
  {
    id: 'int-42',
    subject: RE,
    text: "Would love to chat. I'm on holiday until the 4th but free after that.",
  },
  { id: 'int-43', subject: RE, text: 'Not uninterested, tell me more.' },
  { id: 'int-44', subject: RE, text: "I wouldn't mind hearing more." },
  {
    id: 'int-45',
    subject: RE,
    text: "I'm not sure I'm the right person, but I'm interested in hearing more.",
  },
  { id: 'int-46', subject: RE, text: "I'm interested, not in a hurry though." },
  { id: 'int-47', subject: RE, text: 'Never been more interested! Call me.' },
  { id: 'int-48', subject: RE, text: 'No problem, happy to chat. Monday 10am?' },
  {
    id: 'int-49',
    subject: RE,
    text: `Yes please, I'd like to hear more.

Sent from my iPhone

> On 8 Dec 2026, at 10:02, Sam Lee <sam@northwind.example> wrote:
>
> Hi Maya, not interested? No problem, just let me know.`,
  },
  {
    id: 'int-50',
    subject: RE,
    text: `Interesting timing, I was about to start looking. Can you send me the job spec?
--
Lukas Brandt
Backend Developer`,
  },
];

const notInterested: Omit<LabelledReply, 'label'>[] = [
  { id: 'not-01', subject: RE, text: 'Not interested, thanks.' },
  { id: 'not-02', subject: RE, text: 'No thanks.' },
  { id: 'not-03', subject: RE, text: 'Please remove me from your mailing list.' },
  { id: 'not-04', subject: RE, text: 'unsubscribe' },
  { id: 'not-05', subject: RE, text: "Hi Sam, I appreciate you reaching out, but I'm happy where I am right now." },
  { id: 'not-06', subject: RE, text: "I'm no longer looking — I accepted an offer last month." },
  { id: 'not-07', subject: RE, text: 'Thanks, but I just started a new role in October.' },
  { id: 'not-08', subject: RE, text: 'Not for me, sorry.' },
  { id: 'not-09', subject: RE, text: 'Maybe in a few months. Please reach out again in spring.' },
  { id: 'not-10', subject: RE, text: 'Stop emailing me.' },
  { id: 'not-11', subject: RE, text: "I'm not interested in agency roles." },
  { id: 'not-12', subject: RE, text: "Appreciate it but I'll pass." },
  {
    id: 'not-13',
    subject: RE,
    text: 'Not me, but my colleague Maria Santos might be interested — maria.santos@example.com.',
  },
  {
    id: 'not-14',
    subject: RE,
    text: "Thank you for thinking of me. I'm very happy with my current role and not considering a change.",
  },
  {
    id: 'not-15',
    subject: 'AW: Senior Backend Engineer at Northwind',
    text: `Hallo Sam,

vielen Dank, aber ich bin derzeit nicht auf der Suche.

Viele Grüße`,
  },
  { id: 'not-16', subject: RE, text: 'Kein Interesse.' },
  { id: 'not-17', subject: RE, text: 'Bonjour, merci mais je ne suis pas intéressé. Bonne journée' },
  { id: 'not-18', subject: RE, text: 'Merci de ne plus me contacter.' },
  { id: 'not-19', subject: RE, text: 'Gracias, pero no estoy buscando cambiar de trabajo.' },
  { id: 'not-20', subject: RE, text: 'No me interesa, gracias.' },
  { id: 'not-21', subject: RE, text: 'No.' },
  { id: 'not-22', subject: RE, text: 'nope' },
  { id: 'not-23', subject: RE, text: 'Please take me off your list. This is the third email.' },
  { id: 'not-24', subject: RE, text: "I'm retired, please update your records." },
  {
    id: 'not-25',
    subject: RE,
    text: "I'm not interested right now but feel free to reach out in 6 months.",
  },
  {
    id: 'not-26',
    subject: RE,
    text: `Thanks Sam, but I'm going to pass on this one.

Best,
Tom

On Mon, Dec 7, 2026 at 9:00 AM Sam Lee <sam@northwind.example> wrote:
> Hi Tom, I'd love to set up a call to tell you more about the role.
> Are you free this week? Let's talk!`,
  },
  {
    id: 'not-27',
    subject: RE,
    text: "Honestly the salary you'd need to match is way above what Northwind pays. Not worth a call.",
  },
  { id: 'not-28', subject: RE, text: "I don't think this is the right fit for me." },
  { id: 'not-29', subject: RE, text: "Nah, I'm good." },
  {
    id: 'not-30',
    subject: RE,
    text: 'Thanks for reaching out. I recently joined Fabrikam and plan to stay for a while.',
  },
  { id: 'not-31', subject: RE, text: "Not looking. Please don't contact me again." },
  {
    id: 'not-32',
    subject: RE,
    text: "I'm flattered, but I'm committed to my current team for the foreseeable future.",
  },
  { id: 'not-33', subject: RE, text: 'Please stop. I never signed up for this.' },
  {
    id: 'not-34',
    subject: RE,
    text: "I'll have to decline — I'm not willing to relocate to London.",
  },
  { id: 'not-35', subject: RE, text: 'Not the right time for me, maybe next year.' },
  {
    id: 'not-36',
    subject: RE,
    text: "I appreciate it but I'm not open to new opportunities at the moment.",
  },
  { id: 'not-37', subject: RE, text: "Thanks, I'm not interested, but good luck with the search!" },
  { id: 'not-38', subject: RE, text: "Interesting role, but I'm not looking to move." },
  {
    id: 'not-39',
    subject: RE,
    text: "I'm not your guy for this one, but you should talk to Ben Okafor — he was looking for backend roles.",
  },
  { id: 'not-40', subject: RE, text: 'Hard pass.' },
  { id: 'not-41', subject: RE, text: "Thanks, but I've just accepted a position elsewhere." },
  { id: 'not-42', subject: RE, text: 'Please unsubscribe me from all future emails. Thanks.' },
  {
    id: 'not-43',
    subject: 'AW: Senior Backend Engineer at Northwind',
    text: 'Bitte nehmen Sie mich aus Ihrem Verteiler.',
  },
  { id: 'not-44', subject: RE, text: "I'm happy where I am, thanks. Maybe check back in a year." },
  { id: 'not-45', subject: RE, text: 'No thank you. Good luck.' },
  { id: 'not-46', subject: RE, text: 'Count me out.' },
  { id: 'not-47', subject: RE, text: 'Por favor, no me vuelva a escribir.' },
  { id: 'not-48', subject: RE, text: "Nothing against Northwind, but I'm not interested." },
  {
    id: 'not-49',
    subject: RE,
    text: "Don't get me wrong, sounds interesting, but I'm staying put.",
  },
  { id: 'not-50', subject: RE, text: 'I have no interest in leaving my current job.' },
  { id: 'not-51', subject: RE, text: "No, I'm not interested." },
  {
    id: 'not-52',
    subject: RE,
    text: `Hi Sam,

Thanks for the note. I've been at Contoso for six months and I'm not planning to move anytime soon.

Kind regards,
Helen`,
  },
  {
    id: 'not-53',
    subject: RE,
    text: `Not interested.

________________________________
From: Sam Lee <sam@northwind.example>
Sent: Tuesday, December 8, 2026 10:02
To: Ola Nordmann
Subject: Senior Backend Engineer at Northwind

Hi Ola, would you be open to a chat? I'd love to tell you more.`,
  },
  {
    id: 'not-54',
    subject: RE,
    text: 'Je ne suis pas à la recherche d’un nouveau poste pour le moment, merci.',
  },
  {
    id: 'not-55',
    subject: RE,
    text: "My brother would be a better fit — he's the Go developer in the family. I'm a designer.",
  },
];

const outOfOffice: Omit<LabelledReply, 'label'>[] = [
  {
    id: 'ooo-01',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    text: 'Thank you for your email. I am out of the office until Monday 14 December with limited access to email. For urgent matters please contact ops@example.com.',
    returnDate: '2026-12-14',
  },
  {
    id: 'ooo-02',
    subject: 'Out of Office: Senior Backend Engineer at Northwind',
    text: "I'm currently on annual leave and will return on 12/14. I will respond to your email upon my return.",
    returnDate: '2026-12-14',
  },
  {
    id: 'ooo-03',
    subject: 'Abwesenheitsnotiz: Senior Backend Engineer at Northwind',
    text: 'Vielen Dank für Ihre Nachricht. Ich bin bis zum 5. Januar nicht im Büro und habe keinen Zugriff auf meine E-Mails. In dringenden Fällen wenden Sie sich bitte an office@example.de.',
    returnDate: '2027-01-05',
  },
  {
    id: 'ooo-04',
    subject: 'Réponse automatique : Senior Backend Engineer at Northwind',
    text: "Bonjour, je suis absente jusqu'au 5 janvier inclus. Pour toute urgence, merci de contacter accueil@example.fr.",
    returnDate: '2027-01-06',
  },
  {
    id: 'ooo-05',
    subject: 'Respuesta automática: Senior Backend Engineer at Northwind',
    text: 'Estoy fuera de la oficina hasta el 5 de enero. Para asuntos urgentes, contacte con soporte@example.es.',
    returnDate: '2027-01-05',
  },
  {
    id: 'ooo-06',
    subject: RE,
    headers: { 'Auto-Submitted': 'auto-replied' },
    text: "Hi, I'm away until January 5th and will reply when I'm back.",
    returnDate: '2027-01-05',
  },
  {
    id: 'ooo-07',
    subject: RE,
    headers: { 'X-Autoreply': 'yes' },
    text: 'I am travelling with limited connectivity. Returning 2026-12-21.',
    returnDate: '2026-12-21',
  },
  {
    id: 'ooo-08',
    subject: 'Out of office',
    text: "I'm on parental leave and will not be checking email. Please contact my manager, Jane Doe, at jane@example.com.",
    returnDate: null,
  },
  {
    id: 'ooo-09',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    text: 'I am away until next Monday.',
    returnDate: '2026-12-14',
  },
  {
    id: 'ooo-10',
    subject: 'Out of office',
    locale: 'en-GB',
    text: 'I am out of the office until 04/01/2027.',
    returnDate: '2027-01-04',
  },
  {
    id: 'ooo-11',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    text: "I'm out of office through Friday, December 11, back Monday.",
    returnDate: '2026-12-14',
  },
  {
    id: 'ooo-12',
    subject: RE,
    text: 'Thank you for your message. I am currently out of the office and will be back on 4 January 2027. I will have limited access to email during this time.',
    returnDate: '2027-01-04',
  },
  {
    id: 'ooo-13',
    subject: 'AW: Senior Backend Engineer at Northwind',
    text: 'Ich bin vom 7.12. bis 18.12. im Urlaub. Ab dem 21.12. bin ich wieder erreichbar.',
    returnDate: '2026-12-21',
  },
  {
    id: 'ooo-14',
    subject: RE,
    headers: { Precedence: 'auto_reply' },
    text: 'Out of office - back soon.',
    returnDate: null,
  },
  {
    id: 'ooo-15',
    subject: 'Out of Office Re: Senior Backend Engineer at Northwind',
    text: "I'm out of the office until December 5.",
    returnDate: null,
  },
  {
    id: 'ooo-16',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    receivedAt: '2026-12-28T15:30:00Z',
    text: 'I am out of office until January 4.',
    returnDate: '2027-01-04',
  },
  {
    id: 'ooo-17',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    text: "I'm away from my desk until tomorrow.",
    returnDate: '2026-12-11',
  },
  {
    id: 'ooo-18',
    subject: 'Autoreply: Senior Backend Engineer at Northwind',
    text: 'Back in two weeks.',
    returnDate: '2026-12-24',
  },
  {
    id: 'ooo-19',
    subject: 'OOO until Jan 11',
    text: "Hi! I'm OOO with no laptop. Will get back to you on Jan 11.",
    returnDate: '2027-01-11',
  },
  {
    id: 'ooo-20',
    subject: 'Fuera de la oficina',
    text: 'Hola, estaré de vacaciones del 20 de diciembre al 8 de enero. Regresaré el 11 de enero.',
    returnDate: '2027-01-11',
  },
  {
    id: 'ooo-21',
    subject: 'Absence du bureau',
    text: 'Je serai de retour le lundi 4 janvier.',
    returnDate: '2027-01-04',
  },
  {
    id: 'ooo-22',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    text: "I'm out of the office on sick leave. I will reply as soon as possible.",
    returnDate: null,
  },
  {
    id: 'ooo-23',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    text: `I am on vacation until 12/21.

-----Original Message-----
From: Sam Lee <sam@northwind.example>
Sent: Tuesday, December 8, 2026 10:02 AM
To: Kim Park
Subject: Senior Backend Engineer at Northwind

Hi Kim, are you interested in a call on 12/15?`,
    returnDate: '2026-12-21',
  },
  {
    id: 'ooo-24',
    subject: RE,
    headers: { 'auto-submitted': 'auto-replied (vacation)' },
    text: 'Ich bin bis einschließlich 3. Januar im Urlaub.',
    returnDate: '2027-01-04',
  },
  {
    id: 'ooo-25',
    subject: RE,
    text: 'This is an automatic reply. I am on maternity leave until June 2027 and will not be reading email.',
    returnDate: null,
  },
];

const other: Omit<LabelledReply, 'label'>[] = [
  { id: 'oth-01', subject: RE, text: 'Who is this? How did you get my email?' },
  { id: 'oth-02', subject: RE, text: "Got it, thanks. I'll take a look and get back to you." },
  { id: 'oth-03', subject: RE, text: 'Thanks' },
  { id: 'oth-04', subject: RE, text: "I think you have the wrong person — I'm a nurse, not an engineer." },
  { id: 'oth-05', subject: RE, text: 'Dana no longer works at Contoso. Please update your records.' },
  {
    id: 'oth-06',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    headers: { 'Auto-Submitted': 'auto-replied' },
    text: 'Thank you for your email. I have left Contoso and this mailbox is no longer monitored.',
  },
  {
    id: 'oth-07',
    subject: 'Undeliverable: Senior Backend Engineer at Northwind',
    text: "Delivery has failed to these recipients or groups: dana@contoso.example. The recipient's mailbox is full and can't accept messages now.",
  },
  { id: 'oth-08', subject: RE, text: '?' },
  { id: 'oth-09', subject: RE, text: 'Let me think about it over the weekend.' },
  {
    id: 'oth-10',
    subject: RE,
    text: "Can you remind me which company this is for? I've had a lot of recruiter emails this week.",
  },
  { id: 'oth-11', subject: RE, text: 'Received.' },
  { id: 'oth-12', subject: 'AW: Senior Backend Engineer at Northwind', text: 'Danke für die Info, ich melde mich.' },
  { id: 'oth-13', subject: RE, text: 'Is this a real person or an automated email?' },
  { id: 'oth-14', subject: RE, text: "Hi Sam, I'm on a train, will reply properly later." },
  { id: 'oth-15', subject: RE, text: 'Sorry, what role is this about?' },
  {
    id: 'oth-16',
    subject: RE,
    text: "Thanks for the note — I'm traveling this week, let me check my schedule when I'm back.",
  },
  {
    id: 'oth-17',
    subject: RE,
    text: `Thanks Sam.

Best regards,
Ahmed Khan
Engineering Manager, Fabrikam
ahmed.khan@fabrikam.example`,
  },
  { id: 'oth-18', subject: RE, text: 'Merci, je reviens vers vous.' },
  {
    id: 'oth-19',
    subject: RE,
    text: 'Hi, I replied to your colleague last week already — did you get it?',
  },
  { id: 'oth-20', subject: RE, text: 'Gracias, te aviso.' },
];

// Held-out replies: written after tuning; misses here were left as they are.
const holdout: LabelledReply[] = [
  {
    id: 'hold-01',
    subject: RE,
    label: 'interested',
    text: 'This could be exactly what I was hoping for. Can you tell me who the hiring manager is?',
  },
  {
    id: 'hold-02',
    subject: RE,
    label: 'interested',
    text: "Keen to learn about it. I'll be honest, I'd need at least 150k base.",
  },
  { id: 'hold-03', subject: RE, label: 'interested', text: 'Sure, Friday at 11 works for me.' },
  {
    id: 'hold-04',
    subject: RE,
    label: 'interested',
    text: 'Ja, gerne. Schicken Sie mir bitte die Stellenbeschreibung.',
  },
  {
    id: 'hold-05',
    subject: RE,
    label: 'interested',
    text: "Hi! Funny timing, my team just got reorganised. I'm listening.",
  },
  {
    id: 'hold-06',
    subject: RE,
    label: 'interested',
    text: 'Do you have a job posting link I can look at before we talk?',
  },
  { id: 'hold-07', subject: RE, label: 'interested', text: 'Sí, me gustaría hablar. ¿Es remoto?' },
  {
    id: 'hold-08',
    subject: RE,
    label: 'interested',
    text: "Go on then, what's the catch? 😄 Happy to jump on a call.",
  },
  { id: 'hold-09', subject: RE, label: 'not_interested', text: "I'll stay where I am, thanks." },
  {
    id: 'hold-10',
    subject: RE,
    label: 'not_interested',
    text: "I'm very happy at my current company and have no plans to leave.",
  },
  { id: 'hold-11', subject: RE, label: 'not_interested', text: 'Please do not email me again.' },
  {
    id: 'hold-12',
    subject: RE,
    label: 'not_interested',
    text: 'Thanks but backend is not really my focus any more, I moved into management.',
  },
  { id: 'hold-13', subject: RE, label: 'not_interested', text: 'Non merci, je suis bien dans mon poste actuel.' },
  {
    id: 'hold-14',
    subject: RE,
    label: 'not_interested',
    text: 'Gracias por pensar en mí, pero estoy muy contento en mi empresa.',
  },
  {
    id: 'hold-15',
    subject: RE,
    label: 'not_interested',
    text: 'Danke, aber ich habe gerade erst eine neue Stelle angetreten.',
  },
  {
    id: 'hold-16',
    subject: RE,
    label: 'not_interested',
    text: 'I get a dozen of these a week. Not interested in Northwind.',
  },
  { id: 'hold-17', subject: RE, label: 'not_interested', text: 'Reach out next year maybe, I just got promoted.' },
  {
    id: 'hold-18',
    subject: RE,
    label: 'not_interested',
    text: "I'm not the one you want, but my former teammate Lea might be — lea@example.com",
  },
  {
    id: 'hold-19',
    subject: 'Automatic reply: Senior Backend Engineer at Northwind',
    label: 'out_of_office',
    text: 'Hello, I am attending a conference and will be back in the office on December 16th.',
    returnDate: '2026-12-16',
  },
  {
    id: 'hold-20',
    subject: RE,
    label: 'out_of_office',
    headers: { 'Auto-Submitted': 'auto-replied' },
    text: 'Je suis en congés du 14 au 31 décembre. Je reviendrai vers vous à mon retour le 4 janvier.',
    returnDate: '2027-01-04',
  },
  {
    id: 'hold-21',
    subject: 'Abwesend: Senior Backend Engineer at Northwind',
    label: 'out_of_office',
    text: 'Ich bin ab dem 11.12. im Urlaub und ab dem 4.1.2027 wieder erreichbar.',
    returnDate: '2027-01-04',
  },
  {
    id: 'hold-22',
    subject: RE,
    label: 'out_of_office',
    text: 'I am currently out of the office on business travel with limited access to email until Wednesday.',
    returnDate: '2026-12-16',
  },
  {
    id: 'hold-23',
    subject: 'Out of office',
    label: 'out_of_office',
    text: 'Away for the holidays. Replies may be delayed.',
    returnDate: null,
  },
  { id: 'hold-24', subject: RE, label: 'other', text: 'Sorry, I think this went to the wrong address.' },
  { id: 'hold-25', subject: RE, label: 'other', text: 'Thanks, will have a read tonight.' },
  { id: 'hold-26', subject: RE, label: 'other', text: 'Which Sam is this? Have we met?' },
  { id: 'hold-27', subject: RE, label: 'other', text: 'ok' },
  { id: 'hold-28', subject: RE, label: 'other', text: 'Sent from my iPhone' },
  { id: 'hold-29', subject: RE, label: 'other', text: 'Looping in my assistant Karen, who manages my calendar.' },
  {
    id: 'hold-30',
    subject: RE,
    label: 'not_interested',
    text: "No chance, I'm on garden leave with a non-compete for a year.",
  },
];

function labelled(label: ReplyLabel, items: Omit<LabelledReply, 'label'>[]): LabelledReply[] {
  return items.map((item) => ({ ...item, label }));
}

export const REPLY_DATASET: readonly LabelledReply[] = [
  ...labelled('interested', interested),
  ...labelled('not_interested', notInterested),
  ...labelled('out_of_office', outOfOffice),
  ...labelled('other', other),
  ...holdout.map((item) => ({ ...item, holdout: true })),
];
