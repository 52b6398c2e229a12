/**
 * Configuration of the deployed (AWS) runtime, read from the Lambda environment that the CDK
 * stack writes. Parsed once by the composition root at module scope, so a misconfigured
 * function fails at cold start naming the variable instead of failing later mid-request.
 */
import * as z from 'zod/mini';

// zod/mini, not the classic API: both worker Lambdas parse only this and the wake-up payload, and
// with mini they never load classic zod (its every locale comes along, over 400 KiB). Mini has no
// default messages, so every check here carries its own.
const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'is required'));

const arnOf = (service: string) =>
  nonEmpty.check(
    z.regex(new RegExp(`^arn:[a-z-]+:${service}:`), `must be an ARN of service ${service}`),
  );

const booleanFlag = z.pipe(
  z._default(z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }), 'false'),
  z.transform((value) => value === 'true' || value === '1'),
);

/** The environment variables as the stack writes them (all strings). */
export const awsEnvironmentSchema = z.object({
  AFTERVIEW_TABLE_NAME: nonEmpty,
  AFTERVIEW_SCHEDULE_GROUP: nonEmpty,
  AFTERVIEW_DISPATCH_FUNCTION_ARN: arnOf('lambda'),
  AFTERVIEW_SCHEDULER_ROLE_ARN: arnOf('iam'),
  AFTERVIEW_SCHEDULE_DLQ_ARN: arnOf('sqs'),
  AFTERVIEW_STAGE: nonEmpty,
  AFTERVIEW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], {
    message: 'must be one of debug, info, warn, error',
  }),
  AFTERVIEW_WEBHOOK_ALLOW_HTTP: booleanFlag,
  AFTERVIEW_DOCS_ASSETS_DIR: z.optional(nonEmpty),
  /** The console's built files; read by shared/http/dashboard/console.ts on first use. */
  AFTERVIEW_DASHBOARD_ASSETS_DIR: z.optional(nonEmpty),
  /** Days ahead a step gets its schedule; absent: every step when planned. */
  AFTERVIEW_SCHEDULING_HORIZON_DAYS: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[1-9]\d{0,2}$/, 'must be a whole number of days from 1 to 999')),
      z.transform(Number),
    ),
  ),
});

/**
 * What the stack must put in a function's environment: the schema's input side, every value
 * a string. The CDK stack is typed against this so a renamed variable breaks the build.
 */
export type AwsEnvironment = z.input<typeof awsEnvironmentSchema>;

export type AwsLogLevel = z.output<typeof awsEnvironmentSchema>['AFTERVIEW_LOG_LEVEL'];

export interface AwsConfig {
  tableName: string;
  scheduleGroup: string;
  /** Target of every wake-up schedule. */
  dispatchFunctionArn: string;
  /** Role Scheduler assumes to invoke the dispatcher; passed on CreateSchedule. */
  schedulerRoleArn: string;
  /** Where Scheduler sends a wake-up that exhausted its retries. */
  scheduleDlqArn: string;
  stage: string;
  logLevel: AwsLogLevel;
  /** Local and test stages only: lets webhook endpoints use plain http. */
  webhookAllowHttp: boolean;
  /** Directory holding the Swagger UI files shipped inside the api bundle. */
  docsAssetsDir?: string;
  /** Steps further away than this get their schedule from the reconciler, later. */
  schedulingHorizonMs?: number;
}

/** Raised at cold start when the environment does not describe a complete deployment. */
export class AwsConfigError extends Error {
  override readonly name = 'AwsConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid AWS runtime configuration: ${problems.join('; ')}`);
  }
}

/**
 * Parses the AWS runtime configuration from `env`. Call it once at module scope of the
 * composition root; it throws {@link AwsConfigError} naming every missing or malformed
 * variable.
 */
export function loadAwsConfig(env: Record<string, string | undefined> = process.env): AwsConfig {
  const parsed = awsEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new AwsConfigError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path.join('.');
        // zod reports an absent key as an invalid type; say "missing", which is what happened.
        const missing = env[variable] === undefined;
        return `${variable} ${missing ? 'is missing' : issue.message}`;
      }),
    );
  }
  const values = parsed.data;
  return {
    tableName: values.AFTERVIEW_TABLE_NAME,
    scheduleGroup: values.AFTERVIEW_SCHEDULE_GROUP,
    dispatchFunctionArn: values.AFTERVIEW_DISPATCH_FUNCTION_ARN,
    schedulerRoleArn: values.AFTERVIEW_SCHEDULER_ROLE_ARN,
    scheduleDlqArn: values.AFTERVIEW_SCHEDULE_DLQ_ARN,
    stage: values.AFTERVIEW_STAGE,
    logLevel: values.AFTERVIEW_LOG_LEVEL,
    webhookAllowHttp: values.AFTERVIEW_WEBHOOK_ALLOW_HTTP,
    ...(values.AFTERVIEW_DOCS_ASSETS_DIR
      ? { docsAssetsDir: values.AFTERVIEW_DOCS_ASSETS_DIR }
      : {}),
    ...(values.AFTERVIEW_SCHEDULING_HORIZON_DAYS === undefined
      ? {}
      : { schedulingHorizonMs: values.AFTERVIEW_SCHEDULING_HORIZON_DAYS * 86_400_000 }),
  };
}

/**
 * The `service` of a stage's log lines and its metrics' only dimension: the stack's resource
 * prefix, so the alarms and the dashboard select exactly what the functions write.
 */
export function awsServiceName(stage: string): string {
  return `afterview-${stage}`;
}
