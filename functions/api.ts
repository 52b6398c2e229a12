/**
 * Lambda entry point behind API Gateway: the Hono app, adapted by hono/aws-lambda. The init
 * phase builds the AWS clients, logger and metrics; the services and routes load on the first
 * request (shared/runtime/aws-api.ts).
 */
import { handle } from 'hono/aws-lambda';
import { observed } from '../shared/observability/lambda';
import { withMappedStack } from '../shared/observability/stack-traces';
import { createAwsApiOnFirstRequest } from '../shared/runtime/aws-api';

const runtime = withMappedStack(createAwsApiOnFirstRequest);
const app = handle(runtime.app);

// The request ids join the log context inside the app (shared/http/middleware.ts), where the
// API Gateway event is at hand; here only the Lambda context and the metrics flush are added.
export const handler = observed(runtime, (event: Parameters<typeof app>[0], context) =>
  app(event, context as Parameters<typeof app>[1]),
);
