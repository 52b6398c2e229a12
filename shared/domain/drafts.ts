/**
 * Drafted messages (R2, R10). Every draft is short, names the recipient and the role, and is
 * signed with the candidate's contact details. Phrasing variants are picked deterministically
 * so the same interview always gets the same drafts, while interviewers of one interview get
 * provably different ones (different variant combinations, not just different names).
 */
import type { Candidate, Draft, Interviewer, Recruiter, Role } from './model';

const ordinals = [
  '',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];

/** FNV-1a: a fast, stable string hash for picking variants (not for security). */
export function variantSeed(...parts: Array<string | number>): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hash ^= 0x1f;
  }
  return hash >>> 0;
}

function pick<T>(options: readonly T[], index: number): T {
  return options[index % options.length] as T;
}

/** The first word of a name: how people address each other in a follow-up note. */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** How a round is referred to in prose; a later round always reads differently from the first. */
function meetingPhrase(round: number): string {
  if (round <= 1) return 'our conversation';
  const ordinal = ordinals[round] ?? `round ${round}`;
  return ordinals[round] ? `our ${ordinal}-round conversation` : `our ${ordinal} conversation`;
}

/** The candidate's name and whatever contact details we have, one per line. */
function signature(candidate: Candidate): string {
  return [candidate.name, candidate.email, candidate.phone]
    .filter((line): line is string => Boolean(line))
    .join('\n');
}

/**
 * Text the candidate typed (a topic, a highlight, an interviewer's question) as the end of a
 * sentence, after a colon: the one place that reads right whether it is a noun phrase ("eight
 * years of running payment systems"), a résumé line ("Led the migration to Kubernetes"), a
 * sentence ("I speak fluent German.") or a question ("What is your biggest weakness?"). The
 * text keeps its own closing mark; a full stop is added only when it has none.
 */
function asEnding(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]["'”’)]*$/u.test(trimmed) ? trimmed : `${trimmed}.`;
}

function compose(greeting: string, sentences: string[], closing: string, candidate: Candidate) {
  return `${greeting}\n\n${sentences.join(' ')}\n\n${closing}\n${signature(candidate)}`;
}

export interface ThankYouContext {
  candidate: Candidate;
  role: Role;
  round: number;
  interviewer: Interviewer;
  /** The interviewer's position in the interview: guarantees different drafts (see below). */
  index: number;
  /** Stable per interview and round. */
  seed: number;
}

const thankYouOpenings = [
  (meeting: string, role: Role) =>
    `Thank you for making time for ${meeting} about the ${role.title} position at ${role.company}.`,
  (meeting: string, role: Role) =>
    `I appreciated the time you gave me in ${meeting} about the ${role.title} role at ${role.company}.`,
  (meeting: string, role: Role) =>
    `Many thanks for ${meeting} about the ${role.title} opening at ${role.company}.`,
  (meeting: string, role: Role) =>
    `It was a pleasure to meet you in ${meeting} about the ${role.title} role at ${role.company}, and thank you for your time.`,
];

// Every line that embeds the candidate's own text ends with it (see `asEnding`).
const thankYouTopicLines = [
  (topic: string) =>
    `I especially enjoyed one part of our discussion, and it has stayed on my mind since: ${asEnding(topic)}`,
  (topic: string) =>
    `One exchange was a highlight for me and gave me a clearer view of what the team is working towards: ${asEnding(topic)}`,
  (topic: string) =>
    `The part I valued most was talking through one subject with you: ${asEnding(topic)}`,
];

const thankYouTitleLines = [
  (title: string) =>
    `Hearing how you approach your work as ${title} gave me a clearer picture of the team.`,
  (title: string) => `It was helpful to learn how the team looks from your side as ${title}.`,
];

const thankYouPlainLines = [
  'Hearing how the team works gave me a clear picture of what the role involves.',
  'I came away with a much better sense of the work and the people behind it.',
];

const thankYouFitLines = [
  (role: Role) =>
    `The conversation confirmed how much I would like to join ${role.company}, and I am confident my experience would let me contribute from the start.`,
  (_role: Role) =>
    'I left even more interested in the role and convinced that my background fits what the team needs.',
  (_role: Role) => 'It made me more certain that I would be a strong addition to the team.',
];

const thankYouClosings = [
  'Please let me know if I can answer any further questions, and I look forward to hearing about the next steps.',
  'If anything else would help your decision, I am glad to provide it.',
  'I look forward to hearing from you.',
];

const greetings = ['Dear', 'Hello', 'Hi'];
const signOffs = ['Kind regards,', 'Best regards,', 'With thanks,'];

/**
 * A thank-you note for one interviewer (R1, R2): at most five sentences (six would be the
 * limit), the interviewer's
 * first topic (or their title) in the second one. Interviewers 0–11 of one interview get 12
 * distinct opening/closing combinations, so their drafts differ even with identical names.
 */
export function thankYouDraft(context: ThankYouContext): Draft {
  const { candidate, role, round, interviewer, index, seed } = context;
  const combination = (seed + index) % (thankYouOpenings.length * thankYouClosings.length);
  const opening = pick(thankYouOpenings, combination)(meetingPhrase(round), role);
  const closing = pick(thankYouClosings, Math.floor(combination / thankYouOpenings.length));
  const topic = interviewer.topics?.[0];
  const personal = topic
    ? pick(thankYouTopicLines, seed + index * 7)(topic)
    : interviewer.title
      ? pick(thankYouTitleLines, seed + index)(interviewer.title)
      : pick(thankYouPlainLines, seed + index);
  const highlights = candidate.highlights ?? [];
  // Every note reminds them why the candidate fits: with a highlight when there is one.
  const fit =
    highlights.length > 0
      ? `I believe I would fit the team well, and one reason stands out: ${asEnding(highlights[index % highlights.length] as string)}`
      : pick(thankYouFitLines, (seed >>> 3) + index)(role);
  // The last word on a question the candidate wants to answer better (seed 000).
  const followUp = interviewer.followUp
    ? [
        `Having thought more about a question you asked me, I would be glad to give you a fuller answer: ${asEnding(interviewer.followUp)}`,
      ]
    : [];
  const subjects = [
    `Thank you – ${role.title} interview`,
    `Thank you for ${meetingPhrase(round)}`,
    `${role.title} at ${role.company}: thank you`,
  ];
  return {
    subject: pick(subjects, seed + index + round),
    body: compose(
      `${pick(greetings, combination)} ${firstName(interviewer.name)},`,
      [opening, personal, ...followUp, fit, closing],
      pick(signOffs, seed + index),
      candidate,
    ),
  };
}

/**
 * A handwritten card for an on-site interview: deliberately says something other than the
 * email (the two should not repeat each other), signed with the name only.
 */
export function handwrittenNoteDraft(context: ThankYouContext): Draft {
  const { candidate, role, interviewer, index, seed } = context;
  const topic = interviewer.topics?.[0];
  const middle = topic
    ? `Your perspective on one subject has stayed with me: ${asEnding(topic)}`
    : 'Seeing the office and the team in person made the role feel very real.';
  const wishes = [
    'I hope to have the chance to work with you.',
    'I would be delighted to join you and the team.',
  ];
  return {
    subject: `Handwritten card for ${interviewer.name}`,
    body: `Dear ${firstName(interviewer.name)},\n\nThank you for welcoming me at ${role.company} to talk about the ${role.title} role. ${middle} ${pick(wishes, seed + index)}\n\n${candidate.name}`,
  };
}

export interface CheckInContext {
  candidate: Candidate;
  role: Role;
  round: number;
  recipientName: string | undefined;
  /** The one new point this check-in makes (see {@link checkInPoints}). */
  point: string;
  checkInNumber: number;
  /** The last planned check-in offers a short call (R6). */
  last: boolean;
  seed: number;
}

const checkInInterest = [
  (role: Role, meeting: string) =>
    `I am still very interested in the ${role.title} role at ${role.company} and have kept thinking about ${meeting}.`,
  (role: Role) =>
    `I remain keen on the ${role.title} position at ${role.company} and wanted to share one more thought.`,
  (role: Role) =>
    `The ${role.title} role at ${role.company} is still the opportunity I am most excited about.`,
];

const checkInTopicPoints = [
  (topic: string) =>
    `I have sketched a few concrete ideas for my first months on one subject we spoke about, and I would be glad to walk you through them: ${asEnding(topic)}`,
  (topic: string) =>
    `I recently solved a problem much like one we discussed, and I would be happy to describe how: ${asEnding(topic)}`,
  (topic: string) =>
    `I have since come across an approach I think would suit the team on a subject we discussed, and I would enjoy comparing notes: ${asEnding(topic)}`,
];

const checkInPlainPoints = [
  'One thing I did not get to mention is how quickly I settle into a new team, which I can illustrate with a recent example.',
  'Looking back at our conversation, I realized I did not describe a recent project that matches this role closely, and I would be glad to share it.',
  'I have been thinking about how I would spend my first weeks in the role, and I have a few concrete ideas I would enjoy discussing.',
];

const referenceOffers = [
  'I am also happy to share professional references if that would help.',
  'Professional references are available whenever they would be useful.',
  'If references would help, I can send them right away.',
];

const highlightPoints = [
  (highlight: string) => `One more reason I think I would fit the team: ${asEnding(highlight)}`,
  (highlight: string) =>
    `I did not stress one thing enough when we met, and it bears directly on this role: ${asEnding(highlight)}`,
];

/**
 * The new points a round's check-ins make, in order, all different (R10: each check-in adds a
 * point not made before). The candidate's highlights come first — the one already used in the
 * recipient's thank-you last — then one about the recipient's topic, then general ones. Check-in
 * `n` of round `r` takes point `(r - 1) * 3 + n - 1` (modulo the list), so the check-ins of one
 * round never repeat a point.
 */
export function checkInPoints(context: {
  candidate: Candidate;
  topic: string | undefined;
  /** The recipient's position among the interviewers, or -1 when not an interviewer. */
  recipientIndex: number;
  seed: number;
}): string[] {
  const { candidate, topic, recipientIndex, seed } = context;
  const highlights = candidate.highlights ?? [];
  const used =
    recipientIndex >= 0 && highlights.length > 0 ? recipientIndex % highlights.length : -1;
  const ordered = [
    ...highlights.filter((_, index) => index !== used),
    ...highlights.filter((_, index) => index === used),
  ];
  const points = ordered.map((highlight, index) => pick(highlightPoints, seed + index)(highlight));
  if (topic) points.push(pick(checkInTopicPoints, seed)(topic));
  for (let index = 0; index < checkInPlainPoints.length; index++) {
    points.push(pick(checkInPlainPoints, seed + index));
  }
  return points;
}

/**
 * A check-in (R6, R10): restates interest, adds exactly one new point, offers references, and
 * either asks what else would help or, on the last one, proposes a short call. Never "just
 * checking in".
 */
export function checkInDraft(context: CheckInContext): Draft {
  const { candidate, role, round, recipientName, point, checkInNumber, last, seed } = context;
  const step = seed + checkInNumber;
  const interest = pick(checkInInterest, checkInNumber - 1 + seed)(role, meetingPhrase(round));
  const ask = last
    ? 'If it is easier, I would welcome a short call at a time that suits you.'
    : 'Is there anything else you need from me to support your decision?';
  const subjects = [
    `${role.title} role – one more thought`,
    `Still keen on the ${role.title} role`,
    `${role.title} at ${role.company}: following up`,
  ];
  const greeting = recipientName ? `Dear ${firstName(recipientName)},` : 'Hello,';
  return {
    subject: last ? `${role.title} role – a short call?` : pick(subjects, step),
    body: compose(
      greeting,
      [interest, point, pick(referenceOffers, step), ask],
      pick(signOffs, step),
      candidate,
    ),
  };
}

export interface ClosingContext {
  candidate: Candidate;
  role: Role;
  recipientName: string | undefined;
  seed: number;
}

/** After a rejection (R9): thanks for the news and asks how to improve. Four sentences. */
export function feedbackRequestDraft(context: ClosingContext): Draft {
  const { candidate, role, recipientName, seed } = context;
  const greeting = recipientName ? `Dear ${firstName(recipientName)},` : 'Hello,';
  return {
    subject: `${role.title} role – thank you and a short request`,
    body: compose(
      greeting,
      [
        `Thank you for letting me know your decision about the ${role.title} role.`,
        `I enjoyed meeting the team and learning about ${role.company}.`,
        'If you can spare a moment, I would be grateful for any feedback on how I could improve for future interviews.',
        pick(['I wish you and the team every success.', 'All the best to you and the team.'], seed),
      ],
      pick(signOffs, seed),
      candidate,
    ),
  };
}

/** After the candidate withdraws (R9): prompt, polite, no grovelling. Four sentences. */
export function withdrawalNoticeDraft(context: ClosingContext): Draft {
  const { candidate, role, recipientName, seed } = context;
  const greeting = recipientName ? `Dear ${firstName(recipientName)},` : 'Hello,';
  return {
    subject: `Withdrawing my application – ${role.title}`,
    body: compose(
      greeting,
      [
        `I am writing to let you know that I am withdrawing my application for the ${role.title} role at ${role.company}.`,
        'My situation has changed, and I wanted to tell you as soon as I decided so you can plan accordingly.',
        'Thank you sincerely for your time and consideration.',
        pick(['I hope our paths cross again.', 'I hope we stay in touch.'], seed),
      ],
      pick(signOffs, seed),
      candidate,
    ),
  };
}

/** R3: ask the recruiter for an interviewer's address instead of guessing one. */
export function contactRequestDraft(context: {
  candidate: Candidate;
  role: Role;
  interviewer: Interviewer;
  recruiter?: Recruiter | undefined;
}): Draft {
  const { candidate, role, interviewer, recruiter } = context;
  return {
    subject: `Contact details for ${interviewer.name}`,
    body: compose(
      recruiter ? `Dear ${firstName(recruiter.name)},` : 'Hello,',
      [
        `Thank you again for arranging my interview for the ${role.title} role at ${role.company}.`,
        `I would like to send ${interviewer.name} a personal note of thanks, but I do not have an email address for them.`,
        'Could you share it with me, or pass my thanks along?',
      ],
      'Kind regards,',
      candidate,
    ),
  };
}
