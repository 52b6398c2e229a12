/**
 * The `api` Lambda's composition root: the deployed adapters under the services and Hono app.
 *
 * The adapters (the DynamoDB and Scheduler clients, logger, metrics) are built when the module
 * loads; the services and the HTTP app — classic zod with every schema, @hono/zod-openapi, the
 * route modules — are imported and composed on the first request (`createAwsApiOnFirstRequest`).
 * Building them is most of what the api bundle does at import time beyond the SDK, so the
 * execution environment's init phase stays near the SDK floor and the first request pays for it
 * once. With esbuild's code splitting (infra/bundle-settings.ts) that code sits in its own
 * chunk, so the init phase does not even compile it.
 */
import { Hono } from 'hono';
import type { LambdaObservability } from '../observability/lambda';
import { type AwsAdapters, createAwsAdapters } from './aws';
import type { AfterviewApi } from './compose';

export interface LazyAwsApi extends LambdaObservability {
  /**
   * A bare Hono app that hands every request, untouched (the API Gateway event stays in
   * `c.env`), to the real app, composing it on the first request.
   */
  app: Hono;
  /** Composes the real app now if no request has (tests, a warm-up); resolves to it. */
  ready(): Promise<AfterviewApi>;
}

/** How the services and app are built from the adapters: compose.ts, imported on first use. */
export type ApiComposer = (adapters: AwsAdapters) => Promise<AfterviewApi>;

const composeOnFirstUse: ApiComposer = async (adapters) =>
  (await import('./compose')).composeApi(adapters);

/** The adapters now, the services and the HTTP app on the first request. */
export function createAwsApiOnFirstRequest(
  env: Record<string, string | undefined> = process.env,
  compose: ApiComposer = composeOnFirstUse,
): LazyAwsApi {
  const adapters: AwsAdapters = createAwsAdapters(env);
  let loading: Promise<AfterviewApi> | undefined;
  const ready = (): Promise<AfterviewApi> => {
    // A failed load is not kept: the next request tries again.
    loading ??= compose(adapters).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const app = new Hono();
  app.all('*', async (c) => (await ready()).app.fetch(c.req.raw, c.env));
  app.onError((error, c) => {
    // Only a failed load reaches here: the real app answers every error of its own. The body is
    // the real app's detail-free 500 (shared/http/problem.ts), written out so this module stays
    // free of zod.
    adapters.logger.error('the api could not be composed', { error });
    const problem = {
      type: 'https://afterview.dev/problems/internal_error',
      title: 'Something went wrong on our side',
      status: 500,
      instance: c.req.path,
      code: 'internal_error',
    };
    return c.body(JSON.stringify(problem), 500, { 'Content-Type': 'application/problem+json' });
  });
  return { app, ready, logger: adapters.logger, metrics: adapters.metrics };
}
