/**
 * The deployed adapters as the Lambdas build them. The webhook transport loads its HTTP client
 * on the first send, so that send must behave exactly like the eager transport's: the address
 * policy still applies and failures come back as results.
 */
import { describe, expect, it } from 'vitest';
import { createAwsAdapters } from '../../shared/runtime/aws';
import type { AwsEnvironment } from '../../shared/runtime/aws-config';

const environment: AwsEnvironment & Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AFTERVIEW_TABLE_NAME: 'afterview-test',
  AFTERVIEW_SCHEDULE_GROUP: 'afterview-test',
  AFTERVIEW_DISPATCH_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:dispatch',
  AFTERVIEW_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  AFTERVIEW_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  AFTERVIEW_STAGE: 'test',
  AFTERVIEW_LOG_LEVEL: 'error',
};

const attempt = (url: string) => ({ url, headers: {}, body: '{}', timeoutMs: 2_000 });

describe('createAwsAdapters', () => {
  it.each([
    ['a loopback address', 'https://127.0.0.1/hook'],
    ['the instance metadata address', 'https://169.254.169.254/latest'],
    ['plain http', 'http://example.com/hook'],
  ])('refuses %s on the first and every later send, as a result', async (_, url) => {
    const { transport } = createAwsAdapters(environment);
    for (const result of [await transport.send(attempt(url)), await transport.send(attempt(url))]) {
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/^refused: /);
    }
  });

  it('fails fast, naming the variable, when the environment is incomplete', () => {
    expect(() => createAwsAdapters({ ...environment, AFTERVIEW_TABLE_NAME: '' })).toThrow(
      /AFTERVIEW_TABLE_NAME/,
    );
  });
});
