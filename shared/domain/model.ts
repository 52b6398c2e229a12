/**
 * The follow-up domain's vocabulary: what an integration tells us about an interview, the
 * policy that shapes a plan, and the steps a plan is made of.
 *
 * These zod schemas are the single source of truth: the API validates requests with them and
 * `openapi.yaml` is generated from them. Types are derived, never written twice.
 */
import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { holidayCountries } from './holiday-countries';
import { interviewIntervalIssues, maxInterviewHours } from './input-rules';

import { stepKinds } from './step-kinds';

export { type StepKind, stepKinds } from './step-kinds';

export const channels = ['email', 'linkedin', 'phone', 'mail', 'task'] as const;
export type Channel = (typeof channels)[number];

export const interviewFormats = ['phone', 'video', 'onsite'] as const;
const stepStatuses = ['scheduled', 'due', 'completed', 'skipped', 'cancelled'] as const;

export const interviewStatuses = ['active', 'closed'] as const;
export const closedReasons = ['offer', 'rejected', 'withdrawn', 'exhausted', 'erased'] as const;
export type ClosedReason = (typeof closedReasons)[number];

/**
 * Zone names already found valid. The zones a runtime knows do not change while it runs, and
 * only valid names are kept, so the set stays about as small as the zone database.
 */
const knownTimeZones = new Set<string>();

/**
 * True when `name` is an IANA time zone this runtime knows (or `UTC`). Temporal also takes a
 * bare UTC offset (`+05:00`) as a zone; that is not a zone name (it has no DST and no
 * holidays' country), so it is refused: `Etc/GMT-5` names a fixed offset where one is meant.
 */
export function isTimeZone(name: string): boolean {
  if (knownTimeZones.has(name)) return true;
  if (/^[+\-\u2212]/.test(name)) return false;
  try {
    Temporal.Now.instant().toZonedDateTimeISO(name);
  } catch {
    return false;
  }
  if (knownTimeZones.size < 2000) knownTimeZones.add(name);
  return true;
}

/** True when `text` is an ISO 8601 duration Temporal accepts, e.g. `P14D`, `PT1H`, `P3M`. */
function isDuration(text: string): boolean {
  try {
    Temporal.Duration.from(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Characters no text field stores: C0 and C1 controls (CR and LF let a title smuggle a header
 * into an integration's e-mail), DEL, and the bidi embeddings, overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069) that make a name display as something else. One-line fields
 * also refuse the line and paragraph separators U+2028/U+2029. As a JSON Schema `pattern`
 * (ECMAScript, no `u` flag needed: every class member is in the BMP).
 */
const oneLinePattern =
  '^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]*$';
/** Multi-line text: as one-line, but tab, LF and CR are allowed. */
const multiLinePattern =
  '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]*$';
const oneLineRegex = new RegExp(oneLinePattern);
const multiLineRegex = new RegExp(multiLinePattern);
/** A UTF-16 surrogate with no partner: not a character, and not encodable as UTF-8. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Free text of 1..`max` characters with none of the characters `pattern` refuses, nor an
 * unpaired surrogate. Checked before trimming, as the schema's `pattern` checks what a client
 * sends (a trailing CR or LF is refused, not quietly trimmed away), then trimmed. Ordinary
 * Unicode (accents, CJK, emoji with their joiners) is kept.
 */
function cleanText(max: number, pattern: string, regex: RegExp, message: string) {
  return z
    .string()
    .regex(regex, { message })
    .refine((text) => !loneSurrogate.test(text), { message: 'Contains an unpaired surrogate' })
    .trim()
    .min(1)
    .max(max)
    .meta({ pattern });
}

/** Free text on one line (names, titles, ids). */
export const oneLineText = (max: number) =>
  cleanText(
    max,
    oneLinePattern,
    oneLineRegex,
    'Must be one line of text: no control characters (such as CR, LF, tab or NUL) and no bidi override or isolate characters',
  );

/** Free text that may span lines (notes): tab, LF and CR allowed, other controls are not. */
const multiLineText = (max: number) =>
  cleanText(
    max,
    multiLinePattern,
    multiLineRegex,
    'Must be text: no control characters other than tab, CR and LF, and no bidi override or isolate characters',
  );

const shortText = oneLineText;

const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, { message: 'Unknown IANA time zone' })
  .describe('IANA time zone, e.g. `Europe/Berlin`.');

/** A date and time with no `Z` and no offset: valid ISO 8601, but no particular instant. */
const zonelessDateTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;

/**
 * What an instant the API reads looks like, for the OpenAPI document: `format: date-time`
 * alone would admit what RFC 3339 admits and the schema refuses (a lower-case `t` or `z`, a
 * leap second, no seconds). Calendar validity (no 30 February) is left to `format`.
 */
export const instantPattern =
  '^\\d{4}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?(Z|[+\\-]([01]\\d|2[0-3]):[0-5]\\d)$';

export const instantSchema = z.iso
  .datetime({
    offset: true,
    error: (issue) =>
      typeof issue.input === 'string' && zonelessDateTime.test(issue.input)
        ? 'This time has no zone: add `Z` (UTC) or an offset such as `+02:00`, e.g. `2026-03-06T17:40:00Z`'
        : 'Expected an ISO 8601 instant with `Z` or an offset, e.g. `2026-03-06T17:40:00Z`',
  })
  .meta({
    description:
      'Instant in ISO 8601 with `Z` or an offset, e.g. `2026-03-06T17:40:00Z`: upper-case `T` ' +
      'and `Z`, seconds required, a fraction allowed.',
    pattern: instantPattern,
  });

const dateSchema = z.iso.date().describe('Calendar date, `YYYY-MM-DD`.');

/** When an interview ends: the schemas' refinement and the domain refuse a longer one. */
const endsAtSchema = instantSchema.meta({
  description:
    `${instantSchema.description} After \`startsAt\`, and at most ${maxInterviewHours} hours ` +
    'after it.',
});

const durationSchema = z
  .string()
  .max(40)
  .refine(isDuration, { message: 'Not an ISO 8601 duration' })
  .describe('ISO 8601 duration, e.g. `P14D` or `PT1H`.');

/** HH:MM on a 24-hour clock, local to the recipient. */
const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected HH:MM (24-hour)');

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
const weekdaySchema = z.number().int().min(1).max(7);

const candidateSchema = z.strictObject({
  name: shortText(200),
  email: z.email().max(320).optional(),
  phone: shortText(40).optional(),
  highlights: z
    .array(shortText(200))
    .max(5)
    .optional()
    .describe(
      'A few short strengths the candidate wants the employer to remember, e.g. ' +
        '`eight years of running payment systems`. Thank-yous use one as the reason they fit; ' +
        'each check-in adds one not made before.',
    ),
});
export type Candidate = z.infer<typeof candidateSchema>;

const roleSchema = z.strictObject({
  title: shortText(200),
  company: shortText(200),
});
export type Role = z.infer<typeof roleSchema>;

const linkedinUrlSchema = z
  .url({
    protocol: /^https$/,
    hostname: /^([a-z0-9-]+\.)*linkedin\.com$/,
    // One message for a wrong scheme and a wrong host alike: zod reports each check that
    // fails, and `urn:li:person:1` fails both.
    error: 'Expected an https URL on linkedin.com, e.g. `https://www.linkedin.com/in/alex`',
  })
  .max(500)
  .meta({
    description: 'A LinkedIn profile: an https URL on linkedin.com or one of its subdomains.',
    // Every URL of this form is accepted; the check itself parses the URL, so it also takes
    // upper-case hosts, a port or `user@`, which generated clients need not produce.
    pattern: '^https://([a-z0-9]+(-[a-z0-9]+)*\\.)*linkedin\\.com([\\/?#]\\S*)?$',
  });

/** Channels a person may prefer (seed 003: ask them how they prefer to be contacted). */
const preferredChannels = ['email', 'linkedin', 'mail'] as const;

const interviewerSchema = z.strictObject({
  name: shortText(200),
  email: z.email().max(320).optional(),
  linkedinUrl: linkedinUrlSchema.optional(),
  title: shortText(200).optional(),
  timeZone: timeZoneSchema.optional(),
  topics: z.array(shortText(200)).max(10).optional(),
  hiringManager: z
    .boolean()
    .optional()
    .describe('The person who decides: check-ins go to them (R5, R6).'),
  preferredChannel: z
    .enum(preferredChannels, { error: 'Expected one of email, linkedin, mail' })
    .optional()
    .describe(
      'How this person said they like to be contacted. Used when the contact details allow ' +
        '(`linkedin` needs `linkedinUrl`; `mail` is a card sent by express post to the office, ' +
        'for thank-yous only); otherwise the usual order applies and the step reason says so.',
    ),
  followUp: shortText(300)
    .optional()
    .describe(
      'A question this person asked that the candidate wants to answer better; the thank-you ' +
        'to them comes back to it.',
    ),
});
export type Interviewer = z.infer<typeof interviewerSchema>;

/** Whoever arranged the interview: contact-details requests and closing notes go to them. */
const recruiterSchema = z.strictObject({
  name: shortText(200),
  email: z.email().max(320).optional(),
  phone: shortText(40).optional(),
});
export type Recruiter = z.infer<typeof recruiterSchema>;

/**
 * A date the employer named that the service refuses before the interview's day
 * (`assertCoherentInput`, `assertSignalDates`); `what` it is, and the rule, for the document.
 */
const notBeforeInterview = (what: string) =>
  dateSchema.describe(
    `${what} Not before the day of the interview (the date \`startsAt\` falls on in ` +
      '`timeZone`).',
  );

export const nextStepsSchema = z
  .strictObject({
    decisionExpectedBy: notBeforeInterview('When the employer expects to decide.').optional(),
    followUpOn: notBeforeInterview('The day the employer asked to hear back on.').optional(),
    processLength: boundedDuration('P2Y')
      .optional()
      .describe('How long the employer said the process takes, at most `P2Y`, e.g. `P3M`.'),
    idealStartDate: dateSchema.optional(),
    unavailableUntil: dateSchema
      .optional()
      .describe(
        'The day the decision maker is back ("our VP is on vacation until Friday"): no check-in ' +
          'lands before it. Thank-yous are not affected.',
      ),
  })
  .describe(
    "What the employer said about the next steps. Its dates may lie at most the policy's " +
      '`maxInterviewLead` after the interview.',
  );

const hoursSchema = z.strictObject({ start: clockTimeSchema, end: clockTimeSchema });

/**
 * A duration of at most `max`, and positive (with `min: 'zero'`, zero or positive; with
 * `min: 'any'`, also negative, for a caller that answers a negative one itself).
 * Compared from a fixed day, so months have a definite length. Exported for the sandbox clock.
 */
export function boundedDuration(max: string, options: { min?: 'positive' | 'zero' | 'any' } = {}) {
  const least = options.min ?? 'positive';
  return durationSchema.refine(
    (text) => {
      try {
        const relativeTo = Temporal.PlainDate.from('2026-01-01');
        const duration = Temporal.Duration.from(text);
        return (
          duration.sign >= { positive: 1, zero: 0, any: -1 }[least] &&
          Temporal.Duration.compare(duration, Temporal.Duration.from(max), { relativeTo }) <= 0
        );
      } catch {
        // Beyond what Temporal can compare (e.g. `P99999999999D`): far beyond any bound.
        return false;
      }
    },
    {
      message: {
        positive: `Must be a positive duration of at most ${max}`,
        zero: `Must be a duration from \`PT0S\` to at most ${max}`,
        any: `Must be a duration of at most ${max}`,
      }[least],
    },
  );
}

/**
 * The bounds of the policy's durations. Each keeps a plan on the calendar a follow-up lives on:
 * a thank-you within a day of the interview, check-ins within a quarter, a move-on within a
 * year. A zero is allowed where "at once" means something (no delay before a thank-you, no
 * minimum wait before the first check-in); a deadline, a cadence or a wait of zero is not.
 */
const policyDuration = (min: 'positive' | 'zero', max: string, what: string) =>
  boundedDuration(max, { min }).describe(
    `${what} ${min === 'zero' ? 'From `PT0S` to' : 'Positive, at most'} \`${max}\`.`,
  );
const knownHolidayCountries: ReadonlySet<string> = new Set(holidayCountries);

/** A complete policy: every field has a value. Tenant defaults and overrides are partial. */
export const policySchema = z.strictObject({
  sendDays: z.array(weekdaySchema).min(1).max(7),
  sendHours: hoursSchema,
  thankYouDelay: policyDuration(
    'zero',
    'P1D',
    'How long after the interview ends a thank-you is due.',
  ),
  thankYouDeadline: policyDuration(
    'positive',
    'P7D',
    'The latest a thank-you should go out, counted from the end of the interview (R1).',
  ),
  checkInDays: z.array(weekdaySchema).min(1).max(7),
  checkInHours: hoursSchema,
  firstCheckInAfter: policyDuration(
    'positive',
    'P90D',
    'When the first check-in is due when the employer named no date.',
  ),
  minFirstCheckInAfter: policyDuration(
    'zero',
    'P90D',
    'The least time between the interview and the first check-in, whatever date was named.',
  ),
  decisionGraceBusinessDays: z.number().int().min(0).max(30),
  checkInCadence: policyDuration('positive', 'P90D', 'The time between check-ins.'),
  maxCheckIns: z.number().int().min(0).max(3),
  moveOnAfter: policyDuration(
    'positive',
    'P1Y',
    'How long without an answer, after the last check-in (or the thank-yous), before the move-on step.',
  ),
  holidayCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'Expected an upper-case ISO 3166-1 alpha-2 country code, e.g. `GB`')
    .refine((code) => knownHolidayCountries.has(code), {
      message:
        'Not a country the holiday calendar knows: use an ISO 3166-1 alpha-2 code such as `GB` or `US`',
    })
    .nullable()
    .describe(
      'Country whose public holidays no step lands on: an upper-case ISO 3166-1 alpha-2 code ' +
        'with a holiday calendar (about 200 countries; `GB`, not `UK`), or `null` for none.',
    ),
  handwrittenNote: z.boolean(),
  thankYouHours: hoursSchema.describe(
    'Local hours a thank-you may go out (on send days, never on holidays). Wider than ' +
      '`sendHours` by default: the 24-hour rule outranks office hours, late nights do not.',
  ),
  thankYouGiveUpAfter: boundedDuration('P14D').describe(
    'A thank-you that cannot go out this long after the interview ended is recorded as ' +
      '`skipped` with the reason instead of being sent (a note days late does more harm than good).',
  ),
  maxInterviewAge: boundedDuration('P1Y').describe(
    'An interview that ended longer ago than this is refused (400 on `endsAt`).',
  ),
  maxInterviewLead: boundedDuration('P2Y').describe(
    'An interview that starts further ahead than this is refused (400 on `startsAt`).',
  ),
});
export type Policy = z.infer<typeof policySchema>;

export const policyOverridesSchema = policySchema.partial();
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

/** The defaults every tenant starts with (R1, R4, R5, R6, R7). */
export const defaultPolicy: Policy = {
  sendDays: [1, 2, 3, 4, 5],
  sendHours: { start: '08:00', end: '18:00' },
  thankYouDelay: 'PT1H',
  thankYouDeadline: 'PT24H',
  checkInDays: [2, 3],
  checkInHours: { start: '09:00', end: '12:00' },
  firstCheckInAfter: 'P14D',
  minFirstCheckInAfter: 'P7D',
  decisionGraceBusinessDays: 3,
  checkInCadence: 'P14D',
  maxCheckIns: 3,
  moveOnAfter: 'P7D',
  holidayCountry: null,
  handwrittenNote: false,
  thankYouHours: { start: '08:00', end: '20:30' },
  thankYouGiveUpAfter: 'P5D',
  maxInterviewAge: 'P30D',
  maxInterviewLead: 'P1Y',
};

/**
 * The fields of an interview without the cross-field checks, for callers that need to derive
 * a schema (`.partial()`, `.pick()`): zod refuses to derive from a refined object.
 */
export const interviewInputObjectSchema = z.strictObject({
  externalId: shortText(200).optional(),
  candidate: candidateSchema,
  role: roleSchema,
  round: z.number().int().min(1).max(20).default(1),
  format: z.enum(interviewFormats),
  startsAt: instantSchema,
  endsAt: endsAtSchema,
  timeZone: timeZoneSchema,
  interviewers: z.array(interviewerSchema).min(1).max(10),
  recruiter: recruiterSchema
    .optional()
    .describe(
      'Who arranged the interview. Contact-details requests, the feedback request and the ' +
        'withdrawal notice go to them when their email is known; check-ins when no hiring ' +
        'manager can be reached.',
    ),
  nextSteps: nextStepsSchema.default({}),
  policy: policyOverridesSchema.optional(),
});

/** What an integration sends to create an interview (and to preview a plan). */
export const interviewInputSchema = interviewInputObjectSchema.superRefine((input, ctx) => {
  for (const issue of interviewIntervalIssues(input.startsAt, input.endsAt)) {
    ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  }
});
export type InterviewInput = z.infer<typeof interviewInputSchema>;

export const recipientSchema = z.strictObject({
  name: z.string(),
  email: z.string().optional(),
  linkedinUrl: z.string().optional(),
  role: z.enum(['interviewer', 'recruiter', 'hiring_contact', 'candidate']),
});
export type Recipient = z.infer<typeof recipientSchema>;

export const draftSchema = z.strictObject({ subject: z.string(), body: z.string() });
export type Draft = z.infer<typeof draftSchema>;

export const stepSchema = z.strictObject({
  id: z.string().describe('Stable step id, `stp_…`; the same step keeps its id across re-plans.'),
  kind: z.enum(stepKinds),
  status: z.enum(stepStatuses),
  round: z.number().int(),
  recipient: recipientSchema,
  channel: z.enum(channels),
  dueAt: z.string().describe('UTC instant, ISO 8601.'),
  timeZone: z.string(),
  localDueAt: z.string().describe('The due instant in `timeZone` with its real UTC offset.'),
  deadline: z.string().optional(),
  late: z.boolean().optional(),
  reason: z.string().min(1),
  draft: draftSchema.optional(),
  /** 1-based position among check-ins. */
  checkInNumber: z.number().int().optional(),
  regarding: z
    .string()
    .optional()
    .describe('The interviewer a step is about when it goes to someone else (a contact request).'),
  snoozedFrom: z
    .string()
    .optional()
    .describe('On a snoozed copy: the first original due time (UTC), kept through later snoozes.'),
  supersededBy: z
    .string()
    .optional()
    .describe(
      'On a step that had fired (`due`) and was then snoozed: the id of the step that took its ' +
        'place. The fired step is kept as `skipped`, never `cancelled`.',
    ),
  completedAt: z.string().optional(),
  cancelledAt: z.string().optional(),
  cancelReason: z.string().optional(),
});
export type Step = z.infer<typeof stepSchema>;

/** Signals an integration posts when something happens (R9). */
export const signalSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('employer_replied'),
      decisionExpectedBy: dateSchema
        .describe(
          "When the employer now expects to decide. Not before the day of the current round's interview.",
        )
        .optional(),
      followUpOn: dateSchema
        .describe(
          "The day the employer asked to hear back on. Not before the day of the current round's interview.",
        )
        .optional(),
      note: multiLineText(2000).optional(),
    }),
    z.strictObject({ type: z.literal('rejected'), note: multiLineText(2000).optional() }),
    z.strictObject({ type: z.literal('withdrawn'), note: multiLineText(2000).optional() }),
    z.strictObject({ type: z.literal('offer'), note: multiLineText(2000).optional() }),
    z.strictObject({
      type: z.literal('next_round'),
      round: z.number().int().min(2).max(20).optional(),
      format: z.enum(interviewFormats).optional(),
      startsAt: instantSchema,
      endsAt: endsAtSchema,
      timeZone: timeZoneSchema.optional(),
      interviewers: z.array(interviewerSchema).min(1).max(10),
      nextSteps: nextStepsSchema.optional(),
    }),
    z.strictObject({
      type: z.literal('rescheduled'),
      startsAt: instantSchema,
      endsAt: endsAtSchema,
      timeZone: timeZoneSchema.optional(),
    }),
    z.strictObject({
      type: z.literal('paused'),
      until: dateSchema.describe(
        'The day the employer expects to move again ("after the holidays", a hiring freeze). ' +
          'Open check-ins and the move-on shift to this day or later; must be a future date.',
      ),
      note: multiLineText(2000).optional(),
    }),
  ])
  .superRefine((signal, ctx) => {
    // Whether a next round's number is greater than the current one needs the stored interview,
    // so the domain checks that (applySignal); the interval is visible here.
    if (signal.type !== 'next_round' && signal.type !== 'rescheduled') return;
    for (const issue of interviewIntervalIssues(signal.startsAt, signal.endsAt)) {
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    }
  });
export type Signal = z.infer<typeof signalSchema>;
export type SignalType = Signal['type'];

/** Every signal type, in schema order: derived from the union, never listed by hand. */
export const signalTypes: readonly SignalType[] = signalSchema.options.map(
  (option) => option.shape.type.value,
);

/** How far a snooze may push a step: forward only (a negative or zero one would fire it early). */
export const snoozeDurationSchema = boundedDuration('P1Y').describe(
  'How long to wait, counted from now: a positive ISO 8601 duration of at most `P1Y`, e.g. `P2D`.',
);

const stepActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('complete') }),
  z.strictObject({ type: z.literal('skip') }),
  z.strictObject({
    type: z.literal('snooze'),
    /** Either a duration from now or an instant; the result is moved into the next send window. */
    by: snoozeDurationSchema.optional(),
    until: instantSchema.optional(),
  }),
]);
export type StepAction = z.infer<typeof stepActionSchema>;

/**
 * What a re-plan must remember beyond the input and the steps: facts signals told us that the
 * planner reads on every later re-plan (PATCH, reschedule, another signal). One entry per fact;
 * each has one planner hook (see `memory.ts`). The transitions carry it on the state, so no
 * caller can forget to pass one along.
 */
const planMemorySchema = z.strictObject({
  /**
   * The employer replied in the current round (R9). Check-ins restart from `at` when the reply
   * gave new dates, and stop when it did not. A new round clears it.
   */
  employerReply: z.strictObject({ at: z.string(), withDates: z.boolean() }).optional(),
  /**
   * Set by a `paused` signal: no check-in or move-on of the current round before `until`. A
   * later reply with dates, or a new round, clears it.
   */
  pause: z
    .strictObject({ until: z.string(), at: z.string(), note: z.string().optional() })
    .optional(),
});
export type PlanMemory = z.infer<typeof planMemorySchema>;

/** The follow-up state of one interview: its input, whether it is open, and its steps. */
export interface FollowUpState {
  input: InterviewInput;
  status: (typeof interviewStatuses)[number];
  closedReason?: ClosedReason;
  steps: Step[];
  /** What the plan remembers (absent when nothing is). */
  memory?: PlanMemory;
}

/** What a state change did: the new state, and the steps it cancelled and added. */
export interface PlanChange {
  state: FollowUpState;
  cancelled: Step[];
  added: Step[];
}

/**
 * Every draft-check finding and its one severity. An `error` means the note would not do its
 * job (`ok: false`); a `warning` is worth a look.
 */
export const draftFindingSeverities = {
  empty: 'error',
  too_long: 'error',
  generic_phrase: 'error',
  missing_name: 'error',
  missing_contact: 'error',
  missing_role: 'warning',
  broken_sentence: 'warning',
  misspelling: 'warning',
} as const;
export type DraftFindingCode = keyof typeof draftFindingSeverities;

const draftFindingCodes = Object.keys(draftFindingSeverities) as [
  DraftFindingCode,
  ...DraftFindingCode[],
];

export const draftFindingSchema = z.strictObject({
  code: z
    .enum(draftFindingCodes)
    .describe(
      `Severity by code: ${draftFindingCodes
        .map((code) => `\`${code}\` ${draftFindingSeverities[code]}`)
        .join(', ')}.`,
    ),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  /** The offending text, when there is one (a phrase or a misspelt word). */
  excerpt: z.string().optional(),
});
export type DraftFinding = z.infer<typeof draftFindingSchema>;

export const draftCheckContextSchema = z.strictObject({
  kind: z.enum(stepKinds).optional(),
  recipientName: shortText(200).optional(),
  roleTitle: shortText(200).optional(),
  company: shortText(200).optional(),
  candidate: candidateSchema.optional(),
});
export type DraftCheckContext = z.infer<typeof draftCheckContextSchema>;
