/**
 * The whole deployed service (DESIGN.md section 3): API Gateway in front of the `api` function,
 * the single DynamoDB table, the Scheduler group whose one-off schedules wake `dispatch`, the
 * recurring schedule that runs `reconcile`, a dead-letter queue, and alarms. The stack only
 * wires; Lambda defaults live in AfterviewFunction and table names in shared/store/table.ts.
 */
import {
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { dashboardAssetFiles } from '../shared/http/dashboard/console';
import { docsAssetFiles } from '../shared/http/routes/docs';
import { type AwsEnvironment, awsServiceName } from '../shared/runtime/aws-config';
import { tableIndexes, tableKeys, ttlAttribute } from '../shared/store/table';
import { functionEntries } from './bundle-settings';
import {
  AfterviewFunction,
  type BundledAsset,
  type FunctionCode,
  functionSizing,
} from './constructs/afterview-function';
import { OperationsMonitoring } from './constructs/operations-monitoring';
import { type DataAccess, dataAccess } from './data-access';
import type { StackConfig } from './stack-config';

export interface AfterviewStackProps extends StackProps {
  config: StackConfig;
  /** Directory holding package.json, functions/ and node_modules/. */
  projectRoot: string;
  /** `placeholder` skips esbuild (unit tests); deployments always bundle. */
  code?: FunctionCode;
}

/** Where the api bundle carries the Swagger UI files, relative to the bundle root. */
export const docsAssetsDirectory = 'docs-assets';

// The same list /docs serves from, so a file the page links to is never missing from the bundle.
const docsAssets: BundledAsset[] = docsAssetFiles.map((file) => ({
  from: `node_modules/swagger-ui-dist/${file}`,
  to: `${docsAssetsDirectory}/${file}`,
}));

/** Where the api bundle carries the console's built files (`npm install` builds them). */
export const dashboardAssetsDirectory = 'dashboard-assets';

const dashboardAssets: BundledAsset[] = dashboardAssetFiles.map((file) => ({
  from: `dashboard/dist/${file}`,
  to: `${dashboardAssetsDirectory}/${file}`,
}));

/**
 * The draft check reads the Hunspell files of dictionary-en from disk, found by resolving the
 * package from the running module. Shipping the package beside the bundle keeps that lookup
 * working in Lambda, where there is no node_modules otherwise.
 */
const spellingAssets: BundledAsset[] = ['package.json', 'index.js', 'index.aff', 'index.dic'].map(
  (file) => ({
    from: `node_modules/dictionary-en/${file}`,
    to: `node_modules/dictionary-en/${file}`,
  }),
);

/** Actions a function needs to manage the wake-up schedules of the group. */
const scheduleActions = ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'] as const;

export class AfterviewStack extends Stack {
  readonly table: dynamodb.Table;
  readonly deadLetterQueue: sqs.Queue;
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
  readonly schedulerRole: iam.Role;
  readonly functions: Record<'api' | 'dispatch' | 'reconcile', AfterviewFunction>;
  readonly api: apigateway.LambdaRestApi;
  readonly alarmTopic: sns.Topic;
  readonly monitoring: OperationsMonitoring;
  readonly apiAccessLogs: logs.LogGroup;
  readonly scheduleGroupName: string;
  readonly webAclArn: string | undefined;

  constructor(scope: Construct, id: string, props: AfterviewStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = `afterview-${config.stage}`;
    // Production data and its evidence outlive the stack; other stages clean up after themselves.
    const removalPolicy = config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = this.createTable(config.production, removalPolicy);

    // Generated name for the same reason as the log groups: prod retains the queue.
    this.deadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });

    this.scheduleGroupName = prefix;
    this.webAclArn = config.webAclArn;
    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', { name: prefix });
    // The recurring tick lives in its own group, out of reach of the functions, which may
    // only create and delete schedules in the wake-up group.
    const maintenanceGroup = new scheduler.CfnScheduleGroup(this, 'MaintenanceScheduleGroup', {
      name: `${prefix}-maintenance`,
    });

    const dispatchName = `${prefix}-dispatch`;
    // Built from the name, not taken from the function, because dispatch carries its own ARN
    // in its environment (it schedules webhook retries at itself).
    const dispatchArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: dispatchName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.schedulerRole = this.schedulerRoleFor('SchedulerRole', this.scheduleGroup, 'wake-up');

    const environment: AwsEnvironment = {
      AFTERVIEW_TABLE_NAME: this.table.tableName,
      AFTERVIEW_SCHEDULE_GROUP: prefix,
      AFTERVIEW_DISPATCH_FUNCTION_ARN: dispatchArn,
      AFTERVIEW_SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
      AFTERVIEW_SCHEDULE_DLQ_ARN: this.deadLetterQueue.queueArn,
      AFTERVIEW_STAGE: config.stage,
      AFTERVIEW_LOG_LEVEL: config.logLevel,
      AFTERVIEW_WEBHOOK_ALLOW_HTTP: config.allowHttpWebhooks ? 'true' : 'false',
      ...(config.schedulingHorizonDays === undefined
        ? {}
        : { AFTERVIEW_SCHEDULING_HORIZON_DAYS: String(config.schedulingHorizonDays) }),
    };
    const shared = {
      projectRoot: props.projectRoot,
      code: props.code ?? 'bundle',
      logRetention: config.logRetention,
      removalPolicy,
    } as const;

    const api = new AfterviewFunction(this, 'ApiFunction', {
      ...shared,
      ...functionSizing.api,
      functionName: `${prefix}-api`,
      description: 'Afterview public API (Hono behind API Gateway)',
      entry: `${props.projectRoot}/${functionEntries.api}`,
      environment: {
        ...environment,
        AFTERVIEW_DOCS_ASSETS_DIR: `/var/task/${docsAssetsDirectory}`,
        AFTERVIEW_DASHBOARD_ASSETS_DIR: `/var/task/${dashboardAssetsDirectory}`,
      },
      assets: [...docsAssets, ...spellingAssets, ...dashboardAssets],
    });
    const dispatch = new AfterviewFunction(this, 'DispatchFunction', {
      ...shared,
      ...functionSizing.dispatch,
      functionName: dispatchName,
      description: 'Afterview dispatcher: runs due steps and webhook delivery attempts',
      entry: `${props.projectRoot}/${functionEntries.dispatch}`,
      environment,
      // Scheduler invokes asynchronously: after Lambda's own retries a failed wake-up lands in
      // the same dead-letter queue as the ones Scheduler could not deliver.
      retryAttempts: 2,
      deadLetterQueue: this.deadLetterQueue,
    });
    const reconcile = new AfterviewFunction(this, 'ReconcileFunction', {
      ...shared,
      ...functionSizing.reconcile,
      functionName: `${prefix}-reconcile`,
      description: 'Afterview reconciler: re-creates missing schedules, runs overdue steps',
      entry: `${props.projectRoot}/${functionEntries.reconcile}`,
      environment,
      // A failed tick is simply the next tick's work.
      retryAttempts: 0,
    });
    this.functions = { api, dispatch, reconcile };

    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeDispatcher',
        actions: ['lambda:InvokeFunction'],
        resources: [dispatch.function.functionArn],
      }),
    );
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeadLetter',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );

    for (const [name, fn] of Object.entries(this.functions)) {
      this.grantData(fn.role, dataAccess[name as keyof typeof dataAccess]);
      this.grantScheduling(fn.role);
    }

    this.createReconcileTick(prefix, maintenanceGroup, reconcile);
    this.apiAccessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetention,
      removalPolicy,
    });
    this.api = this.createApi(prefix, config, api, this.apiAccessLogs);
    this.alarmTopic = this.createAlarmTopic(prefix, config);
    this.monitoring = new OperationsMonitoring(this, 'Operations', {
      prefix,
      serviceName: awsServiceName(config.stage),
      table: this.table,
      deadLetterQueue: this.deadLetterQueue,
      api: this.api,
      functions: {
        api: this.functions.api.function,
        dispatch: this.functions.dispatch.function,
        reconcile: this.functions.reconcile.function,
      },
      wakeupScheduleGroup: this.scheduleGroupName,
      alarmTopic: this.alarmTopic,
    });

    // RestApi adds an `Endpoint` output of its own with the same URL; ApiUrl is the documented one.
    this.api.node.tryRemoveChild('Endpoint');
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ScheduleGroupName', { value: prefix });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    for (const [name, fn] of Object.entries(this.functions)) {
      new CfnOutput(this, `${name[0]?.toUpperCase()}${name.slice(1)}LogGroup`, {
        value: fn.logGroup.logGroupName,
      });
    }
    new CfnOutput(this, 'ApiAccessLogGroup', { value: this.apiAccessLogs.logGroupName });
  }

  private createTable(production: boolean, removalPolicy: RemovalPolicy): dynamodb.Table {
    const string = dynamodb.AttributeType.STRING;
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: tableKeys.partitionKey, type: string },
      sortKey: { name: tableKeys.sortKey, type: string },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      deletionProtection: production,
      removalPolicy,
    });
    for (const index of tableIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: index.sortKey, type: string },
        projectionType: dynamodb.ProjectionType[index.projection],
        ...(index.nonKeyAttributes ? { nonKeyAttributes: [...index.nonKeyAttributes] } : {}),
      });
    }
    return table;
  }

  /**
   * A role only EventBridge Scheduler can assume, and only for schedules of `group` in this
   * account (the confused-deputy guard: Scheduler presents the group's ARN as the source).
   */
  private schedulerRoleFor(id: string, group: scheduler.CfnScheduleGroup, purpose: string) {
    return new iam.Role(this, id, {
      description: `Assumed by EventBridge Scheduler for ${purpose} schedules`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': group.attrArn,
          },
        },
      }),
    });
  }

  private grantData(role: iam.IRole, access: DataAccess): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'Table',
        actions: [...access.tableActions],
        resources: [this.table.tableArn],
      }),
    );
    if (access.indexes.length === 0) return;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'Indexes',
        actions: ['dynamodb:Query'],
        resources: access.indexes.map((name) => `${this.table.tableArn}/index/${name}`),
      }),
    );
  }

  /**
   * Every schedule of the wake-up group. Written with the pseudo parameters rather than the
   * stack's account and region so the policy (and its reviewed cdk-nag finding) reads the same
   * whether or not the stack is bound to an environment.
   */
  get wakeupSchedulesArn(): string {
    return `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${this.scheduleGroupName}/*`;
  }

  private grantScheduling(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WakeupSchedules',
        actions: [...scheduleActions],
        resources: [this.wakeupSchedulesArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }

  private createReconcileTick(
    prefix: string,
    group: scheduler.CfnScheduleGroup,
    reconcile: AfterviewFunction,
  ): void {
    const role = this.schedulerRoleFor('ReconcileScheduleRole', group, 'the reconcile');
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeReconciler',
        actions: ['lambda:InvokeFunction'],
        resources: [reconcile.function.functionArn],
      }),
    );
    const tick = new scheduler.CfnSchedule(this, 'ReconcileSchedule', {
      name: `${prefix}-reconcile`,
      groupName: group.name,
      description: 'Runs the reconciler: re-creates missing wake-ups, dispatches overdue steps',
      scheduleExpression: 'rate(5 minutes)',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: reconcile.function.functionArn,
        roleArn: role.roleArn,
        input: '{}',
        // No dead-letter queue here: a tick that cannot be delivered is superseded by the next.
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 240 },
      },
    });
    tick.node.addDependency(group);
    // The role's policy must exist before Scheduler first tries to use it.
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) tick.node.addDependency(policy);
  }

  private createApi(
    prefix: string,
    config: StackConfig,
    api: AfterviewFunction,
    accessLogs: logs.LogGroup,
  ): apigateway.LambdaRestApi {
    const restApi = new apigateway.LambdaRestApi(this, 'Api', {
      restApiName: prefix,
      description: 'Afterview interview follow-up API',
      handler: api.function,
      proxy: true,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // The Swagger UI favicons are PNG: the app returns them base64-encoded, and API Gateway
      // only turns that back into bytes for media types listed here (matched on Accept).
      binaryMediaTypes: ['image/*'],
      // Needed once per account and region for execution logs; see docs/deploy.md.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        throttlingRateLimit: config.apiRateLimit,
        throttlingBurstLimit: config.apiBurstLimit,
        // Errors only, and never request bodies: they carry candidates' personal data.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        // Requests appear in X-Ray from API Gateway on, joined by the Lambda segments.
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigateway.AccessLogField.contextRequestId(),
            time: apigateway.AccessLogField.contextRequestTime(),
            ip: apigateway.AccessLogField.contextIdentitySourceIp(),
            method: apigateway.AccessLogField.contextHttpMethod(),
            path: apigateway.AccessLogField.contextPath(),
            status: apigateway.AccessLogField.contextStatus(),
            responseLength: apigateway.AccessLogField.contextResponseLength(),
            latencyMs: apigateway.AccessLogField.contextResponseLatency(),
            integrationStatus: apigateway.AccessLogField.contextIntegrationStatus(),
            integrationError: apigateway.AccessLogField.contextIntegrationErrorMessage(),
            userAgent: apigateway.AccessLogField.contextIdentityUserAgent(),
          }),
        ),
      },
    });
    if (config.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'ApiWebAcl', {
        resourceArn: restApi.deploymentStage.stageArn,
        webAclArn: config.webAclArn,
      });
    }
    this.addProblemGatewayResponses(restApi);
    return restApi;
  }

  /**
   * What API Gateway answers by itself (throttling, a failed or timed-out Lambda) as RFC 9457
   * problem documents, like the app's own errors, so the 429 and 5XX that openapi.yaml
   * documents on every operation hold for them too.
   */
  private addProblemGatewayResponses(restApi: apigateway.RestApi): void {
    const problem = (status: number, code: string, title: string) =>
      JSON.stringify({
        type: `https://afterview.dev/problems/${code}`,
        title,
        status,
        code,
        requestId: '$context.requestId',
      });
    restApi.addGatewayResponse('Throttled', {
      type: apigateway.ResponseType.THROTTLED,
      statusCode: '429',
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        'Retry-After': "'1'",
      },
      templates: {
        'application/json': problem(429, 'rate_limited', 'Too many requests'),
      },
    });
    restApi.addGatewayResponse('Default5xx', {
      type: apigateway.ResponseType.DEFAULT_5XX,
      // One status for every failure the gateway reports itself (a crashed or timed-out Lambda).
      statusCode: '502',
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
      },
      templates: {
        'application/json': problem(502, 'internal_error', 'Something went wrong on our side'),
      },
    });
  }

  /** Where every alarm notifies; the alarms and dashboard live in OperationsMonitoring. */
  private createAlarmTopic(prefix: string, config: StackConfig): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${prefix}-alarms`,
      enforceSSL: true,
    });
    if (config.alarmEmail) {
      topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    }
    return topic;
  }
}
