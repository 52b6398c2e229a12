import type { Temporal } from 'temporal-polyfill';
import type { FollowUpState, InterviewInput, Step } from '../../shared/domain/model';
import { nextDueAt } from '../../shared/domain/next-due';
import { newId } from '../../shared/ids';
import type { StoredInterview } from '../../shared/store/ports';

/** Interview inputs for API tests, anchored to the harness clock (Monday 2026-03-02 09:00Z). */
export function interviewInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalId: 'ats-1001',
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'video',
    startsAt: '2026-03-03T14:00:00Z',
    endsAt: '2026-03-03T15:00:00Z',
    timeZone: 'America/New_York',
    interviewers: [
      {
        name: 'Priya Raman',
        email: 'priya@northwind.example',
        title: 'Engineering Manager',
        topics: ['event sourcing'],
      },
      {
        name: 'Marco Ortiz',
        linkedinUrl: 'https://www.linkedin.com/in/marco-ortiz',
        topics: ['on-call rotations'],
      },
    ],
    nextSteps: { decisionExpectedBy: '2026-03-13' },
    ...overrides,
  };
}

/** The input of stored-item fixtures: Ada Example's video interview at Acme with Grace Hopper. */
export const storedInput: InterviewInput = {
  candidate: { name: 'Ada Example', email: 'ada@example.com' },
  role: { title: 'Platform Engineer', company: 'Acme' },
  round: 1,
  format: 'video',
  startsAt: '2026-03-06T16:00:00Z',
  endsAt: '2026-03-06T17:00:00Z',
  timeZone: 'Europe/Berlin',
  interviewers: [{ name: 'Grace Hopper', email: 'grace@example.com', topics: ['compilers'] }],
  nextSteps: {},
};

/**
 * An interview item as the service first stores it: version 1, created and updated at `at`,
 * with an id from `at` and its `nextDueAt` derived from the steps. `fields` win.
 */
export function storedInterview(
  tenantId: string,
  at: Temporal.Instant,
  state: FollowUpState,
  fields: Partial<StoredInterview> = {},
): StoredInterview {
  const due = nextDueAt(state.steps);
  return {
    tenantId,
    id: newId('int', at.epochMilliseconds),
    version: 1,
    createdAt: at.toString(),
    updatedAt: at.toString(),
    state,
    eventSequence: 1,
    ...(due === undefined ? {} : { nextDueAt: due }),
    ...fields,
  };
}

/** A scheduled check-in to a hiring contact by email (due 2026-03-17 14:00 UTC); `fields` win. */
export function checkInStep(id: string, fields: Partial<Step> = {}): Step {
  return {
    id,
    kind: 'check_in',
    status: 'scheduled',
    round: 1,
    recipient: { name: 'R', role: 'hiring_contact' },
    channel: 'email',
    dueAt: '2026-03-17T14:00:00Z',
    timeZone: 'UTC',
    localDueAt: '2026-03-17T14:00:00+00:00',
    reason: 'r',
    ...fields,
  };
}
