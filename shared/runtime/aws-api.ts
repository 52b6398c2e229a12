/** The `api` Lambda's composition root: the deployed adapters under the services and Hono app. */
import { createAwsAdapters } from './aws';
import { type AfterviewApi, composeApi } from './compose';

export function createAwsApi(env: Record<string, string | undefined> = process.env): AfterviewApi {
  return composeApi(createAwsAdapters(env));
}
