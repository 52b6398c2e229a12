/**
 * `npm run bench`: runs every benchmark, each in its own child process so one's JIT state,
 * sockets and garbage do not slow the next, then prints the issue 7 targets as ratios measured
 * in this same run and writes the summary into docs/benchmarks.md.
 *
 *   npm run bench                 # full figures (about six minutes on 2 cores)
 *   BENCH_QUICK=1 npm run bench   # shorter runs, a few minutes
 *   BENCH_NO_WRITE=1 ...          # leave docs/benchmarks.md alone
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { PlacementResult } from './api';
import { describeMachine, machineLine } from './lib/machine';
import { quickMode } from './lib/quick';
import { formatNumber } from './lib/stats';
import { markdownTable, type Row, textTable } from './lib/table';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const docsFile = join(projectRoot, 'docs', 'benchmarks.md');
export const sectionStart = '<!-- bench:latest:start -->';
export const sectionEnd = '<!-- bench:latest:end -->';

/** The issue 7 targets. */
export const targets = {
  getVsRawGetItem: 0.5,
  planPreviewsPerSecond: 1000,
  /** Issue 15: each function's import against the Hono + DynamoDB + Scheduler floor. */
  bundleImportVsFloor: { api: 1.5, dispatch: 1.25, reconcile: 1.25 } as Record<string, number>,
  schedulesFiredPerSecond: 1000,
  deliveriesPerSecond: 500,
  /** Issue 15: creates with this many in flight answer within createP99Ms at the 99th percentile. */
  createP99Concurrency: 16,
  createP99Ms: 250,
} as const;

interface BenchSpec {
  name: string;
  script: string;
  args: string[];
}

const specs: BenchSpec[] = [
  { name: 'api', script: 'bench/api.ts', args: [] },
  { name: 'plans', script: 'bench/plans.ts', args: [quickMode ? '2' : '5'] },
  { name: 'schedules', script: 'bench/schedules.ts', args: [quickMode ? '2000' : '10000'] },
  { name: 'deliveries', script: 'bench/deliveries.ts', args: [quickMode ? '300' : '1000', '3'] },
  { name: 'bundles', script: 'bench/bundles.ts', args: ['--runs', quickMode ? '5' : '15'] },
];

interface BenchOutput {
  name: string;
  command: string;
  exitCode: number;
  seconds: number;
  stdout: string;
  /** What the benchmark saved through BENCH_RESULT_FILE, if it does. */
  result?: unknown;
}

/** Runs one benchmark under tsx, echoing its output indented as it comes. */
async function runBench(spec: BenchSpec, resultDir: string): Promise<BenchOutput> {
  const resultFile = join(resultDir, `${spec.name}.json`);
  const command = `tsx ${spec.script} ${spec.args.join(' ')}`.trim();
  console.log(`\n▶ ${spec.name}: ${command}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', spec.script, ...spec.args], {
    cwd: projectRoot,
    env: { ...process.env, BENCH_RESULT_FILE: resultFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const echo = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    process.stdout.write(text.replace(/^(?=.)/gm, '  │ '));
    return text;
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += echo(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => echo(chunk));
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code) => resolve(code ?? 1)),
  );
  const seconds = (performance.now() - started) / 1000;
  let result: unknown;
  try {
    result = JSON.parse(await readFile(resultFile, 'utf8'));
  } catch {
    result = undefined;
  }
  console.log(`  └ exit ${exitCode} after ${seconds.toFixed(0)} s`);
  return {
    name: spec.name,
    command,
    exitCode,
    seconds,
    stdout,
    ...(result === undefined ? {} : { result }),
  };
}

// --- parsers for the benchmarks that print text ----------------------------------------------

/** bench/plans.ts: "1270 plans/s wall clock, 1410 plans per CPU second (…)". */
export function parsePlans(stdout: string): { wall: number; perCpu: number } | undefined {
  const match = /(\d+) plans\/s wall clock, (\d+) plans per CPU second/.exec(stdout);
  return match ? { wall: Number(match[1]), perCpu: Number(match[2]) } : undefined;
}

export interface ScheduleRun {
  title: string;
  firedPerSecond: number;
  worstLatenessMs: number;
}

/** bench/schedules.ts: one block per run, a title line then `fired … (N fired/s)` and lateness. */
export function parseSchedules(stdout: string): ScheduleRun[] {
  const runs: ScheduleRun[] = [];
  for (const block of stdout.split(/\n\s*\n/)) {
    const fired = /\(([\d,]+) fired\/s\)/.exec(block);
    const lateness = /worst lateness[^:]*:\s*(-?[\d,]+) ms/.exec(block);
    const title = block.trim().split('\n')[0]?.trim();
    if (!fired || !lateness || !title) continue;
    runs.push({
      title,
      firedPerSecond: Number(fired[1]?.replaceAll(',', '')),
      worstLatenessMs: Number(lateness[1]?.replaceAll(',', '')),
    });
  }
  return runs;
}

export interface DeliveryFigures {
  deliveries: number;
  expected: number;
  deliveriesPerSecond: number;
  latencyMsAfterDue: { p50: number; p99: number; max: number };
}

function isDeliveryFigures(value: unknown): value is DeliveryFigures {
  const figures = value as Partial<DeliveryFigures> | null;
  return (
    typeof figures === 'object' &&
    figures !== null &&
    typeof figures.deliveriesPerSecond === 'number' &&
    typeof figures.deliveries === 'number' &&
    typeof figures.latencyMsAfterDue === 'object'
  );
}

/**
 * bench/deliveries.ts prints one indented JSON object: a line `{` through a line `}`. Log lines
 * (one-line JSON) may sit around or inside it on a shared stdout, so each such block is tried,
 * and only one with the delivery figures counts.
 */
export function parseDeliveries(stdout: string): DeliveryFigures | undefined {
  for (const block of stdout.matchAll(/^\{\n[\s\S]*?\n\}$/gm)) {
    const lines = block[0].split('\n');
    // Drop interleaved one-line log entries inside the block.
    const kept = lines.filter((line, i) => i === 0 || i === lines.length - 1 || /^\s/.test(line));
    try {
      const parsed: unknown = JSON.parse(kept.join('\n'));
      if (isDeliveryFigures(parsed)) return parsed;
    } catch {
      // not this block
    }
  }
  return undefined;
}

export interface BundleFigures {
  name: string;
  size: string;
  medianMs: number;
  /** The import median against the SDK floor's, measured in the same run. */
  vsFloor?: number;
}

/** bench/bundles.ts: a table whose header starts with `bundle`; cells two or more spaces apart. */
export function parseBundles(stdout: string): BundleFigures[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => /^bundle\s{2,}size/.test(line));
  if (header < 0) return [];
  const bundles: BundleFigures[] = [];
  for (const line of lines.slice(header + 1)) {
    const cells = line.trim().split(/\s{2,}/);
    const median = /^([\d.]+) ms$/.exec(cells[3] ?? '');
    if (!cells[0] || !median) continue;
    const vsFloor = /^([\d.]+)x$/.exec(cells[8] ?? '');
    bundles.push({
      name: cells[0],
      size: cells[1] ?? '',
      medianMs: Number(median[1]),
      ...(vsFloor ? { vsFloor: Number(vsFloor[1]) } : {}),
    });
  }
  return bundles;
}

// --- the summary -----------------------------------------------------------------------------

export interface SummaryRow {
  figure: string;
  measured: string;
  goal: string;
  verdict: string;
}

/** "met" or by how much a figure that should be at least `goal` falls short. */
export function atLeast(value: number, goal: number): string {
  if (!Number.isFinite(value)) return 'not measured';
  if (value >= goal) return `met (${formatNumber(value / goal, 2)}x the goal)`;
  return `MISSED by ${formatNumber((1 - value / goal) * 100)}% (needs ${formatNumber(goal / value, 1)}x)`;
}

/** "met" or by how much a figure that should be at most `goal` is over. */
export function atMost(value: number, goal: number): string {
  if (!Number.isFinite(value)) return 'not measured';
  if (value <= goal) return 'met';
  return `MISSED by ${formatNumber((value / goal - 1) * 100)}% over the limit`;
}

/** "met" or by how much a figure that should stay under `goal` is over. */
export function below(value: number, goal: number): string {
  if (!Number.isFinite(value)) return 'not measured';
  if (value < goal) return 'met';
  return `MISSED by ${formatNumber((value / goal - 1) * 100)}% over the limit`;
}

function notMeasured(figure: string, goal: string, output: BenchOutput | undefined): SummaryRow {
  return {
    figure,
    measured: 'n/a',
    goal,
    verdict: output ? `not measured (exit ${output.exitCode})` : 'not run',
  };
}

/** Figures a benchmark saved as JSON (BENCH_RESULT_FILE), else what its text output says. */
function plansOf(output: BenchOutput): { wall: number; perCpu: number } | undefined {
  const saved = output.result as { wall?: unknown; perCpu?: unknown } | undefined;
  if (typeof saved?.wall === 'number' && typeof saved.perCpu === 'number') {
    return { wall: saved.wall, perCpu: saved.perCpu };
  }
  return parsePlans(output.stdout);
}

function schedulesOf(output: BenchOutput): ScheduleRun[] {
  const saved = (output.result as { runs?: ScheduleRun[] } | undefined)?.runs;
  if (Array.isArray(saved) && saved.length > 0) return saved;
  return parseSchedules(output.stdout);
}

function deliveriesOf(output: BenchOutput): DeliveryFigures | undefined {
  return isDeliveryFigures(output.result) ? output.result : parseDeliveries(output.stdout);
}

export function summarize(outputs: readonly BenchOutput[]): SummaryRow[] {
  const byName = new Map(outputs.map((output) => [output.name, output]));
  const rows: SummaryRow[] = [];

  const api = byName.get('api');
  const placements = (api?.result as { placements?: PlacementResult[] } | undefined)?.placements;
  const getGoal = `≥ ${targets.getVsRawGetItem} × raw GetItem`;
  if (!placements?.length) rows.push(notMeasured('API GET / raw GetItem', getGoal, api));
  for (const placement of placements ?? []) {
    for (const { concurrency, ratio } of placement.getRatios) {
      const rps = (operation: string) =>
        placement.results.find((r) => r.operation === operation && r.concurrency === concurrency)
          ?.requestsPerSecond ?? Number.NaN;
      rows.push({
        figure: `API GET / raw GetItem, ${concurrency} in flight (${placement.placement})`,
        measured: `${ratio.toFixed(2)} (${formatNumber(rps('get'))} / ${formatNumber(rps('raw GetItem'))} req/s)`,
        goal: getGoal,
        verdict: atLeast(ratio, targets.getVsRawGetItem),
      });
    }
  }

  const planGoal = `≥ ${formatNumber(targets.planPreviewsPerSecond)}/s`;
  const plans = byName.get('plans');
  const planFigures = plans ? plansOf(plans) : undefined;
  if (planFigures) {
    rows.push({
      figure: 'Plans computed per second (domain, one core)',
      measured: `${formatNumber(planFigures.wall)}/s wall, ${formatNumber(planFigures.perCpu)}/CPU s`,
      goal: planGoal,
      verdict: atLeast(planFigures.wall, targets.planPreviewsPerSecond),
    });
  } else rows.push(notMeasured('Plans computed per second', planGoal, plans));
  for (const placement of placements ?? []) {
    const best = placement.results
      .filter((r) => r.operation === 'preview')
      .sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0];
    if (!best) continue;
    rows.push({
      figure: `Plan previews over HTTP, best of 1/8/32 in flight (${placement.placement})`,
      measured: `${formatNumber(best.requestsPerSecond)}/s at ${best.concurrency}`,
      goal: planGoal,
      verdict: atLeast(best.requestsPerSecond, targets.planPreviewsPerSecond),
    });
  }

  for (const placement of placements ?? []) {
    for (const { concurrency, p50Ms, p99Ms } of placement.creates ?? []) {
      const judged = concurrency === targets.createP99Concurrency;
      rows.push({
        figure: `Create p50 / p99, ${concurrency} in flight (${placement.placement})`,
        measured: `${formatNumber(p50Ms, 1)} / ${formatNumber(p99Ms, 1)} ms`,
        goal: judged ? `p99 < ${targets.createP99Ms} ms` : '(reported)',
        verdict: judged ? below(p99Ms, targets.createP99Ms) : '',
      });
    }
  }

  const bundles = byName.get('bundles');
  const bundleFigures = bundles ? parseBundles(bundles.stdout) : [];
  const measuredAgainstFloor = bundleFigures.filter((bundle) => bundle.vsFloor !== undefined);
  if (measuredAgainstFloor.length === 0) {
    rows.push(notMeasured('Lambda bundle import time', '≤ 1.25–1.5x the SDK floor', bundles));
  }
  for (const bundle of measuredAgainstFloor) {
    const ratio = bundle.vsFloor as number;
    const target = targets.bundleImportVsFloor[bundle.name];
    rows.push({
      figure: `Lambda bundle "${bundle.name}" import (${bundle.size})`,
      measured: `${ratio.toFixed(2)}x the SDK floor (${bundle.medianMs} ms)`,
      goal: target === undefined ? '(reported)' : `≤ ${target}x the SDK floor`,
      verdict: target === undefined ? '' : atMost(ratio, target),
    });
  }

  const firedGoal = `≥ ${formatNumber(targets.schedulesFiredPerSecond)}/s`;
  const schedules = byName.get('schedules');
  const scheduleRuns = schedules ? schedulesOf(schedules) : [];
  if (scheduleRuns.length === 0) rows.push(notMeasured('Schedules fired', firedGoal, schedules));
  for (const run of scheduleRuns) {
    // The spread run's time includes the minute the wake-ups are spread over: its rate is
    // bounded by the schedule, not by the emulator, so only its lateness says anything.
    const spread = run.title.includes('spread');
    rows.push({
      figure: `Schedules fired: ${run.title}`,
      measured: `${formatNumber(run.firedPerSecond)}/s`,
      goal: spread ? '(paced by the schedule)' : firedGoal,
      verdict: spread ? 'n/a' : atLeast(run.firedPerSecond, targets.schedulesFiredPerSecond),
    });
    rows.push({
      figure: `Worst lateness after due time: ${run.title}`,
      measured: `${formatNumber(run.worstLatenessMs)} ms`,
      goal: '(reported)',
      verdict: '',
    });
  }

  const deliveryGoal = `≥ ${targets.deliveriesPerSecond}/s`;
  const deliveries = byName.get('deliveries');
  const deliveryFigures = deliveries ? deliveriesOf(deliveries) : undefined;
  if (deliveryFigures) {
    rows.push({
      figure: `Webhook deliveries (${deliveryFigures.deliveries}/${deliveryFigures.expected} arrived)`,
      measured: `${formatNumber(deliveryFigures.deliveriesPerSecond)}/s`,
      goal: deliveryGoal,
      verdict: atLeast(deliveryFigures.deliveriesPerSecond, targets.deliveriesPerSecond),
    });
    const latency = deliveryFigures.latencyMsAfterDue;
    rows.push({
      figure: 'Delivery lateness after due time (all due at once)',
      measured: `p50 ${formatNumber(latency.p50)} ms, p99 ${formatNumber(latency.p99)} ms, worst ${formatNumber(latency.max)} ms`,
      goal: '(reported)',
      verdict: '',
    });
  } else rows.push(notMeasured('Webhook deliveries', deliveryGoal, deliveries));
  return rows;
}

const summaryHeader: Row = ['figure', 'measured', 'goal', 'verdict'];
const summaryCells = (rows: readonly SummaryRow[]): Row[] =>
  rows.map((row) => [row.figure, row.measured, row.goal, row.verdict]);

/** The generated section of docs/benchmarks.md. */
function markdownSection(
  rows: readonly SummaryRow[],
  outputs: readonly BenchOutput[],
  context: { date: string; machine: string; load: string; totalSeconds: number },
): string {
  const details = outputs.map((output) =>
    [
      `#### ${output.name}`,
      '',
      `\`${output.command}\` — exit ${output.exitCode}, ${output.seconds.toFixed(0)} s`,
      '',
      '```text',
      output.stdout.trim() || '(no output)',
      '```',
    ].join('\n'),
  );
  return [
    sectionStart,
    '<!-- Generated by `npm run bench` (bench/run-all.ts); edits here are overwritten. -->',
    '',
    `### Latest run: ${context.date}${quickMode ? ' (quick mode)' : ''}`,
    '',
    `- Machine: ${context.machine}`,
    `- Load average (1 min) at start and end: ${context.load}`,
    `- Whole run: ${context.totalSeconds.toFixed(0)} s`,
    '',
    markdownTable(summaryHeader, summaryCells(rows)),
    '',
    '<details><summary>Each benchmark’s own output</summary>',
    '',
    ...details.flatMap((block) => [block, '']),
    '</details>',
    sectionEnd,
  ].join('\n');
}

/** Replaces the generated section of the docs page, or appends it when the page has none. */
export function replaceSection(page: string, section: string): string {
  const start = page.indexOf(sectionStart);
  const end = page.indexOf(sectionEnd);
  if (start < 0 || end < start) return `${page.trimEnd()}\n\n${section}\n`;
  return page.slice(0, start) + section + page.slice(end + sectionEnd.length);
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = describeMachine();
  const loadAtStart = loadavg()[0] ?? 0;
  console.log(`Afterview benchmarks${quickMode ? ' (quick mode)' : ''}`);
  console.log(machineLine(machine));
  console.log(`load average (1 min): ${loadAtStart.toFixed(2)} on ${machine.cores} cores`);

  const resultDir = await mkdtemp(join(tmpdir(), 'afterview-bench-results-'));
  const outputs: BenchOutput[] = [];
  try {
    for (const spec of specs) outputs.push(await runBench(spec, resultDir));
  } finally {
    await rm(resultDir, { recursive: true, force: true });
  }

  const rows = summarize(outputs);
  const load = `${loadAtStart.toFixed(2)} → ${(loadavg()[0] ?? 0).toFixed(2)} on ${machine.cores} cores`;
  const totalSeconds = (performance.now() - started) / 1000;
  console.log(`\n## Summary: issue 7 targets, measured in this run\n`);
  console.log(machineLine(machine));
  console.log(`load average (1 min): ${load}\n`);
  console.log(textTable(summaryHeader, summaryCells(rows)));

  const missed = rows.filter((row) => row.verdict.startsWith('MISSED')).length;
  console.log(`\n${missed === 0 ? 'Every target met.' : `${missed} figure(s) miss their target.`}`);

  if (!process.env.BENCH_NO_WRITE) {
    const section = markdownSection(rows, outputs, {
      date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      machine: machineLine(machine),
      load,
      totalSeconds,
    });
    const page = await readFile(docsFile, 'utf8').catch(() => '# Benchmarks\n');
    await writeFile(docsFile, replaceSection(page, section));
    console.log('Summary written to docs/benchmarks.md');
  }
  // A failed benchmark is a failed run; missed targets are figures, reported above.
  if (outputs.some((output) => output.exitCode !== 0)) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
