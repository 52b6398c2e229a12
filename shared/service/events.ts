import type { Temporal } from 'temporal-polyfill';
import { stableId } from '../ids';
import type { StoredEvent, StoredInterview, WebhookStore } from '../store/ports';

/**
 * Records an event. The store-backed publisher only writes it; a webhook fan-out publisher can
 * wrap this one and add deliveries without the services knowing.
 */
export interface EventPublisher {
  publish(event: StoredEvent): Promise<void>;
}

/** Writes each event to the store; a repeated event id is a no-op (ids are deterministic). */
export class StoreEventPublisher implements EventPublisher {
  constructor(private readonly store: Pick<WebhookStore, 'putEvent'>) {}

  async publish(event: StoredEvent): Promise<void> {
    await this.store.putEvent(event);
  }
}

/** Events are kept for 30 days (DynamoDB TTL on `expiresAt`). */
export const eventRetentionSeconds = 30 * 24 * 60 * 60;

const interviewEventTypes = ['interview.created', 'interview.updated', 'interview.closed'] as const;
export type InterviewEventType = (typeof interviewEventTypes)[number];

/**
 * What interview events carry. Deliberately free of personal data (no candidate or interviewer
 * details): events outlive an erasure by up to 30 days, so they must not hold anything to erase.
 * Receivers fetch the interview for details.
 */
interface InterviewEventSummary {
  interviewId: string;
  externalId?: string;
  status: 'active' | 'closed';
  closedReason?: string;
  version: number;
  round: number;
  nextDueAt?: string;
  updatedAt: string;
  /** Per-interview counter; a receiver drops an update whose sequence is not newer. */
  sequence: number;
}

function summarizeInterview(interview: StoredInterview, sequence: number): InterviewEventSummary {
  const { state } = interview;
  return {
    interviewId: interview.id,
    // An erased interview's external id is a placeholder: its notices leave it out, as the
    // erasure removes it from the interview's earlier events.
    ...(interview.externalId === undefined || state.closedReason === 'erased'
      ? {}
      : { externalId: interview.externalId }),
    status: state.status,
    ...(state.closedReason === undefined ? {} : { closedReason: state.closedReason }),
    version: interview.version,
    round: state.input.round,
    ...(interview.nextDueAt === undefined ? {} : { nextDueAt: interview.nextDueAt }),
    updatedAt: interview.updatedAt,
    sequence,
  };
}

/**
 * The deterministic id of an interview event: created and closed happen once per interview,
 * updated once per version, so a retried write records the same event again harmlessly.
 */
export function interviewEventId(
  type: InterviewEventType,
  interview: Pick<StoredInterview, 'tenantId' | 'id' | 'version'>,
): string {
  return type === 'interview.updated'
    ? stableId('evt', interview.tenantId, interview.id, type, interview.version)
    : stableId('evt', interview.tenantId, interview.id, type);
}

/** Builds the stored event for an interview change, numbered with `sequence`. */
export function interviewEvent(
  type: InterviewEventType,
  interview: StoredInterview,
  sequence: number,
  now: Temporal.Instant,
): StoredEvent {
  const timestamp = now.toString();
  return {
    tenantId: interview.tenantId,
    id: interviewEventId(type, interview),
    type,
    timestamp,
    interviewId: interview.id,
    data: { ...summarizeInterview(interview, sequence) },
    createdAt: timestamp,
    expiresAt: Math.floor(now.epochMilliseconds / 1000) + eventRetentionSeconds,
  };
}
