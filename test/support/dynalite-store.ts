/**
 * A DynamoStore on its own dynalite server and table, for suites that test the store-backed
 * services directly (dispatcher, outbox) without the whole local runtime, and the pieces those
 * suites build on it: a tenant id, the real InterviewService, a publisher that dies.
 */
import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll } from 'vitest';
import { startLocalStore } from '../../local/adapters';
import { type Clock, FixedClock } from '../../shared/clock';
import { type EventPublisher, StoreEventPublisher } from '../../shared/service/events';
import { InterviewService } from '../../shared/service/interview-service';
import type { DynamoStore } from '../../shared/store/dynamo-store';
import type { Store } from '../../shared/store/ports';
import { quietLogger } from './loggers';
import { RecordingScheduler } from './recording-scheduler';

interface DynaliteStore {
  store: DynamoStore;
  close(): Promise<void>;
}

/** Starts dynalite, creates a table named `afterview-<name>-<random>` and a store at `now`. */
async function startDynaliteStore(name: string, now: Temporal.Instant): Promise<DynaliteStore> {
  const local = await startLocalStore({
    tableName: `afterview-${name}-${randomBytes(4).toString('hex')}`,
    clock: new FixedClock(now),
  });
  return { store: local.store, close: () => local.close() };
}

/**
 * Gives the file one DynaliteStore: started before its tests (`use` receives the store), closed
 * after them.
 */
export function useDynaliteStore(
  name: string,
  now: Temporal.Instant,
  use: (store: DynamoStore) => void,
): void {
  let db: DynaliteStore | undefined;
  beforeAll(async () => {
    db = await startDynaliteStore(name, now);
    use(db.store);
  });
  afterAll(async () => {
    await db?.close();
  });
}

type RawItem = Record<string, AttributeValue>;

/**
 * A DynamoStore on its own dynalite table plus raw access to the items, for suites that write
 * items in shapes older code wrote or look at what the store wrote. Fields are set before the
 * file's tests run.
 */
export interface RawTable {
  store: DynamoStore;
  client: DynamoDBClient;
  tableName: string;
  /** The item at `key` as stored, or undefined. */
  get(key: { pk: string; sk: string }): Promise<RawItem | undefined>;
  put(item: RawItem): Promise<void>;
  /** Every item of the table. */
  scan(): Promise<RawItem[]>;
}

/** Gives the file one RawTable named `afterview-<name>-<random>` (a store at `now` if given). */
export function useRawTable(name: string, now?: Temporal.Instant): RawTable {
  let local: Awaited<ReturnType<typeof startLocalStore>> | undefined;
  const table: RawTable = {
    store: undefined as unknown as DynamoStore,
    client: undefined as unknown as DynamoDBClient,
    tableName: `afterview-${name}-${randomBytes(4).toString('hex')}`,
    get: async ({ pk, sk }) => {
      const out = await table.client.send(
        new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: pk }, sk: { S: sk } } }),
      );
      return out.Item;
    },
    put: async (item) => {
      await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: item }));
    },
    scan: async () =>
      (await table.client.send(new ScanCommand({ TableName: table.tableName }))).Items ?? [],
  };
  beforeAll(async () => {
    local = await startLocalStore({
      tableName: table.tableName,
      ...(now === undefined ? {} : { clock: new FixedClock(now) }),
    });
    table.store = local.store;
    table.client = local.client;
  });
  afterAll(async () => {
    await local?.close();
  });
  return table;
}

/** A tenant id nobody else uses, so tests sharing a table stay apart. */
export function newTenantId(): string {
  return `ten_${randomBytes(6).toString('hex')}`;
}

/** A publisher whose process "dies" before publishing: the outbox must keep the event. */
export const deadPublisher: EventPublisher = {
  publish: async () => {
    throw new Error('process died before publishing (simulated)');
  },
};

/**
 * The real InterviewService over `store`, with a recording scheduler and a quiet logger, its
 * clock `clock` (an instant is a fixed clock), publishing through the store unless told.
 */
export function interviewServiceOn(
  store: Store,
  clock: Clock | Temporal.Instant,
  events: EventPublisher = new StoreEventPublisher(store),
): InterviewService {
  return new InterviewService({
    store,
    scheduler: new RecordingScheduler(),
    clock: clock instanceof Temporal.Instant ? new FixedClock(clock) : clock,
    events,
    logger: quietLogger,
  });
}
