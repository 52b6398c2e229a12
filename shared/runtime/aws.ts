/**
 * The Lambda composition root: real DynamoDB, real EventBridge Scheduler, real HTTPS webhooks.
 * Built once per execution environment (module scope in functions/), so SDK clients and their
 * connections are reused across warm invocations.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { systemClock } from '../clock';
import { EventBridgeWakeupScheduler } from '../scheduling/eventbridge-scheduler';
import type { Logger } from '../service/index';
import { DynamoStore } from '../store/dynamo-store';
import { HttpWebhookTransport } from '../webhooks/http-transport';
import { loadAwsConfig } from './aws-config';
import { type Afterview, composeAfterview } from './compose';

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/** JSON lines on stdout/stderr: CloudWatch Logs Insights can query them field by field. */
function jsonLogger(minimum: keyof typeof levels): Logger {
  const write = (level: 'info' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (levels[level] < levels[minimum]) return;
    const line = JSON.stringify({ level, message, ...fields });
    if (level === 'error') console.error(line);
    else console.log(line);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

export function createAwsRuntime(env: Record<string, string | undefined> = process.env): Afterview {
  const config = loadAwsConfig(env);
  const store = new DynamoStore({ client: new DynamoDBClient({}), tableName: config.tableName });
  const scheduler = new EventBridgeWakeupScheduler({
    client: new SchedulerClient({}),
    groupName: config.scheduleGroup,
    targetArn: config.dispatchFunctionArn,
    roleArn: config.schedulerRoleArn,
    deadLetterArn: config.scheduleDlqArn,
  });
  // Production never allows loopback; plain http only where a test stage opted in.
  const urlPolicy = { allowHttp: config.webhookAllowHttp, allowLoopback: false };
  return composeAfterview({
    store,
    scheduler,
    transport: new HttpWebhookTransport(urlPolicy),
    clock: systemClock,
    urlPolicy,
    logger: jsonLogger(config.logLevel),
    ...(config.docsAssetsDir ? { docsAssetsDir: config.docsAssetsDir } : {}),
  });
}
