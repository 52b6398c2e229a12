/**
 * Application metrics: what an on-call engineer needs to see that follow-ups go out on time and
 * webhooks reach their receivers. The services record through the small `Metrics` port; in
 * Lambda the port is Powertools Metrics writing CloudWatch Embedded Metric Format (EMF) lines,
 * which CloudWatch turns into metrics without any API call.
 *
 * Dimensions are deliberately few: only `service` (the stage's name). A tenant, interview or
 * endpoint dimension would create one billed metric per customer object; those ids belong in
 * the log lines, where Logs Insights finds them.
 */
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of every application metric. */
export const metricsNamespace = 'Afterview';

/** Every metric the code emits, with its unit. The stack's alarms and dashboard read this. */
export const metricDefinitions = {
  /** A due step was dispatched (its event recorded and fanned out, the step marked due). */
  StepsFired: 'Count',
  /** How long after its due time a step was dispatched. */
  StepLateness: 'Milliseconds',
  /** A webhook attempt got a 2xx. */
  DeliverySucceeded: 'Count',
  /** A webhook attempt failed (any reason: status, timeout, refused address, no secret). */
  DeliveryFailed: 'Count',
  /** A failed attempt whose next attempt was scheduled. */
  DeliveryRetryScheduled: 'Count',
  /** The last attempt of a delivery round failed: the event gave up on that endpoint. */
  DeliveryExhausted: 'Count',
  /** An endpoint was reported failing (`webhook_endpoint.failing`). */
  EndpointsFailing: 'Count',
  /** An endpoint was disabled (410 Gone, or no success for 5 days). */
  EndpointsDisabled: 'Count',
  /** One reconciler sweep ran (also its heartbeat: a missing sweep is an alarm). */
  ReconcileSweeps: 'Count',
  /** Schedules the reconciler re-created plus overdue steps it dispatched itself. */
  ReconcileRepairs: 'Count',
  /** Interviews a sweep could not handle, plus sweeps that failed as a whole. */
  ReconcileFailures: 'Count',
  /** A request with a known Idempotency-Key got the recorded response again. */
  IdempotentReplays: 'Count',
  /** A request with a known Idempotency-Key was refused (in progress, or a different body). */
  IdempotencyConflicts: 'Count',
  /** A Scheduler call failed after the database write succeeded (the reconciler repairs it). */
  SchedulerCallsFailed: 'Count',
} as const;

export type MetricName = keyof typeof metricDefinitions;

/** Where code records a metric; values are summed or, for durations, kept per sample. */
export interface Metrics {
  add(name: MetricName, value?: number): void;
}

/** Records nothing: the default where no metrics are wanted. */
export const noMetrics: Metrics = { add: () => {} };

/** Keeps every value in memory: the local runtime and tests read them back. */
export class InMemoryMetrics implements Metrics {
  readonly values = new Map<MetricName, number[]>();

  add(name: MetricName, value = 1): void {
    const list = this.values.get(name) ?? [];
    list.push(value);
    this.values.set(name, list);
  }

  /** The sum of a metric's values (0 when never recorded). */
  total(name: MetricName): number {
    return (this.values.get(name) ?? []).reduce((sum, value) => sum + value, 0);
  }
}

const units = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
} as const;

/**
 * The Lambda implementation: Powertools Metrics buffering values during an invocation; the
 * entry point calls `flush` when the invocation ends (also when it throws), which writes one
 * EMF line.
 */
export class EmfMetrics implements Metrics {
  readonly #metrics: PowertoolsMetrics;

  constructor(options: { serviceName: string }) {
    this.#metrics = new PowertoolsMetrics({
      namespace: metricsNamespace,
      serviceName: options.serviceName,
    });
  }

  add(name: MetricName, value = 1): void {
    this.#metrics.addMetric(name, units[metricDefinitions[name]], value);
  }

  /** Writes what was recorded since the last flush; writes nothing when nothing was. */
  flush(): void {
    if (this.#metrics.hasStoredMetrics()) this.#metrics.publishStoredMetrics();
  }
}
