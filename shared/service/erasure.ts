/**
 * What erasing an interview does beyond the interview item: every other place Afterview keeps
 * its personal data. Each is found through a per-interview index entry (no Scan) and rewritten
 * in place, so ids, types, times and counts survive and logs still add up:
 *
 * - step events (`followup.*`): the recipient's name and address, the reason, the draft and the
 *   candidate's name become placeholders (the event keeps its documented shape, so a typed
 *   client still parses it); the step's id, kind, round, channel and times, the recipient's
 *   role, and the interview's id, status, role, round, format and times stay.
 *   `interview.*` events lose their external id. Both get `erasedAt` and are never sent again,
 *   except the erasure's own `interview.updated` / `interview.closed` notices (nothing personal
 *   in them: they are delivered as usual);
 * - delivery attempts: the response excerpt goes; outcome, status code, latency and times stay.
 *   They are found through the events: each event's delivery state at every endpoint of the
 *   tenant (deleted ones included, through the markers their deletion leaves) lists its
 *   attempts, and is written before them. Attempts written before states listed them are
 *   found through the interview's index entry instead. An attempt in flight while this runs
 *   is redacted by its writer: after writing it, the delivery service reads the event again
 *   and, finding it erased, redacts the attempt itself (see DeliveryService);
 * - idempotency records: the stored response and the request hash go; the key stays used, so
 *   a retry of the original request answers 410 instead of creating the interview again.
 *
 * Every step is idempotent, so a repeated erasure finishes whatever an interrupted one left.
 */
import type { Temporal } from 'temporal-polyfill';
import type { DeliveryAttempt, Page, PageRequest, Store, StoredEvent } from '../store/ports';

/** How much one erasure rewrote, for the log. */
export interface ErasureReport {
  events: number;
  attempts: number;
  idempotencyRecords: number;
}

/** The placeholder erasure writes where a value must stay but its content must go. */
const redacted = 'Redacted';
const redactedEmail = 'redacted@example.invalid';
const redactedLinkedin = 'https://www.linkedin.com/in/redacted';

function pick(value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return {};
  const source = value as Record<string, unknown>;
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}

/** What a step event keeps: ids, kinds, times; nothing about a person. */
const keptStepFields = [
  'id',
  'kind',
  'round',
  'channel',
  'dueAt',
  'timeZone',
  'localDueAt',
  'deadline',
  'late',
] as const;
const keptInterviewFields = [
  'id',
  'status',
  'closedReason',
  'role',
  'round',
  'format',
  'endsAt',
  'timeZone',
] as const;

function redactedStep(step: unknown): Record<string, unknown> {
  const source = (typeof step === 'object' && step !== null ? step : {}) as Record<string, unknown>;
  const recipient = (source.recipient ?? {}) as Record<string, unknown>;
  return {
    ...pick(source, keptStepFields),
    recipient: {
      name: redacted,
      ...pick(recipient, ['role']),
      ...(recipient.email === undefined ? {} : { email: redactedEmail }),
      ...(recipient.linkedinUrl === undefined ? {} : { linkedinUrl: redactedLinkedin }),
    },
    reason: redacted,
    ...(source.draft === undefined ? {} : { draft: { subject: redacted, body: redacted } }),
  };
}

/**
 * The event without personal data, marked erased; undefined when it holds none (an
 * `interview.*` notice written by the erasure itself, which must still go out).
 */
export function redactEvent(event: StoredEvent, erasedAt: string): StoredEvent | undefined {
  if (event.erasedAt !== undefined) return undefined;
  if (event.type.startsWith('followup.')) {
    return {
      ...event,
      data: {
        ...pick(event.data, ['sequence']),
        step: redactedStep(event.data.step),
        interview: {
          ...pick(event.data.interview, keptInterviewFields),
          candidate: { name: redacted },
        },
      },
      erasedAt,
    };
  }
  if (event.type.startsWith('interview.') && !isErasureNotice(event)) {
    // Marked whether or not it had an external id to lose: an event recorded before the erasure
    // is never sent again, like every other event of the interview.
    const { externalId: _gone, ...data } = event.data;
    return { ...event, data, erasedAt };
  }
  return undefined;
}

/**
 * An `interview.*` notice of the erasure itself (it reports `closedReason: erased`, which only
 * an erasure writes): it holds no personal data and is delivered as usual.
 */
function isErasureNotice(event: StoredEvent): boolean {
  return event.data.closedReason === 'erased';
}

/**
 * The attempt without its response excerpt, marked erased; undefined when it already is. The
 * delivery service applies it too, to an attempt it wrote after the erasure marked its event.
 */
export function redactAttempt(
  attempt: DeliveryAttempt,
  erasedAt: string,
): DeliveryAttempt | undefined {
  if (attempt.erasedAt !== undefined) return undefined;
  const { responseBody: _gone, ...rest } = attempt;
  return { ...rest, erasedAt };
}

async function forEachPage<T>(
  list: (page: PageRequest) => Promise<Page<T>>,
  each: (item: T) => Promise<boolean>,
): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) if (await each(item)) count++;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return count;
}

/**
 * Every endpoint the tenant has, or had while delivery records of it may still exist. The live
 * ones are listed first: a deletion writes its marker before it removes the endpoint, so an
 * endpoint deleted meanwhile is in one list or the other.
 */
async function everyEndpointId(store: Store, tenantId: string): Promise<string[]> {
  const ids = new Set<string>();
  await forEachPage(
    (page) => store.listEndpoints(tenantId, page),
    async (endpoint) => {
      ids.add(endpoint.id);
      return true;
    },
  );
  for (const id of await store.listDeletedEndpointIds(tenantId)) ids.add(id);
  return [...ids];
}

/** The attempts of `event` at every endpoint, found through its delivery states. */
async function eraseDeliveryAttempts(
  store: Store,
  event: StoredEvent,
  endpointIds: readonly string[],
  each: (attempt: DeliveryAttempt) => Promise<boolean>,
): Promise<number> {
  if (endpointIds.length === 0) return 0;
  const states = await store.getDeliveryStates(event.tenantId, event.id, endpointIds);
  let count = 0;
  for (const state of states.values()) {
    if (!state.attemptLog?.length) continue;
    const found = await store.getAttempts(event.tenantId, state.endpointId, state.attemptLog);
    for (const attempt of found) if (await each(attempt)) count++;
  }
  return count;
}

/** Rewrites the interview's events, attempt logs and idempotency records without personal data. */
export async function eraseInterviewTraces(
  store: Store,
  tenantId: string,
  interviewId: string,
  now: Temporal.Instant,
): Promise<ErasureReport> {
  const erasedAt = now.toString();
  const eraseAttempt = async (attempt: DeliveryAttempt) => {
    const clean = redactAttempt(attempt, erasedAt);
    if (clean) await store.putAttempt(clean);
    return clean !== undefined;
  };
  const endpointIds = await everyEndpointId(store, tenantId);
  let attempts = 0;
  const events = await forEachPage(
    (page) => store.listEvents(tenantId, { ...page, interviewId }),
    async (event) => {
      const clean = redactEvent(event, erasedAt);
      if (clean) await store.putRedactedEvent(clean);
      attempts += await eraseDeliveryAttempts(store, event, endpointIds, eraseAttempt);
      return clean !== undefined;
    },
  );
  attempts += await forEachPage(
    (page) => store.listInterviewAttempts(tenantId, interviewId, page),
    eraseAttempt,
  );
  const idempotencyRecords = await forEachPage(
    (page) => store.listInterviewIdempotency(tenantId, interviewId, page),
    async (record) => {
      if (record.phase === 'erased') return false;
      await store.putErasedIdempotency({
        phase: 'erased',
        tenantId,
        key: record.key,
        interviewId,
        erasedAt,
        createdAt: record.createdAt,
        expiresAt: record.expiresAt,
      });
      return true;
    },
  );
  return { events, attempts, idempotencyRecords };
}
