/**
 * Every event type Afterview records and sends. Zod-free, so the store (which lists events by
 * type) and the worker Lambdas can use it; the envelope schemas are in ./event-catalog.
 */
import { stepKinds } from '../domain/step-kinds';

const stepEventTypes = stepKinds.map((kind) => `followup.${kind}` as const);

export const eventTypes = [
  ...stepEventTypes,
  'interview.created',
  'interview.updated',
  'interview.closed',
  'webhook.test',
  'webhook_endpoint.disabled',
  'webhook_endpoint.failing',
  'webhook.delivery_exhausted',
] as const;
export type EventType = (typeof eventTypes)[number];

/** The `test` probe's event type: sent to one endpoint, once, and never resent. */
export const testEventType = 'webhook.test' satisfies EventType;

export function isEventType(value: string): value is EventType {
  return (eventTypes as readonly string[]).includes(value);
}
