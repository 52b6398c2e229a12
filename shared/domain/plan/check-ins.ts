/** R5–R8: check-ins after the thank-yous, spaced out, then the move-on. */
import { Temporal } from 'temporal-polyfill';
import { describeDays, describeDuration, describeLocal, holidayNote } from '../calendar';
import { type Contact, checkInContact } from '../contacts';
import { checkInDraft, checkInPoints } from '../drafts';
import {
  addDuration,
  placeWithIdeal,
  type RoundContext,
  spanDays,
  type WindowKind,
} from './context';
import { type AddStep, buildStep, checkInSlot, roundSlot } from './steps';

/** R8: how long after the employer's ideal start date we consider it "clearly passed". */
const idealStartGraceDays = 7;

/** The latest day no check-in may precede, and how a reason says so. */
interface CheckInFloor {
  date: Temporal.PlainDate;
  /** `they are away until 2026-03-20`. */
  why: string;
  /** `their return on 2026-03-20`: what a move-on counts from. */
  from: string;
  /** The floor's first check-in hour in the recipient's zone. */
  at: Temporal.Instant;
}

/** What the check-ins of one round are measured against. */
interface CheckInBasis {
  contact: Contact;
  /** The check-in recipient's zone. */
  zone: string;
  /** The latest thank-you, sent or planned: the first check-in counts from it. */
  lastThankYou: Temporal.Instant;
  /** No first check-in before this (`minFirstCheckInAfter` after the interview). */
  minimumFirst: Temporal.Instant;
  /** Days between check-ins (R6). */
  spacingDays: number;
  /** How a reason names the spacing. */
  spacingNote: string;
  floor: CheckInFloor | undefined;
}

function checkInFloor(
  { input, calendar, history }: RoundContext,
  zone: string,
): CheckInFloor | undefined {
  const checkInStart = calendar.checkIn?.start ?? calendar.send.start;
  const at = (date: Temporal.PlainDate) =>
    date.toZonedDateTime({ timeZone: zone, plainTime: checkInStart }).toInstant();
  const floors: CheckInFloor[] = [];
  const away = input.nextSteps.unavailableUntil;
  if (away) {
    const date = Temporal.PlainDate.from(away);
    floors.push({
      date,
      why: `the decision maker is away until ${away}`,
      from: `their return on ${away}`,
      at: at(date),
    });
  }
  if (history.pausedUntil) {
    const date = Temporal.PlainDate.from(history.pausedUntil);
    floors.push({
      date,
      why: `the employer paused the process until ${history.pausedUntil}`,
      from: `the end of the pause on ${history.pausedUntil}`,
      at: at(date),
    });
  }
  return floors.sort((a, b) => Temporal.PlainDate.compare(b.date, a.date))[0];
}

function checkInBasis(context: RoundContext, lastThankYou: Temporal.Instant): CheckInBasis {
  const { input, policy, end } = context;
  const contact = checkInContact(input);
  const zone = contact.timeZone;
  const { nextSteps } = input;
  // R6: a long process is not chased every two weeks; spread the check-ins over it.
  const cadenceDays = spanDays(policy.checkInCadence, end, zone);
  const processDays = nextSteps.processLength ? spanDays(nextSteps.processLength, end, zone) : 0;
  const spreadDays =
    policy.maxCheckIns > 0 && processDays > 0 ? Math.ceil(processDays / policy.maxCheckIns) : 0;
  const spacingDays = Math.max(cadenceDays, spreadDays);
  const spacingNote =
    spreadDays > cadenceDays && nextSteps.processLength
      ? `a process of ${describeDuration(nextSteps.processLength)} → check-ins spaced ${spacingDays} days apart`
      : `every ${spacingDays} days`;
  return {
    contact,
    zone,
    lastThankYou,
    minimumFirst: addDuration(end, policy.minFirstCheckInAfter, zone),
    spacingDays,
    spacingNote,
    floor: checkInFloor(context, zone),
  };
}

interface FreshCheckIn {
  number: number;
  at: Temporal.ZonedDateTime;
  ideal: Temporal.ZonedDateTime;
  reason: string;
}

/** R5–R8: first check-in from the employer's timeline, later ones spaced out, then move on. */
export function planCheckIns(
  context: RoundContext,
  lastThankYou: Temporal.Instant,
  add: AddStep,
): void {
  const { input, policy, calendar, history, round } = context;
  const basis = checkInBasis(context, lastThankYou);
  const { zone, floor } = basis;
  const { nextSteps } = input;
  const cutoff = nextSteps.idealStartDate
    ? Temporal.PlainDate.from(nextSteps.idealStartDate).add({ days: idealStartGraceDays })
    : undefined;

  let previous: Temporal.Instant | undefined;
  let lastNumber = 0;
  let dropped: string | undefined;
  const fresh: FreshCheckIn[] = [];

  for (let number = 1; number <= policy.maxCheckIns; number++) {
    const filled = history.filled.get(checkInSlot(round, number));
    if (filled) {
      previous = Temporal.Instant.from(filled.dueAt);
      lastNumber = number;
      continue;
    }
    // After an employer reply with dates the sequence restarts from the reply — unless a
    // check-in has already gone out since then.
    const replyAt = history.employerReply?.at;
    const restart =
      replyAt !== undefined &&
      fresh.length === 0 &&
      (previous === undefined || Temporal.Instant.compare(previous, replyAt) < 0);
    const timing: CheckInTarget =
      previous === undefined || restart
        ? firstCheckIn(context, basis, restart ? replyAt : undefined)
        : {
            target: previous.toZonedDateTimeISO(zone).add({ days: basis.spacingDays }).toInstant(),
            why: `${basis.spacingNote} after check-in ${number - 1}`,
            window: 'check_in',
          };
    // No check-in before the decision maker is back or the pause ends; we pick the day again.
    if (floor && Temporal.Instant.compare(timing.target, floor.at) < 0) {
      timing.target = floor.at;
      timing.why = `${timing.why}; ${floor.why}, so not before then`;
      timing.window = 'check_in';
      timing.namedDay = undefined;
    }
    const { placement, ideal } = placeWithIdeal(context, timing.target, zone, timing.window);
    // R8: stop once the ideal start date has clearly passed.
    if (cutoff && Temporal.PlainDate.compare(placement.at.toPlainDate(), cutoff) > 0) {
      dropped = `check-ins from #${number} dropped: the ideal start date ${nextSteps.idealStartDate} has clearly passed (more than ${idealStartGraceDays} days) by then`;
      break;
    }
    const slotName = placement.preferred
      ? `preferred ${describeDays(calendar.checkIn?.days ?? [])} morning window`
      : timing.namedDay && placement.at.toPlainDate().equals(timing.namedDay)
        ? 'the day they named,'
        : 'next send window';
    fresh.push({
      number,
      at: placement.at,
      ideal,
      reason: `check-in ${number} of at most ${policy.maxCheckIns} ${basis.contact.why}: ${timing.why} → ${slotName} ${describeLocal(placement.at)}${holidayNote(placement)}`,
    });
    previous = placement.at.toInstant();
    lastNumber = number;
  }

  addCheckIns(context, basis.contact, fresh, add);
  // R7/R9: no check-in left and none since the employer replied with dates: the move-on
  // counts from the day the reply points to.
  const answered =
    dropped === undefined && fresh.length === 0
      ? answeredAfterLast(context, basis, previous)
      : undefined;
  planMoveOn(context, basis, { previous, lastNumber, dropped, answered }, add);
}

/**
 * R7/R9: the employer replied with dates after the last check-in allowed had gone out. The
 * sequence was answered, not ignored: no check-in beyond the maximum, but the move-on waits for
 * the day the reply points to (where a first check-in after it would go), not the old schedule.
 */
function answeredAfterLast(
  context: RoundContext,
  basis: CheckInBasis,
  lastCheckIn: Temporal.Instant | undefined,
): MoveOnAnchor | undefined {
  const replyAt = context.history.employerReply?.at;
  if (replyAt === undefined) return undefined;
  if (lastCheckIn !== undefined && Temporal.Instant.compare(lastCheckIn, replyAt) >= 0) {
    return undefined;
  }
  const timing = firstCheckIn(context, basis, replyAt);
  return {
    at: timing.target,
    after: `the day the employer's reply points to (${timing.why}), with no check-ins left (at most ${context.policy.maxCheckIns})`,
  };
}

/** What a move-on counts from instead of the last check-in, and how its reason says so. */
interface MoveOnAnchor {
  at: Temporal.Instant;
  after: string;
}

function addCheckIns(
  context: RoundContext,
  contact: Contact,
  fresh: readonly FreshCheckIn[],
  add: AddStep,
): void {
  const { input, round, seed } = context;
  const points = checkInPoints({
    candidate: input.candidate,
    topic: contact.topic,
    recipientIndex: input.interviewers.findIndex(
      (person) =>
        contact.recipient.role === 'interviewer' && person.name === contact.recipient.name,
    ),
    seed,
  });
  fresh.forEach((entry, position) => {
    const last = position === fresh.length - 1 && entry.number >= 2;
    const slot = checkInSlot(round, entry.number);
    add(
      slot,
      buildStep(slot, {
        kind: 'check_in',
        round,
        recipient: contact.recipient,
        channel: contact.channel,
        at: entry.at,
        reason: last ? `${entry.reason}; the last one, so it suggests a short call` : entry.reason,
        draft: checkInDraft({
          candidate: input.candidate,
          role: input.role,
          round,
          recipientName:
            contact.recipient.role === 'hiring_contact' ? undefined : contact.recipient.name,
          point: points[((round - 1) * 3 + entry.number - 1) % points.length] as string,
          checkInNumber: entry.number,
          last,
          seed,
        }),
        checkInNumber: entry.number,
      }),
      entry.ideal,
    );
  });
}

/** R7: after the last check-in goes unanswered, move on (the dispatcher emits the event). */
function planMoveOn(
  context: RoundContext,
  basis: CheckInBasis,
  checkIns: {
    previous: Temporal.Instant | undefined;
    lastNumber: number;
    dropped?: string | undefined;
    /** An employer reply with dates after the last check-in: count from the day it names. */
    answered?: MoveOnAnchor | undefined;
  },
  add: AddStep,
): void {
  const { input, policy, round, history } = context;
  const moveOnSlot = roundSlot(round, 'move_on');
  if (history.filled.has(moveOnSlot)) return;
  const { floor } = basis;
  let anchor = checkIns.previous ?? basis.lastThankYou;
  // With no thank-you sent or planned (all skipped, or only contact requests) the anchor is
  // the interview itself, and the reason says so.
  let after =
    checkIns.lastNumber > 0
      ? `check-in ${checkIns.lastNumber}`
      : basis.lastThankYou.equals(context.end)
        ? 'the interview'
        : 'the thank-you notes';
  if (checkIns.answered && Temporal.Instant.compare(anchor, checkIns.answered.at) < 0) {
    anchor = checkIns.answered.at;
    after = checkIns.answered.after;
  }
  if (floor && Temporal.Instant.compare(anchor, floor.at) < 0) {
    anchor = floor.at;
    after = floor.from;
  }
  const candidateZone = input.timeZone;
  const target = addDuration(anchor, policy.moveOnAfter, candidateZone);
  const { placement, ideal } = placeWithIdeal(context, target, candidateZone);
  add(
    moveOnSlot,
    buildStep(moveOnSlot, {
      kind: 'move_on',
      round,
      recipient: {
        name: input.candidate.name,
        ...(input.candidate.email ? { email: input.candidate.email } : {}),
        role: 'candidate',
      },
      channel: 'task',
      at: placement.at,
      reason: `no answer ${describeDuration(policy.moveOnAfter)} after ${after} → time to move on and keep searching (${describeLocal(placement.at)})${holidayNote(placement)}${checkIns.dropped ? `; ${checkIns.dropped}` : ''}`,
    }),
    ideal,
  );
}

interface CheckInTarget {
  target: Temporal.Instant;
  why: string;
  window: WindowKind;
  /** The date the employer named: kept as is when it is a send day. */
  namedDay?: Temporal.PlainDate | undefined;
}

/** R5: when the first check-in (or the first after an employer reply) is aimed at. */
function firstCheckIn(
  { input, policy, calendar, end }: RoundContext,
  { zone, lastThankYou, minimumFirst, spacingDays }: CheckInBasis,
  replyAt: Temporal.Instant | undefined,
): CheckInTarget {
  const { followUpOn, decisionExpectedBy } = input.nextSteps;
  const anchor = replyAt ?? lastThankYou;
  const checkInStart = calendar.checkIn?.start ?? calendar.send.start;
  const source = replyAt ? 'the employer replied and said' : 'the employer said';
  if (followUpOn) {
    // An explicit date wins over every default and over the weekday preference (we did not
    // choose it), but a check-in never precedes the thank-you.
    const day = Temporal.PlainDate.from(followUpOn);
    const onDay = day.toZonedDateTime({ timeZone: zone, plainTime: checkInStart }).toInstant();
    if (Temporal.Instant.compare(onDay, anchor) > 0) {
      return {
        target: onDay,
        why: `${source} to reach out on ${followUpOn}`,
        window: 'send',
        namedDay: day,
      };
    }
    return {
      target: anchor.toZonedDateTimeISO(zone).add({ days: 1 }).toInstant(),
      why: `${source} to reach out on ${followUpOn}, which is not after the previous message; the next day instead`,
      window: 'send',
    };
  }
  let target: Temporal.Instant;
  let why: string;
  if (decisionExpectedBy) {
    const date = calendar.addBusinessDays(
      Temporal.PlainDate.from(decisionExpectedBy),
      policy.decisionGraceBusinessDays,
    );
    target = date.toZonedDateTime({ timeZone: zone, plainTime: checkInStart }).toInstant();
    why = `${source} a decision is expected by ${decisionExpectedBy} → ${policy.decisionGraceBusinessDays} business days later`;
  } else {
    const gapDays = Math.max(spanDays(policy.firstCheckInAfter, anchor, zone), spacingDays);
    target = anchor.toZonedDateTimeISO(zone).add({ days: gapDays }).toInstant();
    // Say what the gap counts from and what set it: a long process, or the default.
    const from = replyAt
      ? "the employer's reply"
      : lastThankYou.equals(end)
        ? 'the interview (no thank-you went out)'
        : 'the thank-you';
    const { processLength } = input.nextSteps;
    const spread = gapDays > spanDays(policy.firstCheckInAfter, anchor, zone);
    why = replyAt
      ? `${gapDays} days after ${from}`
      : processLength && spread
        ? `a process of ${describeDuration(processLength)} → ${gapDays} days after ${from}`
        : processLength
          ? `no decision date given → ${gapDays} days after ${from}`
          : `no timeline given → ${gapDays} days after ${from}`;
  }
  if (Temporal.Instant.compare(target, minimumFirst) < 0) {
    return {
      target: minimumFirst,
      why: `${why}, but never sooner than ${describeDuration(policy.minFirstCheckInAfter)} after the interview`,
      window: 'check_in',
    };
  }
  return { target, why, window: 'check_in' };
}
