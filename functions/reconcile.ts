/** Lambda entry point run by a recurring schedule: one reconciler sweep. */
import { createAwsWorker } from '../shared/runtime/aws';

const worker = createAwsWorker();

export async function handler(): Promise<void> {
  const report = await worker.reconcile();
  console.log(JSON.stringify({ level: 'info', message: 'reconcile sweep', ...report }));
}
