/**
 * Lambda bundle benchmark: bundles each functions/*.ts entry with esbuild exactly as the CDK
 * stack does (settings from infra/bundle-settings.ts), plus a one-route Hono handler bundled
 * the same way as the baseline, then reports each bundle's size and the median time a fresh
 * `node` process takes to import it. Module load is the part of a Lambda cold start the code
 * controls, so the ratio to the Hono baseline is the number to watch.
 *
 *   npx tsx bench/bundles.ts [--runs 15]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { bundleSettings, functionEntries } from '../infra/bundle-settings';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const outRoot = join(projectRoot, '.bench', 'bundles');

const baselineName = 'hono-baseline';
const baselineSource = `
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
const app = new Hono().get('/health', (c) => c.json({ status: 'ok' }));
export const handler = handle(app);
`;

/** A deployment-shaped environment, so a composition root that parses it at import succeeds. */
const lambdaLikeEnvironment: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AFTERVIEW_TABLE_NAME: 'afterview-bench',
  AFTERVIEW_SCHEDULE_GROUP: 'afterview-bench',
  AFTERVIEW_DISPATCH_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:dispatch',
  AFTERVIEW_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
  AFTERVIEW_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:dlq',
  AFTERVIEW_STAGE: 'bench',
  AFTERVIEW_LOG_LEVEL: 'error',
  AFTERVIEW_WEBHOOK_ALLOW_HTTP: 'false',
  AFTERVIEW_DOCS_ASSETS_DIR: join(projectRoot, 'node_modules', 'swagger-ui-dist'),
};

// Runs inside the child: the timer brackets only the dynamic import, not Node's own start-up.
const childScript = `
const started = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - started));
`;

export interface BundleResult {
  name: string;
  status: 'ok' | 'missing' | 'error';
  bytes?: number;
  gzipBytes?: number;
  importMs?: number[];
  medianMs?: number;
  /** The packages (or source folders) that contribute most bytes, largest first. */
  largest?: Array<{ name: string; bytes: number }>;
  error?: string;
}

function esbuildOptions(outfile: string): BuildOptions {
  return {
    bundle: true,
    outfile,
    format: bundleSettings.format,
    platform: bundleSettings.platform,
    target: bundleSettings.target,
    minify: bundleSettings.minify,
    sourcemap: bundleSettings.sourcemap,
    sourcesContent: bundleSettings.sourcesContent,
    mainFields: [...bundleSettings.mainFields],
    banner: { js: bundleSettings.banner },
    logLevel: 'silent',
    metafile: true,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function timeImports(file: string, runs: number): Promise<number[]> {
  const url = pathToFileURL(file).href;
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const { stdout } = await run(
      process.execPath,
      ['--enable-source-maps', '--no-warnings', '--input-type=module', '-e', childScript, url],
      { env: { PATH: process.env.PATH ?? '', ...lambdaLikeEnvironment }, timeout: 30_000 },
    );
    times.push(Number(stdout));
  }
  return times;
}

function relativeOut(outfile: string): string {
  return outfile.slice(projectRoot.length).replace(/^\//, '');
}

function largestContributors(
  inputs: Record<string, { bytesInOutput: number }>,
): Array<{ name: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const [file, info] of Object.entries(inputs)) {
    const fromPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const name = fromPackage ?? file.split('/').slice(0, 2).join('/');
    totals.set(name, (totals.get(name) ?? 0) + info.bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
}

async function measure(
  name: string,
  input: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
  runs: number,
): Promise<BundleResult> {
  const outfile = join(outRoot, name, 'index.mjs');
  try {
    const { metafile } = await build({ ...esbuildOptions(outfile), ...input });
    const largest = largestContributors(metafile?.outputs[relativeOut(outfile)]?.inputs ?? {});
    const bytes = statSync(outfile).size;
    const gzipBytes = gzipSync(readFileSync(outfile)).length;
    const importMs = await timeImports(outfile, runs);
    return { name, status: 'ok', bytes, gzipBytes, importMs, medianMs: median(importMs), largest };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name, status: 'error', error: message.split('\n').slice(0, 3).join(' ') };
  }
}

/** Bundles and measures the baseline and every function entry. */
export async function runBundleBench(runs = 15): Promise<BundleResult[]> {
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const results = [
    await measure(
      baselineName,
      {
        stdin: {
          contents: baselineSource,
          resolveDir: projectRoot,
          sourcefile: 'hono-baseline.ts',
          loader: 'ts',
        },
      },
      runs,
    ),
  ];
  for (const [name, entry] of Object.entries(functionEntries)) {
    const path = join(projectRoot, entry);
    results.push(
      existsSync(path)
        ? await measure(name, { entryPoints: [path] }, runs)
        : { name, status: 'missing' },
    );
  }
  return results;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The results section: one row per bundle, ratios against the Hono baseline. */
export function formatResults(results: readonly BundleResult[], runs: number): string {
  const baseline = results.find((result) => result.name === baselineName);
  const header = ['bundle', 'size', 'gzip', 'import median', 'size vs hono', 'import vs hono'];
  const rows = results.map((result) => {
    if (result.status !== 'ok') {
      return [result.name, result.status, '', '', '', result.error ?? ''];
    }
    const sizeRatio =
      baseline?.bytes && result.bytes ? `${(result.bytes / baseline.bytes).toFixed(1)}x` : '';
    const importRatio =
      baseline?.medianMs && result.medianMs
        ? `${(result.medianMs / baseline.medianMs).toFixed(1)}x`
        : '';
    return [
      result.name,
      kib(result.bytes ?? 0),
      kib(result.gzipBytes ?? 0),
      `${(result.medianMs ?? 0).toFixed(1)} ms`,
      sizeRatio,
      importRatio,
    ];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const contributors = results
    .filter((result) => result.largest && result.name !== baselineName)
    .map(
      (result) =>
        `${result.name}: ${(result.largest ?? []).map((entry) => `${entry.name} ${kib(entry.bytes)}`).join(', ')}`,
    );
  return [
    `## Lambda bundles (esbuild ${bundleSettings.format}, ${bundleSettings.target}, minified, source maps)`,
    `node ${process.version}; median of ${runs} fresh processes, timing only the dynamic import`,
    '',
    line(header),
    ...rows.map(line),
    ...(contributors.length > 0 ? ['', 'largest contributors:', ...contributors] : []),
  ].join('\n');
}

function runsFromArgs(args: readonly string[]): number {
  const index = args.indexOf('--runs');
  const value = index >= 0 ? Number(args[index + 1]) : 15;
  if (!Number.isInteger(value) || value < 1) throw new Error('--runs takes a positive integer');
  return value;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = runsFromArgs(process.argv.slice(2));
  console.log(formatResults(await runBundleBench(runs), runs));
}
