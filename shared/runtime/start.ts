/**
 * `npm start`: the local runtime with settings from the environment (see README).
 */
import { z } from 'zod';
import { createLogger } from '../observability/logger';
import { consoleLogger } from '../service/deps';
import { startLocalRuntime } from './local';

const port = z.coerce.number().int().min(0).max(65535);
const envSchema = z.object({
  PORT: port.default(3000),
  AFTERVIEW_LOCAL_DYNAMODB_PORT: port.default(8000),
  AFTERVIEW_LOCAL_SCHEDULER_PORT: port.default(8001),
  AFTERVIEW_DATA_DIR: z.string().min(1).default('.afterview'),
  AFTERVIEW_IN_MEMORY: z.enum(['true', 'false', '1', '0']).optional(),
  AFTERVIEW_DYNAMODB_ENDPOINT: z.url().optional(),
  AFTERVIEW_DEV_API_KEY: z.string().min(16).max(200).optional(),
  AFTERVIEW_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  AFTERVIEW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Readable lines on a terminal, JSON lines when the output goes to a file or a collector.
  AFTERVIEW_LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) {
    consoleLogger.error(`Invalid ${issue.path.join('.')}: ${issue.message}`);
  }
  process.exit(1);
}
const env = parsed.data;
const logger = createLogger({
  serviceName: 'afterview-local',
  level: env.AFTERVIEW_LOG_LEVEL,
  format: env.AFTERVIEW_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
});
const inMemory = env.AFTERVIEW_IN_MEMORY === 'true' || env.AFTERVIEW_IN_MEMORY === '1';

const runtime = await startLocalRuntime({
  port: env.PORT,
  dynamoPort: env.AFTERVIEW_LOCAL_DYNAMODB_PORT,
  schedulerPort: env.AFTERVIEW_LOCAL_SCHEDULER_PORT,
  dataDir: inMemory ? null : env.AFTERVIEW_DATA_DIR,
  reconcileIntervalMs: env.AFTERVIEW_RECONCILE_INTERVAL_MS,
  logger,
  ...(env.AFTERVIEW_DYNAMODB_ENDPOINT ? { dynamoEndpoint: env.AFTERVIEW_DYNAMODB_ENDPOINT } : {}),
  ...(env.AFTERVIEW_DEV_API_KEY ? { devApiKey: env.AFTERVIEW_DEV_API_KEY } : {}),
});

// The banner is the command's output for the person who started it (it must show the API key),
// not a log line: it goes to stdout as is, past the logger and its redaction.
process.stdout.write(`Afterview local runtime
  API          ${runtime.url}
  Docs         ${runtime.url}/docs
  API key      ${runtime.apiKey}
  DynamoDB     ${runtime.dynamoEndpoint}${runtime.dataDir ? ` (data in ${runtime.dataDir}/)` : ' (in memory)'}
  Scheduler    ${runtime.emulator.url}
  Sandbox now  ${runtime.clock.now().toString()}

  export AFTERVIEW_API_KEY=${runtime.apiKey}
Ctrl+C stops; data is kept for the next start.\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    runtime.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
