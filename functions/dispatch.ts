/**
 * Lambda entry point that EventBridge Scheduler invokes with a wake-up's Input. A malformed
 * payload is dropped with a log line: retrying it could never succeed.
 */

import { observed } from '../shared/observability/lambda';
import { withMappedStack } from '../shared/observability/stack-traces';
import { createAwsAdapters } from '../shared/runtime/aws';
import { composeWorker } from '../shared/runtime/compose-worker';
import { parseWakeupPayload } from '../shared/scheduling/payload';

// The delivery service is built now, not on first use: nearly every wake-up that fires a step
// or retries a delivery sends, so loading it later would only move the cost.
const adapters = withMappedStack(createAwsAdapters);
const worker = { ...composeWorker(adapters), logger: adapters.logger, metrics: adapters.metrics };

export const handler = observed(worker, async (event: unknown): Promise<void> => {
  const payload = parseWakeupPayload(event);
  if (!payload) {
    worker.logger.error('Dropped a malformed wake-up');
    return;
  }
  await worker.dispatch(payload);
});
