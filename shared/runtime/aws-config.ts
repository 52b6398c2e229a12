/**
 * Configuration of the deployed (AWS) runtime, read from the Lambda environment that the CDK
 * stack writes. Parsed once by the composition root at module scope, so a misconfigured
 * function fails at cold start naming the variable instead of failing later mid-request.
 */

/**
 * The environment variables as the stack writes them (all strings). The CDK stack is typed
 * against this, so a renamed variable breaks the build. A type, not an interface, so it stays
 * assignable to `Record<string, string | undefined>`.
 */
export type AwsEnvironment = {
  AFTERVIEW_TABLE_NAME: string;
  AFTERVIEW_SCHEDULE_GROUP: string;
  AFTERVIEW_DISPATCH_FUNCTION_ARN: string;
  AFTERVIEW_SCHEDULER_ROLE_ARN: string;
  AFTERVIEW_SCHEDULE_DLQ_ARN: string;
  AFTERVIEW_STAGE: string;
  AFTERVIEW_LOG_LEVEL: string;
  /** `true`/`1` or `false`/`0`; absent means false. */
  AFTERVIEW_WEBHOOK_ALLOW_HTTP?: string | undefined;
  AFTERVIEW_DOCS_ASSETS_DIR?: string | undefined;
  /** The console's built files; read by shared/http/dashboard/console.ts on first use. */
  AFTERVIEW_DASHBOARD_ASSETS_DIR?: string | undefined;
  /** Days ahead a step gets its schedule; absent: every step when planned. */
  AFTERVIEW_SCHEDULING_HORIZON_DAYS?: string | undefined;
};

/** The variables loadAwsConfig refuses to start without, in the order it checks them. */
export const requiredAwsVariables = [
  'AFTERVIEW_TABLE_NAME',
  'AFTERVIEW_SCHEDULE_GROUP',
  'AFTERVIEW_DISPATCH_FUNCTION_ARN',
  'AFTERVIEW_SCHEDULER_ROLE_ARN',
  'AFTERVIEW_SCHEDULE_DLQ_ARN',
  'AFTERVIEW_STAGE',
  'AFTERVIEW_LOG_LEVEL',
] as const satisfies ReadonlyArray<keyof AwsEnvironment>;

const logLevels = ['debug', 'info', 'warn', 'error'] as const;
type AwsLogLevel = (typeof logLevels)[number];

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
  // Written out rather than with a schema library: the api Lambda builds its adapters from this
  // at init, and any zod there would put zod's core and every locale in the chunk the init phase
  // loads (the routes' classic zod shares them), see docs/benchmarks.md "Cold start".
  const problems: string[] = [];
  const text = (name: keyof AwsEnvironment, optional = false): string | undefined => {
    const raw = env[name];
    if (raw === undefined) {
      if (!optional) problems.push(`${name} is missing`);
      return undefined;
    }
    const value = raw.trim();
    if (value.length === 0) problems.push(`${name} is required`);
    return value;
  };
  const arn = (name: keyof AwsEnvironment, service: string): string => {
    const value = text(name);
    if (value !== undefined && !new RegExp(`^arn:[a-z-]+:${service}:`).test(value)) {
      problems.push(`${name} must be an ARN of service ${service}`);
    }
    return value ?? '';
  };
  const oneOf = <T extends string>(
    name: keyof AwsEnvironment,
    allowed: readonly T[],
    message: string,
    fallback?: T,
  ): T => {
    const raw = env[name];
    if (raw === undefined && fallback !== undefined) return fallback;
    if (raw === undefined) problems.push(`${name} is missing`);
    else if (!(allowed as readonly string[]).includes(raw)) problems.push(`${name} ${message}`);
    return raw as T;
  };

  const tableName = text('AFTERVIEW_TABLE_NAME') ?? '';
  const scheduleGroup = text('AFTERVIEW_SCHEDULE_GROUP') ?? '';
  const dispatchFunctionArn = arn('AFTERVIEW_DISPATCH_FUNCTION_ARN', 'lambda');
  const schedulerRoleArn = arn('AFTERVIEW_SCHEDULER_ROLE_ARN', 'iam');
  const scheduleDlqArn = arn('AFTERVIEW_SCHEDULE_DLQ_ARN', 'sqs');
  const stage = text('AFTERVIEW_STAGE') ?? '';
  const logLevel = oneOf(
    'AFTERVIEW_LOG_LEVEL',
    logLevels,
    `must be one of ${logLevels.join(', ')}`,
  );
  const allowHttp = oneOf(
    'AFTERVIEW_WEBHOOK_ALLOW_HTTP',
    ['true', 'false', '1', '0'],
    'must be true or false',
    'false',
  );
  const docsAssetsDir = text('AFTERVIEW_DOCS_ASSETS_DIR', true);
  text('AFTERVIEW_DASHBOARD_ASSETS_DIR', true);
  const horizonDays = env.AFTERVIEW_SCHEDULING_HORIZON_DAYS;
  if (horizonDays !== undefined && !/^[1-9]\d{0,2}$/.test(horizonDays)) {
    problems.push('AFTERVIEW_SCHEDULING_HORIZON_DAYS must be a whole number of days from 1 to 999');
  }
  if (problems.length > 0) throw new AwsConfigError(problems);
  return {
    tableName,
    scheduleGroup,
    dispatchFunctionArn,
    schedulerRoleArn,
    scheduleDlqArn,
    stage,
    logLevel,
    webhookAllowHttp: allowHttp === 'true' || allowHttp === '1',
    ...(docsAssetsDir ? { docsAssetsDir } : {}),
    ...(horizonDays === undefined ? {} : { schedulingHorizonMs: Number(horizonDays) * 86_400_000 }),
  };
}

/**
 * The `service` of a stage's log lines and its metrics' only dimension: the stack's resource
 * prefix, so the alarms and the dashboard select exactly what the functions write.
 */
export function awsServiceName(stage: string): string {
  return `afterview-${stage}`;
}
