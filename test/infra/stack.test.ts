import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAfterviewApp } from '../../infra/afterview-app';
import type { AfterviewStack } from '../../infra/afterview-stack';
import { stackConfigFromContext } from '../../infra/stack-config';
import { requiredAwsVariables } from '../../shared/runtime/aws-config';
import { dueIndex, gsi1, gsi2, gsi3, tableIndexes, ttlAttribute } from '../../shared/store/table';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

type Resources = Record<string, { Properties: Record<string, unknown>; DeletionPolicy?: string }>;

function synthesize(context: Record<string, string> = {}) {
  const { stack } = createAfterviewApp({ code: 'placeholder', context });
  return { stack, template: Template.fromStack(stack) };
}

function logicalId(stack: AfterviewStack, construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return stack.getLogicalId(element);
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Statements of one role's identity policies (the DefaultPolicy CDK attaches to it). */
function roleStatements(template: Template, roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Resources;
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
}

function allIdentityStatements(template: Template): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources);
  const roles = Object.values(template.findResources('AWS::IAM::Role') as Resources);
  return [
    ...policies.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    ),
    ...roles.flatMap((role) =>
      (
        (role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>
      ).flatMap((policy) => policy.PolicyDocument.Statement),
    ),
  ];
}

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('AfterviewStack (dev stage)', () => {
  let stack: AfterviewStack;
  let template: Template;
  let ids: Record<'api' | 'dispatch' | 'reconcile', { fn: string; role: string }>;
  let schedulerRoleId: string;

  beforeAll(() => {
    ({ stack, template } = synthesize());
    const idsOf = (name: 'api' | 'dispatch' | 'reconcile') => ({
      fn: logicalId(stack, stack.functions[name].function),
      role: logicalId(stack, stack.functions[name].role),
    });
    ids = { api: idsOf('api'), dispatch: idsOf('dispatch'), reconcile: idsOf('reconcile') };
    schedulerRoleId = logicalId(stack, stack.schedulerRole);
  });

  describe('table', () => {
    it('is on-demand with point-in-time recovery and the TTL attribute of table.ts', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      });
    });

    it('has exactly the global secondary indexes the store defines', () => {
      const table = Object.values(template.findResources('AWS::DynamoDB::Table') as Resources)[0];
      const indexes = table?.Properties.GlobalSecondaryIndexes as Array<{
        IndexName: string;
        KeySchema: Array<{ AttributeName: string }>;
        Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
      }>;
      expect(
        indexes.map((index) => ({
          indexName: index.IndexName,
          partitionKey: index.KeySchema[0]?.AttributeName,
          sortKey: index.KeySchema[1]?.AttributeName,
          projection: index.Projection.ProjectionType,
          ...(index.Projection.NonKeyAttributes
            ? { nonKeyAttributes: index.Projection.NonKeyAttributes }
            : {}),
        })),
      ).toEqual(tableIndexes.map((index) => ({ ...index })));
    });

    it('may be destroyed with a non-production stage', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      });
    });
  });

  describe('functions', () => {
    it.each(['api', 'dispatch', 'reconcile'] as const)(
      '%s runs Node 22 on ARM64, without source maps parsed at load',
      (name) => {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `afterview-dev-${name}`,
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Role: arnOf(ids[name].role),
          LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
          Environment: {
            Variables: Match.objectLike({
              NODE_OPTIONS: Match.absent(),
              AFTERVIEW_STAGE: 'dev',
              AFTERVIEW_LOG_LEVEL: 'info',
              AFTERVIEW_WEBHOOK_ALLOW_HTTP: 'false',
              AFTERVIEW_SCHEDULE_GROUP: 'afterview-dev',
              AFTERVIEW_SCHEDULING_HORIZON_DAYS: Match.absent(),
              AFTERVIEW_SCHEDULER_ROLE_ARN: arnOf(schedulerRoleId),
            }),
          },
        });
      },
    );

    it('gives every function every variable loadAwsConfig requires', () => {
      const required = [...requiredAwsVariables];
      const functions = Object.values(template.findResources('AWS::Lambda::Function') as Resources);
      expect(functions).toHaveLength(3);
      for (const fn of functions) {
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> })
          .Variables;
        expect(Object.keys(variables)).toEqual(expect.arrayContaining(required));
      }
    });

    it('points the api at the Swagger UI files shipped in its bundle', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'afterview-dev-api',
        Environment: {
          Variables: Match.objectLike({ AFTERVIEW_DOCS_ASSETS_DIR: '/var/task/docs-assets' }),
        },
      });
    });

    it('points the api at the console files shipped in its bundle', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'afterview-dev-api',
        Environment: {
          Variables: Match.objectLike({
            AFTERVIEW_DASHBOARD_ASSETS_DIR: '/var/task/dashboard-assets',
          }),
        },
      });
    });

    it.each(['api', 'dispatch', 'reconcile'] as const)(
      '%s writes to its own log group, with a retention, and may write nowhere else',
      (name) => {
        const logGroupId = logicalId(stack, stack.functions[name].logGroup);
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `afterview-dev-${name}`,
          LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } },
        });
        template.hasResourceProperties('AWS::Logs::LogGroup', {
          RetentionInDays: 14,
          LogGroupName: Match.absent(),
        });
        const logging = roleStatements(template, ids[name].role).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('logs:')),
        );
        expect(logging).toEqual([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: arnOf(logGroupId),
          },
        ]);
      },
    );

    it('sends failed asynchronous dispatches to the dead-letter queue after two retries', () => {
      const queueId = logicalId(stack, stack.deadLetterQueue);
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'afterview-dev-dispatch',
        DeadLetterConfig: { TargetArn: arnOf(queueId) },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: ids.dispatch.fn },
        MaximumRetryAttempts: 2,
      });
    });
  });

  describe('least privilege', () => {
    it('grants no wildcard action, and resource "*" only for the X-Ray writes tracing needs', () => {
      const statements = allIdentityStatements(template);
      expect(statements.length).toBeGreaterThan(10);
      for (const statement of statements) {
        for (const action of actionsOf(statement)) {
          expect(action).not.toMatch(/\*/);
        }
        if (resourcesOf(statement).includes('*')) {
          // X-Ray has no resource-level permissions; nothing else may ride on "*".
          expect(actionsOf(statement).sort()).toEqual([
            'xray:PutTelemetryRecords',
            'xray:PutTraceSegments',
          ]);
        }
      }
    });

    it('never grants Scan: no request path scans the table', () => {
      const actions = allIdentityStatements(template).flatMap(actionsOf);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions).toContain('dynamodb:Query');
    });

    it('allows iam:PassRole only on the scheduler role, only to Scheduler, only for the three functions', () => {
      const passRole = allIdentityStatements(template).filter((statement) =>
        actionsOf(statement).includes('iam:PassRole'),
      );
      expect(passRole).toHaveLength(3);
      for (const statement of passRole) {
        expect(statement.Resource).toEqual(arnOf(schedulerRoleId));
        expect(statement.Condition).toEqual({
          StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
        });
      }
      for (const name of ['api', 'dispatch', 'reconcile'] as const) {
        const own = roleStatements(template, ids[name].role);
        expect(
          own.filter((statement) => actionsOf(statement).includes('iam:PassRole')),
        ).toHaveLength(1);
      }
    });

    it.each(['api', 'dispatch', 'reconcile'] as const)(
      '%s may create, get and delete schedules only inside the wake-up group',
      (name) => {
        const scheduling = roleStatements(template, ids[name].role).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('scheduler:')),
        );
        expect(scheduling).toHaveLength(1);
        expect(actionsOf(scheduling[0] as Statement).sort()).toEqual([
          'scheduler:CreateSchedule',
          'scheduler:DeleteSchedule',
        ]);
        expect(JSON.stringify(scheduling[0]?.Resource)).toContain(':schedule/afterview-dev/*');
      },
    );

    it.each([
      [
        'api',
        [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
        ],
        [gsi1, gsi2, gsi3],
      ],
      [
        'dispatch',
        [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
        ],
        [],
      ],
      [
        'reconcile',
        [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
        ],
        [dueIndex, gsi1],
      ],
    ] as const)(
      '%s gets only its own table actions and index queries',
      (name, actions, indexes) => {
        const tableId = logicalId(stack, stack.table);
        const own = roleStatements(template, ids[name as 'api'].role);
        const dynamo = own.filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
        );
        const onTable = dynamo.find((statement) => statement.Sid === 'Table');
        expect(actionsOf(onTable as Statement).sort()).toEqual([...actions]);
        expect(onTable?.Resource).toEqual(arnOf(tableId));
        const onIndexes = dynamo.find((statement) => statement.Sid === 'Indexes');
        if (indexes.length === 0) {
          expect(onIndexes).toBeUndefined();
          return;
        }
        expect(actionsOf(onIndexes as Statement)).toEqual(['dynamodb:Query']);
        expect(resourcesOf(onIndexes as Statement)).toEqual(
          indexes.map((index) => ({
            'Fn::Join': ['', [arnOf(tableId), `/index/${index.indexName}`]],
          })),
        );
      },
    );

    it('lets only Scheduler assume the wake-up role, for its own group in this account', () => {
      const groupId = logicalId(stack, stack.scheduleGroup);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: {
                  'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                  'aws:SourceArn': arnOf(groupId),
                },
              },
            },
          ],
        },
      });
      const trust = (template.findResources('AWS::IAM::Role') as Resources)[schedulerRoleId]
        ?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] };
      expect(trust.Statement).toHaveLength(1);
      expect(trust.Statement[0]?.Condition?.StringEquals?.['aws:SourceArn']).toEqual(
        arnOf(groupId),
      );
    });

    it('lets the wake-up role invoke dispatch and write to the dead-letter queue, nothing else', () => {
      const statements = roleStatements(template, schedulerRoleId);
      expect(statements.map((statement) => [actionsOf(statement), statement.Resource])).toEqual([
        [['lambda:InvokeFunction'], arnOf(ids.dispatch.fn)],
        [['sqs:SendMessage'], arnOf(logicalId(stack, stack.deadLetterQueue))],
      ]);
    });
  });

  describe('scheduling', () => {
    it('creates the wake-up schedule group named after the stage', () => {
      template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'afterview-dev' });
    });

    it('runs reconcile every five minutes through its own role', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        GroupName: 'afterview-dev-maintenance',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: arnOf(ids.reconcile.fn),
          RoleArn: Match.objectLike({
            'Fn::GetAtt': [Match.stringLikeRegexp('^ReconcileScheduleRole'), 'Arn'],
          }),
        }),
      });
    });

    it('keeps the dead-letter queue encrypted and TLS-only', () => {
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });
  });

  describe('api gateway', () => {
    it('throttles the stage and logs access as JSON without request bodies', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'dev',
        AccessLogSetting: Match.objectLike({
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('"status":"\\$context.status"'),
        }),
        MethodSettings: [
          Match.objectLike({
            ThrottlingRateLimit: 50,
            ThrottlingBurstLimit: 100,
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
            HttpMethod: '*',
            ResourcePath: '/*',
          }),
        ],
      });
    });

    it('passes images through as binary so the docs favicons arrive intact', () => {
      template.hasResourceProperties('AWS::ApiGateway::RestApi', {
        BinaryMediaTypes: ['image/*'],
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
    });

    it('keeps access logs for the retention of the stage', () => {
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup') as Resources);
      expect(groups).toHaveLength(4);
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(14);
    });
  });

  describe('tracing', () => {
    it('traces every function actively and lets each write its segments', () => {
      for (const name of ['api', 'dispatch', 'reconcile'] as const) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `afterview-dev-${name}`,
          TracingConfig: { Mode: 'Active' },
        });
        const xray = roleStatements(template, ids[name].role).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('xray:')),
        );
        expect(xray.flatMap(actionsOf).sort()).toEqual([
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ]);
      }
    });

    it('traces the API Gateway stage, so a request is one trace from the edge on', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'dev',
        TracingEnabled: true,
      });
    });
  });

  describe('alarms', () => {
    const topic = () => ({ Ref: logicalId(stack, stack.alarmTopic) });
    const app = (metric: string, statistic: Record<string, unknown>, period: number) => ({
      Namespace: 'Afterview',
      MetricName: metric,
      Dimensions: [{ Name: 'service', Value: 'afterview-dev' }],
      Period: period,
      ...statistic,
    });
    const scheduler = (metric: string) => ({
      Namespace: 'AWS/Scheduler',
      MetricName: metric,
      Dimensions: [{ Name: 'ScheduleGroup', Value: 'afterview-dev' }],
      Statistic: 'Sum',
      Period: 300,
    });

    // Every alarm: its name, what it watches, and when it fires.
    it.each([
      [
        'DeadLetter',
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
        },
        1,
      ],
      [
        'DispatchErrors',
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 300 },
        1,
      ],
      [
        'Api5xx',
        { Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Statistic: 'Sum', Period: 300 },
        5,
      ],
      ['SchedulerTargetErrors', scheduler('TargetErrorCount'), 5],
      ['SchedulerDropped', scheduler('InvocationDroppedCount'), 1],
      ['WebhookExhausted', app('DeliveryExhausted', { Statistic: 'Sum' }, 3600), 10],
      ['StepLateness', app('StepLateness', { ExtendedStatistic: 'p99' }, 900), 600_000],
      ['ReconcileFailures', app('ReconcileFailures', { Statistic: 'Sum' }, 300), 1],
    ])('%s alarm watches its metric with its threshold', (name, metric, threshold) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `afterview-dev-${name}`,
        ...metric,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic()],
        OKActions: [topic()],
        AlarmDescription: Match.stringLikeRegexp('Runbook: docs/operations\\.md#'),
      });
    });

    it('needs two failing reconciler sweeps in a row', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'afterview-dev-ReconcileFailures',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
      });
    });

    it('fires when no reconciler sweep is recorded for 15 minutes, missing data included', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'afterview-dev-ReconcileStalled',
        ...app('ReconcileSweeps', { Statistic: 'Sum' }, 900),
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    it('adds up read and write throttling of the table', () => {
      const alarm = Object.values(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { AlarmName: 'afterview-dev-DynamoThrottles' },
        }) as Resources,
      )[0];
      expect(alarm?.Properties).toMatchObject({
        Threshold: 10,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      const queries = alarm?.Properties.Metrics as Array<{
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Namespace: string } };
      }>;
      expect(queries.find((query) => query.Expression)?.Expression).toBe('reads + writes');
      expect(queries.flatMap((query) => query.MetricStat?.Metric.MetricName ?? []).sort()).toEqual([
        'ReadThrottleEvents',
        'WriteThrottleEvents',
      ]);
    });

    it('judges the webhook failure rate only over enough attempts', () => {
      const alarm = Object.values(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { AlarmName: 'afterview-dev-WebhookFailureRate' },
        }) as Resources,
      )[0];
      expect(alarm?.Properties.Threshold).toBe(50);
      const queries = alarm?.Properties.Metrics as Array<{
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Namespace: string }; Period: number };
      }>;
      expect(queries.find((query) => query.Expression)?.Expression).toBe(
        'IF((failed + succeeded) >= 20, 100 * failed / (failed + succeeded), 0)',
      );
      expect(
        queries
          .flatMap((query) => (query.MetricStat ? [query.MetricStat] : []))
          .map((stat) => [stat.Metric.Namespace, stat.Metric.MetricName, stat.Period]),
      ).toEqual([
        ['Afterview', 'DeliveryFailed', 900],
        ['Afterview', 'DeliverySucceeded', 900],
      ]);
    });

    it('has exactly these alarms, no Lambda-error alarm on the reconciler that could never fire', () => {
      const names = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources)
        .map((alarm) => alarm.Properties.AlarmName)
        .sort();
      expect(names).toEqual(
        [
          'Api5xx',
          'DeadLetter',
          'DispatchErrors',
          'DynamoThrottles',
          'ReconcileFailures',
          'ReconcileStalled',
          'SchedulerDropped',
          'SchedulerTargetErrors',
          'StepLateness',
          'WebhookExhausted',
          'WebhookFailureRate',
        ].map((name) => `afterview-dev-${name}`),
      );
    });

    it('watches the dispatcher by name', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.dispatch.fn } }],
      });
    });
  });

  describe('dashboard', () => {
    function dashboardBody(): { widgets: Array<{ properties: Record<string, unknown> }> } {
      const dashboards = Object.values(
        template.findResources('AWS::CloudWatch::Dashboard') as Resources,
      );
      expect(dashboards).toHaveLength(1);
      expect(dashboards[0]?.Properties.DashboardName).toBe('afterview-dev');
      // The body is a Fn::Join of text and tokens; with the tokens as placeholders it parses.
      const body = dashboards[0]?.Properties.DashboardBody as
        | { 'Fn::Join': [string, unknown[]] }
        | undefined;
      if (!body) throw new Error('the dashboard has no body');
      const parts = body['Fn::Join'][1];
      const text = parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
      return JSON.parse(text);
    }

    it('shows requests, latency, steps fired, deliveries by outcome, lateness, DLQ depth and throttles', () => {
      const widgets = dashboardBody().widgets;
      const titles = widgets.map((widget) => widget.properties.title);
      expect(titles).toEqual(
        expect.arrayContaining([
          'Alarms',
          'API requests and errors',
          'API latency (ms)',
          'Steps fired',
          'Step lateness after due time (ms)',
          'Webhook deliveries by outcome',
          'Dead-letter queue depth',
          'Throttles and Scheduler errors',
        ]),
      );
      const metricsOf = (title: string) =>
        JSON.stringify(
          widgets.find((widget) => widget.properties.title === title)?.properties.metrics,
        );
      expect(metricsOf('API requests and errors')).toContain('"Count"');
      expect(metricsOf('API latency (ms)')).toContain('"Latency"');
      expect(metricsOf('Steps fired')).toContain('"StepsFired"');
      expect(metricsOf('Step lateness after due time (ms)')).toContain('"StepLateness"');
      for (const outcome of ['DeliverySucceeded', 'DeliveryRetryScheduled', 'DeliveryExhausted']) {
        expect(metricsOf('Webhook deliveries by outcome')).toContain(`"${outcome}"`);
      }
      expect(metricsOf('Dead-letter queue depth')).toContain(
        '"ApproximateNumberOfMessagesVisible"',
      );
      for (const throttle of [
        'ReadThrottleEvents',
        'WriteThrottleEvents',
        'Throttles',
        'TargetErrorCount',
      ]) {
        expect(metricsOf('Throttles and Scheduler errors')).toContain(`"${throttle}"`);
      }
    });

    it('shows the state of every alarm', () => {
      const status = dashboardBody().widgets.find((widget) => widget.properties.title === 'Alarms');
      expect(status?.properties.alarms).toHaveLength(stack.monitoring.alarms.length);
    });
  });
});

describe('AfterviewStack (prod stage)', () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = synthesize({
      stage: 'prod',
      logLevel: 'warn',
      apiRateLimit: '200',
      apiBurstLimit: '400',
      alarmEmail: 'oncall@example.com',
      schedulingHorizonDays: '2',
    }));
  });

  it('retains the table and protects it from deletion', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('retains logs and the dead-letter queue, keeping logs 90 days', () => {
    template.allResources('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ RetentionInDays: 90 }),
    });
    template.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
  });

  it('takes throttling, log level and the alarm address from context', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AFTERVIEW_LOG_LEVEL: 'warn' }) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('outputs exactly what docs/deploy.md lists', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiAccessLogGroup',
        'ApiLogGroup',
        'ApiUrl',
        'DashboardName',
        'DeadLetterQueueUrl',
        'DispatchLogGroup',
        'ReconcileLogGroup',
        'ScheduleGroupName',
        'TableName',
      ].sort(),
    );
  });

  it('gives every function the scheduling horizon set in context', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ AFTERVIEW_SCHEDULING_HORIZON_DAYS: '2' }),
      },
    });
  });
});

describe('stackConfigFromContext', () => {
  const from = (context: Record<string, unknown>) => () =>
    stackConfigFromContext((key) => context[key]);

  it('defaults to a dev stage with https-only webhooks and two weeks of logs', () => {
    expect(from({})()).toMatchObject({
      stage: 'dev',
      production: false,
      logRetention: 14,
      allowHttpWebhooks: false,
      logLevel: 'info',
    });
  });

  it('allows plain-http webhooks on a test stage that asks for them', () => {
    expect(from({ stage: 'qa', webhookSchemes: 'https,http' })().allowHttpWebhooks).toBe(true);
  });

  it('reads every setting it checks, the scheduling horizon included', () => {
    expect(
      from({ schedulingHorizonDays: '7', apiRateLimit: '2000', apiBurstLimit: 4000 })(),
    ).toMatchObject({ schedulingHorizonDays: 7, apiRateLimit: 2000, apiBurstLimit: 4000 });
    expect(from({})().schedulingHorizonDays).toBeUndefined();
  });

  it.each([
    [{ stage: 'prod', webhookSchemes: 'https,http' }, /prod stage must not allow plain-http/],
    [{ stage: 'Prod!' }, /stage: lower-case letters/],
    [{ logRetentionDays: '10' }, /logRetentionDays: not a retention/],
    [{ logLevel: 'verbose' }, /logLevel/],
    [{ webhookSchemes: 'ftp' }, /webhookSchemes/],
    [{ apiRateLimit: 'fast' }, /apiRateLimit/],
    [{ apiRateLimit: '0' }, /apiRateLimit: at least 1/],
    [{ apiBurstLimit: 0 }, /apiBurstLimit: at least 1/],
    [{ schedulingHorizonDays: '5000' }, /schedulingHorizonDays: from 1 to 999 days/],
    [{ schedulingHorizonDays: '0' }, /schedulingHorizonDays: from 1 to 999 days/],
    [{ webAclArn: 'acl-123' }, /webAclArn: must be a WAFv2 web ACL ARN/],
  ])('rejects %o', (context, message) => {
    expect(from(context)).toThrow(message);
  });
});
