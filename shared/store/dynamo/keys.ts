/**
 * Key builders of the single table (layout in ../table): every partition and sort key an entity
 * module writes or queries is spelled here, so two entities cannot disagree about one.
 */
import { createHash } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { ValidationError } from '../../errors';
import { dueShardCount, keyPrefix, tableKeys } from '../table';

export const { partitionKey: pk, sortKey: sk } = tableKeys;

/** A base-table key. */
export interface ItemKey {
  pk: string;
  sk: string;
}

export const tenantScope = (tenantId: string) => `${keyPrefix.tenantScope}${tenantId}`;
export const endpointScope = (tenantId: string, endpointId: string) =>
  `${tenantScope(tenantId)}#${keyPrefix.endpoint}${endpointId}`;
export const statusPartition = (tenantId: string, status: string) =>
  `${tenantScope(tenantId)}#S#${status}`;
export const externalIdPartition = (tenantId: string, externalId: string) =>
  `${tenantScope(tenantId)}#X#${externalId}`;
export const eventsPartition = (tenantId: string) => `${tenantScope(tenantId)}#EVT`;
export const eventTypePartition = (tenantId: string, type: string) =>
  `${tenantScope(tenantId)}#EVT#TYPE#${type}`;
export const interviewEventsPartition = (tenantId: string, interviewId: string) =>
  `${tenantScope(tenantId)}#INT#${interviewId}#EVT`;
export const interviewAttemptsPartition = (tenantId: string, interviewId: string) =>
  `${tenantScope(tenantId)}#INT#${interviewId}#ATT`;
export const interviewIdempotencyPartition = (tenantId: string, interviewId: string) =>
  `${tenantScope(tenantId)}#INT#${interviewId}#IDEM`;
export const unsuccessfulPartition = (tenantId: string, endpointId: string) =>
  `${endpointScope(tenantId, endpointId)}#UNOK`;

/** An item kept in the tenant's own partition under `prefix` + `id` (interview, event, …). */
export const tenantItemKey = (tenantId: string, prefix: string, id: string): ItemKey => ({
  pk: tenantScope(tenantId),
  sk: `${prefix}${id}`,
});

/** Which `DUE#n` partition an interview's due entry lives in: stable, and spread evenly. */
export function dueShardOf(tenantId: string, interviewId: string): string {
  const digest = createHash('sha256').update(`${tenantId}\u001f${interviewId}`).digest();
  return `${keyPrefix.dueShard}${(digest[0] ?? 0) % dueShardCount}`;
}

/**
 * An instant in one fixed format (UTC, milliseconds) so that sort keys compare as times:
 * `…:00Z` and `…:00.000Z` name the same instant but do not sort together as strings.
 */
export function sortableInstant(iso: string, field: string): string {
  try {
    return Temporal.Instant.from(iso).toString({ fractionalSecondDigits: 3 });
  } catch {
    throw new ValidationError(`${field} is not an ISO 8601 instant`, [
      { path: field, message: 'Expected an ISO 8601 instant', code: 'invalid_instant' },
    ]);
  }
}
