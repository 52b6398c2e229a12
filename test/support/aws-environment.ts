/** The variables the stack gives every Lambda, with test values (no region, no log level). */
export const stackEnvironment = {
  AFTERVIEW_TABLE_NAME: 'afterview-test',
  AFTERVIEW_SCHEDULE_GROUP: 'afterview-test',
  AFTERVIEW_DISPATCH_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:dispatch',
  AFTERVIEW_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  AFTERVIEW_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  AFTERVIEW_STAGE: 'test',
} as const;
