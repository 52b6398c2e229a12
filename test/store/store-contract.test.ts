/**
 * The Store contract. Every implementation must pass this same suite: the DynamoDB adapter on
 * in-process dynalite always, and on `AFTERVIEW_DYNAMODB_ENDPOINT` (DynamoDB Local or a real
 * table) when that variable is set. Each run creates its own uniquely named table.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, type RunningDynalite, startDynalite } from '../../local/dynalite';
import { FixedClock } from '../../shared/clock';
import { AlreadyExistsError, ValidationError, VersionConflictError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { DynamoStore } from '../../shared/store/dynamo-store';
import type {
  DeliveryAttempt,
  DeliveryState,
  IdempotencyCompleted,
  IdempotencyErased,
  IdempotencyInProgress,
  Page,
  PageRequest,
  Store,
  StoredEndpoint,
  StoredEvent,
  StoredInterview,
} from '../../shared/store/ports';
import { ensureTable, tableIndexes } from '../../shared/store/table';
import { storedInput } from '../support/interview-fixtures';

interface Target {
  name: string;
  /** Returns the endpoint to use and a function that releases whatever was started. */
  start(): Promise<{ endpoint: string; stop(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'dynalite (in-memory)',
    async start() {
      const server = await startDynalite();
      return { endpoint: server.endpoint, stop: () => server.close() };
    },
  },
];
const externalEndpoint = process.env.AFTERVIEW_DYNAMODB_ENDPOINT;
if (externalEndpoint) {
  targets.push({
    name: `AFTERVIEW_DYNAMODB_ENDPOINT (${externalEndpoint})`,
    start: async () => ({ endpoint: externalEndpoint, stop: async () => {} }),
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const baseMs = Temporal.Instant.from('2026-03-02T09:00:00Z').epochMilliseconds;

const input = storedInput;

function newTenant(): string {
  return newId('ten', Date.now());
}

function interview(
  tenantId: string,
  createdMs: number,
  options: { status?: 'active' | 'closed'; externalId?: string; nextDueAt?: string } = {},
): StoredInterview {
  const at = Temporal.Instant.fromEpochMilliseconds(createdMs).toString();
  return {
    tenantId,
    id: newId('int', createdMs),
    ...(options.externalId ? { externalId: options.externalId } : {}),
    version: 1,
    createdAt: at,
    updatedAt: at,
    state: {
      input: { ...input, ...(options.externalId ? { externalId: options.externalId } : {}) },
      status: options.status ?? 'active',
      ...(options.status === 'closed' ? { closedReason: 'offer' as const } : {}),
      steps: [],
    },
    eventSequence: 0,
    ...(options.nextDueAt ? { nextDueAt: options.nextDueAt } : {}),
  };
}

function endpoint(tenantId: string, createdMs: number): StoredEndpoint {
  const at = Temporal.Instant.fromEpochMilliseconds(createdMs).toString();
  return {
    tenantId,
    id: newId('whe', createdMs),
    url: 'https://hooks.example.com/afterview',
    eventTypes: ['step.due'],
    enabled: true,
    secrets: [{ secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', createdAt: at }],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

function event(
  tenantId: string,
  createdMs: number,
  options: { type?: string; interviewId?: string } = {},
): StoredEvent {
  const at = Temporal.Instant.fromEpochMilliseconds(createdMs).toString();
  return {
    tenantId,
    id: newId('evt', createdMs),
    type: options.type ?? 'step.due',
    timestamp: at,
    ...(options.interviewId ? { interviewId: options.interviewId } : {}),
    data: { stepId: 'stp_1', nested: { list: [1, 2, 3] } },
    createdAt: at,
    expiresAt: Math.floor(createdMs / 1000) + 30 * 86_400,
  };
}

/** Follows every cursor and returns all items in the order the pages gave them. */
async function collectAll<T>(
  fetch: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch({ limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { items, pages };
}

function expectCursorError(error: unknown): void {
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).errors).toEqual([
    expect.objectContaining({ path: 'cursor', code: 'invalid_cursor' }),
  ]);
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// ---------------------------------------------------------------------------------------------

describe.each(targets)('Store contract on $name', (target) => {
  let stop: () => Promise<void>;
  let client: DynamoDBClient;
  let store: Store;
  let endpointUrl: string;
  const tableName = `afterview-contract-${randomUUID()}`;

  beforeAll(async () => {
    const started = await target.start();
    stop = started.stop;
    endpointUrl = started.endpoint;
    client = createDynamoClient(started.endpoint);
    await ensureTable(client, tableName);
    store = new DynamoStore({ client, tableName });
  });

  afterAll(async () => {
    await client?.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
    client?.destroy();
    await stop?.();
  });

  describe('table', () => {
    it('has every declared index, and ensureTable is safe to repeat', async () => {
      await ensureTable(client, tableName);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const names = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort();
      expect(names).toEqual(tableIndexes.map((index) => index.indexName).sort());
      expect(endpointUrl).toMatch(/^https?:\/\//);
    });
  });

  describe('tenants, API keys and policy', () => {
    it('creates a tenant once and reads it back', async () => {
      const tenant = { id: newTenant(), name: 'Acme ATS', createdAt: '2026-03-01T00:00:00Z' };
      await store.createTenant(tenant);
      await expect(store.getTenant(tenant.id)).resolves.toEqual(tenant);
      await expect(store.createTenant(tenant)).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(store.getTenant(newTenant())).resolves.toBeUndefined();
    });

    it('finds the tenant by key hash, and nothing for an unknown hash', async () => {
      const tenantId = newTenant();
      const hash = 'a'.repeat(56) + randomUUID().replaceAll('-', '').slice(0, 8);
      await store.putApiKeyHash(hash, tenantId, '2026-03-01T00:00:00Z');
      await store.putApiKeyHash(hash, tenantId, '2026-03-01T00:00:00Z');
      await expect(store.findTenantByKeyHash(hash)).resolves.toBe(tenantId);
      await expect(store.findTenantByKeyHash('b'.repeat(64))).resolves.toBeUndefined();
    });

    it('stores policy overrides per tenant', async () => {
      const a = newTenant();
      const b = newTenant();
      await expect(store.getPolicy(a)).resolves.toBeUndefined();
      await store.putPolicy(a, { maxCheckIns: 2, holidayCountry: 'DE' });
      await store.putPolicy(a, { maxCheckIns: 1, sendHours: { start: '09:00', end: '17:00' } });
      await expect(store.getPolicy(a)).resolves.toEqual({
        maxCheckIns: 1,
        sendHours: { start: '09:00', end: '17:00' },
      });
      await expect(store.getPolicy(b)).resolves.toBeUndefined();
    });
  });

  describe('interviews', () => {
    it('creates, reads and refuses a duplicate id', async () => {
      const stored = interview(newTenant(), baseMs, { externalId: 'ats-1' });
      await store.createInterview(stored);
      await expect(store.getInterview(stored.tenantId, stored.id)).resolves.toEqual(stored);
      await expect(store.createInterview(stored)).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('updates only from the expected version', async () => {
      const stored = interview(newTenant(), baseMs);
      await store.createInterview(stored);
      const next = { ...stored, version: 2, eventSequence: 3, updatedAt: '2026-03-03T00:00:00Z' };
      await store.updateInterview(next, 1);
      await expect(store.getInterview(stored.tenantId, stored.id)).resolves.toEqual(next);
      await expect(store.updateInterview({ ...next, version: 2 }, 1)).rejects.toBeInstanceOf(
        VersionConflictError,
      );
    });

    it('lets exactly one of two concurrent updates from the same version win', async () => {
      const stored = interview(newTenant(), baseMs);
      await store.createInterview(stored);
      const results = await Promise.allSettled(
        ['closed', 'active'].map((status) =>
          store.updateInterview(
            { ...stored, version: 2, state: { ...stored.state, status: status as 'closed' } },
            1,
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
      await expect(store.getInterview(stored.tenantId, stored.id)).resolves.toMatchObject({
        version: 2,
      });
    });

    it('fails an update of an interview that does not exist', async () => {
      const missing = interview(newTenant(), baseMs);
      await expect(store.updateInterview({ ...missing, version: 2 }, 1)).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      await expect(store.getInterview(missing.tenantId, missing.id)).resolves.toBeUndefined();
    });

    describe('outbox and revision', () => {
      const pendingEvent = (stored: StoredInterview, createdAt: string) => ({
        delivery: 'queued' as const,
        event: {
          tenantId: stored.tenantId,
          id: `evt_${randomBytes(6).toString('hex')}`,
          type: 'interview.updated',
          timestamp: createdAt,
          interviewId: stored.id,
          data: { sequence: 1 },
          createdAt,
          expiresAt: 0,
        },
      });
      const dueIds = async (before: string) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listDueInterviews(before, { limit: 100, cursor });
          ids.push(...page.items.map((ref) => ref.interviewId));
          cursor = page.nextCursor;
        } while (cursor);
        return ids;
      };

      it('keeps an interview in the due index while its outbox holds an entry', async () => {
        const stored = { ...interview(newTenant(), baseMs), revision: 1 };
        await store.createInterview(stored);
        expect(await dueIds('2026-03-10T00:00:00Z')).not.toContain(stored.id);

        const entry = pendingEvent(stored, '2026-03-02T10:00:00Z');
        const withOutbox = { ...stored, version: 2, revision: 2, outbox: [entry] };
        await store.updateInterview(withOutbox, 1);
        expect(await dueIds('2026-03-02T09:59:59Z')).not.toContain(stored.id);
        const page = await store.listDueInterviews('2026-03-02T10:00:00Z', { limit: 1000 });
        expect(page.items.find((ref) => ref.interviewId === stored.id)?.nextDueAt).toBe(
          '2026-03-02T10:00:00.000Z',
        );

        const { outbox: _cleared, ...withoutOutbox } = withOutbox;
        await store.rewriteInterviewOutbox({ ...withoutOutbox, revision: 3 });
        expect(await dueIds('2026-03-10T00:00:00Z')).not.toContain(stored.id);
        // Housekeeping leaves the version alone.
        await expect(store.getInterview(stored.tenantId, stored.id)).resolves.toMatchObject({
          version: 2,
          revision: 3,
        });
      });

      it("counts a fired step's event from the step's due time, leaving the due entry in place", async () => {
        // Due at 10:00 with its next step at 10:00; the step fires (late) at 10:03 and moves
        // the next step to the 12th while its event waits in the outbox.
        const stored = { ...interview(newTenant(), baseMs, { nextDueAt: '2026-03-02T10:00:00Z' }) };
        await store.createInterview({ ...stored, revision: 1 });
        const dueTimeOf = async () =>
          (await store.listDueInterviews('2026-03-31T00:00:00Z', { limit: 1000 })).items.find(
            (ref) => ref.interviewId === stored.id,
          )?.nextDueAt;
        expect(await dueTimeOf()).toBe('2026-03-02T10:00:00.000Z');

        const fired = pendingEvent(stored, '2026-03-02T10:03:00Z');
        const stepEvent = {
          delivery: 'inline' as const,
          event: {
            ...fired.event,
            type: 'followup.thank_you',
            data: { sequence: 2, step: { id: 'stp_1', dueAt: '2026-03-02T10:00:00Z' } },
          },
        };
        const firing = {
          ...stored,
          version: 2,
          revision: 2,
          nextDueAt: '2026-03-12T10:00:00Z',
          outbox: [stepEvent],
        };
        await store.updateInterview(firing, 1);
        // Still 10:00 (the sort key did not move), not 10:03 and not the 12th.
        expect(await dueTimeOf()).toBe('2026-03-02T10:00:00.000Z');

        const { outbox: _cleared, ...cleared } = firing;
        await store.rewriteInterviewOutbox({ ...cleared, revision: 3 });
        expect(await dueTimeOf()).toBe('2026-03-12T10:00:00.000Z');
      });

      it('refuses writes based on a revision that moved, even at the same version', async () => {
        const stored = { ...interview(newTenant(), baseMs), revision: 1 };
        await store.createInterview(stored);
        const entry = pendingEvent(stored, '2026-03-02T10:00:00Z');
        await store.updateInterview({ ...stored, version: 2, revision: 2, outbox: [entry] }, 1);
        // Outbox housekeeping moves the revision to 3, not the version.
        await store.rewriteInterviewOutbox({ ...stored, version: 2, revision: 3 });
        // A writer that read revision 2 must not put the cleared entry back.
        await expect(
          store.updateInterview({ ...stored, version: 3, revision: 3, outbox: [entry] }, 2),
        ).rejects.toBeInstanceOf(VersionConflictError);
        await expect(
          store.rewriteInterviewOutbox({ ...stored, version: 2, revision: 3 }),
        ).rejects.toBeInstanceOf(VersionConflictError);
        await store.updateInterview({ ...stored, version: 3, revision: 4 }, 2);
        const after = await store.getInterview(stored.tenantId, stored.id);
        expect(after).toMatchObject({ version: 3, revision: 4 });
        expect(after?.outbox).toBeUndefined();
      });
    });

    describe('listing', () => {
      const tenantId = newTenant();
      const all: StoredInterview[] = [];

      beforeAll(async () => {
        // 23 interviews a minute apart: every third closed, externalIds cycling over three values.
        for (let i = 0; i < 23; i++) {
          all.push(
            interview(tenantId, baseMs + i * 60_000, {
              status: i % 3 === 0 ? 'closed' : 'active',
              externalId: `job-${i % 3 === 1 ? 'a' : 'b'}`,
            }),
          );
        }
        await Promise.all(all.map((item) => store.createInterview(item)));
      });

      const newestFirst = () => [...all].reverse();

      it.each([
        { filter: {}, limit: 5 },
        { filter: {}, limit: 23 },
        { filter: {}, limit: 100 },
        { filter: { status: 'active' as const }, limit: 4 },
        { filter: { status: 'closed' as const }, limit: 3 },
        { filter: { externalId: 'job-a' }, limit: 3 },
        { filter: { externalId: 'job-b', status: 'closed' as const }, limit: 2 },
        { filter: { externalId: 'job-b', status: 'active' as const }, limit: 1 },
        { filter: { externalId: 'job-unknown' }, limit: 5 },
      ])('lists $filter newest first in pages of $limit', async ({ filter, limit }) => {
        const expected = newestFirst()
          .filter((item) => !('status' in filter) || item.state.status === filter.status)
          .filter((item) => !('externalId' in filter) || item.externalId === filter.externalId)
          .map((item) => item.id);
        const { items, pages } = await collectAll(
          (page) => store.listInterviews(tenantId, { ...filter, ...page }),
          limit,
        );
        const ids = items.map((item) => item.id);
        expect(ids).toEqual(expected);
        expect(new Set(ids).size).toBe(ids.length);
        // Exact pages: no empty trailing page when the count divides evenly.
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      });

      it('moves an interview between status lists when its status changes', async () => {
        const target = all[1] as StoredInterview;
        const closed = {
          ...target,
          version: target.version + 1,
          state: { ...target.state, status: 'closed' as const },
        };
        await store.updateInterview(closed, target.version);
        all[1] = closed;
        const active = await collectAll(
          (page) => store.listInterviews(tenantId, { status: 'active', ...page }),
          50,
        );
        const closedList = await collectAll(
          (page) => store.listInterviews(tenantId, { status: 'closed', ...page }),
          50,
        );
        expect(active.items.map((item) => item.id)).not.toContain(target.id);
        expect(closedList.items.map((item) => item.id)).toContain(target.id);
      });

      it.each([
        ['not base64url', '!!not a cursor!!'],
        ['not JSON', Buffer.from('{oops').toString('base64url')],
        ['an array', encode(['pk', 'sk'])],
        ['missing the sort key', encode({ pk: `T#${tenantId}` })],
        ['an extra attribute', encode({ pk: `T#${tenantId}`, sk: 'INT#int_1', extra: 'x' })],
        ['a number value', encode({ pk: `T#${tenantId}`, sk: 5 })],
        ['outside the listed range', encode({ pk: `T#${tenantId}`, sk: 'WHE#whe_1' })],
        ['empty', ''],
      ])('rejects a cursor that is %s with a ValidationError on cursor', async (_, cursor) => {
        const error = await store.listInterviews(tenantId, { limit: 5, cursor }).catch((e) => e);
        expectCursorError(error);
      });

      it('rejects another tenant’s cursor and a cursor from another filter', async () => {
        const page = await store.listInterviews(tenantId, { limit: 2 });
        expect(page.nextCursor).toBeDefined();
        const cursor = page.nextCursor as string;
        expectCursorError(
          await store.listInterviews(newTenant(), { limit: 2, cursor }).catch((e) => e),
        );
        expectCursorError(
          await store
            .listInterviews(tenantId, { limit: 2, cursor, status: 'active' })
            .catch((e) => e),
        );
        const statusPage = await store.listInterviews(tenantId, { limit: 2, status: 'active' });
        expectCursorError(
          await store
            .listInterviews(tenantId, {
              limit: 2,
              cursor: statusPage.nextCursor as string,
              status: 'closed',
            })
            .catch((e) => e),
        );
        // A hand-made cursor pointing at another tenant's partition is refused too.
        const forged = encode({ pk: `T#${newTenant()}`, sk: `INT#${all[0]?.id}` });
        expectCursorError(
          await store.listInterviews(tenantId, { limit: 2, cursor: forged }).catch((e) => e),
        );
      });
    });

    it('isolates tenants: B cannot get, list or update A’s interview', async () => {
      const a = newTenant();
      const b = newTenant();
      const stored = interview(a, baseMs, { externalId: 'shared-ext' });
      await store.createInterview(stored);
      await expect(store.getInterview(b, stored.id)).resolves.toBeUndefined();
      for (const query of [{}, { status: 'active' as const }, { externalId: 'shared-ext' }]) {
        await expect(store.listInterviews(b, { limit: 10, ...query })).resolves.toEqual({
          items: [],
        });
      }
      await expect(
        store.updateInterview({ ...stored, tenantId: b, version: 2 }, 1),
      ).rejects.toBeInstanceOf(VersionConflictError);
      await expect(store.getInterview(b, stored.id)).resolves.toBeUndefined();
      await expect(store.getInterview(a, stored.id)).resolves.toEqual(stored);
    });

    describe('due index', () => {
      const tenants = [newTenant(), newTenant(), newTenant()];
      const before = '2026-03-10T12:00:00Z';
      const due: StoredInterview[] = [];
      const notDue: StoredInterview[] = [];

      beforeAll(async () => {
        // 18 due interviews over three tenants (so over all shards), with due times in mixed
        // precision, plus some due later and some with nothing scheduled.
        for (let i = 0; i < 18; i++) {
          const dueAt = Temporal.Instant.from('2026-03-09T00:00:00Z')
            .add({ minutes: 37 * i })
            .toString(i % 2 === 0 ? {} : { fractionalSecondDigits: 3 });
          due.push(interview(tenants[i % 3] as string, baseMs + i, { nextDueAt: dueAt }));
        }
        // Exactly at the bound counts as due.
        due.push(interview(tenants[0] as string, baseMs + 100, { nextDueAt: before }));
        notDue.push(
          interview(tenants[1] as string, baseMs + 200, { nextDueAt: '2026-03-10T12:00:00.001Z' }),
          interview(tenants[2] as string, baseMs + 201, { nextDueAt: '2026-04-01T09:00:00Z' }),
          interview(tenants[0] as string, baseMs + 202),
        );
        await Promise.all([...due, ...notDue].map((item) => store.createInterview(item)));
      });

      const ours = (tenantId: string) => tenants.includes(tenantId);
      const dueTime = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds;

      it.each([1, 4, 7, 50])(
        'finds exactly the due interviews, oldest first, in pages of %i',
        async (limit) => {
          const { items } = await collectAll(
            (page) => store.listDueInterviews(before, page),
            limit,
          );
          const found = items.filter((ref) => ours(ref.tenantId));
          const expected = [...due]
            .sort((x, y) => dueTime(x.nextDueAt as string) - dueTime(y.nextDueAt as string))
            .map((item) => `${item.tenantId}/${item.id}`);
          expect(found.map((ref) => `${ref.tenantId}/${ref.interviewId}`)).toEqual(expected);
          // Every returned entry is due and the whole list is ordered by due time.
          const times = items.map((ref) => dueTime(ref.nextDueAt));
          expect(times).toEqual([...times].sort((x, y) => x - y));
          expect(times.every((t) => t <= dueTime(before))).toBe(true);
          // The due time in one format (UTC, milliseconds), whatever format it was set in.
          expect(found[0]?.nextDueAt).toBe(
            Temporal.Instant.from(due[0]?.nextDueAt as string).toString({
              fractionalSecondDigits: 3,
            }),
          );
        },
      );

      it('drops an interview from the index when nextDueAt is removed, and adds it back', async () => {
        const first = due[0] as StoredInterview;
        const { nextDueAt: _removed, ...rest } = first;
        const cleared = { ...rest, version: 2 };
        await store.updateInterview(cleared, 1);
        const afterClear = await collectAll((page) => store.listDueInterviews(before, page), 50);
        expect(afterClear.items.map((ref) => ref.interviewId)).not.toContain(first.id);

        await store.updateInterview(
          { ...cleared, version: 3, nextDueAt: '2026-03-01T00:00:00Z' },
          2,
        );
        const again = await store.listDueInterviews(before, { limit: 1 });
        expect(again.items).toEqual([
          {
            tenantId: first.tenantId,
            interviewId: first.id,
            nextDueAt: '2026-03-01T00:00:00.000Z',
          },
        ]);
      });

      it.each([
        ['garbage', 'zzz'],
        ['the wrong shape', encode({ pk: 'DUE#0', sk: 'x' })],
        ['a bad key', encode({ after: 'not-a-due-key' })],
      ])('rejects a due cursor that is %s', async (_, cursor) => {
        expectCursorError(
          await store.listDueInterviews(before, { limit: 5, cursor }).catch((e) => e),
        );
      });
    });
  });

  describe('idempotency', () => {
    const clock = new FixedClock(Temporal.Instant.from('2026-03-02T09:00:00Z'));
    let clocked: DynamoStore;
    beforeAll(() => {
      clocked = new DynamoStore({ client, tableName, clock });
    });
    const nowSeconds = () => Math.floor(clock.now().epochMilliseconds / 1000);
    const claim = (
      tenantId: string,
      key: string,
      owner: string,
      extra: Partial<IdempotencyInProgress> = {},
    ): IdempotencyInProgress => ({
      phase: 'in_progress',
      tenantId,
      key,
      requestHash: 'f'.repeat(64),
      owner,
      leaseExpiresAt: clock.now().add({ seconds: 60 }).toString(),
      createdAt: clock.now().toString(),
      expiresAt: nowSeconds() + 86_400,
      ...extra,
    });
    const completed = (
      tenantId: string,
      key: string,
      extra: Partial<IdempotencyCompleted> = {},
    ): IdempotencyCompleted => ({
      phase: 'completed',
      tenantId,
      key,
      requestHash: 'f'.repeat(64),
      status: 201,
      body: '{"id":"int_1"}',
      headers: { 'content-type': 'application/json' },
      createdAt: clock.now().toString(),
      expiresAt: nowSeconds() + 86_400,
      ...extra,
    });

    it('lets one claim win, and only its owner complete or release it', async () => {
      const tenantId = newTenant();
      await expect(clocked.claimIdempotency(claim(tenantId, 'k', 'a'))).resolves.toBe(true);
      await expect(clocked.claimIdempotency(claim(tenantId, 'k', 'b'))).resolves.toBe(false);
      await expect(clocked.claimIdempotency(claim(newTenant(), 'k', 'b'))).resolves.toBe(true);
      await expect(clocked.getIdempotency(tenantId, 'k')).resolves.toMatchObject({
        phase: 'in_progress',
        owner: 'a',
      });

      await expect(clocked.completeIdempotency(completed(tenantId, 'k'), 'b')).resolves.toBe(false);
      await clocked.releaseIdempotency(tenantId, 'k', 'b');
      await expect(clocked.getIdempotency(tenantId, 'k')).resolves.toBeDefined();

      const done = completed(tenantId, 'k');
      await expect(clocked.completeIdempotency(done, 'a')).resolves.toBe(true);
      await expect(clocked.getIdempotency(tenantId, 'k')).resolves.toEqual(done);
      // A completed record is neither claimable, nor completable or releasable again.
      await expect(clocked.claimIdempotency(claim(tenantId, 'k', 'c'))).resolves.toBe(false);
      await expect(clocked.completeIdempotency(completed(tenantId, 'k'), 'a')).resolves.toBe(false);
      await clocked.releaseIdempotency(tenantId, 'k', 'a');
      await expect(clocked.getIdempotency(tenantId, 'k')).resolves.toEqual(done);
    });

    it('frees a released key at once', async () => {
      const tenantId = newTenant();
      await clocked.claimIdempotency(claim(tenantId, 'k', 'a'));
      await clocked.releaseIdempotency(tenantId, 'k', 'a');
      await expect(clocked.getIdempotency(tenantId, 'k')).resolves.toBeUndefined();
      await expect(clocked.claimIdempotency(claim(tenantId, 'k', 'b'))).resolves.toBe(true);
    });

    it('lets a claim whose lease ran out be taken over, and then only by the new owner', async () => {
      const tenantId = newTenant();
      await clocked.claimIdempotency(claim(tenantId, 'k', 'dead'));
      clock.set(clock.now().add({ seconds: 59 }));
      await expect(clocked.claimIdempotency(claim(tenantId, 'k', 'early'))).resolves.toBe(false);
      clock.set(clock.now().add({ seconds: 2 }));
      await expect(clocked.claimIdempotency(claim(tenantId, 'k', 'next'))).resolves.toBe(true);
      await expect(clocked.completeIdempotency(completed(tenantId, 'k'), 'dead')).resolves.toBe(
        false,
      );
      await expect(clocked.completeIdempotency(completed(tenantId, 'k'), 'next')).resolves.toBe(
        true,
      );
    });

    it('treats an expired record as absent, and lets the key be used again', async () => {
      const tenantId = newTenant();
      await clocked.claimIdempotency(claim(tenantId, 'k', 'a', { expiresAt: nowSeconds() + 60 }));
      await clocked.completeIdempotency(
        completed(tenantId, 'k', { expiresAt: nowSeconds() + 60 }),
        'a',
      );
      await expect(clocked.getIdempotency(tenantId, 'k')).resolves.toBeDefined();
      clock.set(clock.now().add({ minutes: 2 }));
      await expect(clocked.getIdempotency(tenantId, 'k')).resolves.toBeUndefined();
      await expect(clocked.claimIdempotency(claim(tenantId, 'k', 'b'))).resolves.toBe(true);
    });

    it('lists the records of one interview, and replaces them with their erased form', async () => {
      const tenantId = newTenant();
      const interviewId = newId('int', baseMs);
      for (const key of ['c', 'a', 'b']) {
        await clocked.claimIdempotency(claim(tenantId, key, key));
      }
      await clocked.completeIdempotency(completed(tenantId, 'a', { interviewId }), 'a');
      // An in-progress claim that names the interview (a signal still running) is listed too.
      await clocked.claimIdempotency(claim(tenantId, 'd', 'd', { interviewId }));
      await clocked.completeIdempotency(completed(tenantId, 'b'), 'b');
      await clocked.completeIdempotency(
        completed(tenantId, 'c', { interviewId: newId('int', baseMs) }),
        'c',
      );

      const { items, pages } = await collectAll(
        (page) => clocked.listInterviewIdempotency(tenantId, interviewId, page),
        1,
      );
      expect(items.map((record) => [record.key, record.phase])).toEqual([
        ['a', 'completed'],
        ['d', 'in_progress'],
      ]);
      expect(pages).toBe(2);
      await expect(
        clocked.listInterviewIdempotency(newTenant(), interviewId, { limit: 10 }),
      ).resolves.toEqual({ items: [] });

      const erased: IdempotencyErased = {
        phase: 'erased',
        tenantId,
        key: 'd',
        interviewId,
        erasedAt: clock.now().toString(),
        createdAt: clock.now().toString(),
        expiresAt: nowSeconds() + 86_400,
      };
      await clocked.putErasedIdempotency(erased);
      await expect(clocked.getIdempotency(tenantId, 'd')).resolves.toEqual(erased);
      // The request that held the claim can no longer store its response over the erasure.
      await expect(
        clocked.completeIdempotency(completed(tenantId, 'd', { interviewId }), 'd'),
      ).resolves.toBe(false);
      await expect(clocked.claimIdempotency(claim(tenantId, 'd', 'e'))).resolves.toBe(false);
    });
  });

  describe('webhook endpoints', () => {
    it('creates, reads, updates by version, lists and deletes', async () => {
      const tenantId = newTenant();
      const first = endpoint(tenantId, baseMs);
      const second = endpoint(tenantId, baseMs + 1000);
      await store.createEndpoint(first);
      await store.createEndpoint(second);
      await expect(store.createEndpoint(first)).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(store.getEndpoint(tenantId, first.id)).resolves.toEqual(first);

      const disabled = { ...first, version: 2, enabled: false, disabledReason: 'manual' };
      await store.updateEndpoint(disabled, 1);
      await expect(store.updateEndpoint({ ...first, version: 2 }, 1)).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      await expect(store.getEndpoint(tenantId, first.id)).resolves.toEqual(disabled);

      const { items, pages } = await collectAll((page) => store.listEndpoints(tenantId, page), 1);
      expect(items.map((item) => item.id)).toEqual([second.id, first.id]);
      expect(pages).toBe(2);

      await store.deleteEndpoint(tenantId, first.id, 4_102_444_800);
      await expect(store.getEndpoint(tenantId, first.id)).resolves.toBeUndefined();
      await expect(store.listEndpoints(tenantId, { limit: 10 })).resolves.toEqual({
        items: [second],
      });
      // The deleted endpoint's id stays findable for erasure.
      await expect(store.listDeletedEndpointIds(tenantId)).resolves.toEqual([first.id]);
    });

    it('guards the revision on every write, also one that keeps the version', async () => {
      const tenantId = newTenant();
      // Stored before revisions existed: no revision at all.
      const legacy = endpoint(tenantId, baseMs);
      await store.createEndpoint(legacy);
      const noted = { ...legacy, firstFailureAt: legacy.createdAt, revision: 1 };
      await store.updateEndpoint(noted, 1);
      await expect(store.getEndpoint(tenantId, legacy.id)).resolves.toEqual(noted);
      // A second writer that read the item before that write loses, though the version is
      // the same.
      await expect(
        store.updateEndpoint({ ...legacy, lastSuccessAt: legacy.createdAt, revision: 1 }, 1),
      ).rejects.toBeInstanceOf(VersionConflictError);
      const disabled = { ...noted, enabled: false, version: 2, revision: 2 };
      await store.updateEndpoint(disabled, 1);
      await expect(store.updateEndpoint({ ...noted, revision: 3 }, 1)).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      await expect(store.getEndpoint(tenantId, legacy.id)).resolves.toEqual(disabled);
      // Keeping the version needs a revision: there is nothing else to guard.
      const { revision: _revision, ...unrevised } = disabled;
      await expect(store.updateEndpoint(unrevised, 2)).rejects.toThrow(/version must be/);
    });

    it('isolates tenants', async () => {
      const a = newTenant();
      const b = newTenant();
      const stored = endpoint(a, baseMs);
      await store.createEndpoint(stored);
      await expect(store.getEndpoint(b, stored.id)).resolves.toBeUndefined();
      await expect(store.listEndpoints(b, { limit: 10 })).resolves.toEqual({ items: [] });
      await expect(
        store.updateEndpoint({ ...stored, tenantId: b, version: 2 }, 1),
      ).rejects.toBeInstanceOf(VersionConflictError);
      await store.deleteEndpoint(b, stored.id, 4_102_444_800);
      await expect(store.getEndpoint(a, stored.id)).resolves.toEqual(stored);
      await expect(store.listDeletedEndpointIds(a)).resolves.toEqual([]);
    });
  });

  describe('events', () => {
    const tenantId = newTenant();
    const interviewA = newId('int', baseMs);
    const interviewB = newId('int', baseMs + 1);
    const events: StoredEvent[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 14; i++) {
        events.push(
          event(tenantId, baseMs + i * 1000, {
            type: i % 2 === 0 ? 'step.due' : 'interview.closed',
            ...(i % 7 === 6 ? {} : { interviewId: i % 3 === 0 ? interviewA : interviewB }),
          }),
        );
      }
      for (const item of events) await expect(store.putEvent(item)).resolves.toBe(true);
    });

    it('records an event id once; a second put changes nothing', async () => {
      const original = events[0] as StoredEvent;
      await expect(store.putEvent({ ...original, data: { changed: true } })).resolves.toBe(false);
      await expect(store.getEvent(tenantId, original.id)).resolves.toEqual(original);
      await expect(store.getEvent(newTenant(), original.id)).resolves.toBeUndefined();
    });

    it.each([
      { query: {}, limit: 4 },
      { query: { type: 'step.due' }, limit: 3 },
      { query: { interviewId: interviewA }, limit: 2 },
      { query: { interviewId: interviewB }, limit: 5 },
      { query: { interviewId: interviewB, type: 'interview.closed' }, limit: 2 },
      { query: { type: 'nothing.here' }, limit: 2 },
    ])('lists $query newest first in pages of $limit', async ({ query, limit }) => {
      const expected = [...events]
        .reverse()
        .filter((item) => !('type' in query) || item.type === query.type)
        .filter((item) => !('interviewId' in query) || item.interviewId === query.interviewId)
        .map((item) => item.id);
      const { items } = await collectAll(
        (page) => store.listEvents(tenantId, { ...query, ...page }),
        limit,
      );
      expect(items.map((item) => item.id)).toEqual(expected);
    });

    it('keeps events to their tenant and cursors to their list', async () => {
      await expect(store.listEvents(newTenant(), { limit: 5 })).resolves.toEqual({ items: [] });
      const page = await store.listEvents(tenantId, { limit: 2 });
      const cursor = page.nextCursor as string;
      expectCursorError(await store.listEvents(newTenant(), { limit: 2, cursor }).catch((e) => e));
      expectCursorError(
        await store.listEvents(tenantId, { limit: 2, cursor, type: 'step.due' }).catch((e) => e),
      );
    });
  });

  describe('delivery attempts and states', () => {
    it('lists attempts newest first, whatever the timestamp precision', async () => {
      const tenantId = newTenant();
      const endpointId = newId('whe', baseMs);
      const times = [
        '2026-03-02T09:00:00Z',
        '2026-03-02T09:00:00.500Z',
        '2026-03-02T09:00:01Z',
        '2026-03-02T09:05:00.001Z',
        '2026-03-02T10:00:00Z',
      ];
      const attempts: DeliveryAttempt[] = times.map((attemptedAt, i) => ({
        tenantId,
        id: newId('dlv', baseMs + i),
        eventId: 'evt_1',
        endpointId,
        attempt: i + 1,
        attemptedAt,
        outcome: i === times.length - 1 ? 'succeeded' : 'failed',
        ...(i === times.length - 1 ? { statusCode: 200 } : { error: 'timeout' }),
        latencyMs: 15_000,
        expiresAt: 4_102_444_800,
      }));
      // Written out of order, to show the order comes from the key.
      for (const attempt of [...attempts].reverse()) await store.putAttempt(attempt);
      // Read back by key (as erasure does from a delivery state's attemptLog).
      const refs = [attempts[1], attempts[3]].map((a) => ({
        id: a?.id ?? '',
        attemptedAt: a?.attemptedAt ?? '',
      }));
      const byKey = await store.getAttempts(tenantId, endpointId, [
        ...refs,
        { id: 'dlv_missing', attemptedAt: times[0] ?? '' },
      ]);
      expect(byKey.map((a) => a.id).sort()).toEqual(refs.map((ref) => ref.id).sort());
      const { items } = await collectAll(
        (page) => store.listAttempts(tenantId, endpointId, page),
        2,
      );
      expect(items).toEqual([...attempts].reverse());
      await expect(store.listAttempts(newTenant(), endpointId, { limit: 5 })).resolves.toEqual({
        items: [],
      });
    });

    it('finds by interview only the attempts a full delivery state could not list', async () => {
      const tenantId = newTenant();
      const endpointId = newId('whe', baseMs);
      const attempt = (i: number, flagged: boolean): DeliveryAttempt => ({
        tenantId,
        id: newId('dlv', baseMs + i),
        eventId: 'evt_1',
        endpointId,
        attempt: i + 1,
        attemptedAt: `2026-03-02T09:00:0${i}Z`,
        outcome: 'failed',
        error: 'timeout',
        latencyMs: 15_000,
        interviewId: 'int_1',
        ...(flagged ? { indexedForErasure: true as const } : {}),
        expiresAt: 4_102_444_800,
      });
      const listed = attempt(0, false);
      const overflow = attempt(1, true);
      await store.putAttempt(listed);
      await store.putAttempt(overflow);
      const { items } = await collectAll(
        (page) => store.listInterviewAttempts(tenantId, 'int_1', page),
        10,
      );
      expect(items).toEqual([overflow]);
    });

    it('tracks delivery states and lists the unsuccessful ones since a time', async () => {
      const tenantId = newTenant();
      const endpointId = newId('whe', baseMs);
      const otherEndpoint = newId('whe', baseMs + 1);
      const state = (
        eventId: string,
        status: DeliveryState['status'],
        createdAt: string,
        onEndpoint = endpointId,
      ): DeliveryState => ({
        tenantId,
        eventId,
        endpointId: onEndpoint,
        status,
        attempts: status === 'pending' ? 0 : 3,
        createdAt,
        updatedAt: createdAt,
        expiresAt: 4_102_444_800,
      });
      const states = [
        state('evt_old_failed', 'failed', '2026-03-01T00:00:00Z'),
        state('evt_failed', 'failed', '2026-03-02T10:00:00Z'),
        state('evt_ok', 'succeeded', '2026-03-02T11:00:00Z'),
        state('evt_pending', 'pending', '2026-03-02T12:00:00.250Z'),
        state('evt_retrying', 'failed', '2026-03-02T13:00:00Z'),
        state('evt_elsewhere', 'failed', '2026-03-02T14:00:00Z', otherEndpoint),
      ];
      for (const item of states) await store.putDeliveryState(item);

      await expect(store.getDeliveryState(tenantId, 'evt_ok', endpointId)).resolves.toEqual(
        states[2],
      );
      await expect(
        store.getDeliveryState(newTenant(), 'evt_ok', endpointId),
      ).resolves.toBeUndefined();

      const since = '2026-03-02T10:00:00Z';
      const list = () =>
        collectAll(
          (page) => store.listUnsuccessfulDeliveries(tenantId, endpointId, since, page),
          2,
        );
      expect((await list()).items.map((item) => item.eventId)).toEqual([
        'evt_failed',
        'evt_pending',
        'evt_retrying',
      ]);

      // A later success takes the delivery out of the list.
      await store.putDeliveryState({ ...(states[4] as DeliveryState), status: 'succeeded' });
      expect((await list()).items.map((item) => item.eventId)).toEqual([
        'evt_failed',
        'evt_pending',
      ]);

      await expect(
        store.listUnsuccessfulDeliveries(newTenant(), endpointId, since, { limit: 10 }),
      ).resolves.toEqual({ items: [] });
      const page = await store.listUnsuccessfulDeliveries(tenantId, endpointId, since, {
        limit: 1,
      });
      expectCursorError(
        await store
          .listUnsuccessfulDeliveries(tenantId, otherEndpoint, since, {
            limit: 1,
            cursor: page.nextCursor as string,
          })
          .catch((e) => e),
      );
    });

    it('writes attempts and states in batches and reads an event’s states back together', async () => {
      const tenantId = newTenant();
      const eventId = newId('evt', baseMs);
      const createdAt = '2026-03-02T09:00:00Z';
      // More endpoints than one BatchGetItem (100) or BatchWriteItem (25) takes.
      const endpointIds = Array.from({ length: 110 }, (_, i) => newId('whe', baseMs + i));
      const states: DeliveryState[] = endpointIds.map((endpointId, i) => ({
        tenantId,
        eventId,
        endpointId,
        status: i % 2 === 0 ? 'succeeded' : 'pending',
        attempts: 1,
        lastAttemptAt: createdAt,
        ...(i % 2 === 0 ? {} : { nextAttemptAt: '2026-03-02T09:00:05Z' }),
        createdAt,
        updatedAt: createdAt,
        expiresAt: 4_102_444_800,
      }));
      const attempts: DeliveryAttempt[] = endpointIds.map((endpointId, i) => ({
        tenantId,
        id: newId('dlv', baseMs + i),
        eventId,
        endpointId,
        attempt: 1,
        attemptedAt: createdAt,
        outcome: i % 2 === 0 ? 'succeeded' : 'failed',
        latencyMs: 12,
        expiresAt: 4_102_444_800,
      }));
      const written = endpointIds.slice(0, 100);
      await store.putDeliveryRecords({
        attempts: attempts.slice(0, 100),
        states: states.slice(0, 100),
      });

      // Asked for every endpoint (and one twice): the unwritten ten are simply absent.
      const found = await store.getDeliveryStates(tenantId, eventId, [
        ...endpointIds,
        endpointIds[0] as string,
      ]);
      expect([...found.keys()].sort()).toEqual([...written].sort());
      for (const state of states.slice(0, 100)) expect(found.get(state.endpointId)).toEqual(state);
      await expect(store.getDeliveryStates(newTenant(), eventId, endpointIds)).resolves.toEqual(
        new Map(),
      );
      await expect(store.getDeliveryStates(tenantId, eventId, [])).resolves.toEqual(new Map());

      // The batched items are the same items the single writes make: listed and indexed alike.
      const firstEndpoint = endpointIds[1] as string;
      await expect(store.listAttempts(tenantId, firstEndpoint, { limit: 5 })).resolves.toEqual({
        items: [attempts[1]],
      });
      const unsuccessful = () =>
        store.listUnsuccessfulDeliveries(tenantId, firstEndpoint, createdAt, { limit: 5 });
      expect((await unsuccessful()).items).toEqual([states[1]]);
      await store.putDeliveryRecords({
        attempts: [],
        states: [{ ...(states[1] as DeliveryState), status: 'succeeded', attempts: 2 }],
      });
      await expect(unsuccessful()).resolves.toEqual({ items: [] });
      await store.putDeliveryRecords({ attempts: [], states: [] });
    });
  });
});

describe('dynalite on disk', () => {
  let dataDir: string;
  const servers: RunningDynalite[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'afterview-dynalite-'));
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function open(): Promise<{
    server: RunningDynalite;
    client: DynamoDBClient;
    store: Store;
  }> {
    const server = await startDynalite({ path: dataDir });
    servers.push(server);
    const client = createDynamoClient(server.endpoint);
    await ensureTable(client, 'afterview');
    return { server, client, store: new DynamoStore({ client, tableName: 'afterview' }) };
  }

  it('keeps data across a restart on the same data directory', async () => {
    const tenant = { id: newTenant(), name: 'Persistent', createdAt: '2026-03-01T00:00:00Z' };
    const stored = interview(tenant.id, baseMs, { nextDueAt: '2026-03-03T09:00:00Z' });

    const first = await open();
    await first.store.createTenant(tenant);
    await first.store.createInterview(stored);
    first.client.destroy();
    await first.server.close();

    const second = await open();
    await expect(second.store.getTenant(tenant.id)).resolves.toEqual(tenant);
    await expect(second.store.getInterview(tenant.id, stored.id)).resolves.toEqual(stored);
    await expect(
      second.store.listDueInterviews('2026-03-04T00:00:00Z', { limit: 10 }),
    ).resolves.toEqual({
      items: [
        { tenantId: tenant.id, interviewId: stored.id, nextDueAt: '2026-03-03T09:00:00.000Z' },
      ],
    });
    second.client.destroy();
    await second.server.close();
  });
});
