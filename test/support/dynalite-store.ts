/**
 * A DynamoStore on its own dynalite server and table, for suites that test the store-backed
 * services directly (dispatcher, outbox) without the whole local runtime, and the pieces those
 * suites build on it: a tenant id, the real InterviewService, a publisher that dies.
 */
import { randomBytes } from 'node:crypto';
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
