import { Temporal } from 'temporal-polyfill';
import type { Interviewer, InterviewInput, Step } from '../../shared/domain';

export const candidate = {
  name: 'Ana Ruiz',
  email: 'ana.ruiz@example.com',
  phone: '+49 151 2345678',
};

export const jonas: Interviewer = {
  name: 'Jonas Weber',
  email: 'jonas.weber@acme.example',
  title: 'Engineering Manager',
  topics: ['streaming pipelines', 'on-call rotations'],
};

export const mia: Interviewer = {
  name: 'Mia Chen',
  email: 'mia.chen@acme.example',
  topics: ['data quality checks'],
};

/** A one-hour Berlin video interview ending at `endsAt`, one interviewer unless given. */
export function interview(endsAt: string, overrides: Partial<InterviewInput> = {}): InterviewInput {
  const end = Temporal.Instant.from(endsAt);
  return {
    candidate,
    role: { title: 'Data Engineer', company: 'Acme' },
    round: 1,
    format: 'video',
    startsAt: end.subtract({ hours: 1 }).toString(),
    endsAt: end.toString(),
    timeZone: 'Europe/Berlin',
    interviewers: [jonas],
    nextSteps: {},
    ...overrides,
  };
}

export const at = (text: string) => Temporal.Instant.from(text);

export function ofKind(steps: readonly Step[], kind: Step['kind']): Step[] {
  return steps.filter((step) => step.kind === kind);
}

export function only(steps: readonly Step[], kind: Step['kind']): Step {
  const found = ofKind(steps, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, got ${found.length}`);
  return found[0] as Step;
}

export function checkIns(steps: readonly Step[]): Step[] {
  return ofKind(steps, 'check_in').filter((step) => step.status === 'scheduled');
}
