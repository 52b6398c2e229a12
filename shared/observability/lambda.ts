/**
 * What every Lambda entry point does around its work: put the Lambda context (request id,
 * function, cold start) on the log lines and write the invocation's metrics when it ends, also
 * when it throws (with the error's stack pointing at the original sources: ./stack-traces).
 */
import { withLogContext } from './log-context';
import type { AppLogger, LambdaContext } from './logger';
import type { EmfMetrics } from './metrics';
import { mapErrorStack } from './stack-traces';

export interface LambdaObservability {
  logger: AppLogger;
  metrics: EmfMetrics;
}

/**
 * Wraps `handler` so each invocation runs in a fresh log context carrying the Lambda context and
 * flushes its metrics. What the work is about (request, step, delivery) is added further in, by
 * the code that knows it: the HTTP middleware and the worker's dispatch.
 */
export function observed<Event, Result>(
  observability: LambdaObservability,
  handler: (event: Event, context: LambdaContext | undefined) => Promise<Result>,
): (event: Event, context?: LambdaContext) => Promise<Result> {
  const { logger, metrics } = observability;
  return async (event, context) => {
    if (context) logger.addLambdaContext(context);
    try {
      return await withLogContext({}, () => handler(event, context));
    } catch (error) {
      // Lambda reports the error with its stack; make that stack name the original sources.
      mapErrorStack(error);
      throw error;
    } finally {
      metrics.flush();
    }
  };
}
