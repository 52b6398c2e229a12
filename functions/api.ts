/** Lambda entry point behind API Gateway: the Hono app, adapted by hono/aws-lambda. */
import { handle } from 'hono/aws-lambda';
import { createAwsApi } from '../shared/runtime/aws-api';

const runtime = createAwsApi();

export const handler = handle(runtime.app);
