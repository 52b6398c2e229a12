/**
 * The local runtime: the whole system in one process with nothing but Node. dynalite is the
 * database (a real DynamoDB-protocol server), the Scheduler emulator speaks the real
 * EventBridge Scheduler wire protocol so the production adapter is the one in use, webhooks go
 * out over real HTTP, and a sandbox clock can be advanced through the API.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { type ServerType, serve } from '@hono/node-server';
import type { Temporal } from 'temporal-polyfill';
import type { Metrics } from '../shared/observability/metrics';
import { type Afterview, composeAfterview } from '../shared/runtime/compose';
import type { EventBridgeWakeupScheduler } from '../shared/scheduling/eventbridge-scheduler';
import { parseWakeupPayload } from '../shared/scheduling/payload';
import { consoleLogger, hashApiKey, type Logger } from '../shared/service/index';
import type { DynamoStore } from '../shared/store/dynamo-store';
import { HttpWebhookTransport } from '../shared/webhooks/http-transport';
import type { WebhookTransport } from '../shared/webhooks/ports';
import { startLocalScheduler, startLocalStore } from './adapters';
import { type DataDirLock, lockDataDir } from './data-dir-lock';
import { SandboxClock } from './sandbox-clock';
import { localSandbox, type SandboxTarget } from './sandbox-routes';
import type { SchedulerEmulator } from './scheduler-emulator';

export { DataDirInUseError } from './data-dir-lock';

/** Which of the runtime's listeners could not bind. */
export type LocalService = 'api' | 'dynamodb' | 'scheduler';

/** A port the runtime needs is taken (another `npm start`, or any other program). */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly service: LocalService,
    readonly port: number,
  ) {
    super(`Port ${port} (${service}) is already in use`);
  }
}

/** Rethrows a bind failure on `port` as PortInUseError; anything else unchanged. */
function portError(service: LocalService, port: number) {
  return (error: unknown): never => {
    if ((error as { code?: unknown })?.code === 'EADDRINUSE') {
      throw new PortInUseError(service, port);
    }
    throw error;
  };
}

export interface LocalRuntimeOptions {
  /** HTTP port of the API (default 3000; 0 picks a free one). */
  port?: number;
  host?: string;
  /** dynalite's port (default 8000; 0 picks a free one). Ignored with `dynamoEndpoint`. */
  dynamoPort?: number;
  /** The Scheduler emulator's port (default 8001; 0 picks a free one). */
  schedulerPort?: number;
  /** Where data survives restarts (default `.afterview`); `null` keeps everything in memory. */
  dataDir?: string | null;
  /** Use this DynamoDB (DynamoDB Local, a real table) instead of starting dynalite. */
  dynamoEndpoint?: string;
  tableName?: string;
  /** Fixes the development tenant's API key; otherwise one is generated (and kept on disk). */
  devApiKey?: string;
  /** How often the reconciler sweeps (default 60 s; 0 disables the timer). */
  reconcileIntervalMs?: number;
  /** How often the emulator fires what real time made due (default 1 s; 0 disables). */
  tickerIntervalMs?: number;
  /** Per-attempt webhook timeout (default 15 s). */
  attemptTimeoutMs?: number;
  /** Scheduling horizon (scheduling/horizon.ts); unset schedules every step when planned. */
  schedulingHorizonMs?: number;
  /** How far ahead each reconciler sweep looks (default 15 min). */
  reconcileLookaheadMs?: number;
  /** Wraps the webhook transport: a seam for fault injection in tests. */
  wrapTransport?: (transport: WebhookTransport) => WebhookTransport;
  logger?: Logger;
  /**
   * Logs one `request` entry per API request (method, path, status, ms) through `logger`, as the
   * terminal of `npm start` shows them (default false).
   */
  logRequests?: boolean;
  /** Application metrics (none by default: CloudWatch is not there to read them). */
  metrics?: Metrics;
}

export interface LocalRuntime extends Afterview {
  url: string;
  port: number;
  /** The development tenant and its key. */
  tenantId: string;
  apiKey: string;
  clock: SandboxClock;
  store: DynamoStore;
  emulator: SchedulerEmulator;
  scheduler: EventBridgeWakeupScheduler;
  schedulerClient: SchedulerClient;
  /** The store's client: add SDK middleware here to count or fail DynamoDB calls. */
  dynamoClient: DynamoDBClient;
  /** The webhook transport (real HTTP). */
  transport: HttpWebhookTransport;
  dynamoEndpoint: string;
  dataDir: string | null;
  /**
   * Advances the sandbox clock like `POST /v1/sandbox/clock`: to `target`, or to what `target`
   * makes of the clock's now once the advances queued before this one have finished.
   */
  advanceTo(target: SandboxTarget): Promise<Temporal.Instant>;
  close(): Promise<void>;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function writeJsonAtomically(path: string, value: unknown, mode = 0o644): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode });
  await rename(temp, path);
}

/** The development tenant: the one whose key `npm start` prints. */
async function ensureDevTenant(
  store: DynamoStore,
  dataDir: string | null,
  fixedKey: string | undefined,
  now: string,
): Promise<{ tenantId: string; apiKey: string }> {
  const keyFile = dataDir ? join(dataDir, 'dev-api-key.json') : undefined;
  const saved = keyFile ? await readJson<{ apiKey: string }>(keyFile) : undefined;
  const apiKey = fixedKey ?? saved?.apiKey ?? `afv_dev_${randomBytes(18).toString('base64url')}`;
  const keyHash = hashApiKey(apiKey);
  const existing = await store.findTenantByKeyHash(keyHash);
  if (existing) return { tenantId: existing, apiKey };
  const tenantId = `ten_dev${randomBytes(8).toString('hex')}`;
  await store.createTenant({ id: tenantId, name: 'Development', createdAt: now });
  await store.putApiKeyHash(keyHash, tenantId, now);
  // Only the local runtime keeps a key in clear text, so a restart prints the same one.
  if (keyFile && !fixedKey) await writeJsonAtomically(keyFile, { apiKey }, 0o600);
  return { tenantId, apiKey };
}

/**
 * The options of a local runtime that only its caller drives (tests, benchmarks, scripts):
 * free ports, in memory, the reconciler timer and the real-time ticker off (time moves only
 * when the caller advances the sandbox clock), nothing printed. `overrides` win.
 */
export function quietRuntimeOptions(overrides: LocalRuntimeOptions = {}): LocalRuntimeOptions {
  return {
    port: 0,
    dynamoPort: 0,
    schedulerPort: 0,
    dataDir: null,
    reconcileIntervalMs: 0,
    tickerIntervalMs: 0,
    logger: { info: () => {}, error: () => {} },
    ...overrides,
  };
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const logger = options.logger ?? consoleLogger;
  const dataDir = options.dataDir === undefined ? '.afterview' : options.dataDir;
  // The SDK warns, once per process, that its releases after January 2027 need Node 22. That
  // is about future upgrades, not this run; the README states the supported versions instead.
  // Set only when the user has not chosen, and only in the local runtime.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Whatever started is stopped again if a later part fails (a port in use), in reverse order.
  const started: Array<() => Promise<void> | void> = [];
  try {
    return await startParts(options, logger, dataDir, started);
  } catch (error) {
    for (const stop of started.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    throw error;
  }
}

async function startParts(
  options: LocalRuntimeOptions,
  logger: Logger,
  dataDir: string | null,
  started: Array<() => Promise<void> | void>,
): Promise<LocalRuntime> {
  let lock: DataDirLock | undefined;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    lock = await lockDataDir(dataDir);
    started.push(() => lock?.release());
  }

  const clock = new SandboxClock();
  const clockFile = dataDir ? join(dataDir, 'clock.json') : undefined;
  const savedClock = clockFile ? await readJson<{ offsetMs: number }>(clockFile) : undefined;
  if (savedClock) clock.offsetMs = savedClock.offsetMs;
  const saveClock = async (offsetMs = clock.offsetMs) => {
    if (clockFile) await writeJsonAtomically(clockFile, { offsetMs });
  };

  const local = await startLocalStore({
    tableName: options.tableName ?? 'afterview',
    clock,
    ...(options.dynamoEndpoint
      ? { endpoint: options.dynamoEndpoint }
      : { port: options.dynamoPort ?? 8000 }),
    ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
  }).catch(portError('dynamodb', options.dynamoPort ?? 8000));
  started.push(() => local.close());
  const { store, client: dynamoClient, endpoint: dynamoEndpoint } = local;

  // The emulator calls back into the dispatcher, which exists only once everything is built.
  let afterview: Afterview | undefined;
  // The runtime's own client reaches the emulator in-process; the emulator still listens on its
  // port for other clients.
  const localScheduler = await startLocalScheduler({
    port: options.schedulerPort ?? 8001,
    clock,
    ...(dataDir ? { dataDir } : {}),
    realTimeIntervalMs: options.tickerIntervalMs ?? 1000,
    invoke: async ({ input }) => {
      if (!afterview) throw new Error('runtime is still starting');
      const payload = parseWakeupPayload(input);
      if (payload) await afterview.dispatch(payload);
    },
    inProcess: true,
    deadLetter: true,
  }).catch(portError('scheduler', options.schedulerPort ?? 8001));
  started.push(() => localScheduler.close());
  const { emulator, client: schedulerClient, scheduler } = localScheduler;

  // Sandbox advances run one at a time, each finishing everything due before it returns.
  let advancing: Promise<unknown> = Promise.resolve();
  const advanceTo = (target: SandboxTarget): Promise<Temporal.Instant> => {
    const run = advancing.then(async () => {
      // Worked out in turn, not on arrival: two `advanceBy: PT1H` sent together move 2 hours,
      // and a `to` already passed by an advance queued before it is refused (409).
      const instant = typeof target === 'function' ? target(clock.now()) : target;
      // Written ahead: the advance fires wake-ups (and sends webhooks) on its way, so a process
      // killed halfway must not come back with the clock before steps it already sent. On the
      // next start the clock stands at the target and the emulator fires what is still due.
      const ahead = instant.epochMilliseconds - clock.now().epochMilliseconds;
      if (ahead > 0) await saveClock(clock.offsetMs + ahead);
      await emulator.advanceTo(instant);
      // Steps whose schedule was lost are caught by the reconciler; whatever it dispatched
      // may have scheduled retries that also fall before the target.
      // The sweep is a safety net: if it fails (a throttled index query), the wake-ups have
      // still fired and the clock has moved, so the advance succeeds and the next sweep retries.
      const report = await afterview?.reconcile().catch((error: unknown) => {
        logger.error('reconcile sweep failed', {
          errorName: error instanceof Error ? error.name : 'unknown',
        });
        return undefined;
      });
      if (report && report.overdueDispatched > 0) await emulator.advanceTo(instant);
      await saveClock();
      return clock.now();
    });
    advancing = run.catch(() => undefined);
    return run;
  };

  const transport = new HttpWebhookTransport({ allowHttp: true, allowLoopback: true });
  // Known once the development tenant exists, after the app is built; the console asks for it.
  let developmentApiKey: string | undefined;
  afterview = composeAfterview({
    store,
    scheduler,
    transport: options.wrapTransport ? options.wrapTransport(transport) : transport,
    clock,
    urlPolicy: { allowHttp: true, allowLoopback: true },
    logger,
    // Unset options stay unset: composition applies the defaults.
    metrics: options.metrics,
    attemptTimeoutMs: options.attemptTimeoutMs,
    schedulingHorizonMs: options.schedulingHorizonMs,
    reconcileLookaheadMs: options.reconcileLookaheadMs,
    sandbox: (services) =>
      localSandbox({
        createTenant: (name) => services.tenants.createTenant(name),
        now: () => clock.now(),
        advanceTo,
        developmentApiKey: () => developmentApiKey,
      }),
  });
  const composed = afterview;

  const devTenant = await ensureDevTenant(
    store,
    dataDir,
    options.devApiKey,
    clock.now().toString(),
  );
  developmentApiKey = devTenant.apiKey;

  const fetch = options.logRequests
    ? async (request: Request): Promise<Response> => {
        const begun = performance.now();
        const response = await composed.app.fetch(request);
        logger.info('request', {
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          ms: Math.round(performance.now() - begun),
        });
        return response;
      }
    : composed.app.fetch;
  const apiPort = options.port ?? 3000;
  const server: ServerType = await new Promise<ServerType>((resolve, reject) => {
    const listening = serve({ fetch, port: apiPort, hostname: options.host ?? '127.0.0.1' }, () => {
      listening.off('error', reject);
      resolve(listening);
    });
    listening.once('error', reject);
  }).catch(portError('api', apiPort));
  const port = (server.address() as AddressInfo).port;

  const reconcileIntervalMs = options.reconcileIntervalMs ?? 60_000;
  const reconcileTimer =
    reconcileIntervalMs > 0
      ? setInterval(() => {
          composed.reconcile().catch((error: unknown) => {
            logger.error('reconcile sweep failed', {
              errorName: error instanceof Error ? error.name : 'unknown',
            });
          });
        }, reconcileIntervalMs)
      : undefined;
  reconcileTimer?.unref();

  let closed = false;
  return {
    ...composed,
    url: `http://localhost:${port}`,
    port,
    tenantId: devTenant.tenantId,
    apiKey: devTenant.apiKey,
    clock,
    store,
    emulator,
    scheduler,
    schedulerClient,
    dynamoClient,
    transport,
    dynamoEndpoint,
    dataDir,
    advanceTo,
    async close() {
      if (closed) return;
      closed = true;
      if (reconcileTimer) clearInterval(reconcileTimer);
      await advancing;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await localScheduler.close();
      await transport.close();
      await saveClock();
      await local.close();
      await lock?.release();
    },
  };
}
