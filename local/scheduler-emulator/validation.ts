import { isValidTimeZone, type ParsedExpression, parseScheduleExpression } from './expressions';

/** The service's error names, as the SDK reads them from `x-amzn-errortype`. */
export type SchedulerErrorType =
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'InternalServerException';

const statusByType: Record<SchedulerErrorType, number> = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  InternalServerException: 500,
};

/** An error the emulator answers on the wire, with the service's status code and type. */
export class SchedulerApiError extends Error {
  override readonly name = 'SchedulerApiError';
  readonly status: number;
  constructor(
    readonly type: SchedulerErrorType,
    message: string,
  ) {
    super(message);
    this.status = statusByType[type];
  }
}

interface RetryPolicyJson {
  MaximumEventAgeInSeconds: number;
  MaximumRetryAttempts: number;
}

/** The target as stored; templated-target parameter blocks are kept verbatim. */
interface TargetJson {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy: RetryPolicyJson;
  DeadLetterConfig?: { Arn?: string };
  [parameters: string]: unknown;
}

/** The writable part of a schedule: what CreateSchedule and UpdateSchedule carry. */
export interface ScheduleDefinition {
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  State: 'ENABLED' | 'DISABLED';
  KmsKeyArn?: string;
  Target: TargetJson;
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  ActionAfterCompletion: 'NONE' | 'DELETE';
}

export const namePattern = /^[0-9a-zA-Z-_.]+$/;
const roleArnPattern = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const queueArnPattern = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
const clientTokenPattern = /^[a-zA-Z0-9-_]+$/;

// Defaults the service fills in when a target has no retry policy.
const defaultRetryPolicy: RetryPolicyJson = {
  MaximumEventAgeInSeconds: 86_400,
  MaximumRetryAttempts: 185,
};

/** Throws the service's wording for one failed member constraint. */
function invalid(value: unknown, path: string, constraint: string): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw new SchedulerApiError(
    'ValidationException',
    `1 validation error detected: Value '${shown}' at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(
  value: unknown,
  path: string,
  min: number,
  max: number,
  pattern?: RegExp,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredString(value, path, min, max, pattern);
}

function requiredString(
  value: unknown,
  path: string,
  min: number,
  max: number,
  pattern?: RegExp,
): string {
  if (value === undefined || value === null) invalid(value, path, 'Member must not be null');
  if (typeof value !== 'string') invalid(value, path, 'Member must be a string');
  if (value.length < min || value.length > max) {
    invalid(
      value,
      path,
      `Member must have length greater than or equal to ${min} and less than or equal to ${max}`,
    );
  }
  if (pattern && !pattern.test(value)) {
    invalid(value, path, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}

function optionalInteger(value: unknown, path: string, min: number, max: number) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    invalid(value, path, 'Member must be an integer');
  }
  if (value < min) invalid(value, path, `Member must have value greater than or equal to ${min}`);
  if (value > max) invalid(value, path, `Member must have value less than or equal to ${max}`);
  return value;
}

function optionalTimestamp(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalid(value, path, 'Member must be a timestamp');
  }
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    invalid(value, path, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

/** Validates a schedule or group name taken from the request path or query. */
export function checkName(value: unknown, path: string): string {
  return requiredString(value, path, 1, 64, namePattern);
}

/** Validates an idempotency token (the SDK generates one when the caller gives none). */
export function checkClientToken(value: unknown): string | undefined {
  return optionalString(value, 'clientToken', 1, 64, clientTokenPattern);
}

/**
 * Validates a CreateSchedule / UpdateSchedule body like the service does and returns the
 * stored definition with the service's defaults filled in.
 */
export function parseScheduleDefinition(body: unknown): {
  definition: ScheduleDefinition;
  expression: ParsedExpression;
  groupName: string;
} {
  if (!isObject(body)) {
    throw new SchedulerApiError('ValidationException', 'The request body must be a JSON object.');
  }
  const groupName = optionalString(body.GroupName, 'groupName', 1, 64, namePattern) ?? 'default';
  checkClientToken(body.ClientToken);

  const scheduleExpression = requiredString(body.ScheduleExpression, 'scheduleExpression', 1, 256);
  const expression = parseScheduleExpression(scheduleExpression);
  if (!expression) {
    throw new SchedulerApiError(
      'ValidationException',
      `Invalid Schedule Expression ${scheduleExpression}.`,
    );
  }
  const timeZone = optionalString(
    body.ScheduleExpressionTimezone,
    'scheduleExpressionTimezone',
    1,
    50,
  );
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw new SchedulerApiError('ValidationException', `Invalid timezone ${timeZone}.`);
  }
  const startDate = optionalTimestamp(body.StartDate, 'startDate');
  const endDate = optionalTimestamp(body.EndDate, 'endDate');
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate) {
    throw new SchedulerApiError(
      'ValidationException',
      'The EndDate you specify must be after the StartDate.',
    );
  }

  const window = body.FlexibleTimeWindow;
  if (!isObject(window)) invalid(window, 'flexibleTimeWindow', 'Member must not be null');
  const mode = oneOf(window.Mode, 'flexibleTimeWindow.mode', ['OFF', 'FLEXIBLE'] as const);
  const maximumWindow = optionalInteger(
    window.MaximumWindowInMinutes,
    'flexibleTimeWindow.maximumWindowInMinutes',
    1,
    1440,
  );
  if (mode === 'FLEXIBLE' && maximumWindow === undefined) {
    throw new SchedulerApiError(
      'ValidationException',
      'MaximumWindowInMinutes must be provided when the FlexibleTimeWindow mode is FLEXIBLE.',
    );
  }
  if (mode === 'OFF' && maximumWindow !== undefined) {
    throw new SchedulerApiError(
      'ValidationException',
      'MaximumWindowInMinutes must not be provided when the FlexibleTimeWindow mode is OFF.',
    );
  }

  const target = parseTarget(body.Target);
  const state =
    body.State === undefined || body.State === null
      ? 'ENABLED'
      : oneOf(body.State, 'state', ['ENABLED', 'DISABLED'] as const);
  const actionAfterCompletion =
    body.ActionAfterCompletion === undefined || body.ActionAfterCompletion === null
      ? 'NONE'
      : oneOf(body.ActionAfterCompletion, 'actionAfterCompletion', ['NONE', 'DELETE'] as const);

  const definition: ScheduleDefinition = {
    ScheduleExpression: scheduleExpression,
    State: state,
    Target: target,
    FlexibleTimeWindow:
      maximumWindow === undefined
        ? { Mode: mode }
        : { Mode: mode, MaximumWindowInMinutes: maximumWindow },
    ActionAfterCompletion: actionAfterCompletion,
  };
  if (timeZone !== undefined) definition.ScheduleExpressionTimezone = timeZone;
  if (startDate !== undefined) definition.StartDate = startDate;
  if (endDate !== undefined) definition.EndDate = endDate;
  const description = optionalString(body.Description, 'description', 0, 512);
  if (description !== undefined) definition.Description = description;
  const kmsKeyArn = optionalString(body.KmsKeyArn, 'kmsKeyArn', 1, 2048);
  if (kmsKeyArn !== undefined) definition.KmsKeyArn = kmsKeyArn;
  return { definition, expression, groupName };
}

function parseTarget(value: unknown): TargetJson {
  if (!isObject(value)) invalid(value, 'target', 'Member must not be null');
  const arn = requiredString(value.Arn, 'target.arn', 1, 1600);
  const roleArn = requiredString(value.RoleArn, 'target.roleArn', 1, 1600, roleArnPattern);
  const input = optionalString(value.Input, 'target.input', 1, Number.MAX_SAFE_INTEGER);

  let retryPolicy = defaultRetryPolicy;
  if (value.RetryPolicy !== undefined && value.RetryPolicy !== null) {
    if (!isObject(value.RetryPolicy)) invalid(value.RetryPolicy, 'target.retryPolicy', 'object');
    retryPolicy = {
      MaximumEventAgeInSeconds:
        optionalInteger(
          value.RetryPolicy.MaximumEventAgeInSeconds,
          'target.retryPolicy.maximumEventAgeInSeconds',
          60,
          86_400,
        ) ?? defaultRetryPolicy.MaximumEventAgeInSeconds,
      MaximumRetryAttempts:
        optionalInteger(
          value.RetryPolicy.MaximumRetryAttempts,
          'target.retryPolicy.maximumRetryAttempts',
          0,
          185,
        ) ?? defaultRetryPolicy.MaximumRetryAttempts,
    };
  }

  const target: TargetJson = { ...value, Arn: arn, RoleArn: roleArn, RetryPolicy: retryPolicy };
  if (input === undefined) delete target.Input;
  else target.Input = input;
  if (value.DeadLetterConfig !== undefined && value.DeadLetterConfig !== null) {
    if (!isObject(value.DeadLetterConfig)) {
      invalid(value.DeadLetterConfig, 'target.deadLetterConfig', 'object');
    }
    const queueArn = optionalString(
      value.DeadLetterConfig.Arn,
      'target.deadLetterConfig.arn',
      1,
      1600,
      queueArnPattern,
    );
    target.DeadLetterConfig = queueArn === undefined ? {} : { Arn: queueArn };
  }
  return target;
}
