/**
 * The metric output as CloudWatch reads it: one Embedded Metric Format document per flush, in
 * the `Afterview` namespace, with the `service` dimension only (no tenant, interview or endpoint
 * dimension, which would bill one metric per customer object).
 */
import { describe, expect, it } from 'vitest';
import {
  EmfMetrics,
  InMemoryMetrics,
  metricDefinitions,
  metricsNamespace,
} from '../../shared/observability/metrics';
import { captureOutput } from '../support/output-capture';

interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [key: string]: unknown;
}

function flushed(record: (metrics: EmfMetrics) => void): EmfDocument[] {
  const metrics = new EmfMetrics({ serviceName: 'afterview-test' });
  const output = captureOutput();
  try {
    record(metrics);
    metrics.flush();
  } finally {
    output.restore();
  }
  return output.emf() as EmfDocument[];
}

describe('EMF metrics (Lambda)', () => {
  it('writes one document with namespace, the service dimension, units and summed values', () => {
    const [document, ...rest] = flushed((metrics) => {
      metrics.add('DeliverySucceeded');
      metrics.add('DeliverySucceeded');
      metrics.add('DeliveryFailed', 3);
      metrics.add('StepLateness', 1200);
      metrics.add('StepLateness', 800);
    });
    expect(rest).toEqual([]);
    const directive = document?._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe(metricsNamespace);
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(directive?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'DeliverySucceeded', Unit: 'Count' },
        { Name: 'DeliveryFailed', Unit: 'Count' },
        { Name: 'StepLateness', Unit: 'Milliseconds' },
      ]),
    );
    expect(document).toMatchObject({
      service: 'afterview-test',
      DeliveryFailed: 3,
      StepLateness: [1200, 800],
    });
    // Powertools sums repeated counts into a list of values; CloudWatch adds them up.
    expect([document?.DeliverySucceeded].flat()).toEqual([1, 1]);
  });

  it('carries no identifiers of customers or their data', () => {
    const [document] = flushed((metrics) => {
      for (const name of Object.keys(metricDefinitions) as Array<keyof typeof metricDefinitions>) {
        metrics.add(name);
      }
    });
    const keys = Object.keys(document ?? {});
    expect(keys.sort()).toEqual(['_aws', 'service', ...Object.keys(metricDefinitions)].sort());
  });

  it('writes nothing when nothing was recorded', () => {
    const metrics = new EmfMetrics({ serviceName: 'afterview-test' });
    const output = captureOutput();
    metrics.flush();
    output.restore();
    expect(output.lines()).toEqual([]);
  });

  it('starts afresh after a flush', () => {
    const metrics = new EmfMetrics({ serviceName: 'afterview-test' });
    const output = captureOutput();
    metrics.add('StepsFired');
    metrics.flush();
    metrics.add('ReconcileSweeps');
    metrics.flush();
    output.restore();
    const names = output
      .emf()
      .map((document) => (document as unknown as EmfDocument)._aws.CloudWatchMetrics[0]?.Metrics);
    expect(names).toEqual([
      [{ Name: 'StepsFired', Unit: 'Count' }],
      [{ Name: 'ReconcileSweeps', Unit: 'Count' }],
    ]);
  });
});

describe('in-memory metrics (local runtime, tests)', () => {
  it('sums what was recorded', () => {
    const metrics = new InMemoryMetrics();
    metrics.add('ReconcileRepairs', 2);
    metrics.add('ReconcileRepairs');
    expect(metrics.total('ReconcileRepairs')).toBe(3);
    expect(metrics.total('ReconcileFailures')).toBe(0);
  });
});
