/**
 * Starts the API the way the local runtime does, in-process: dynalite (or
 * AFTERVIEW_DYNAMODB_ENDPOINT) with a fresh table, the DynamoDB store, the Scheduler emulator
 * reached through the production EventBridge adapter (its invocations do nothing here: the
 * dispatcher is not under test), and the services, webhook side and Hono app composed by
 * `composeApi`, the api Lambda's composition, on a random port. One per test file; `close()`
 * stops everything.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll } from 'vitest';
import { startLocalScheduler, startLocalStore } from '../../local/adapters';
import { localSandbox } from '../../local/sandbox-routes';
import type { SchedulerEmulator } from '../../local/scheduler-emulator';
import { FixedClock } from '../../shared/clock';
import type { ApiApp } from '../../shared/http/env';
import type { RouteModule } from '../../shared/http/route-module';
import { composeApi } from '../../shared/runtime/compose';
import type { Services } from '../../shared/service/index';
import type { DynamoStore } from '../../shared/store/dynamo-store';
import { HttpWebhookTransport } from '../../shared/webhooks/http-transport';
import type { WebhookServices } from '../../shared/webhooks/index';
import { RecordingLogger } from './loggers';
import { RecordingScheduler } from './recording-scheduler';

/** The instant tests start at: a Monday morning, so plans are easy to reason about. */
export const testStart = Temporal.Instant.from('2026-03-02T09:00:00Z');

/** A fixed clock the Scheduler emulator (and the sandbox routes) can move forward. */
class TestClock extends FixedClock {
  advanceTo(instant: Temporal.Instant): Temporal.Instant {
    if (Temporal.Instant.compare(instant, this.now()) > 0) this.set(instant);
    return this.now();
  }
}

interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The raw body text. */
  text: string;
}

interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** API key to send; `null` sends none. Defaults to the harness tenant's key. */
  apiKey?: string | null;
}

export interface TestApi {
  url: string;
  tableName: string;
  apiKey: string;
  tenantId: string;
  store: DynamoStore;
  /** Records every call and forwards it to the real adapter. */
  scheduler: RecordingScheduler;
  emulator: SchedulerEmulator;
  clock: TestClock;
  logger: RecordingLogger;
  services: Services;
  /** The webhook side, over a real HTTP transport that may reach loopback receivers. */
  webhooks: WebhookServices;
  transport: HttpWebhookTransport;
  app: ApiApp;
  /** Calls the API over HTTP; JSON bodies are parsed. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON loosely by design
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** A second tenant, for isolation tests. */
  createTenant(name?: string): Promise<{ tenantId: string; apiKey: string }>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** Mount the sandbox routes (default true). */
  sandbox?: boolean;
  extraRoutes?: RouteModule[];
  /** Keep dynalite's data in this directory (restart tests); in memory when absent. */
  dataDir?: string;
  /** Reuse a table across harnesses (restart tests); a fresh random one when absent. */
  tableName?: string;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const externalEndpoint = process.env.AFTERVIEW_DYNAMODB_ENDPOINT;
  const clock = new TestClock(testStart);
  const tableName = options.tableName ?? `afterview-test-${randomBytes(4).toString('hex')}`;
  const local = await startLocalStore({
    tableName,
    clock,
    ...(externalEndpoint ? { endpoint: externalEndpoint } : {}),
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  const { store } = local;

  const logger = new RecordingLogger();
  const localScheduler = await startLocalScheduler({
    clock,
    invoke: async () => {},
    realTimeIntervalMs: 0,
    groupName: 'afterview-test',
  });
  const { emulator } = localScheduler;
  const scheduler = new RecordingScheduler(localScheduler.scheduler);
  const transport = new HttpWebhookTransport({ allowHttp: true, allowLoopback: true });
  const { services, webhooks, app } = composeApi({
    store,
    scheduler,
    transport,
    clock,
    urlPolicy: { allowHttp: true, allowLoopback: true },
    attemptTimeoutMs: 2000,
    logger,
    ...(options.sandbox === false
      ? {}
      : {
          sandbox: (composed) =>
            localSandbox({
              createTenant: (name) => composed.tenants.createTenant(name),
              now: () => clock.now(),
              advanceTo: (target) =>
                emulator.advanceTo(typeof target === 'function' ? target(clock.now()) : target),
            }),
        }),
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { tenantId, apiKey } = await services.tenants.createTenant('Test tenant');

  async function request<T>(
    method: string,
    path: string,
    requestOptions: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...requestOptions.headers };
    const key = requestOptions.apiKey === undefined ? apiKey : requestOptions.apiKey;
    if (key !== null) headers.authorization ??= `Bearer ${key}`;
    let body: string | undefined = requestOptions.rawBody;
    if (body === undefined && requestOptions.body !== undefined) {
      body = JSON.stringify(requestOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '') && text !== '') {
      parsed = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  return {
    url,
    tableName,
    apiKey,
    tenantId,
    store,
    scheduler,
    emulator,
    clock,
    logger,
    services,
    webhooks,
    transport,
    app,
    request,
    createTenant: (name = 'Other tenant') => services.tenants.createTenant(name),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await transport.close();
      await localScheduler.close();
      await local.close();
    },
  };
}

/** Gives the file one TestApi: started before its tests (`use` receives it), closed after them. */
export function useTestApi(use: (api: TestApi) => void, options: TestApiOptions = {}): void {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi(options);
    use(api);
  });
  afterAll(async () => {
    await api?.close();
  });
}
