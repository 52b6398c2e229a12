/**
 * Lambda entry point that EventBridge Scheduler invokes with a wake-up's Input. A malformed
 * payload is dropped with a log line: retrying it could never succeed.
 */

import { observed } from '../shared/observability/lambda';
import { createAwsWorker } from '../shared/runtime/aws';
import { parseWakeupPayload } from '../shared/scheduling/payload';

const worker = createAwsWorker();

export const handler = observed(worker, async (event: unknown): Promise<void> => {
  const payload = parseWakeupPayload(event);
  if (!payload) {
    worker.logger.error('Dropped a malformed wake-up');
    return;
  }
  await worker.dispatch(payload);
});
