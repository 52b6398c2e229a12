/**
 * Lambda bundle benchmark: bundles each functions/*.ts entry with esbuild exactly as the CDK
 * stack does (settings from infra/bundle-settings.ts, split into chunks), plus a one-route Hono
 * handler bundled the same way as the baseline, then reports each bundle's size (what a cold
 * start reads: the entry and the chunks it imports statically; the chunks only `import()`
 * reaches are reported apart) and the median time a fresh `node` process takes to import it.
 * Module load is the part of a Lambda cold start the code controls, so the ratio to the Hono
 * baseline is the number to watch. The HTTP handlers (baseline, floor, api) then serve one
 * GET /health in the same process, timed apart: the api composes its services and routes on
 * its first request, so import + first request is the cold start a client sees.
 *
 * The imports run in rounds, one of each bundle per round in a rotating order, so a burst of
 * load from other work on the machine hits every bundle alike and the ratios stay comparable.
 * Besides wall time the child reports the CPU time of the import (all threads), which other
 * processes competing for the cores disturb far less.
 *
 * The console (/dashboard) must cost the api Lambda's cold start nothing, so the api entry is
 * also bundled with the console's mount call stubbed out, timed in the same rounds, and the
 * two are compared on a line of their own (with the console's bytes in the bundle and the
 * size of its browser files, which are served from disk).
 *
 * Each function's import is also given as a ratio to the "sdk floor" bundle (Hono plus the
 * DynamoDB and Scheduler clients): the floor is what any such Lambda pays, so that ratio shows
 * what is ours. The cold-start targets are written against it (api ≤ 1.5x, workers ≤ 1.25x).
 *
 * Then a per-module import profile, to find where the time goes: the bytes each package
 * contributes to each bundle (esbuild's metafile), and every package the code imports by name,
 * bundled alone the same way (`export * from '<specifier>'`, so the whole entry, before any
 * tree-shaking the real bundle does) and imported in fresh processes in the same rounds.
 *
 *   npx tsx bench/bundles.ts [--runs 15] [--external-sdk] [--no-profile]
 *
 * `--external-sdk` leaves `@aws-sdk/*` (and `@smithy/*`) out of every bundle, as NodejsFunction
 * does by default for runtimes that ship the SDK; the child then loads it from node_modules,
 * which is what Lambda does from its own copy. The stack bundles it (see the construct), so
 * the default run is the deployed shape.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { lambdaBuildOptions } from '../infra/build-lambda';
import { bundleSettings, functionEntries } from '../infra/bundle-settings';
import { buildDashboard } from '../scripts/build-dashboard';

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

/**
 * A reference, not a target: the Hono handler plus the two AWS SDK clients every Afterview
 * Lambda needs, bundled the same way. No Lambda that talks to DynamoDB and Scheduler loads
 * faster than this, so it shows how much of a bundle's time is the SDK and how much is ours.
 */
const sdkFloorName = 'sdk-floor';
const sdkFloorSource = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
const clients = { dynamo: new DynamoDBClient({}), scheduler: new SchedulerClient({}) };
const app = new Hono().get('/health', (c) => c.json({ status: 'ok', clients: Object.keys(clients) }));
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

// Runs inside the child: the timers bracket only the dynamic import, not Node's own start-up.
// Given an API Gateway event (argv[2]), the child then hands it to the handler and times that
// first request too: what a cold start defers to the first request shows up there.
const childScript = `
const cpu = process.cpuUsage();
const started = performance.now();
const { handler } = await import(process.argv[1]);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
const result = { wallMs, cpuMs: (used.user + used.system) / 1000 };
if (process.argv[2]) {
  const cpu2 = process.cpuUsage();
  const started2 = performance.now();
  const response = await handler(JSON.parse(process.argv[2]), {});
  if (response.statusCode !== 200) throw new Error('first request answered ' + response.statusCode);
  result.firstRequestMs = performance.now() - started2;
  const used2 = process.cpuUsage(cpu2);
  result.firstRequestCpuMs = (used2.user + used2.system) / 1000;
}
process.stdout.write(JSON.stringify(result));
`;

/** GET /health as API Gateway (REST, v1) delivers it: the first request the api bundles serve. */
const healthEvent = JSON.stringify({
  resource: '/{proxy+}',
  path: '/health',
  httpMethod: 'GET',
  headers: { Accept: '*/*' },
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: { proxy: 'health' },
  stageVariables: null,
  body: null,
  isBase64Encoded: false,
  requestContext: {
    accountId: '123456789012',
    apiId: 'bench',
    stage: 'bench',
    requestId: 'bench-1',
    identity: { sourceIp: '203.0.113.9' },
    path: '/bench/health',
    httpMethod: 'GET',
    resourcePath: '/{proxy+}',
  },
});

/** Packages a Lambda runtime for Node 18+ provides, left out when `--external-sdk` is given. */
const sdkPackages = ['@aws-sdk/*', '@smithy/*'];

export interface BundleResult {
  name: string;
  status: 'ok' | 'missing' | 'error';
  /** The files a cold start reads: the entry and the chunks it imports statically. */
  bytes?: number;
  gzipBytes?: number;
  /** Chunks loaded only through `import()`, on first use. */
  lazyBytes?: number;
  /** HTTP handlers: median time of the first request (GET /health) after the import. */
  firstRequestMedianMs?: number;
  firstRequestCpuMedianMs?: number;
  importMs?: number[];
  medianMs?: number;
  cpuMs?: number[];
  cpuMedianMs?: number;
  /** The packages (or source folders) that contribute most bytes, largest first. */
  largest?: Array<{ name: string; bytes: number }>;
  /** Package specifiers the project's own files import (`zod/mini`, `hono/aws-lambda`, …). */
  imports?: string[];
  /** Profile entries only: the bundles whose code imports this specifier. */
  usedBy?: string[];
  /** Bytes of the console's server module (imported on the first /dashboard request). */
  consoleServerBytes?: number;
  /** Bytes of the console's browser code (dashboard/src): served as files, never bundled. */
  consoleClientBytes?: number;
  error?: string;
}

/**
 * The api bundle as it would be without the console: the one mount call becomes a no-op, so
 * the two bundles differ by exactly what the console adds to the api Lambda.
 */
const withoutConsoleName = 'api-without-console';
const withoutConsole: Plugin = {
  name: 'without-console',
  setup(plugin) {
    plugin.onResolve({ filter: /\/routes\/dashboard$/ }, (args) => ({
      path: args.path,
      namespace: 'without-console',
    }));
    plugin.onLoad({ filter: /.*/, namespace: 'without-console' }, () => ({
      contents: 'export function dashboardRoutes() {}',
      loader: 'ts',
    }));
  },
};

/** What the console's browser files weigh, built as `npm install` builds them. */
export interface ConsoleAssets {
  files: Array<{ name: string; bytes: number; gzipBytes: number }>;
}

/** The construct's build (infra/build-lambda.ts), with a metafile and `--external-sdk`. */
function esbuildOptions(
  outdir: string,
  externalSdk: boolean,
  extraPlugins: readonly Plugin[] = [],
): BuildOptions {
  const { entryPoints: _entry, plugins = [], ...options } = lambdaBuildOptions('', outdir);
  return {
    ...options,
    absWorkingDir: projectRoot,
    plugins: [...plugins, ...extraPlugins],
    logLevel: 'silent',
    metafile: true,
    ...(externalSdk ? { external: sdkPackages } : {}),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

interface ImportTiming {
  wallMs: number;
  cpuMs: number;
  firstRequestMs?: number;
  firstRequestCpuMs?: number;
}

async function timeImport(file: string, event?: string): Promise<ImportTiming> {
  const { stdout } = await run(
    process.execPath,
    [
      '--no-warnings',
      '--input-type=module',
      '-e',
      childScript,
      pathToFileURL(file).href,
      ...(event ? [event] : []),
    ],
    { env: { PATH: process.env.PATH ?? '', ...lambdaLikeEnvironment }, timeout: 30_000 },
  );
  return JSON.parse(stdout) as ImportTiming;
}

function relativeOut(outfile: string): string {
  return outfile.slice(projectRoot.length).replace(/^\//, '');
}

function bytesOf(inputs: Record<string, { bytesInOutput: number }>, pattern: RegExp): number {
  return Object.entries(inputs)
    .filter(([file]) => pattern.test(file))
    .reduce((sum, [, info]) => sum + info.bytesInOutput, 0);
}

function largestContributors(
  inputs: Record<string, { bytesInOutput: number }>,
  count = 12,
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
    .slice(0, count);
}

/** The bare specifiers (`zod`, `@aws-sdk/client-dynamodb`, …) the project's own files import. */
function packageImports(metafile: Metafile): string[] {
  const specifiers = new Set<string>();
  for (const [file, info] of Object.entries(metafile.inputs)) {
    if (file.includes('node_modules/') || file.startsWith('<stdin>')) continue;
    for (const imported of info.imports) {
      const written = imported.original ?? '';
      if (imported.external || !imported.path.includes('node_modules/')) continue;
      if (written.startsWith('.') || written.startsWith('node:')) continue;
      specifiers.add(written);
    }
  }
  return [...specifiers].sort();
}

interface Built {
  name: string;
  outfile: string;
  result: BundleResult;
  /** An API Gateway event the child sends the handler after the import (HTTP handlers only). */
  event?: string;
}

/**
 * The output files a cold start reads: the entry and, transitively, the chunks it imports
 * statically. Chunks reached only through `import()` load when the code first asks for them.
 */
function initOutputs(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !metafile.outputs[file]) return;
    seen.add(file);
    for (const imported of metafile.outputs[file].imports) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen];
}

function mergedInputs(
  metafile: Metafile,
  files: readonly string[],
): Record<string, { bytesInOutput: number }> {
  const merged: Record<string, { bytesInOutput: number }> = {};
  for (const file of files) {
    for (const [input, info] of Object.entries(metafile.outputs[file]?.inputs ?? {})) {
      merged[input] = { bytesInOutput: (merged[input]?.bytesInOutput ?? 0) + info.bytesInOutput };
    }
  }
  return merged;
}

async function bundle(
  name: string,
  input: Pick<BuildOptions, 'entryPoints' | 'stdin' | 'plugins'>,
  externalSdk: boolean,
): Promise<Built> {
  const outdir = join(outRoot, name);
  const outfile = join(outdir, 'index.mjs');
  try {
    const { plugins, ...rest } = input;
    const { metafile } = await build({ ...esbuildOptions(outdir, externalSdk, plugins), ...rest });
    if (!metafile) throw new Error('esbuild returned no metafile');
    const code = Object.keys(metafile.outputs).filter((file) => file.endsWith('.mjs'));
    const atInit = initOutputs(metafile, relativeOut(outfile));
    const inputs = mergedInputs(metafile, atInit);
    const largest = largestContributors(inputs);
    const initCode = Buffer.concat(atInit.map((file) => readFileSync(join(projectRoot, file))));
    const allBytes = code.reduce((sum, file) => sum + statSync(join(projectRoot, file)).size, 0);
    const allInputs = mergedInputs(metafile, code);
    const consoleServerBytes = bytesOf(
      allInputs,
      /shared\/http\/(dashboard\/|routes\/dashboard\.ts)/,
    );
    const consoleClientBytes = bytesOf(allInputs, /^dashboard\//);
    return {
      name,
      outfile,
      result: {
        name,
        status: 'ok',
        bytes: initCode.length,
        gzipBytes: gzipSync(initCode).length,
        lazyBytes: allBytes - initCode.length,
        largest,
        imports: packageImports(metafile),
        consoleServerBytes,
        consoleClientBytes,
      },
    };
  } catch (error) {
    return { name, outfile, result: failed(name, error) };
  }
}

function failed(name: string, error: unknown): BundleResult {
  const message = error instanceof Error ? error.message : String(error);
  return { name, status: 'error', error: message.split('\n').slice(0, 3).join(' ') };
}

/** `runs` rounds; each imports every bundle once, starting one further along than the last. */
async function timeInRounds(built: readonly Built[], runs: number): Promise<void> {
  const samples = new Map(
    built.map((entry) => [
      entry.name,
      {
        wall: [] as number[],
        cpu: [] as number[],
        firstWall: [] as number[],
        firstCpu: [] as number[],
      },
    ]),
  );
  for (let round = 0; round < runs; round += 1) {
    for (let i = 0; i < built.length; i += 1) {
      const entry = built[(round + i) % built.length] as Built;
      if (entry.result.status !== 'ok') continue;
      try {
        const timing = await timeImport(entry.outfile, entry.event);
        const taken = samples.get(entry.name);
        taken?.wall.push(timing.wallMs);
        taken?.cpu.push(timing.cpuMs);
        if (timing.firstRequestMs !== undefined) taken?.firstWall.push(timing.firstRequestMs);
        if (timing.firstRequestCpuMs !== undefined) taken?.firstCpu.push(timing.firstRequestCpuMs);
      } catch (error) {
        entry.result = failed(entry.name, error);
      }
    }
  }
  for (const entry of built) {
    const taken = samples.get(entry.name);
    if (entry.result.status !== 'ok' || !taken) continue;
    Object.assign(entry.result, {
      importMs: taken.wall,
      medianMs: median(taken.wall),
      cpuMs: taken.cpu,
      cpuMedianMs: median(taken.cpu),
      ...(taken.firstWall.length > 0
        ? {
            firstRequestMedianMs: median(taken.firstWall),
            firstRequestCpuMedianMs: median(taken.firstCpu),
          }
        : {}),
    });
  }
}

/** Names of the profile's per-package bundles: `pkg:` and the specifier. */
const profilePrefix = 'pkg:';

/**
 * Bundles and measures the baseline, the floor and every function entry; with `profile`, also
 * every package specifier the functions import, each alone (timed in the same rounds).
 */
export async function runBundleBench(
  runs = 15,
  externalSdk = false,
  profile = true,
): Promise<BundleResult[]> {
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const fromSource = (name: string, contents: string) =>
    bundle(
      name,
      { stdin: { contents, resolveDir: projectRoot, sourcefile: `${name}.ts`, loader: 'ts' } },
      externalSdk,
    );
  const built: Built[] = [
    await fromSource(baselineName, baselineSource),
    await fromSource(sdkFloorName, sdkFloorSource),
  ];
  const missing: BundleResult[] = [];
  for (const [name, entry] of Object.entries(functionEntries)) {
    const path = join(projectRoot, entry);
    if (existsSync(path)) built.push(await bundle(name, { entryPoints: [path] }, externalSdk));
    else missing.push({ name, status: 'missing' });
  }
  const apiEntry = join(projectRoot, functionEntries.api);
  if (existsSync(apiEntry)) {
    built.push(
      await bundle(
        withoutConsoleName,
        { entryPoints: [apiEntry], plugins: [withoutConsole] },
        externalSdk,
      ),
    );
  }
  // The HTTP handlers also serve one request after the import, in the same process.
  for (const entry of built) {
    if ([baselineName, sdkFloorName, 'api', withoutConsoleName].includes(entry.name)) {
      entry.event = healthEvent;
    }
  }
  if (profile) {
    const usedBy = new Map<string, string[]>();
    for (const entry of built) {
      if (!(entry.name in functionEntries)) continue;
      for (const specifier of entry.result.imports ?? []) {
        usedBy.set(specifier, [...(usedBy.get(specifier) ?? []), entry.name]);
      }
    }
    for (const [specifier, users] of [...usedBy].sort(([a], [b]) => a.localeCompare(b))) {
      const name = `${profilePrefix}${specifier}`;
      const folder = name.replace(/[^a-z0-9.-]+/gi, '_');
      const contents = `export * from '${specifier}';`;
      const packaged = await bundle(
        folder,
        { stdin: { contents, resolveDir: projectRoot, sourcefile: `${folder}.ts`, loader: 'ts' } },
        externalSdk,
      );
      packaged.name = name;
      packaged.result.name = name;
      packaged.result.usedBy = users;
      built.push(packaged);
    }
  }
  await timeInRounds(built, runs);
  return [...built.map((entry) => entry.result), ...missing];
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Builds the console's browser files into .bench/dashboard and weighs them. */
export async function measureConsoleAssets(): Promise<ConsoleAssets> {
  const outdir = join(projectRoot, '.bench', 'dashboard');
  rmSync(outdir, { recursive: true, force: true });
  const outputs = await buildDashboard(outdir);
  return {
    files: Object.keys(outputs).map((file) => {
      const content = readFileSync(join(projectRoot, file));
      return {
        name: file.slice(file.lastIndexOf('/') + 1),
        bytes: content.length,
        gzipBytes: gzipSync(content).length,
      };
    }),
  };
}

/**
 * What the console costs the api Lambda, single-spaced so bench/run-all.ts does not read it as
 * a target row: the console bytes in the api bundle, and the api bundle's import time against
 * the same bundle without the console.
 */
function consoleLines(results: readonly BundleResult[], assets?: ConsoleAssets): string[] {
  const api = results.find((result) => result.name === 'api');
  const without = results.find((result) => result.name === withoutConsoleName);
  if (api?.status !== 'ok' || without?.status !== 'ok') return [];
  const delta = (a?: number, b?: number) =>
    a === undefined || b === undefined ? '?' : `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(1)} ms`;
  return [
    '',
    `console (/dashboard): the api bundle carries ${api.consoleServerBytes ?? 0} bytes of its server module (evaluated on the first /dashboard request) and ${api.consoleClientBytes ?? 0} bytes of its browser code;`,
    `api import ${(api.medianMs ?? 0).toFixed(1)} ms vs ${(without.medianMs ?? 0).toFixed(1)} ms without the console (${delta(api.medianMs, without.medianMs)}), cpu ${(api.cpuMedianMs ?? 0).toFixed(1)} ms vs ${(without.cpuMedianMs ?? 0).toFixed(1)} ms (${delta(api.cpuMedianMs, without.cpuMedianMs)}), size ${kib(api.bytes ?? 0)} vs ${kib(without.bytes ?? 0)}`,
    ...(assets
      ? [
          `browser files, served from disk: ${assets.files.map((file) => `${file.name} ${kib(file.bytes)} (gzip ${kib(file.gzipBytes)})`).join(', ')}`,
        ]
      : []),
  ];
}

// Single spaces on purpose: bench/run-all.ts reads table rows (cells two spaces apart) as
// targets, and the floor is a reference, not a target.
function floorLine(floor: BundleResult, baseline: BundleResult | undefined): string {
  if (floor.status !== 'ok') return `sdk floor: ${floor.status} ${floor.error ?? ''}`.trimEnd();
  const times = (ms: number | undefined, base: number | undefined) =>
    ms === undefined ? '?' : `${ms.toFixed(1)} ms (${base ? (ms / base).toFixed(1) : '?'}x hono)`;
  return [
    `sdk floor (hono + DynamoDB and Scheduler clients, a reference for what any such Lambda pays): ${kib(floor.bytes ?? 0)},`,
    `import ${times(floor.medianMs, baseline?.medianMs)}, cpu ${times(floor.cpuMedianMs, baseline?.cpuMedianMs)}`,
  ].join(' ');
}

/**
 * Import plus the first request, for the HTTP handlers: the api composes its services and routes
 * on the first request, so this is the cold start a client sees. Single-spaced (not a target row).
 */
function firstRequestLines(results: readonly BundleResult[], floor?: BundleResult): string[] {
  const total = (result: BundleResult, cpu: boolean) =>
    cpu
      ? (result.cpuMedianMs ?? 0) + (result.firstRequestCpuMedianMs ?? 0)
      : (result.medianMs ?? 0) + (result.firstRequestMedianMs ?? 0);
  const measured = results.filter(
    (result) =>
      result.status === 'ok' &&
      result.firstRequestMedianMs !== undefined &&
      result.name !== withoutConsoleName,
  );
  if (measured.length === 0) return [];
  return [
    '',
    'import + first request (GET /health in the same process; medians of each part, wall / cpu):',
    ...measured.map((result) => {
      const vsFloor =
        floor && result !== floor && floor.firstRequestMedianMs !== undefined
          ? `, ${(total(result, false) / total(floor, false)).toFixed(2)}x / ${(total(result, true) / total(floor, true)).toFixed(2)}x the floor`
          : '';
      return `${result.name}: ${(result.medianMs ?? 0).toFixed(1)} + ${(result.firstRequestMedianMs ?? 0).toFixed(1)} ms / ${(result.cpuMedianMs ?? 0).toFixed(1)} + ${(result.firstRequestCpuMedianMs ?? 0).toFixed(1)} ms${vsFloor}`;
    }),
  ];
}

/** The results section: one row per bundle, ratios against the Hono baseline. */
export function formatResults(
  results: readonly BundleResult[],
  runs: number,
  externalSdk = false,
  consoleAssets?: ConsoleAssets,
): string {
  const baseline = results.find((result) => result.name === baselineName);
  const floor = results.find((result) => result.name === sdkFloorName);
  const reference = results.find((result) => result.name === withoutConsoleName);
  const header = [
    'bundle',
    'size',
    'gzip',
    'import median',
    'size vs hono',
    'import vs hono',
    'cpu median',
    'cpu vs hono',
    'import vs floor',
    'cpu vs floor',
    'lazy chunks',
  ];
  const ratio = (value?: number, base?: number) =>
    value && base ? `${(value / base).toFixed(2)}x` : '';
  const rows = results
    .filter(
      (result) =>
        result !== floor && result !== reference && !result.name.startsWith(profilePrefix),
    )
    .map((result) => {
      if (result.status !== 'ok') {
        return [result.name, result.status, '', '', '', result.error ?? ''];
      }
      const sizeRatio =
        baseline?.bytes && result.bytes ? `${(result.bytes / baseline.bytes).toFixed(1)}x` : '';
      const importRatio =
        baseline?.medianMs && result.medianMs
          ? `${(result.medianMs / baseline.medianMs).toFixed(1)}x`
          : '';
      const cpuRatio =
        baseline?.cpuMedianMs && result.cpuMedianMs
          ? `${(result.cpuMedianMs / baseline.cpuMedianMs).toFixed(1)}x`
          : '';
      return [
        result.name,
        kib(result.bytes ?? 0),
        kib(result.gzipBytes ?? 0),
        `${(result.medianMs ?? 0).toFixed(1)} ms`,
        sizeRatio,
        importRatio,
        `${(result.cpuMedianMs ?? 0).toFixed(1)} ms`,
        cpuRatio,
        result === baseline ? '' : ratio(result.medianMs, floor?.medianMs),
        result === baseline ? '' : ratio(result.cpuMedianMs, floor?.cpuMedianMs),
        kib(result.lazyBytes ?? 0),
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
    .filter(
      (result) =>
        result.largest &&
        result !== baseline &&
        result !== floor &&
        result !== reference &&
        !result.name.startsWith(profilePrefix),
    )
    .map(
      (result) =>
        `${result.name}: ${(result.largest ?? []).map((entry) => `${entry.name} ${kib(entry.bytes)}`).join(', ')}`,
    );
  const profile = profileLines(results, baseline);
  return [
    `## Lambda bundles (esbuild ${bundleSettings.format}, ${bundleSettings.target}, minified, source maps, split into chunks, AWS SDK ${externalSdk ? 'external' : 'bundled'})`,
    'size: what a cold start reads (the entry and the chunks it imports statically); lazy chunks: loaded by import() on first use',
    `node ${process.version}; median of ${runs} fresh processes per bundle, interleaved, timing only the dynamic import (wall and CPU)`,
    '',
    line(header),
    ...rows.map(line),
    ...(floor ? ['', floorLine(floor, baseline)] : []),
    ...firstRequestLines(results, floor),
    ...consoleLines(results, consoleAssets),
    ...(contributors.length > 0
      ? ['', 'bytes per package (esbuild metafile, largest first):', ...contributors]
      : []),
    ...profile,
  ].join('\n');
}

/**
 * The per-package import profile, single-spaced so bench/run-all.ts does not read it as
 * target rows: each specifier the functions import, bundled alone, its size and its import
 * time above the bare Hono handler's (which is mostly Node's own module loading).
 */
function profileLines(results: readonly BundleResult[], baseline?: BundleResult): string[] {
  const packages = results
    .filter((result) => result.name.startsWith(profilePrefix))
    .sort((a, b) => (b.cpuMedianMs ?? -1) - (a.cpuMedianMs ?? -1));
  if (packages.length === 0) return [];
  const above = (value?: number, base?: number) =>
    value === undefined ? '?' : `${(value - (base ?? 0)).toFixed(1)} ms`;
  return [
    '',
    'import profile: each package specifier the functions import, bundled alone (whole entry, no tree-shaking), median import above the bare Hono bundle (wall / cpu):',
    ...packages.map((result) => {
      const name = result.name.slice(profilePrefix.length);
      if (result.status !== 'ok')
        return `${name}: ${result.status} ${result.error ?? ''}`.trimEnd();
      return `${name}: ${kib(result.bytes ?? 0)}, ${above(result.medianMs, baseline?.medianMs)} / ${above(result.cpuMedianMs, baseline?.cpuMedianMs)} (in ${(result.usedBy ?? []).join(', ')})`;
    }),
  ];
}

function runsFromArgs(args: readonly string[]): number {
  const index = args.indexOf('--runs');
  const value = index >= 0 ? Number(args[index + 1]) : 15;
  if (!Number.isInteger(value) || value < 1) throw new Error('--runs takes a positive integer');
  return value;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const runs = runsFromArgs(args);
  const externalSdk = args.includes('--external-sdk');
  const results = await runBundleBench(runs, externalSdk, !args.includes('--no-profile'));
  console.log(formatResults(results, runs, externalSdk, await measureConsoleAssets()));
}
