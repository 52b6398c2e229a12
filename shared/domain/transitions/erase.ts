/** GDPR-style erasure of one interview's follow-up. */
import type { Temporal } from 'temporal-polyfill';
import { readFollowUpState, type StoredFollowUpState, withMemory } from '../memory';
import type { FollowUpState, InterviewInput, PlanChange, Step } from '../model';
import { cancel, cancelScheduled } from './reconcile';

const redacted = 'Redacted';
const redactedEmail = 'redacted@example.invalid';
const redactedLinkedin = 'https://www.linkedin.com/in/redacted';

/**
 * GDPR-style erasure: cancels every scheduled or due step, closes the interview (`erased`) and
 * replaces every piece of personal data — names, emails, phones, LinkedIn URLs, topics,
 * drafts, the external id — with placeholders. Fields that were absent stay absent. Role and
 * company are kept: they describe the job, not the person.
 */
export function eraseFollowUp(stored: StoredFollowUpState, now: Temporal.Instant): PlanChange {
  const state = readFollowUpState(stored);
  const { steps: cancelledSteps, cancelled } = cancelScheduled(state.steps, now, 'erased');
  // Steps that fired but were never reported done are closed too: nobody may act on them now.
  const closedSteps = cancelledSteps.map((step) =>
    step.status === 'due' ? cancel(step, now, 'erased') : step,
  );
  const { input } = state;
  const erasedInput: InterviewInput = {
    ...input,
    ...(input.externalId === undefined ? {} : { externalId: redacted }),
    candidate: {
      name: redacted,
      ...(input.candidate.email ? { email: redactedEmail } : {}),
      ...(input.candidate.phone ? { phone: redacted } : {}),
      ...(input.candidate.highlights
        ? { highlights: input.candidate.highlights.map(() => redacted) }
        : {}),
    },
    interviewers: input.interviewers.map((person, index) => ({
      ...person,
      name: `${redacted} ${index + 1}`,
      ...(person.email ? { email: redactedEmail } : {}),
      ...(person.linkedinUrl ? { linkedinUrl: redactedLinkedin } : {}),
      ...(person.topics ? { topics: person.topics.map(() => redacted) } : {}),
      ...(person.followUp ? { followUp: redacted } : {}),
    })),
    ...(input.recruiter
      ? {
          recruiter: {
            name: redacted,
            ...(input.recruiter.email ? { email: redactedEmail } : {}),
            ...(input.recruiter.phone ? { phone: redacted } : {}),
          },
        }
      : {}),
  };
  const steps = closedSteps.map((step): Step => {
    const { draft, regarding, ...rest } = step;
    return {
      ...rest,
      ...(regarding === undefined ? {} : { regarding: redacted }),
      recipient: {
        role: step.recipient.role,
        name: redacted,
        ...(step.recipient.email ? { email: redactedEmail } : {}),
        ...(step.recipient.linkedinUrl ? { linkedinUrl: redactedLinkedin } : {}),
      },
      ...(draft ? { draft: { subject: redacted, body: redacted } } : {}),
    };
  });
  // The pause keeps its dates (no personal data) but not its note.
  const pause = state.memory?.pause;
  const closed: FollowUpState = {
    ...state,
    input: erasedInput,
    status: 'closed',
    closedReason: 'erased',
    steps,
  };
  return {
    state: withMemory(closed, {
      ...state.memory,
      ...(pause ? { pause: { until: pause.until, at: pause.at } } : {}),
    }),
    cancelled,
    added: [],
  };
}
