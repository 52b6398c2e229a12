/**
 * `npm start`: the local runtime with settings from the environment (see README).
 *
 * Whatever goes wrong at start-up (a setting, a port in use, a data directory another runtime
 * holds) is one line saying what and how to fix it, and exit code 1: no stack traces.
 */
import { z } from 'zod';
import { createLogger } from '../shared/observability/logger';
import { apiKeyFormatProblem } from '../shared/service/index';
import { DataDirInUseError, type LocalService, PortInUseError, startLocalRuntime } from './runtime';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(['true', 'false', '1', '0']).optional();
const envSchema = z.object({
  PORT: port.default(3000),
  AFTERVIEW_LOCAL_DYNAMODB_PORT: port.default(8000),
  AFTERVIEW_LOCAL_SCHEDULER_PORT: port.default(8001),
  AFTERVIEW_DATA_DIR: z.string().min(1).default('.afterview'),
  AFTERVIEW_IN_MEMORY: flag,
  AFTERVIEW_QUIET: flag,
  AFTERVIEW_DYNAMODB_ENDPOINT: z.url().optional(),
  // The same rule the API applies to keys, so a key accepted here also authenticates.
  AFTERVIEW_DEV_API_KEY: z
    .string()
    .superRefine((key, context) => {
      const problem = apiKeyFormatProblem(key);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  AFTERVIEW_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  AFTERVIEW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Readable lines on a terminal, JSON lines when the output goes to a file or a collector.
  AFTERVIEW_LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

const isSet = (value: string | undefined) => value === 'true' || value === '1';

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) {
    process.stderr.write(`Invalid ${issue.path.join('.')}: ${issue.message}\n`);
  }
  process.exit(1);
}
const env = parsed.data;
const inMemory = isSet(env.AFTERVIEW_IN_MEMORY);
const quiet = isSet(env.AFTERVIEW_QUIET) || process.argv.includes('--quiet');

const portVariable: Record<LocalService, string> = {
  api: 'PORT',
  dynamodb: 'AFTERVIEW_LOCAL_DYNAMODB_PORT',
  scheduler: 'AFTERVIEW_LOCAL_SCHEDULER_PORT',
};

/** The one line a start-up failure prints. */
function startFailure(error: unknown): string {
  if (error instanceof DataDirInUseError) {
    return `Cannot start: ${error.dataDir}/ is in use by another Afterview runtime (pid ${error.pid}). Stop that one (Ctrl+C in its terminal), or set AFTERVIEW_DATA_DIR to another folder.`;
  }
  if (error instanceof PortInUseError) {
    return `Cannot start: port ${error.port} (${error.service === 'api' ? 'the API' : error.service === 'dynamodb' ? 'dynalite' : 'the Scheduler emulator'}) is already in use, perhaps by another npm start. Stop it, or set ${portVariable[error.service]} to a free port.`;
  }
  return `Cannot start: ${error instanceof Error ? error.message : String(error)}`;
}
// One logger for the code base, readable on a terminal; quiet keeps only errors.
const logger = createLogger({
  serviceName: 'afterview-local',
  level: quiet ? 'error' : env.AFTERVIEW_LOG_LEVEL,
  format: env.AFTERVIEW_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
  // Delivered attempts are debug lines in Lambda; here every attempt gets its line.
  debugShownAsInfo: ['webhook attempt'],
});

const runtime = await startLocalRuntime({
  port: env.PORT,
  dynamoPort: env.AFTERVIEW_LOCAL_DYNAMODB_PORT,
  schedulerPort: env.AFTERVIEW_LOCAL_SCHEDULER_PORT,
  dataDir: inMemory ? null : env.AFTERVIEW_DATA_DIR,
  reconcileIntervalMs: env.AFTERVIEW_RECONCILE_INTERVAL_MS,
  logger,
  logRequests: true,
  ...(env.AFTERVIEW_DYNAMODB_ENDPOINT ? { dynamoEndpoint: env.AFTERVIEW_DYNAMODB_ENDPOINT } : {}),
  ...(env.AFTERVIEW_DEV_API_KEY ? { devApiKey: env.AFTERVIEW_DEV_API_KEY } : {}),
}).catch((error: unknown) => {
  process.stderr.write(`${startFailure(error)}\n`);
  process.exit(1);
});

// The banner is the command's output for the person who started it (it must show the API key),
// not a log line: it goes to stdout as is, past the logger and its redaction.
process.stdout.write(`Afterview local runtime
  API          ${runtime.url}
  Docs         ${runtime.url}/docs
  Console      ${runtime.url}/dashboard (one-click sign-in with the development key)
  API key      ${runtime.apiKey}
  DynamoDB     ${runtime.dynamoEndpoint}${runtime.dataDir ? ` (data in ${runtime.dataDir}/)` : ' (in memory)'}
  Scheduler    ${runtime.emulator.url}
  Sandbox now  ${runtime.clock.now().toString()}

  export AFTERVIEW_API_KEY=${runtime.apiKey}
${quiet ? 'Quiet: only errors are printed.' : 'Each request and webhook attempt prints one line below (AFTERVIEW_QUIET=true hides them).'}
Ctrl+C stops; ${runtime.dataDir ? 'data is kept for the next start (npm run reset wipes it).' : 'nothing is kept.'}\n`);

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
