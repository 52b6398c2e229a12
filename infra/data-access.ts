/**
 * Which DynamoDB calls each function makes, kept beside the store's table definition so the
 * grants follow the code: the store issues GetItem, PutItem (conditional writes carry the
 * updates), DeleteItem, Query, BatchGetItem (the items behind a keys-only index page, delivery
 * states and attempts by key) and BatchWriteItem (a fan-out's delivery states and attempts), and
 * never Scan. test/runtime/lambda-handlers.test.ts runs the three handlers and checks that every
 * command they send is in their list here.
 *
 * IAM has one action for BatchWriteItem, puts and deletes alike, so a function granted it can
 * delete items; the store only batches puts. PutItem can overwrite any item anyway, so this
 * widens nothing a compromised function could not already do.
 */
import { dueIndex, gsi1, gsi2, gsi3 } from '../shared/store/table';

export interface DataAccess {
  /** Actions on the base table. */
  tableActions: readonly string[];
  /** Indexes the function queries; each gets `dynamodb:Query` on its own ARN only. */
  indexes: readonly string[];
}

/** What both workers do on the table: read, write and list, in batches too; never delete. */
const workerTableActions = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
] as const;

export const dataAccess = {
  // Every resource of the public API: reads, conditional writes, deletes (endpoints,
  // erasure), and list queries on the three overloaded indexes.
  api: {
    tableActions: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
    ],
    indexes: [gsi1.indexName, gsi2.indexName, gsi3.indexName],
  },
  // Re-reads the interview, writes events, delivery states and attempts (a fan-out's in
  // batches); lists a tenant's endpoints by key prefix. It deletes nothing and needs no index.
  dispatch: {
    tableActions: workerTableActions,
    indexes: [],
  },
  // Finds due interviews through the sharded due index and undelivered deliveries through
  // gsi1, then acts as the dispatcher does.
  reconcile: {
    tableActions: workerTableActions,
    indexes: [dueIndex.indexName, gsi1.indexName],
  },
} as const satisfies Record<string, DataAccess>;
