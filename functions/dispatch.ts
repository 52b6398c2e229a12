/**
 * Lambda entry point that EventBridge Scheduler invokes with a wake-up's Input. A malformed
 * payload is dropped with a log line: retrying it could never succeed.
 */

import { createAwsWorker } from '../shared/runtime/aws';
import { parseWakeupPayload } from '../shared/scheduling/payload';

const worker = createAwsWorker();

export async function handler(event: unknown): Promise<void> {
  const payload = parseWakeupPayload(event);
  if (!payload) {
    console.error(JSON.stringify({ level: 'error', message: 'dropped malformed wake-up' }));
    return;
  }
  await worker.dispatch(payload);
}
