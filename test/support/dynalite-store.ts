/**
 * A DynamoStore on its own dynalite server and table, for suites that test the store-backed
 * services directly (dispatcher, outbox) without the whole local runtime.
 */
import { randomBytes } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { startLocalStore } from '../../local/adapters';
import { FixedClock } from '../../shared/clock';
import type { DynamoStore } from '../../shared/store/dynamo-store';

export interface DynaliteStore {
  store: DynamoStore;
  close(): Promise<void>;
}

/** Starts dynalite, creates a table named `afterview-<name>-<random>` and a store at `now`. */
export async function startDynaliteStore(
  name: string,
  now: Temporal.Instant,
): Promise<DynaliteStore> {
  const local = await startLocalStore({
    tableName: `afterview-${name}-${randomBytes(4).toString('hex')}`,
    clock: new FixedClock(now),
  });
  return { store: local.store, close: () => local.close() };
}
