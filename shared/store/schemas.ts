/**
 * The schema of every document the table stores, with its version and its upgrades (the
 * machinery is in ./document-schema). To change a document's shape, see "Changing a stored
 * document" in docs/operations.md: add an upgrade from the current version, bump `version`,
 * change the check, and keep the old-version test.
 */
import type { PolicyOverrides } from '../domain/model';
import {
  defineDocument,
  isArray,
  isBoolean,
  isInteger,
  isNumber,
  isObject,
  isOneOf,
  isString,
} from './document-schema';
import type {
  DeliveryAttempt,
  DeliveryState,
  IdempotencyRecord,
  StoredEndpoint,
  StoredEvent,
  StoredInterview,
  Tenant,
} from './ports';

/**
 * Version 1 is the shape every document had when versions were introduced, so reading a
 * version-0 (version-less) document changes nothing: the upgrade only passes it on to the
 * version-1 check.
 */
const fromUnversioned = (document: Record<string, unknown>) => document;

export const tenantDocument = defineDocument<Tenant>({
  entity: 'tenant',
  version: 1,
  upgrades: [fromUnversioned],
  check: isObject({ id: isString, name: isString, createdAt: isString }),
});

export const policyDocument = defineDocument<PolicyOverrides>({
  entity: 'policy',
  version: 1,
  upgrades: [fromUnversioned],
  check: isObject({}, { sendDays: isArray, checkInDays: isArray, maxCheckIns: isInteger }),
});

export const interviewDocument = defineDocument<StoredInterview>({
  entity: 'interview',
  version: 1,
  upgrades: [fromUnversioned],
  check: isObject(
    {
      tenantId: isString,
      id: isString,
      version: isInteger,
      createdAt: isString,
      updatedAt: isString,
      eventSequence: isInteger,
      state: isObject({ status: isString, steps: isArray }),
    },
    { externalId: isString, nextDueAt: isString, outbox: isArray, revision: isInteger },
  ),
});

const idempotencyBase = isObject({
  tenantId: isString,
  key: isString,
  createdAt: isString,
  expiresAt: isNumber,
  phase: isOneOf('in_progress', 'completed', 'erased'),
});
const idempotencyPhases = {
  in_progress: isObject({ requestHash: isString, owner: isString, leaseExpiresAt: isString }),
  completed: isObject({
    requestHash: isString,
    status: isInteger,
    body: isString,
    headers: isObject(),
  }),
  erased: isObject({ erasedAt: isString }),
};

export const idempotencyDocument = defineDocument<IdempotencyRecord>({
  entity: 'idempotency',
  version: 1,
  upgrades: [fromUnversioned],
  check: (value, path) =>
    idempotencyBase(value, path) ??
    idempotencyPhases[(value as IdempotencyRecord).phase](value, path),
});

export const endpointDocument = defineDocument<StoredEndpoint>({
  entity: 'endpoint',
  version: 1,
  upgrades: [fromUnversioned],
  check: isObject(
    {
      tenantId: isString,
      id: isString,
      url: isString,
      enabled: isBoolean,
      secrets: isArray,
      version: isInteger,
      createdAt: isString,
      updatedAt: isString,
    },
    { revision: isInteger },
  ),
});

export const eventDocument = defineDocument<StoredEvent>({
  entity: 'event',
  version: 1,
  upgrades: [fromUnversioned],
  check: isObject(
    {
      tenantId: isString,
      id: isString,
      type: isString,
      timestamp: isString,
      data: isObject(),
      createdAt: isString,
      expiresAt: isNumber,
    },
    { interviewId: isString, erasedAt: isString },
  ),
});

export const attemptDocument = defineDocument<DeliveryAttempt>({
  entity: 'attempt',
  version: 1,
  upgrades: [fromUnversioned],
  check: isObject(
    {
      tenantId: isString,
      id: isString,
      eventId: isString,
      endpointId: isString,
      attempt: isInteger,
      attemptedAt: isString,
      outcome: isOneOf('succeeded', 'failed'),
      latencyMs: isNumber,
      expiresAt: isNumber,
    },
    { interviewId: isString, indexedForErasure: isOneOf(true) },
  ),
});

/**
 * Version 2 adds `attemptLog` (the keys of the delivery's attempt log entries). A version-1
 * state has none: its attempts carry the by-interview index entry erasure still reads. The
 * version is bumped although the field is optional, so code that predates it refuses a state
 * it would otherwise rewrite without the log, hiding attempts from erasure.
 */
export const deliveryStateDocument = defineDocument<DeliveryState>({
  entity: 'delivery',
  version: 2,
  upgrades: [fromUnversioned, (document) => document],
  check: isObject(
    {
      tenantId: isString,
      eventId: isString,
      endpointId: isString,
      status: isOneOf('pending', 'succeeded', 'failed'),
      attempts: isInteger,
      createdAt: isString,
      updatedAt: isString,
      expiresAt: isNumber,
    },
    { attemptLog: isArray },
  ),
});
