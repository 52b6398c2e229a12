/**
 * Lambda entry point run by a recurring schedule: one reconciler sweep. The webhook side is
 * loaded on a sweep's first delivery (deliveryOnFirstUse): most sweeps find nothing to send.
 */
import { observed } from '../shared/observability/lambda';
import { withMappedStack } from '../shared/observability/stack-traces';
import { createAwsAdapters } from '../shared/runtime/aws';
import { deliveryOnFirstUse } from '../shared/runtime/lazy-delivery';
import { composeWorkerJobs } from '../shared/runtime/worker-jobs';

const adapters = withMappedStack(createAwsAdapters);
const worker = {
  ...composeWorkerJobs(adapters, deliveryOnFirstUse(adapters)),
  logger: adapters.logger,
  metrics: adapters.metrics,
};

export const handler = observed(worker, async (): Promise<void> => {
  const report = await worker.reconcile();
  worker.logger.info('Reconcile sweep', { ...report });
});
