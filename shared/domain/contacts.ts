/**
 * Who receives each message and how (R3, and the routing rules of DESIGN §2): the interviewer's
 * preferred channel when their details allow it, the hiring manager for check-ins, the
 * recruiter for contact requests and closing notes. Every choice comes with the words a step
 * reason uses to explain it.
 */
import type { Channel, Interviewer, InterviewInput, Recipient, Recruiter } from './model';

/** A recipient, the channel to use and why, in the words a step reason uses. */
export interface Contact {
  recipient: Recipient;
  channel: Channel;
  timeZone: string;
  /** The interviewer's second topic (their first went into the thank-you), for check-ins. */
  topic: string | undefined;
  /** The interviewer's question to come back to, when the contact is an interviewer. */
  followUp: string | undefined;
  /** Why this recipient and channel, for reasons. */
  why: string;
}

export function recipientOf(person: Interviewer): Recipient {
  return {
    name: person.name,
    ...(person.email ? { email: person.email } : {}),
    ...(person.linkedinUrl ? { linkedinUrl: person.linkedinUrl } : {}),
    role: 'interviewer',
  };
}

function recruiterRecipient(recruiter: Recruiter): Recipient {
  return {
    name: recruiter.name,
    ...(recruiter.email ? { email: recruiter.email } : {}),
    role: 'recruiter',
  };
}

const channelWords: Record<'email' | 'linkedin' | 'mail', string> = {
  email: 'email',
  linkedin: 'LinkedIn',
  mail: 'post',
};

/** What a message is: a thank-you may go by post; a check-in by post would arrive too late. */
export type Purpose = 'thank_you' | 'check_in';

/**
 * The channel for a message to `person`, or undefined when we cannot reach them. The
 * preferred channel wins when usable; otherwise email, then LinkedIn, and `why` says why the
 * preference was not followed.
 */
export function interviewerChannel(
  person: Interviewer,
  purpose: Purpose,
): { channel: 'email' | 'linkedin' | 'mail'; why: string } | undefined {
  const preferred = person.preferredChannel;
  if (preferred === 'email' && person.email) {
    return { channel: 'email', why: 'by email, as they prefer' };
  }
  if (preferred === 'linkedin' && person.linkedinUrl) {
    return { channel: 'linkedin', why: 'on LinkedIn, as they prefer' };
  }
  if (preferred === 'mail' && purpose === 'thank_you') {
    return {
      channel: 'mail',
      why: 'by post, as they prefer (a card sent express to the office, so it still arrives promptly)',
    };
  }
  const fallback = person.email
    ? { channel: 'email' as const, via: 'by email' }
    : person.linkedinUrl
      ? { channel: 'linkedin' as const, via: 'on LinkedIn (only a profile is known)' }
      : undefined;
  if (!fallback) return undefined;
  if (preferred === undefined) return { channel: fallback.channel, why: fallback.via };
  const unusable =
    preferred === 'mail'
      ? 'a check-in by post would arrive too late'
      : preferred === 'linkedin'
        ? 'no LinkedIn profile is known'
        : 'no email address is known';
  return {
    channel: fallback.channel,
    why: `${fallback.via}: they prefer ${channelWords[preferred]}, but ${unusable}`,
  };
}

function interviewerContact(
  input: InterviewInput,
  person: Interviewer,
  channel: { channel: Channel; why: string },
  who: string,
  note = '',
): Contact {
  return {
    recipient: recipientOf(person),
    channel: channel.channel,
    timeZone: person.timeZone ?? input.timeZone,
    topic: person.topics?.[1] ?? person.topics?.[0],
    followUp: person.followUp,
    why: `${who} ${channel.why}${note}`,
  };
}

function recruiterContact(input: InterviewInput, why: string): Contact | undefined {
  const recruiter = input.recruiter;
  if (!recruiter?.email) return undefined;
  return {
    recipient: recruiterRecipient(recruiter),
    channel: 'email',
    timeZone: input.timeZone,
    topic: undefined,
    followUp: undefined,
    why,
  };
}

/** The first interviewer we can reach, or the hiring team through a task. */
function anyInterviewer(input: InterviewInput, purpose: Purpose, note: string): Contact {
  // An interviewer with an email address first, as before preferences existed, then LinkedIn.
  const ordered = [
    ...input.interviewers.filter((person) => person.email),
    ...input.interviewers.filter((person) => !person.email),
  ];
  for (const person of ordered) {
    const channel = interviewerChannel(person, purpose);
    // Reasons name roles, never people: they survive erasure.
    if (channel) return interviewerContact(input, person, channel, 'to an interviewer', note);
  }
  return {
    recipient: {
      name: input.recruiter?.name ?? `Hiring team at ${input.role.company}`,
      role: input.recruiter ? 'recruiter' : 'hiring_contact',
    },
    channel: 'task',
    timeZone: input.timeZone,
    topic: undefined,
    followUp: undefined,
    why: input.recruiter
      ? 'through the recruiter as a task (no address known for anyone)'
      : 'to the hiring team as a task (no recruiter named and no address known for anyone)',
  };
}

/**
 * Check-ins (R5, R6) go to the hiring manager, else the recruiter, else the first interviewer
 * we can reach, else the hiring team as a task.
 */
export function checkInContact(input: InterviewInput): Contact {
  const manager = input.interviewers.find((person) => person.hiringManager);
  const managerChannel = manager && interviewerChannel(manager, 'check_in');
  if (manager && managerChannel) {
    return interviewerContact(input, manager, managerChannel, `to the hiring manager`);
  }
  const managerNote = manager
    ? ' (no address known for the hiring manager)'
    : ' (no hiring manager named)';
  return (
    recruiterContact(input, `to the recruiter by email${managerNote}`) ??
    anyInterviewer(input, 'check_in', manager ? managerNote : '')
  );
}

/**
 * The feedback request and the withdrawal notice (R9) go to the recruiter who arranged the
 * interview when we have their email, else to the hiring manager or an interviewer.
 */
export function closingContact(input: InterviewInput): Contact {
  const recruiter = recruiterContact(
    input,
    'to the recruiter who arranged the interview, by email',
  );
  if (recruiter) return recruiter;
  const manager = input.interviewers.find((person) => person.hiringManager);
  const managerChannel = manager && interviewerChannel(manager, 'check_in');
  const noRecruiter = input.recruiter ? ' (no recruiter email known)' : ' (no recruiter named)';
  if (manager && managerChannel) {
    return interviewerContact(input, manager, managerChannel, 'to the hiring manager', noRecruiter);
  }
  return anyInterviewer(input, 'check_in', noRecruiter);
}

/**
 * Where a contact-details request for `person` goes (R3): the recruiter by email when we have
 * it, else a task for the candidate. Timed in the recipient's zone like every step (DESIGN §1):
 * the recruiter has no zone of their own, so the interview's, not the interviewer's.
 */
export function contactRequestRoute(
  input: InterviewInput,
  person: Interviewer,
): {
  recipient: Recipient;
  channel: Channel;
  timeZone: string;
  /** The interviewer the request is about, when the recipient is someone else. */
  regarding: string | undefined;
  why: string;
} {
  const recruiter = input.recruiter;
  if (recruiter) {
    const zone = `timed in the recruiter's time zone (the interview's, ${input.timeZone})`;
    return {
      recipient: recruiterRecipient(recruiter),
      channel: recruiter.email ? 'email' : 'task',
      timeZone: input.timeZone,
      regarding: person.name,
      why: recruiter.email
        ? `ask the recruiter by email for contact details instead of sending blind, ${zone}`
        : `ask the recruiter for contact details instead of sending blind (a task: no recruiter email known), ${zone}`,
    };
  }
  // No one else to address: the task is about, and addressed to, the interviewer.
  return {
    recipient: recipientOf(person),
    channel: 'task',
    timeZone: person.timeZone ?? input.timeZone,
    regarding: undefined,
    why: 'ask the recruiter for contact details instead of sending blind (a task: no recruiter email known)',
  };
}
