/**
 * A DynamoStore on its own dynalite server and table, for suites that test the store-backed
 * services directly (dispatcher, outbox) without the whole local runtime.
 */
import { randomBytes } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { createDynamoClient, startDynalite } from '../../local/dynalite';
import { FixedClock } from '../../shared/clock';
import { DynamoStore } from '../../shared/store/dynamo-store';
import { ensureTable } from '../../shared/store/table';

export interface DynaliteStore {
  store: DynamoStore;
  close(): Promise<void>;
}

/** Starts dynalite, creates a table named `afterview-<name>-<random>` and a store at `now`. */
export async function startDynaliteStore(
  name: string,
  now: Temporal.Instant,
): Promise<DynaliteStore> {
  const dynalite = await startDynalite();
  const client = createDynamoClient(dynalite.endpoint);
  const tableName = `afterview-${name}-${randomBytes(4).toString('hex')}`;
  await ensureTable(client, tableName);
  const store = new DynamoStore({ client, tableName, clock: new FixedClock(now) });
  return { store, close: () => dynalite.close() };
}
