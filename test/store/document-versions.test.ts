import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { interviewInputSchema } from '../../shared/domain/model';
import {
  defineDocument,
  isInteger,
  isObject,
  isString,
  readDocument,
  StoredDocumentError,
} from '../../shared/store/document-schema';
import { encodeDocument } from '../../shared/store/documents';
import type {
  DeliveryAttempt,
  DeliveryState,
  IdempotencyCompleted,
  StoredEndpoint,
  StoredEvent,
} from '../../shared/store/ports';
import { interviewDocument } from '../../shared/store/schemas';
import { dueIndex, keyPrefix, versionAttribute } from '../../shared/store/table';
import { interviewServiceOn, newTenantId, useRawTable } from '../support/dynalite-store';
import { interviewInput } from '../support/runtime';

describe('readDocument', () => {
  // A made-up document at version 2: version 0 had `name`, version 1 split it in two, version 2
  // renamed `first` to `given`.
  const person = defineDocument<{ given: string; last: string; age: number }>({
    entity: 'person',
    version: 2,
    upgrades: [
      (doc) => {
        const [first = '', last = ''] = String(doc.name).split(' ');
        const { name: _name, ...rest } = doc;
        return { ...rest, first, last };
      },
      ({ first, ...rest }) => ({ ...rest, given: first }),
    ],
    check: isObject({ given: isString, last: isString, age: isInteger }),
  });
  const item = (document: unknown, version?: unknown) => ({
    ...(version === undefined ? {} : { [versionAttribute]: version }),
    ...encodeDocument(JSON.stringify(document)),
  });

  it('upgrades a version-0 document through every version to the current one', () => {
    expect(readDocument(person, item({ name: 'Ada Lovelace', age: 36 }), 'P#1')).toEqual({
      given: 'Ada',
      last: 'Lovelace',
      age: 36,
    });
    expect(readDocument(person, item({ first: 'Ada', last: 'L', age: 36 }, 1), 'P#1')).toEqual({
      given: 'Ada',
      last: 'L',
      age: 36,
    });
  });

  it('reads a current document as it is, and an item without a document as absent', () => {
    const current = { given: 'Ada', last: 'L', age: 36 };
    expect(readDocument(person, item(current, 2), 'P#1')).toEqual(current);
    expect(readDocument(person, undefined, 'P#1')).toBeUndefined();
    expect(readDocument(person, { [versionAttribute]: 2 }, 'P#1')).toBeUndefined();
  });

  it('refuses a document from a newer version instead of misreading it', () => {
    expect(() =>
      readDocument(person, item({ given: 'Ada', last: 'L', age: 36 }, 3), 'P#1'),
    ).toThrow(StoredDocumentError);
    expect(() => readDocument(person, item({}, 3), 'P#1')).toThrow(
      /person item P#1: written with schema version 3, but this code reads at most version 2/,
    );
  });

  it('refuses a version that is not a whole number', () => {
    expect(() => readDocument(person, item({}, 'two'), 'P#1')).toThrow(
      /schema version two is not a version/,
    );
    expect(() => readDocument(person, item({}, 1.5), 'P#1')).toThrow(StoredDocumentError);
  });

  it('refuses a corrupt document, naming the item and the first problem', () => {
    expect(() => readDocument(person, item({ given: 'Ada', last: 'L' }, 2), 'P#1')).toThrow(
      'person item P#1 is corrupt: person.age is not an integer',
    );
    expect(() => readDocument(person, item([1, 2], 2), 'P#1')).toThrow(
      'person item P#1 is corrupt: person is not an object',
    );
    expect(() => readDocument(person, { doc: '{"given":' }, 'P#1')).toThrow(
      'person item P#1 is corrupt: its document is not JSON',
    );
  });

  it('refuses a schema whose upgrades do not reach its version', () => {
    expect(() =>
      defineDocument({ entity: 'broken', version: 2, upgrades: [(doc) => doc], check: isString }),
    ).toThrow(/needs 2 upgrades, has 1/);
  });
});

describe('items on dynalite', () => {
  const now = Temporal.Instant.from('2030-01-07T15:00:00Z');
  const table = useRawTable('versions', now);
  const rawItem = async (pk: string, sk: string) =>
    (await table.get({ pk, sk })) as Record<string, AttributeValue>;
  const putRaw = table.put;

  /** Rewrites every item of the tenant's as a deploy before versions wrote it: without `v`. */
  async function unversion(tenantId: string): Promise<number> {
    const out = { Items: await table.scan() };
    let rewritten = 0;
    for (const item of out.Items ?? []) {
      if (item.tenantId?.S !== tenantId || item[versionAttribute] === undefined) continue;
      const { [versionAttribute]: _v, ...old } = item;
      await putRaw(old);
      rewritten++;
    }
    return rewritten;
  }

  it('writes the current version on every item that stores a document', async () => {
    const tenantId = newTenantId();
    await table.store.createTenant({ id: tenantId, name: 'Acme', createdAt: now.toString() });
    await table.store.putPolicy(tenantId, { maxCheckIns: 2 });
    const out = { Items: await table.scan() };
    const mine = (out.Items ?? []).filter((item) => item.tenantId?.S === tenantId);
    expect(mine.map((item) => item.entity?.S).sort()).toEqual(['policy', 'tenant']);
    for (const item of mine) expect(item[versionAttribute]).toEqual({ N: '1' });
  });

  it('reads every entity written before versions exactly as the current version', async () => {
    const tenantId = newTenantId();
    const createdAt = now.toString();
    const expiresAt = Math.floor(now.epochMilliseconds / 1000) + 86_400;
    const endpoint: StoredEndpoint = {
      tenantId,
      id: 'whe_1',
      url: 'https://example.com/hook',
      enabled: true,
      secrets: [{ secret: 'whsec_AAAA', createdAt }],
      version: 1,
      createdAt,
      updatedAt: createdAt,
    };
    const event: StoredEvent = {
      tenantId,
      id: 'evt_1',
      type: 'followup.thank_you',
      timestamp: createdAt,
      interviewId: 'int_1',
      data: { stepId: 'stp_1' },
      createdAt,
      expiresAt,
    };
    const attempt: DeliveryAttempt = {
      tenantId,
      id: 'att_1',
      eventId: 'evt_1',
      endpointId: 'whe_1',
      attempt: 1,
      attemptedAt: createdAt,
      outcome: 'failed',
      statusCode: 503,
      latencyMs: 12,
      interviewId: 'int_1',
      expiresAt,
    };
    const state: DeliveryState = {
      tenantId,
      eventId: 'evt_1',
      endpointId: 'whe_1',
      status: 'failed',
      attempts: 1,
      createdAt,
      updatedAt: createdAt,
      expiresAt,
    };
    const idempotency: IdempotencyCompleted = {
      tenantId,
      key: 'key-1',
      interviewId: 'int_1',
      phase: 'completed',
      requestHash: 'abc',
      status: 201,
      body: '{}',
      headers: { etag: '"1"' },
      createdAt,
      expiresAt,
    };
    await table.store.createTenant({ id: tenantId, name: 'Acme', createdAt });
    await table.store.putPolicy(tenantId, { maxCheckIns: 2 });
    await table.store.createEndpoint(endpoint);
    await table.store.putEvent(event);
    await table.store.putDeliveryRecords({ attempts: [attempt], states: [state] });
    const { status: _s, body: _b, headers: _h, ...claim } = idempotency;
    const lease = now.add({ minutes: 1 }).toString();
    await table.store.claimIdempotency({
      ...claim,
      phase: 'in_progress',
      owner: 'o',
      leaseExpiresAt: lease,
    });
    expect(await table.store.completeIdempotency(idempotency, 'o')).toBe(true);

    expect(await unversion(tenantId)).toBe(7);

    expect(await table.store.getTenant(tenantId)).toEqual({
      id: tenantId,
      name: 'Acme',
      createdAt,
    });
    expect(await table.store.getPolicy(tenantId)).toEqual({ maxCheckIns: 2 });
    expect(await table.store.getEndpoint(tenantId, 'whe_1')).toEqual(endpoint);
    expect(await table.store.getEvent(tenantId, 'evt_1')).toEqual(event);
    expect((await table.store.listAttempts(tenantId, 'whe_1', { limit: 10 })).items).toEqual([
      attempt,
    ]);
    expect(await table.store.getDeliveryState(tenantId, 'evt_1', 'whe_1')).toEqual(state);
    expect(await table.store.getIdempotency(tenantId, 'key-1')).toEqual(idempotency);
    // And a version-less item is updated like a current one (the condition is on `version`).
    await table.store.updateEndpoint({ ...endpoint, version: 2, enabled: false }, 1);
    expect(
      (await rawItem(`T#${tenantId}`, `${keyPrefix.endpoint}whe_1`))[versionAttribute],
    ).toEqual({ N: '1' });
  });

  it('reads a version-1 delivery state (before attemptLog) as it was, and writes version 2', async () => {
    const tenantId = newTenantId();
    const createdAt = now.toString();
    const state: DeliveryState = {
      tenantId,
      eventId: 'evt_1',
      endpointId: 'whe_1',
      status: 'pending',
      attempts: 1,
      nextAttemptAt: createdAt,
      createdAt,
      updatedAt: createdAt,
      expiresAt: 4_102_444_800,
    };
    const key = [`T#${tenantId}#${keyPrefix.endpoint}whe_1`, `${keyPrefix.delivery}evt_1`] as const;
    await putRaw({
      pk: { S: key[0] },
      sk: { S: key[1] },
      entity: { S: 'delivery' },
      tenantId: { S: tenantId },
      status: { S: 'pending' },
      doc: { S: JSON.stringify(state) },
      [versionAttribute]: { N: '1' },
    });
    expect(await table.store.getDeliveryState(tenantId, 'evt_1', 'whe_1')).toEqual(state);

    const attemptLog = [{ id: 'dlv_1', attemptedAt: createdAt }];
    await table.store.putDeliveryState({ ...state, attemptLog });
    expect((await rawItem(...key))[versionAttribute]).toEqual({ N: '2' });
    expect(await table.store.getDeliveryState(tenantId, 'evt_1', 'whe_1')).toEqual({
      ...state,
      attemptLog,
    });
  });

  it('reads and re-plans a version-less interview exactly like a current one', async () => {
    let at = now;
    const service = interviewServiceOn(table.store, { now: () => at });
    const tenantId = newTenantId();
    const input = interviewInputSchema.parse(interviewInput(now));
    const current = await service.create(tenantId, input);
    const old = await service.create(tenantId, input);
    const oldKey = [`T#${tenantId}`, `${keyPrefix.interview}${old.id}`] as const;
    const before = await table.store.getInterview(tenantId, old.id);
    const { [versionAttribute]: version, ...unversioned } = await rawItem(...oldKey);
    expect(version).toEqual({ N: '1' });
    await putRaw(unversioned);
    expect((await rawItem(...oldKey))[versionAttribute]).toBeUndefined();

    expect(await table.store.getInterview(tenantId, old.id)).toEqual(before);

    at = now.add({ hours: 96 });
    const patch = { role: { title: 'Staff Backend Engineer' } };
    const fromCurrent = await service.patch(tenantId, current.id, patch);
    const fromOld = await service.patch(tenantId, old.id, patch);
    const plan = (steps: typeof fromOld.state.steps) =>
      steps.map(({ kind, status, dueAt, localDueAt }) => ({ kind, status, dueAt, localDueAt }));
    expect(plan(fromOld.state.steps)).toEqual(plan(fromCurrent.state.steps));
    expect(fromOld.state.steps.length).toBeGreaterThan(0);
    expect(fromOld.version).toBe(fromCurrent.version);
    // The re-plan wrote it back in the current version.
    expect((await rawItem(...oldKey))[versionAttribute]).toEqual({ N: '1' });
  });

  it('refuses a corrupt interview document with an error naming the item', async () => {
    const tenantId = newTenantId();
    const sk = `${keyPrefix.interview}int_corrupt`;
    await putRaw({
      pk: { S: `T#${tenantId}` },
      sk: { S: sk },
      entity: { S: 'interview' },
      tenantId: { S: tenantId },
      doc: { S: JSON.stringify({ tenantId, id: 'int_corrupt', version: 1 }) },
    });
    await expect(table.store.getInterview(tenantId, 'int_corrupt')).rejects.toThrow(
      `interview item T#${tenantId} ${sk} is corrupt: interview.createdAt is not a string`,
    );
    await expect(table.store.getInterview(tenantId, 'int_corrupt')).rejects.toBeInstanceOf(
      StoredDocumentError,
    );
  });

  it('refuses an interview written by a newer schema version', async () => {
    const tenantId = newTenantId();
    const service = interviewServiceOn(table.store, now);
    const created = await service.create(tenantId, interviewInputSchema.parse(interviewInput(now)));
    const key = [`T#${tenantId}`, `${keyPrefix.interview}${created.id}`] as const;
    const next = interviewDocument.version + 1;
    await putRaw({ ...(await rawItem(...key)), [versionAttribute]: { N: String(next) } });
    await expect(table.store.getInterview(tenantId, created.id)).rejects.toThrow(
      `written with schema version ${next}, but this code reads at most version ${interviewDocument.version}`,
    );
  });

  it('reads, lists as due and rewrites an interview item of the shape before the lean item', async () => {
    // Before: the item carried `entity`, `tenantId`, `id` and `nextDueAt`, and its due sort
    // key named the tenant: `<time>#<tenantId>#<interviewId>`. Now it has none of them and the
    // due sort key is `<time>#<interviewId>`; both are read, listed and paged together.
    const service = interviewServiceOn(table.store, now);
    const tenantId = newTenantId();
    const input = interviewInputSchema.parse(interviewInput(now));
    const lean = await service.create(tenantId, input);
    const old = await service.create(tenantId, input);
    const key = (id: string) => [`T#${tenantId}`, `${keyPrefix.interview}${id}`] as const;

    const leanItem = await rawItem(...key(lean.id));
    for (const name of ['entity', 'tenantId', 'id', 'nextDueAt']) {
      expect(leanItem[name]).toBeUndefined();
    }
    const leanDue = leanItem[dueIndex.sortKey]?.S as string;
    expect(leanDue).toMatch(new RegExp(`^\\d{4}-.*Z#${lean.id}$`));

    const before = await table.store.getInterview(tenantId, old.id);
    const item = await rawItem(...key(old.id));
    const [time] = String(item[dueIndex.sortKey]?.S).split('#');
    await putRaw({
      ...item,
      entity: { S: 'interview' },
      tenantId: { S: tenantId },
      id: { S: old.id },
      nextDueAt: { S: before?.nextDueAt as string },
      [dueIndex.sortKey]: { S: `${time}#${tenantId}#${old.id}` },
    });
    expect(await table.store.getInterview(tenantId, old.id)).toEqual(before);

    // Both are listed, one a page, each exactly once, through a cursor of either shape.
    const horizon = now.add({ hours: 24 * 400 }).toString();
    const seen: Array<{ tenantId: string; interviewId: string; nextDueAt: string }> = [];
    let cursor: string | undefined;
    do {
      const page = await table.store.listDueInterviews(horizon, { limit: 1, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const mine = seen.filter((ref) => ref.tenantId === tenantId);
    expect(mine.map((ref) => ref.interviewId).sort()).toEqual([lean.id, old.id].sort());
    for (const ref of mine) expect(ref.nextDueAt).toBe(leanDue.split('#')[0]);

    // The next write leaves it in the lean shape.
    await service.patch(tenantId, old.id, { role: { title: 'Staff Backend Engineer' } });
    const rewritten = await rawItem(...key(old.id));
    expect(rewritten.tenantId).toBeUndefined();
    expect(rewritten[dueIndex.sortKey]?.S).toMatch(new RegExp(`Z#${old.id}$`));
  });
});
