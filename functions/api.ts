/** Lambda entry point behind API Gateway: the Hono app, adapted by hono/aws-lambda. */
import { handle } from 'hono/aws-lambda';
import { createAwsRuntime } from '../shared/runtime/aws';

const runtime = createAwsRuntime();

export const handler = handle(runtime.app);
