/**
 * The wake-up port. A schedule is only a wake-up call: DynamoDB stays the source of truth, and
 * whatever a wake-up triggers re-reads state before acting.
 */

/** What a schedule hands to the dispatcher when it fires (the schedule target's `Input`). */
export type WakeupPayload =
  | { kind: 'step'; tenantId: string; interviewId: string; stepId: string }
  | {
      kind: 'delivery';
      tenantId: string;
      eventId: string;
      endpointId: string;
      /** The attempt number this wake-up performs (2 = first retry). */
      attempt: number;
    }
  | {
      /**
       * The 5-day rule's deadline of one failure streak: disables the endpoint if that streak
       * is still open (no delivery succeeded since it began).
       */
      kind: 'endpoint';
      tenantId: string;
      endpointId: string;
      /** When the streak began (the endpoint's `firstFailureAt`), ISO 8601. */
      failingSince: string;
    };

export interface Wakeup {
  /** Deterministic, unique, at most 64 characters of `[0-9a-zA-Z-_.]`. See scheduleName(). */
  name: string;
  /** UTC instant, ISO 8601. */
  at: string;
  payload: WakeupPayload;
}

export interface WakeupScheduler {
  /** Creates each wake-up; one that already exists counts as created. */
  schedule(wakeups: readonly Wakeup[]): Promise<void>;
  /** Deletes each wake-up by name; one that does not exist counts as deleted. */
  cancel(names: readonly string[]): Promise<void>;
}

/** The dispatcher's entry: what runs when a wake-up fires. */
export type WakeupHandler = (payload: WakeupPayload) => Promise<void>;
