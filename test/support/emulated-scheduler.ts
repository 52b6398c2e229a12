/** The real Scheduler SDK client pointed at a Scheduler emulator, and the ARNs tests use. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';

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
