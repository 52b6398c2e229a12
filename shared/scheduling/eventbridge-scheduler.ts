import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { forEachBounded } from '../concurrency';
import type { Wakeup, WakeupScheduler } from './ports';

export interface EventBridgeWakeupSchedulerOptions {
  /** An SDK client to reuse; one with default settings is built when absent. */
  client?: SchedulerClient;
  /** The schedule group every wake-up lives in. */
  groupName: string;
  /** The dispatcher Lambda the schedules invoke. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke the target. */
  roleArn: string;
  /** SQS queue for events that exhausted their retries. */
  deadLetterArn?: string;
  /** Service-side retries of a failed invocation (0–185). */
  maximumRetryAttempts?: number;
  /** How long the service keeps retrying an invocation, in seconds (60–86400). */
  maximumEventAgeSeconds?: number;
  /** How many Scheduler calls run at once; default 8. */
  concurrency?: number;
  /** Attempts per call when the service throttles or fails (default 5). */
  maxAttempts?: number;
  /** First backoff delay; doubles per attempt, with jitter (default 100 ms). */
  retryBaseDelayMs?: number;
}

/**
 * The production wake-up port: one one-time EventBridge Scheduler schedule per wake-up, deleted
 * by the service after it fires. Creating an existing schedule and deleting a missing one both
 * count as success, so callers can repeat any call after a crash.
 */
export class EventBridgeWakeupScheduler implements WakeupScheduler {
  readonly #client: SchedulerClient;
  readonly #options: EventBridgeWakeupSchedulerOptions;

  constructor(options: EventBridgeWakeupSchedulerOptions) {
    this.#options = options;
    this.#client = options.client ?? new SchedulerClient({});
  }

  async schedule(wakeups: readonly Wakeup[]): Promise<void> {
    await forEachBounded(wakeups, this.#concurrency, (wakeup) => this.#create(wakeup));
  }

  async cancel(names: readonly string[]): Promise<void> {
    await forEachBounded(names, this.#concurrency, (name) => this.#delete(name));
  }

  get #concurrency(): number {
    return this.#options.concurrency ?? 8;
  }

  async #create(wakeup: Wakeup): Promise<void> {
    const { groupName, targetArn, roleArn, deadLetterArn } = this.#options;
    const input = JSON.stringify(wakeup.payload);
    const retryPolicy =
      this.#options.maximumRetryAttempts === undefined &&
      this.#options.maximumEventAgeSeconds === undefined
        ? undefined
        : {
            MaximumRetryAttempts: this.#options.maximumRetryAttempts,
            MaximumEventAgeInSeconds: this.#options.maximumEventAgeSeconds,
          };
    const command = new CreateScheduleCommand({
      Name: wakeup.name,
      GroupName: groupName,
      ScheduleExpression: atExpression(wakeup.at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        Input: input,
        RetryPolicy: retryPolicy,
        DeadLetterConfig: deadLetterArn ? { Arn: deadLetterArn } : undefined,
      },
      // One token per call, shared by its retries only. A deterministic token would let the
      // service answer a later re-creation (the reconciler repairing a lost schedule) from the
      // cached first call without creating anything; duplicates are caught by the name instead.
      ClientToken: randomUUID(),
    });
    try {
      await this.#withRetries(() => this.#client.send(command));
    } catch (error) {
      if (error instanceof ConflictException || isNamed(error, 'ConflictException')) return;
      throw error;
    }
  }

  async #delete(name: string): Promise<void> {
    const command = new DeleteScheduleCommand({
      Name: name,
      GroupName: this.#options.groupName,
      ClientToken: randomUUID(),
    });
    try {
      await this.#withRetries(() => this.#client.send(command));
    } catch (error) {
      if (
        error instanceof ResourceNotFoundException ||
        isNamed(error, 'ResourceNotFoundException')
      ) {
        return;
      }
      throw error;
    }
  }

  /**
   * Retries throttling, quota and server errors with jittered exponential backoff. The SDK's own
   * retry strategy does not treat ServiceQuotaExceeded as retryable, and this layer also covers
   * an injected client whatever its retry settings.
   */
  async #withRetries<T>(call: () => Promise<T>): Promise<T> {
    const attempts = this.#options.maxAttempts ?? 5;
    const baseMs = this.#options.retryBaseDelayMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= attempts || !isTransient(error)) throw error;
        const ceiling = baseMs * 2 ** (attempt - 1);
        await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
  }
}

/**
 * Creates the schedule group if it does not exist yet (the local runtime calls this at start;
 * in AWS the CDK stack owns the group).
 */
export async function ensureScheduleGroup(
  client: SchedulerClient,
  groupName: string,
): Promise<void> {
  try {
    await client.send(new CreateScheduleGroupCommand({ Name: groupName }));
  } catch (error) {
    if (error instanceof ConflictException || isNamed(error, 'ConflictException')) return;
    throw error;
  }
}

/**
 * The `at()` expression for an instant, in UTC. Scheduler takes whole seconds; rounding up keeps a
 * wake-up from ever firing before its due time.
 */
export function atExpression(at: string): string {
  const second = 1_000_000_000n;
  const ns = Temporal.Instant.from(at).epochNanoseconds;
  const remainder = ((ns % second) + second) % second;
  const rounded = Temporal.Instant.fromEpochNanoseconds(
    remainder === 0n ? ns : ns - remainder + second,
  );
  // Instant#toString is UTC with a trailing Z; the expression takes the bare wall-clock time.
  return `at(${rounded.toString({ smallestUnit: 'second' }).slice(0, 19)})`;
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ThrottlingException' || error.name === 'ServiceQuotaExceededException') {
    return true;
  }
  const meta = error as {
    $fault?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  return (
    meta.$fault === 'server' ||
    meta.$retryable !== undefined ||
    (meta.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
