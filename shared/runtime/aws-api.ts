/** The `api` Lambda's composition root: the deployed adapters under the services and Hono app. */
import type { LambdaObservability } from '../observability/lambda';
import { createAwsAdapters } from './aws';
import { type AfterviewApi, composeApi } from './compose';

export function createAwsApi(
  env: Record<string, string | undefined> = process.env,
): AfterviewApi & LambdaObservability {
  const adapters = createAwsAdapters(env);
  return { ...composeApi(adapters), logger: adapters.logger, metrics: adapters.metrics };
}
