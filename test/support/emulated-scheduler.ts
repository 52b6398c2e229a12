/**
 * The production EventBridge Scheduler adapter pointed at a Scheduler emulator, the way the
 * API harness and the delivery harness reach their emulators.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  EventBridgeWakeupScheduler,
  ensureScheduleGroup,
} from '../../shared/scheduling/eventbridge-scheduler';

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

/**
 * The EventBridge adapter over a client of the emulator at `url`, with its schedule group
 * `afterview-test` created. Destroy `client` when done.
 */
export async function emulatedWakeupScheduler(
  url: string,
): Promise<{ client: SchedulerClient; scheduler: EventBridgeWakeupScheduler }> {
  const client = clientFor(url);
  const groupName = 'afterview-test';
  await ensureScheduleGroup(client, groupName);
  const scheduler = new EventBridgeWakeupScheduler({ client, groupName, targetArn, roleArn });
  return { client, scheduler };
}
