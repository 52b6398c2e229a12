import { stableToken } from '../ids';
import type { WakeupPayload } from './ports';

/**
 * Deterministic schedule names (EventBridge Scheduler allows 64 characters of
 * `[0-9a-zA-Z-_.]`). The same step, delivery attempt or failure streak always maps to the same name, so
 * creating it twice is a harmless ConflictException and cancelling needs no lookup.
 */
export function scheduleName(payload: WakeupPayload): string {
  if (payload.kind === 'step') {
    return `step-${stableToken(40, payload.tenantId, payload.interviewId, payload.stepId)}`;
  }
  if (payload.kind === 'endpoint') {
    return `ep-${stableToken(40, payload.tenantId, payload.endpointId, payload.failingSince)}`;
  }
  return `dlv-${stableToken(40, payload.tenantId, payload.eventId, payload.endpointId)}-${payload.attempt}`;
}
