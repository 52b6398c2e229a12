/**
 * What the on-call engineer gets: alarms that can fire on what matters, each naming its runbook
 * entry in docs/operations.md, and one dashboard. Application metrics are read from the
 * `Afterview` namespace with the one `service` dimension the functions write (see
 * shared/observability/metrics.ts); AWS metrics from their own namespaces.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type MetricName, metricsNamespace } from '../../shared/observability/metrics';

export interface OperationsMonitoringProps {
  /** Resource prefix of the stage; also the `service` dimension of the app metrics. */
  prefix: string;
  serviceName: string;
  table: dynamodb.ITable;
  deadLetterQueue: sqs.IQueue;
  api: apigateway.RestApi;
  functions: Record<'api' | 'dispatch' | 'reconcile', lambda.IFunction>;
  /** The group of the one-off wake-ups (steps and delivery retries). */
  wakeupScheduleGroup: string;
  alarmTopic: sns.ITopic;
}

/** Every alarm: what it watches, when it fires, and the runbook anchor it points to. */
export interface AlarmSpec {
  id: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  comparison?: cloudwatch.ComparisonOperator;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  treatMissingData?: cloudwatch.TreatMissingData;
  /** One line: what it means. The runbook says what to do. */
  summary: string;
  /** Anchor of its entry in docs/operations.md. */
  runbook: string;
}

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);
const ONE_HOUR = Duration.hours(1);

/** Step lateness that pages: Scheduler fires within seconds and the reconciler within ~6 min. */
const LATENESS_ALARM_MS = 10 * 60_000;
/** Share of failed webhook attempts (percent) that points at our sender, not one receiver. */
const DELIVERY_FAILURE_RATE_PERCENT = 50;
/** Attempts in 15 minutes below which the failure rate is not judged (too few to mean much). */
const DELIVERY_FAILURE_RATE_MIN_ATTEMPTS = 20;

export class OperationsMonitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly specs: AlarmSpec[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    const app = (name: MetricName, statistic: string, period: Duration) =>
      new cloudwatch.Metric({
        namespace: metricsNamespace,
        metricName: name,
        dimensionsMap: { service: props.serviceName },
        statistic,
        period,
      });
    const scheduler = (name: string, period: Duration = FIVE_MINUTES) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Scheduler',
        metricName: name,
        dimensionsMap: { ScheduleGroup: props.wakeupScheduleGroup },
        statistic: 'Sum',
        period,
      });
    const tableMetric = (name: string) =>
      props.table.metric(name, { statistic: 'Sum', period: FIVE_MINUTES });

    const throttles = new cloudwatch.MathExpression({
      label: 'DynamoDB throttled requests',
      expression: 'reads + writes',
      usingMetrics: {
        reads: tableMetric('ReadThrottleEvents'),
        writes: tableMetric('WriteThrottleEvents'),
      },
      period: FIVE_MINUTES,
    });
    const failureRate = new cloudwatch.MathExpression({
      label: 'Webhook attempts failed (%)',
      // Judged only with enough attempts: two failures out of three say nothing about us.
      expression: `IF((failed + succeeded) >= ${DELIVERY_FAILURE_RATE_MIN_ATTEMPTS}, 100 * failed / (failed + succeeded), 0)`,
      usingMetrics: {
        failed: app('DeliveryFailed', 'Sum', FIFTEEN_MINUTES),
        succeeded: app('DeliverySucceeded', 'Sum', FIFTEEN_MINUTES),
      },
      period: FIFTEEN_MINUTES,
    });

    this.specs = [
      {
        id: 'DeadLetterAlarm',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        threshold: 1,
        summary: 'A wake-up exhausted its retries and sits in the dead-letter queue',
        runbook: 'dead-letter-queue',
      },
      {
        id: 'DispatchErrorsAlarm',
        metric: props.functions.dispatch.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        summary:
          'The dispatcher threw; Lambda retries, then the wake-up goes to the dead-letter queue',
        runbook: 'dispatch-errors',
      },
      {
        id: 'Api5xxAlarm',
        metric: props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 5,
        summary: 'The API answered 5xx at least five times in five minutes',
        runbook: 'api-5xx',
      },
      {
        id: 'SchedulerTargetErrorsAlarm',
        metric: scheduler('TargetErrorCount'),
        threshold: 5,
        summary:
          'EventBridge Scheduler failed to invoke the dispatcher at least five times in five minutes',
        runbook: 'scheduler-target-errors',
      },
      {
        id: 'SchedulerDroppedAlarm',
        metric: scheduler('InvocationDroppedCount'),
        threshold: 1,
        summary: 'EventBridge Scheduler dropped a wake-up after its retries',
        runbook: 'scheduler-dropped',
      },
      {
        id: 'DynamoThrottlesAlarm',
        metric: throttles,
        threshold: 10,
        summary: 'DynamoDB throttled at least ten requests in five minutes',
        runbook: 'dynamodb-throttling',
      },
      {
        id: 'WebhookFailureRateAlarm',
        metric: failureRate,
        threshold: DELIVERY_FAILURE_RATE_PERCENT,
        summary: `At least ${DELIVERY_FAILURE_RATE_PERCENT} % of webhook attempts failed in 15 minutes (with at least ${DELIVERY_FAILURE_RATE_MIN_ATTEMPTS} attempts)`,
        runbook: 'webhook-failure-rate',
      },
      {
        id: 'WebhookExhaustedAlarm',
        metric: app('DeliveryExhausted', 'Sum', ONE_HOUR),
        threshold: 10,
        summary: 'At least ten events gave up on an endpoint within an hour',
        runbook: 'webhook-exhausted',
      },
      {
        id: 'StepLatenessAlarm',
        metric: app('StepLateness', 'p99', FIFTEEN_MINUTES),
        threshold: LATENESS_ALARM_MS,
        summary: 'The p99 step lateness over 15 minutes reached 10 minutes',
        runbook: 'step-lateness',
      },
      {
        id: 'ReconcileFailuresAlarm',
        metric: app('ReconcileFailures', 'Sum', FIVE_MINUTES),
        threshold: 1,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        summary: 'Reconciler sweeps failed (whole or for some interviews) twice in a row',
        runbook: 'reconcile-failures',
      },
      {
        id: 'ReconcileStalledAlarm',
        metric: app('ReconcileSweeps', 'Sum', FIFTEEN_MINUTES),
        threshold: 1,
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // No data is the symptom: the tick did not run, or the function died before its metrics.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        summary: 'No reconciler sweep completed in 15 minutes (three ticks missed)',
        runbook: 'reconcile-stalled',
      },
    ];

    const notify = new cloudwatchActions.SnsAction(props.alarmTopic);
    for (const spec of this.specs) {
      const alarm = new cloudwatch.Alarm(scope, spec.id, {
        alarmName: `${props.prefix}-${spec.id.replace(/Alarm$/, '')}`,
        alarmDescription: `${spec.summary}. Runbook: docs/operations.md#${spec.runbook}`,
        metric: spec.metric,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods ?? 1,
        ...(spec.datapointsToAlarm ? { datapointsToAlarm: spec.datapointsToAlarm } : {}),
        comparisonOperator:
          spec.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
      // Recovery is news too: the person paged learns it cleared without opening the console.
      alarm.addOkAction(notify);
      this.alarms.push(alarm);
    }

    this.dashboard = this.createDashboard(props, app, scheduler, throttles);
  }

  private createDashboard(
    props: OperationsMonitoringProps,
    app: (name: MetricName, statistic: string, period: Duration) => cloudwatch.Metric,
    scheduler: (name: string) => cloudwatch.Metric,
    throttles: cloudwatch.MathExpression,
  ): cloudwatch.Dashboard {
    const api = props.api;
    const width = 8;
    const sum = (name: MetricName, label: string) => app(name, 'Sum', FIVE_MINUTES).with({ label });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.prefix,
      defaultInterval: Duration.hours(24),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: this.alarms,
        width: 24,
        height: 3,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        width,
        left: [
          api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum', label: 'requests' }),
          api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum', label: '4xx' }),
          api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: '5xx' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        width,
        left: ['p50', 'p90', 'p99'].map((statistic) =>
          api.metricLatency({ period: FIVE_MINUTES, statistic, label: statistic }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Steps fired',
        width,
        left: [sum('StepsFired', 'steps fired')],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Step lateness after due time (ms)',
        width,
        left: ['p50', 'p99', 'Maximum'].map((statistic) =>
          app('StepLateness', statistic, FIVE_MINUTES).with({ label: statistic }),
        ),
        leftAnnotations: [{ value: LATENESS_ALARM_MS, label: 'p99 alarm' }],
      }),
      new cloudwatch.GraphWidget({
        title: 'Webhook deliveries by outcome',
        width,
        stacked: true,
        left: [
          sum('DeliverySucceeded', 'succeeded'),
          sum('DeliveryRetryScheduled', 'failed, retry scheduled'),
          sum('DeliveryExhausted', 'failed, retries exhausted'),
        ],
        right: [
          sum('EndpointsFailing', 'endpoints failing'),
          sum('EndpointsDisabled', 'endpoints disabled'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        width,
        left: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
            label: 'wake-ups in the DLQ',
          }),
        ],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Throttles and Scheduler errors',
        width,
        left: [
          throttles,
          ...Object.entries(props.functions).map(([name, fn]) =>
            fn.metricThrottles({
              period: FIVE_MINUTES,
              statistic: 'Sum',
              label: `${name} throttles`,
            }),
          ),
        ],
        right: [
          scheduler('TargetErrorCount').with({ label: 'Scheduler target errors' }),
          scheduler('InvocationDroppedCount').with({ label: 'Scheduler dropped' }),
          scheduler('InvocationThrottleCount').with({ label: 'Scheduler throttled' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Reconciler',
        width,
        left: [
          sum('ReconcileSweeps', 'sweeps'),
          sum('ReconcileRepairs', 'repairs'),
          sum('ReconcileFailures', 'failures'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Idempotency and Scheduler calls after writes',
        width,
        left: [
          sum('IdempotentReplays', 'replays'),
          sum('IdempotencyConflicts', 'refused reuses'),
          sum('SchedulerCallsFailed', 'Scheduler failed after write'),
        ],
      }),
    );
    return dashboard;
  }
}
