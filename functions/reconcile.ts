/** Lambda entry point run by a recurring schedule: one reconciler sweep. */
import { createAwsRuntime } from '../shared/runtime/aws';

const runtime = createAwsRuntime();

export async function handler(): Promise<void> {
  const report = await runtime.reconcile();
  console.log(JSON.stringify({ level: 'info', message: 'reconcile sweep', ...report }));
}
