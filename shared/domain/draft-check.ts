/**
 * The draft check (R10): finds what keeps a follow-up note from doing its job — too long,
 * generic filler, no name or role, no way to reach the candidate, a question or sentence pasted
 * mid-sentence, misspellings.
 */
import {
  type DraftCheckContext,
  type DraftFinding,
  type DraftFindingCode,
  draftFindingSeverities,
  type StepKind,
} from './model';
import { spellChecker } from './spelling';

/** Sentence limits of the note's main text (greeting and signature excluded). */
const sentenceLimits: Record<StepKind, number> = {
  thank_you: 6,
  check_in: 6,
  feedback_request: 5,
  withdrawal_notice: 5,
  contact_info_needed: 5,
  handwritten_note: 5,
  move_on: 6,
};
const defaultSentenceLimit = 6;
/** Six long sentences are still too long: a word budget catches run-ons. */
const wordsPerSentence = 35;
const maxMisspellings = 10;

/** Filler that tells the reader nothing, or addresses nobody. */
const genericPhrases: Array<[RegExp, string]> = [
  [/\bjust (?:checking|following) (?:in|up)\b/i, 'says nothing new; add a concrete point instead'],
  [
    /\bjust wanted to (?:check in|follow up|touch base)\b/i,
    'says nothing new; add a concrete point instead',
  ],
  [/\btouch(?:ing)? base\b/i, 'is filler; say what you are adding'],
  [/\bto whom it may concern\b/i, 'addresses nobody; use the person’s name'],
  [
    /\bdear (?:sir|madam|sir or madam|hiring manager)\b/i,
    'addresses nobody; use the person’s name',
  ],
  [/\bany updates?\??(?:\s|$)/i, 'asks without giving; offer something new'],
  [/\bper my last (?:email|message)\b/i, 'reads as a reproach'],
  [
    /\bi hope this (?:e-?mail|message) finds you well\b/i,
    'is a stock opener; start with the point',
  ],
];

/**
 * Shapes that only arise when a question or a whole sentence is pasted into a sentence, e.g.
 * "You asked me about What is your biggest weakness?, and …" or "because of I speak German".
 * Deliberately narrow, so no well-formed note trips them: a capitalised word after "about" is
 * often a name ("about Kubernetes"), so only a question word that runs into a question mark
 * counts; "because of" never takes a subject pronoun; and "?," is never right outside quotes.
 * Each pattern matches the spot itself, which the finding quotes; every repeat is bounded, so
 * a 20,000-character text of one long word or of "about What" over and over stays linear.
 */
const brokenShapes: RegExp[] = [
  /\S{0,40}\?,(?:\s+\S{1,40})?/,
  /\b(?:about|because of) (?:What|How|Why|When|Where|Which|Who|Do|Does|Did|Is|Are|Can|Could|Would|Should)\b[^.!?\n]{0,200}\?/,
  // "How about we meet on Tuesday?" is fine.
  /(?<!\b(?:[Hh]ow|[Ww]hat) )\b(?:about|because of) (?:I|we|he|she|they) \p{Ll}+/u,
];

const emailPattern = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
const urlPattern = /\b(?:https?:\/\/|www\.)\S+/gi;
const greetingPattern =
  /^(?:dear|hi|hello|hey|good (?:morning|afternoon|evening)|greetings|to whom)\b.{0,60}[,:!]?$/i;
const closingPattern =
  /^(?:kind(?:est)? regards|best(?: regards| wishes)?|warm(?:est)? regards|regards|sincerely(?: yours)?|yours(?: sincerely| truly)?|many thanks|thanks(?: again)?|thank you|with thanks|all the best|cheers|respectfully)\s*[,.!]?$/i;

/** A finding with the severity its code always has (see `draftFindingSeverities`). */
function finding(code: DraftFindingCode, message: string): DraftFinding {
  return { code, severity: draftFindingSeverities[code], message };
}

function mainText(text: string): string {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  let first = lines.findIndex((line) => line.length > 0);
  if (first >= 0 && greetingPattern.test(lines[first] ?? '')) first++;
  let last = lines.length;
  for (let i = Math.max(first, 0); i < lines.length; i++) {
    if (closingPattern.test(lines[i] ?? '')) {
      last = i;
      break;
    }
  }
  return lines.slice(Math.max(first, 0), last).join(' ');
}

function countSentences(text: string): number {
  const plain = text.replace(emailPattern, 'address').replace(urlPattern, 'link');
  return plain.split(/[.!?]+(?=\s|$)/).filter((part) => /\p{L}/u.test(part)).length;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => /\p{L}/u.test(word)).length;
}

function mentionsName(text: string, name: string): boolean {
  const lower = text.toLowerCase();
  return name
    .toLowerCase()
    .split(/\s+/)
    .filter((part) => part.length >= 2)
    .some((part) =>
      new RegExp(`(?:^|[^\\p{L}])${escapeRegExp(part)}(?:$|[^\\p{L}])`, 'u').test(lower),
    );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

/**
 * Checks a drafted note against R10 and returns its findings (empty when it looks fine).
 * `context` turns on the checks that need to know what the note should contain: the
 * recipient's name, the role and company, and the candidate's contact details. Spelling
 * ignores capitalised words (names), emails, URLs, numbers and every word of the context.
 */
export function checkDraft(text: string, context: DraftCheckContext = {}): DraftFinding[] {
  if (text.trim().length === 0) {
    return [finding('empty', 'The draft is empty.')];
  }
  const findings: DraftFinding[] = [];
  const normalized = text.replace(/[\u2018\u2019]/g, "'");

  const limit = context.kind ? sentenceLimits[context.kind] : defaultSentenceLimit;
  const body = mainText(normalized);
  const sentences = countSentences(body);
  const words = countWords(body);
  if (sentences > limit || words > limit * wordsPerSentence) {
    findings.push({
      code: 'too_long',
      severity: draftFindingSeverities.too_long,
      message: `${sentences} sentences and ${words} words; keep ${context.kind ? context.kind.replace('_', '-') : 'a note'} to ${limit} sentences at most.`,
    });
  }

  for (const [pattern, why] of genericPhrases) {
    const match = normalized.match(pattern);
    if (match) {
      findings.push({
        code: 'generic_phrase',
        severity: draftFindingSeverities.generic_phrase,
        message: `"${match[0].trim()}" ${why}.`,
        excerpt: match[0].trim(),
      });
    }
  }

  if (context.recipientName && !mentionsName(normalized, context.recipientName)) {
    findings.push({
      code: 'missing_name',
      severity: draftFindingSeverities.missing_name,
      message: `The note never addresses ${context.recipientName} by name.`,
      excerpt: context.recipientName,
    });
  }

  const lower = normalized.toLowerCase();
  const missingRole = [context.roleTitle, context.company].filter(
    (value): value is string => value !== undefined && !lower.includes(value.toLowerCase()),
  );
  if (missingRole.length > 0) {
    findings.push({
      code: 'missing_role',
      severity: draftFindingSeverities.missing_role,
      message: `The note does not mention ${missingRole.join(' or ')}.`,
      excerpt: missingRole.join(', '),
    });
  }

  const candidate = context.candidate;
  if (candidate && context.kind !== 'handwritten_note') {
    const missing: string[] = [];
    if (candidate.email && !lower.includes(candidate.email.toLowerCase()))
      missing.push('email address');
    if (candidate.phone && !digits(normalized).includes(digits(candidate.phone)))
      missing.push('phone number');
    if (missing.length > 0) {
      findings.push({
        code: 'missing_contact',
        severity: draftFindingSeverities.missing_contact,
        message: `Sign with your ${missing.join(' and ')} so the reader can reach you in one step.`,
      });
    }
  }

  for (const pattern of brokenShapes) {
    const excerpt = normalized.match(pattern)?.[0].replace(/\s+/g, ' ');
    if (excerpt === undefined) continue;
    findings.push({
      code: 'broken_sentence',
      severity: draftFindingSeverities.broken_sentence,
      message: `"${excerpt}" reads as a question or sentence pasted mid-sentence; quote it, or put it after a colon.`,
      excerpt,
    });
    break;
  }

  findings.push(...misspellings(normalized, context));
  return findings;
}

function contextWords(context: DraftCheckContext): Set<string> {
  const words = new Set<string>();
  const sources = [
    context.recipientName,
    context.roleTitle,
    context.company,
    context.candidate?.name,
  ];
  for (const source of sources) {
    for (const word of source?.toLowerCase().split(/[^\p{L}']+/u) ?? []) {
      if (word) words.add(word);
    }
  }
  return words;
}

function misspellings(text: string, context: DraftCheckContext): DraftFinding[] {
  const known = contextWords(context);
  const plain = text.replace(urlPattern, ' ').replace(emailPattern, ' ');
  const seen = new Set<string>();
  const findings: DraftFinding[] = [];
  const dictionary = spellChecker();
  // Letters with inner apostrophes; a token touching a digit ("3rd", "10am") is skipped.
  for (const match of plain.matchAll(/[\p{L}\p{N}][\p{L}\p{N}']*/gu)) {
    const word = match[0].replace(/'+$/, '').replace(/'s$/, '');
    if (word.length < 2 || /\p{N}/u.test(word) || /^\p{Lu}/u.test(word)) continue;
    const lower = word.toLowerCase();
    if (seen.has(lower) || known.has(lower)) continue;
    seen.add(lower);
    if (dictionary.correct(word) || dictionary.correct(lower)) continue;
    findings.push({
      code: 'misspelling',
      severity: draftFindingSeverities.misspelling,
      message: `"${word}" is not in the English dictionary.`,
      excerpt: word,
    });
    if (findings.length >= maxMisspellings) return findings;
  }
  return findings;
}
