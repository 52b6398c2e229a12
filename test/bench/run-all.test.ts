/**
 * bench/run-all.ts reads each benchmark's figures: from the JSON the benchmark saved when there
 * is one, else from its printed output, which log lines may surround or interrupt.
 */
import { describe, expect, it } from 'vitest';
import { parseDeliveries, summarize } from '../../bench/run-all';

const figures = {
  events: 10,
  receivers: 3,
  deliveries: 30,
  expected: 30,
  deliveriesPerSecond: 612,
  latencyMsAfterDue: { p50: 10, p99: 20, max: 21 },
};
const printed = JSON.stringify(figures, null, 2);
const logLine = JSON.stringify({ level: 'INFO', message: 'webhook attempt', attempt: 1 });

describe('parseDeliveries', () => {
  it('reads the figures printed alone', () => {
    expect(parseDeliveries(printed)).toEqual(figures);
  });

  it('reads them between and inside one-line log entries', () => {
    const lines = printed.split('\n');
    const interrupted = [logLine, ...lines.slice(0, 3), logLine, ...lines.slice(3), logLine];
    expect(parseDeliveries(interrupted.join('\n'))).toEqual(figures);
  });

  it('finds nothing in log lines alone', () => {
    expect(parseDeliveries(`${logLine}\n${logLine}`)).toBeUndefined();
  });
});

describe('summarize', () => {
  const output = (name: string, stdout: string, result?: unknown) => ({
    name,
    command: `tsx bench/${name}.ts`,
    exitCode: 0,
    seconds: 1,
    stdout,
    ...(result === undefined ? {} : { result }),
  });

  it('prefers the figures a benchmark saved over its text', () => {
    const rows = summarize([
      output('plans', 'nothing parseable', { wall: 2500, perCpu: 2400 }),
      output('deliveries', `${logLine}\n${logLine}`, figures),
      output('schedules', '', {
        runs: [{ title: 'sandbox advanceTo', firedPerSecond: 5000, worstLatenessMs: 0 }],
      }),
    ]);
    const measured = (prefix: string) => rows.find((row) => row.figure.startsWith(prefix));
    expect(measured('Plans computed')?.measured).toBe('2,500/s wall, 2,400/CPU s');
    expect(measured('Webhook deliveries')?.measured).toBe('612/s');
    expect(measured('Schedules fired: sandbox advanceTo')?.measured).toBe('5,000/s');
  });

  it('judges create p99 at 16 in flight against 250 ms', () => {
    const placement = {
      placement: 'child process',
      results: [],
      getRatios: [],
      creates: [
        { concurrency: 1, p50Ms: 12, p99Ms: 30 },
        { concurrency: 16, p50Ms: 120, p99Ms: 260 },
      ],
    };
    const rows = summarize([output('api', '', { placements: [placement] })]);
    const create = rows.filter((row) => row.figure.startsWith('Create'));
    expect(create.map((row) => [row.figure, row.verdict])).toEqual([
      ['Create p50 / p99, 1 in flight (child process)', ''],
      ['Create p50 / p99, 16 in flight (child process)', 'MISSED by 4% over the limit'],
    ]);
  });
});
