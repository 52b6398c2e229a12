/**
 * The Store port on one DynamoDB table (layout in ./table). Works unchanged on dynalite: no
 * transactions, no Scan, and expiry is checked on read because dynalite never deletes by TTL.
 *
 * A thin facade: each entity has its own module in ./dynamo (tenants, interviews and their due
 * index, idempotency, endpoints, events, deliveries) over shared key, cursor and table helpers,
 * and this class only puts them together behind the one `Store` the services take.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Clock, systemClock } from '../clock';
import { deliveryEntity } from './dynamo/deliveries';
import { endpointEntity } from './dynamo/endpoints';
import { eventEntity } from './dynamo/events';
import { idempotencyEntity } from './dynamo/idempotency';
import { interviewEntity } from './dynamo/interviews';
import { DynamoTable } from './dynamo/table-client';
import { tenantEntity } from './dynamo/tenants';
import type { Store } from './ports';

interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Decides when idempotency records have expired; defaults to the system clock. */
  clock?: Clock;
}

/** Every entity's methods over one table: the whole `Store`, checked by its type. */
function entitiesOver(table: DynamoTable): Store {
  return {
    ...tenantEntity(table),
    ...interviewEntity(table),
    ...idempotencyEntity(table),
    ...endpointEntity(table),
    ...eventEntity(table),
    ...deliveryEntity(table),
  };
}

/** Class form of `entitiesOver`, so callers keep writing `new DynamoStore(options)`. */
const StoreOverTable = class {
  constructor(options: DynamoStoreOptions) {
    const table = new DynamoTable({ ...options, clock: options.clock ?? systemClock });
    Object.assign(this, entitiesOver(table));
  }
} as new (
  options: DynamoStoreOptions,
) => Store;

export class DynamoStore extends StoreOverTable {}
