/**
 * The Lambda composition roots: real DynamoDB, real EventBridge Scheduler, real HTTPS webhooks.
 * Built once per execution environment (module scope in functions/), so SDK clients and their
 * connections are reused across warm invocations.
 *
 * This module builds the adapters; the worker Lambdas compose their jobs over them in
 * functions/ (`dispatch` with the delivery service, `reconcile` with one loaded on first use),
 * and the API is composed in aws-api.ts, so the worker Lambdas never bundle the HTTP side.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock } from '../clock';
import type { LambdaObservability } from '../observability/lambda';
import { createLogger } from '../observability/logger';
import { EmfMetrics } from '../observability/metrics';
import type { EventBridgeWakeupSchedulerOptions } from '../scheduling/eventbridge-scheduler';
import type { WakeupScheduler } from '../scheduling/ports';
import { DynamoStore } from '../store/dynamo-store';
import type { HttpWebhookTransportOptions } from '../webhooks/http-transport';
import type { WebhookTransport } from '../webhooks/ports';
import { awsServiceName, loadAwsConfig } from './aws-config';
import type { WorkerAdapters } from './compose-worker';

/**
 * The HTTPS transport, loaded on its first send. Its HTTP client (undici) is the largest module
 * in the bundle and about a third of a cold start's module evaluation, while most cold starts
 * send nothing: the API only queues deliveries (the `test` probe aside) and a reconciler sweep
 * usually finds nothing overdue. esbuild keeps a dynamic import inside the one bundle file, as a
 * module initialised on first call, so nothing extra has to be shipped. A dispatcher that
 * delivers pays the same cost on its first send instead of at start-up.
 */
function httpTransportOnFirstSend(options: HttpWebhookTransportOptions): WebhookTransport {
  let loading: Promise<WebhookTransport> | undefined;
  const load = async (): Promise<WebhookTransport> => {
    const { HttpWebhookTransport } = await import('../webhooks/http-transport');
    return new HttpWebhookTransport(options);
  };
  return {
    async send(request) {
      // A failed load is not kept, so the next attempt (a retried wake-up) tries again.
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return (await loading).send(request);
    },
  };
}

/**
 * The EventBridge Scheduler adapter and its SDK client, loaded on the first call. Read-only API
 * requests (most of them) and reconciler sweeps with nothing to schedule never create or delete
 * a schedule, so the init phase does not load the Scheduler client; with code splitting it sits
 * in its own chunk. The first call that needs it pays for the load once.
 */
/** EventBridge Scheduler's retry policy for every wake-up (its documented maxima). */
const wakeupRetry = { attempts: 185, maxAgeSeconds: 86_400 } as const;

function schedulerOnFirstCall(
  options: Omit<EventBridgeWakeupSchedulerOptions, 'client'>,
): WakeupScheduler {
  let loading: Promise<WakeupScheduler> | undefined;
  const load = async (): Promise<WakeupScheduler> => {
    const [{ SchedulerClient }, { EventBridgeWakeupScheduler }] = await Promise.all([
      import('@aws-sdk/client-scheduler'),
      import('../scheduling/eventbridge-scheduler'),
    ]);
    return new EventBridgeWakeupScheduler({ ...options, client: new SchedulerClient({}) });
  };
  // A failed load is not kept, so the next call tries again.
  const scheduler = (): Promise<WakeupScheduler> =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  return {
    // Nothing to send makes no call, loaded or not.
    async schedule(wakeups) {
      if (wakeups.length > 0) await (await scheduler()).schedule(wakeups);
    },
    async cancel(names) {
      if (names.length > 0) await (await scheduler()).cancel(names);
    },
  };
}

export type AwsAdapters = WorkerAdapters &
  LambdaObservability & {
    docsAssetsDir?: string;
  };

/** The deployed adapters, from the environment the stack writes (fails fast when it is wrong). */
export function createAwsAdapters(
  env: Record<string, string | undefined> = process.env,
): AwsAdapters {
  const config = loadAwsConfig(env);
  const serviceName = awsServiceName(config.stage);
  const store = new DynamoStore({ client: new DynamoDBClient({}), tableName: config.tableName });
  const scheduler = schedulerOnFirstCall({
    groupName: config.scheduleGroup,
    targetArn: config.dispatchFunctionArn,
    roleArn: config.schedulerRoleArn,
    deadLetterArn: config.scheduleDlqArn,
    // Chosen, not left to the service: Scheduler keeps retrying an invocation it could not
    // make (throttling, a missing permission) for up to a day, then sends the wake-up to the
    // dead-letter queue; the reconciler dispatches the step once it is overdue in any case.
    maximumRetryAttempts: wakeupRetry.attempts,
    maximumEventAgeSeconds: wakeupRetry.maxAgeSeconds,
  });
  // Production never allows loopback; plain http only where a test stage opted in.
  const urlPolicy = { allowHttp: config.webhookAllowHttp, allowLoopback: false };
  return {
    store,
    scheduler,
    transport: httpTransportOnFirstSend(urlPolicy),
    clock: systemClock,
    urlPolicy,
    logger: createLogger({ serviceName, level: config.logLevel }),
    metrics: new EmfMetrics({ serviceName }),
    ...(config.docsAssetsDir ? { docsAssetsDir: config.docsAssetsDir } : {}),
    ...(config.schedulingHorizonMs === undefined
      ? {}
      : { schedulingHorizonMs: config.schedulingHorizonMs }),
  };
}
