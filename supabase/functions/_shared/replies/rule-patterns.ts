/**
 * The weighted phrases the rule-based classifier (rules.ts) reads. Text is
 * matched lower-cased with straight apostrophes and single spaces.
 *
 * Label mapping — what a recruiter needs the response status to say:
 * - `interested`: yes, let's talk, proposes a time, sends a CV, or asks about
 *   the role (salary, remote, location, stack, next steps) — asking is engaging.
 * - `not_interested`: declines, "not looking", "happy where I am", just
 *   started elsewhere, "not now / maybe in a few months" (the door is open but
 *   the answer to this outreach is no), unsubscribe / stop / remove me, and
 *   referrals ("not me, but try my colleague") — the candidate is not the one
 *   interested.
 * - `other`: no decision to read — acknowledgements ("got it, will read"),
 *   "who is this / how did you get my email", wrong person, "no longer works
 *   here" notices and bounces.
 * - `out_of_office`: auto-replies, decided in ooo.ts.
 */

export type Side = 'interested' | 'not_interested' | 'other';

export interface RulePattern {
  pattern: RegExp;
  side: Side;
  weight: number;
  /**
   * A negation just before the match in the same clause ("not", "no longer",
   * "nicht", "pas", "no") flips it to the opposite side ("not interested",
   * "not happy where I am"). Patterns that spell their own negation are not.
   */
  negatable?: boolean;
  /** Shown in the classification's reason. */
  cue: string;
}

// Specific patterns come first: a match claims its span, so a later generic
// pattern (e.g. bare "interested") does not count the same words again.
export const RULE_PATTERNS: readonly RulePattern[] = [
  // ---- explicit stop requests: the strongest signal there is
  {
    pattern:
      /\b(?:please )?(?:remove|unsubscribe|take) me (?:from|off)\b|\bunsubscribe\b|\bopt(?: me)? out\b|\bstop (?:emailing|contacting|messaging|sending|writing|spamming)\b|\b(?:do not|don't|dont) (?:contact|email|e-mail|message|reach out|write|send)\b|\bno (?:more|further) (?:emails|messages|contact)\b|\b(?:remove|delete) my (?:email|details|data|address|information|info)\b|\babmelden\b|\bkeine (?:weiteren )?(?:e-?mails|nachrichten|kontaktaufnahme)\b|\bd[ée]sinscri|\bne plus (?:recevoir|me contacter|m'envoyer)\b|\bdar(?:me)? de baja\b|\bno (?:me )?(?:contacte|escriba)n?\b|\bno (?:me )?(?:vuelva|vuelvan) a (?:contactar|escribir)/,
    side: 'not_interested',
    weight: 6,
    cue: 'asks to stop emails',
  },
  // ---- readable "other" cases: these override weaker intent words
  {
    pattern:
      /\b(?:undeliverable|delivery (?:has )?failed|delivery status notification|mail delivery (?:failed|subsystem)|address not found|mailbox (?:is )?full|message (?:was )?not delivered)\b/,
    side: 'other',
    weight: 6,
    cue: 'delivery failure',
  },
  {
    pattern:
      /\bno longer (?:work(?:s|ing)?|with|at|employed|part of)\b|\b(?:has|have) left (?:the company|the organi[sz]ation|[a-z]+)\b|\bmailbox (?:is )?(?:no longer|not) (?:monitored|active|in use)\b|\bnicht mehr (?:bei|im unternehmen|für)\b|\bne fait plus partie\b|\bya no (?:trabaja|forma parte)\b/,
    side: 'other',
    weight: 5,
    cue: 'no longer at this address',
  },
  {
    pattern:
      /\bwrong (?:person|email|address|guy|contact)\b|\bnot the (?:right )?person you(?:'re| are)\b|\byou (?:have|'ve) (?:the wrong|mistaken)\b|\bmistaken (?:me|identity)\b/,
    side: 'other',
    weight: 5,
    cue: 'wrong person',
  },
  {
    pattern: /\bhow did you (?:get|find) my\b|\bwho (?:is this|are you)\b|\bwhere did you get my\b|\bwoher haben sie\b/,
    side: 'other',
    weight: 3,
    cue: 'asks who is writing',
  },
  // ---- declines
  {
    pattern:
      /\b(?:no longer|not|never) (?:(?:currently|actively|really|at all) )?(?:(?:planning|going|intending|thinking|looking) (?:to|on) (?:move|moving|leave|leaving|change|changing|switch|switching|jump)|looking|searching|on the (?:job )?market|in the market|considering (?:a move|new|other|any|offers|opportunities|roles|changing)|job hunting|seeking|open to (?:new |other )?(?:roles|opportunities|offers|a move|moving|changing))\b/,
    side: 'not_interested',
    weight: 4,
    cue: 'not looking',
  },
  {
    pattern:
      /\bno,? thanks?\b|\bno thank you\b|\bthanks?,? but no\b|\bi(?:'ll| will| am going to|'m going to|'d rather| have to| must| need to) (?:pass|decline)\b|\bpass on (?:this|that|it)\b|\bnot for me\b|\bnot (?:a |the )?(?:good |right )?(?:fit|match) for me\b|\bnot the right (?:fit|role|move)\b|\bnot what i'm looking for\b|\bnot something i(?:'m| am) (?:looking|interested)\b|\bnot my (?:thing|cup of tea|area)\b|\bi don't think (?:so|it's|this is)\b|\bno interest\b|\bnot at all\b|\brespectfully decline\b|\bnot really\b|\bnot worth\b|\bhard pass\b|\bcount me out\b|\bi'm good(?=[.!,]|$| thanks| thank you| for now)|\bnot (?:your|the) (?:guy|person|candidate) for\b|\baus (?:ihrem|dem|eurem|deinem) verteiler\b/,
    side: 'not_interested',
    weight: 4,
    cue: 'declines',
  },
  {
    pattern:
      /\bkein(?:e|en)? (?:interesse|bedarf|wechsel)\b|\bnein,? danke\b|\bpas (?:int[ée]ress[ée]e?|pour moi)\b|\bnon,? merci\b|\bpas le (?:bon )?moment\b|\bno me interesa\b|\bno estoy (?:interesad[oa]|buscando)\b|\bno,? gracias\b|\bno es (?:para m[ií]|el momento)\b|\bne suis pas (?:int[ée]ress[ée]e?|[àa] la recherche|en recherche)\b|\bbin (?:sehr |rundum )?zufrieden\b|\bsuche (?:derzeit |aktuell )?nicht\b|\bnicht auf der suche\b/,
    side: 'not_interested',
    weight: 4,
    cue: 'declines',
  },
  {
    pattern:
      /\b(?:happy|content|settled|satisfied|committed|staying|very happy|quite happy|really happy|perfectly happy) (?:where i am|in my (?:current )?(?:role|job|position|team|company)|with my (?:current )?(?:role|job|position|employer|company|team|situation)|at (?:my current|the moment where)|here|to my (?:current )?(?:role|job|team|company|employer))\b|\bstaying put\b/,
    side: 'not_interested',
    weight: 4,
    negatable: true,
    cue: 'happy where they are',
  },
  {
    pattern:
      /\b(?:just|recently) (?:started|joined|accepted|signed|moved|took|began)\b|\b(?:accepted|signed|started|taken|took) (?:a |an )?(?:new )?(?:offer|role|position|job)\b|\bgerade (?:erst )?(?:angefangen|gewechselt)\b|\bviens de (?:commencer|rejoindre)\b|\bacabo de (?:empezar|entrar|incorporarme)\b/,
    side: 'not_interested',
    weight: 3.5,
    cue: 'just started elsewhere',
  },
  {
    pattern:
      /\bnot (?:right )?now\b|\bnot at (?:this|the) (?:time|moment|point|stage)\b|\bmaybe (?:later|next year|in the future|in (?:a few|a couple of|some|\d+|two|three|six) (?:months|years|weeks))\b|\b(?:reach out|contact me|check back|circle back|try (?:me )?again|ping me|get in touch) (?:again )?(?:in|next|later|after|down the)\b|\bnot (?:the right|a good|a great) time\b|\bbad timing\b|\btiming (?:isn't|is not|'s not) (?:right|great|ideal)\b|\bnot (?:ready|in a position) to (?:move|make a move|change|leave)\b|\bzurzeit nicht\b|\bmomentan nicht\b|\bpas pour l'instant\b|\bpor ahora no\b|\bahora mismo no\b/,
    side: 'not_interested',
    weight: 3.5,
    cue: 'not now',
  },
  {
    pattern:
      /\bnot me\b|\b(?:try|ask|contact|reach out to|talk to|speak to|speak with|email) my (?:colleague|friend|coworker|co-worker|former colleague|teammate|partner)\b|\b(?:might|may|could|would) (?:be )?(?:interest|suit|fit|be a (?:good |better )?fit for)\w* (?:my|a) (?:colleague|friend|coworker)\b|\b(?:he|she|they|(?:colleague|friend|brother|sister|partner|wife|husband|coworker|co-worker|teammate)[^.]{0,40}?) (?:might|may|could|would) (?:be )?(?:interested|a (?:good |great |better )?fit|keen)\b|\byou (?:should|could|might want to) (?:talk to|contact|reach out to|try|ask)\b|\bi know someone\b|\bforward(?:ed|ing)? (?:this|it|your (?:email|message|note)) to (?:a |my )\b|\bmeinen? kolleg(?:en|in)\b|\bmon coll[èe]gue\b|\bmi (?:compa[ñn]er[oa]|colega)\b/,
    side: 'not_interested',
    weight: 3,
    cue: 'refers someone else',
  },
  {
    pattern:
      /\bretir(?:ed|ing)\b|\bleft the (?:industry|field)\b|\bchanged careers?\b|\bno longer (?:in|working in) (?:tech|engineering|the industry|this field)\b/,
    side: 'not_interested',
    weight: 4,
    cue: 'left the field',
  },
  {
    pattern:
      /\bnot (?:willing|able|prepared|looking) to (?:relocate|move|commute)\b|\b(?:won't|will not|can't|cannot) (?:relocate|move|commute)\b|\bdon't (?:want|do) (?:to )?(?:relocate|agency|contract|recruiters)\b|\btoo (?:junior|far)\b|\b(?:salary|pay|comp|compensation|rate) (?:is )?(?:too low|way below|below what)\b/,
    side: 'not_interested',
    weight: 2.5,
    cue: 'states a deal-breaker',
  },
  // ---- interest
  {
    pattern:
      /\bwould(?:n't| not) (?:say no|mind)\b|\bnot (?:opposed|against|averse)\b|\bdon't mind\b|\bno harm in\b|\bwhy not\b|\bcan't hurt\b|\bnever say never\b|\bnever been more (?:interested|excited|keen)\b/,
    side: 'interested',
    weight: 3,
    cue: 'would not say no',
  },
  {
    pattern:
      /\b(?:let's|lets|let us) (?:talk|chat|connect|speak|set (?:up|something up)|schedule|find a time|do it|hop on|discuss|meet|arrange)\b|\b(?:count me in|i'm in|i am in|sign me up|i'm game|i'm all ears)\b|\bstill (?:looking|searching|open to (?:offers|opportunities|a move))\b|\bcould be a (?:good |great )?fit\b/,
    side: 'interested',
    weight: 3.5,
    cue: 'wants to talk',
  },
  {
    pattern:
      /\b(?:happy|glad|keen|willing|open|up|available|free|delighted|eager|love|like|want) (?:to|for) (?:a |an |have a |hop on a |jump on a )?(?:quick |short |brief |informal |first )?(?:chat|talk|call|conversation|discussion|discuss|connect|speak|hear|learn|meet|explore|jump on|hop on|find out|know)\b/,
    side: 'interested',
    weight: 3,
    negatable: true,
    cue: 'open to a conversation',
  },
  {
    pattern:
      /\b(?:open to|up for) (?:it|that|this|exploring|new (?:opportunities|roles)|hearing|learning|a conversation|a chat|a call|discussing|a move|offers)\b/,
    side: 'interested',
    weight: 2.5,
    negatable: true,
    cue: 'open to it',
  },
  {
    pattern:
      /\b(?:send|share|forward|email|pass) (?:me |over |across |along )*(?:more |the |some |a |any |further )?(?:details|info|information|jd|job description|description|job spec|spec|specs|more|the role)\b|\btell me more\b|\b(?:hear|learn|know|find out) more\b|\bmore (?:details|info|information) (?:please|would be|about)\b/,
    side: 'interested',
    weight: 3,
    negatable: true,
    cue: 'asks for details',
  },
  {
    pattern:
      /\b(?:what|how much)(?: is|'s| are| would be| does it)? (?:the )?(?:salary|compensation|comp|pay|budget|range|rate|package|base|equity)\b|\b(?:salary|compensation|pay|comp) (?:range|band|bracket|expectations)\b|\bwhat (?:does it|does the role|would it) pay\b|\bgehalt(?:sband|spanne|svorstellung)?\b|\bsalaire\b|\br[ée]mun[ée]ration\b|\bsueldo\b|\bsalario\b|\bbanda salarial\b/,
    side: 'interested',
    weight: 2.5,
    cue: 'asks about pay',
  },
  {
    pattern:
      /\b(?:is (?:it|this|the)(?: role| position| job)?|can (?:it|i|the role) be|would (?:it|i) be|do you (?:offer|allow)) (?:fully |100% |partly |partially )?(?:remote|hybrid|on-?site|in[- ]office|based|flexible)\b|\b(?:is|do you offer|what about) relocation\b|\brelocation (?:support|package|assistance)\b|\bremote (?:possible|ok|friendly|option)\b|\bwhere is (?:it|the role|the office|the company|the team) (?:based|located)\b|\bwhat(?:'s| is| are|'re) the (?:location|tech stack|stack|team size|interview process|process|title|start date|benefits|next steps?|company)\b|\bwhich company\b|\bwho is the client\b|\bnext steps?\b|\bhow do (?:we|i) (?:proceed|apply)\b|\b(?:t[ée]l[ée]travail|homeoffice|home office|teletrabajo|en remoto)\b/,
    side: 'interested',
    weight: 2.5,
    cue: 'asks about the role',
  },
  {
    pattern:
      /\bwhen (?:are|is|would|could) (?:you|we) (?:free|available|talk|chat|meet|speak)\b|\bmy (?:availability|calendar)\b|\bi(?:'m| am) (?:free|available) (?:on|this|next|tomorrow|monday|tuesday|wednesday|thursday|friday|after|before|any|for)\b|\bfree (?:on|this|next|tomorrow) (?:monday|tuesday|wednesday|thursday|friday|week|morning|afternoon)?\b|\bcalendly\b|\bbook a (?:time|slot|call)\b|\bgive me a (?:call|ring)\b|\bcall me\b|\breach me (?:at|on)\b|\bmy (?:number|phone|mobile|cell) is\b|\bdoes (?:monday|tuesday|wednesday|thursday|friday|tomorrow) work\b|\bcan we (?:speak|talk|chat|meet|schedule|set up|arrange|do)\b/,
    side: 'interested',
    weight: 3,
    negatable: true,
    cue: 'proposes a time',
  },
  {
    pattern:
      /\b(?:my|attached (?:is )?(?:my )?|here is my|here's my) (?:cv|resume|résumé|lebenslauf|curriculum)\b|\b(?:cv|resume) (?:attached|enclosed)\b/,
    side: 'interested',
    weight: 3,
    cue: 'sends a CV',
  },
  {
    pattern: /\bsounds? (?:good|great|interesting|intriguing|exciting|promising|cool|fun|like a great|really)\b/,
    side: 'interested',
    weight: 2.5,
    negatable: true,
    cue: 'sounds good',
  },
  {
    pattern:
      /\b(?:gerne?|klingt (?:gut|spannend|interessant)|lass(?:en)? (?:sie )?uns (?:sprechen|telefonieren|reden)|mehr (?:infos?|informationen|details)|schicken sie mir|volontiers|avec plaisir|discutons|parlons-en|plus d'informations|plus de d[ée]tails|je suis partant|me encantar[ií]a|encantad[oa]|hablemos|m[áa]s informaci[óo]n|m[áa]s detalles|me gustar[ií]a (?:saber|conocer|hablar)|claro que s[ií])\b/,
    side: 'interested',
    weight: 3,
    negatable: true,
    cue: 'wants to talk',
  },
  {
    pattern:
      /\binterest(?:ed|ing)\b|\binteressiert\b|\binteressant\b|\bint[ée]ress[ée]e?s?\b|\bint[ée]ressant\b|\bm'int[ée]resse\b|\binteresad[oa]s?\b|\bme interesa\b|\binteresante\b/,
    side: 'interested',
    weight: 3,
    negatable: true,
    cue: 'interested',
  },
  {
    pattern: /\b(?:keen|curious|intrigued|excited|tempted)\b/,
    side: 'interested',
    weight: 2,
    negatable: true,
    cue: 'curious',
  },
  {
    pattern:
      /^(?:yes|yeah|yep|yup|sure|absolutely|definitely|of course|certainly|ja|oui|s[ií]|claro|gerne|gern|volontiers|avec plaisir|ok|okay)\b/,
    side: 'interested',
    weight: 2.5,
    cue: 'says yes',
  },
  {
    pattern: /^(?:no|nope|nah|nein|non)\b(?! (?:worries|problem|rush|pressure))/,
    side: 'not_interested',
    weight: 3,
    cue: 'says no',
  },
  {
    pattern: /^(?:stop|remove|remove me)\W*$/,
    side: 'not_interested',
    weight: 6,
    cue: 'asks to stop emails',
  },
  // ---- undecided acknowledgements
  {
    pattern:
      /\b(?:got it|noted|will (?:take a look|read|review|have a look|get back to you|think about it|consider it|let you know)|let me (?:think|check|get back)|i'll (?:think|get back|have a look|take a look|let you know)|i will (?:think|get back|have a look|let you know)|need (?:some )?time to think|will reply (?:properly |later|soon|when)|ich melde mich|je reviens vers vous|te (?:aviso|escribo))\b/,
    side: 'other',
    weight: 1.5,
    cue: 'acknowledges',
  },
];

/** Words that flip a negatable phrase when they precede it in the same clause. */
export const NEGATION =
  /(?:\b(?:not|no|never|no longer|hardly|nicht|kein\w*|nie|pas|ne|nunca|jam[aá]s|tampoco)\b|n't\b)/;

/** After a contrast word the candidate usually states the real answer. */
export const CONTRAST = /\b(?:but|however|although|though|aber|jedoch|allerdings|mais|cependant|pero|sin embargo)\b/g;
