import { randomUUID } from 'node:crypto';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { SandboxClock } from '../../local/sandbox-clock';
import { FixedClock } from '../../shared/clock';

/** A runtime clock that only moves when the emulator (or the test) advances it. */
export function frozenSandboxClock(at = '2030-01-07T09:00:00Z'): SandboxClock {
  return new SandboxClock(new FixedClock(Temporal.Instant.from(at)));
}

export const targetArn = 'arn:aws:lambda:us-east-1:000000000000:function:afterview-dispatch';
export const roleArn = 'arn:aws:iam::000000000000:role/afterview-scheduler';

/** The real SDK client, unmodified, pointed at an emulator. */
export function clientFor(url: string): SchedulerClient {
  return new SchedulerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A fresh group name so tests sharing one emulator never see each other's schedules. */
export function uniqueGroupName(): string {
  return `g-${randomUUID().slice(0, 8)}`;
}

export const queueArn = 'arn:aws:sqs:us-east-1:000000000000:afterview-dead-letters';

/** The error an SDK call rejects with, for asserting on its name and status. */
export async function sdkError(
  call: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}
