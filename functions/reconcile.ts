/** Lambda entry point run by a recurring schedule: one reconciler sweep. */
import { observed } from '../shared/observability/lambda';
import { createAwsWorker } from '../shared/runtime/aws';

const worker = createAwsWorker();

export const handler = observed(worker, async (): Promise<void> => {
  const report = await worker.reconcile();
  worker.logger.info('Reconcile sweep', { ...report });
});
