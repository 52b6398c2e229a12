import { describe, expect, it } from 'vitest';
import {
  AwsConfigError,
  type AwsEnvironment,
  loadAwsConfig,
} from '../../shared/runtime/aws-config';
import { stackEnvironment } from '../support/aws-environment';

const complete: AwsEnvironment = {
  ...stackEnvironment,
  AFTERVIEW_LOG_LEVEL: 'info',
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadAwsConfig(env);
  } catch (error) {
    if (error instanceof AwsConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadAwsConfig', () => {
  it('maps a complete environment and defaults plain-http webhooks to off', () => {
    expect(loadAwsConfig(complete)).toEqual({
      tableName: 'afterview-test',
      scheduleGroup: 'afterview-test',
      dispatchFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dispatch',
      schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      scheduleDlqArn: 'arn:aws:sqs:us-east-1:123456789012:dlq',
      stage: 'test',
      logLevel: 'info',
      webhookAllowHttp: false,
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads AFTERVIEW_WEBHOOK_ALLOW_HTTP=%s as %s', (raw, expected) => {
    expect(loadAwsConfig({ ...complete, AFTERVIEW_WEBHOOK_ALLOW_HTTP: raw }).webhookAllowHttp).toBe(
      expected,
    );
  });

  it('keeps the docs assets directory when given', () => {
    const config = loadAwsConfig({
      ...complete,
      AFTERVIEW_DOCS_ASSETS_DIR: '/var/task/docs-assets',
    });
    expect(config.docsAssetsDir).toBe('/var/task/docs-assets');
  });

  it.each(Object.keys(complete))('names %s when it is missing', (variable) => {
    const env: Record<string, string | undefined> = { ...complete, [variable]: undefined };
    expect(problemsOf(env)).toEqual([`${variable} is missing`]);
  });

  it.each([
    ['AFTERVIEW_DISPATCH_FUNCTION_ARN', 'dispatch', 'must be an ARN of service lambda'],
    ['AFTERVIEW_SCHEDULER_ROLE_ARN', 'arn:aws:sqs:us-east-1:1:q', 'must be an ARN of service iam'],
    ['AFTERVIEW_WEBHOOK_ALLOW_HTTP', 'yes', 'must be true or false'],
    ['AFTERVIEW_TABLE_NAME', '  ', 'is required'],
    ['AFTERVIEW_LOG_LEVEL', 'verbose', 'must be one of debug, info, warn, error'],
    ['AFTERVIEW_SCHEDULING_HORIZON_DAYS', '0', 'must be a whole number of days from 1 to 999'],
  ])('rejects a malformed %s', (variable, value, message) => {
    expect(problemsOf({ ...complete, [variable]: value })).toEqual([`${variable} ${message}`]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({})).toHaveLength(7);
  });
});
