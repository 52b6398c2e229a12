/**
 * The local adapters under the one composition path (shared/runtime/compose.ts): a DynamoDB
 * store on dynalite and the production EventBridge Scheduler adapter on the Scheduler emulator.
 * The local runtime builds its store and scheduler here, and so do the test harnesses and the
 * benchmarks that need only part of it, so every one of them runs the same adapters over the
 * same stand-ins.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Clock } from '../shared/clock';
import {
  EventBridgeWakeupScheduler,
  ensureScheduleGroup,
} from '../shared/scheduling/eventbridge-scheduler';
import { DynamoStore } from '../shared/store/dynamo-store';
import { ensureTable } from '../shared/store/table';
import { createDynamoClient, type RunningDynalite, startDynalite } from './dynalite';
import {
  inProcessHandler,
  type SchedulerEmulator,
  type SchedulerEmulatorOptions,
  startSchedulerEmulator,
} from './scheduler-emulator';

export interface LocalStoreOptions {
  tableName: string;
  /** The store's clock (item timestamps, TTLs). */
  clock?: Clock;
  /** Use this DynamoDB (DynamoDB Local, a real table) instead of starting dynalite. */
  endpoint?: string;
  /** dynalite's port (0, the default, picks a free one). */
  port?: number;
  /** Where dynalite keeps its data; in memory when absent. */
  path?: string;
}

export interface LocalStore {
  store: DynamoStore;
  /** The store's client: add SDK middleware here to count or fail DynamoDB calls. */
  client: DynamoDBClient;
  endpoint: string;
  /** The dynalite server, unless `endpoint` was given. */
  dynalite?: RunningDynalite;
  /** Destroys the client and stops dynalite. */
  close(): Promise<void>;
}

/** dynalite (or `endpoint`), the table, and the DynamoDB store over it. */
export async function startLocalStore(options: LocalStoreOptions): Promise<LocalStore> {
  const dynalite = options.endpoint
    ? undefined
    : await startDynalite({
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.path ? { path: options.path } : {}),
      });
  const endpoint = options.endpoint ?? (dynalite?.endpoint as string);
  // The store's own client reaches dynalite's worker over a MessagePort, not loopback HTTP;
  // dynalite still listens on its port for every other client.
  const client = createDynamoClient(
    endpoint,
    dynalite ? { requestHandler: dynalite.requestHandler } : {},
  );
  try {
    await ensureTable(client, options.tableName);
  } catch (error) {
    client.destroy();
    await dynalite?.close();
    throw error;
  }
  const store = new DynamoStore({ client, tableName: options.tableName, clock: options.clock });
  return {
    store,
    client,
    endpoint,
    ...(dynalite ? { dynalite } : {}),
    async close() {
      client.destroy();
      await dynalite?.close();
    },
  };
}

/** Stand-in ARNs: the emulator validates their shape like the real service does. */
const localAccount = '000000000000';
const localArns = {
  dispatch: `arn:aws:lambda:us-east-1:${localAccount}:function:afterview-dispatch`,
  schedulerRole: `arn:aws:iam::${localAccount}:role/afterview-scheduler`,
  deadLetter: `arn:aws:sqs:us-east-1:${localAccount}:afterview-schedule-dlq`,
} as const;

export interface LocalSchedulerOptions extends SchedulerEmulatorOptions {
  /** The schedule group every wake-up lives in (default `afterview`). */
  groupName?: string;
  /**
   * The client reaches the emulator in-process (same SDK serialisation, signing and parsing, no
   * loopback HTTP on a shared event loop) instead of over HTTP; the emulator listens either way.
   */
  inProcess?: boolean;
  /** Dead-letter queue on every schedule (default: none). */
  deadLetter?: boolean;
  /** Schedules created or deleted at once by the adapter. */
  concurrency?: number;
}

export interface LocalScheduler {
  emulator: SchedulerEmulator;
  client: SchedulerClient;
  /** The production adapter, pointed at the emulator. */
  scheduler: EventBridgeWakeupScheduler;
  /** Stops the emulator and destroys the client. */
  close(): Promise<void>;
}

/** The Scheduler emulator, an SDK client on it, the schedule group and the production adapter. */
export async function startLocalScheduler(options: LocalSchedulerOptions): Promise<LocalScheduler> {
  const {
    groupName = 'afterview',
    inProcess,
    deadLetter,
    concurrency,
    ...emulatorOptions
  } = options;
  const emulator = await startSchedulerEmulator(emulatorOptions);
  const client = new SchedulerClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(inProcess ? { requestHandler: inProcessHandler(emulator) } : {}),
  });
  const close = async () => {
    await emulator.close();
    client.destroy();
  };
  try {
    await ensureScheduleGroup(client, groupName);
  } catch (error) {
    await close();
    throw error;
  }
  const scheduler = new EventBridgeWakeupScheduler({
    client,
    groupName,
    targetArn: localArns.dispatch,
    roleArn: localArns.schedulerRole,
    ...(deadLetter ? { deadLetterArn: localArns.deadLetter } : {}),
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  return { emulator, client, scheduler, close };
}
