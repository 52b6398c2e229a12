/**
 * The one infra test that really bundles: the three entries in functions/ go through
 * NodejsFunction and the locally installed esbuild exactly as `cdk deploy` would build them,
 * and each bundle is then loaded in a fresh Node process with a deployment-shaped environment.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { Template } from 'aws-cdk-lib/assertions';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAfterviewApp } from '../../infra/afterview-app';
import { dashboardAssetsDirectory, docsAssetsDirectory } from '../../infra/afterview-stack';
import { createDynamoClient, startDynalite } from '../../local/dynalite';
import { SandboxClock } from '../../local/sandbox-clock';
import { startSchedulerEmulator } from '../../local/scheduler-emulator';
import { systemClock } from '../../shared/clock';
import { dashboardAssetFiles } from '../../shared/http/dashboard/console';
import { docsAssetFiles } from '../../shared/http/routes/docs';
import type { AwsEnvironment } from '../../shared/runtime/aws-config';
import { ensureScheduleGroup } from '../../shared/scheduling/eventbridge-scheduler';
import { TenantService } from '../../shared/service/tenant-service';
import { DynamoStore } from '../../shared/store/dynamo-store';
import { ensureTable } from '../../shared/store/table';
import { stackEnvironment } from '../support/aws-environment';
import { interviewInput } from '../support/interview-fixtures';

const run = promisify(execFile);
const names = ['api', 'dispatch', 'reconcile'] as const;
const projectRoot = resolve(import.meta.dirname, '../..');

const deployedEnvironment: AwsEnvironment & Record<string, string> = {
  AWS_REGION: 'us-east-1',
  ...stackEnvironment,
  AFTERVIEW_LOG_LEVEL: 'error',
  AFTERVIEW_WEBHOOK_ALLOW_HTTP: 'false',
};

// Calls the bundled handler with the proxy event API Gateway's REST API sends for the stage.
const invokeScript = `
const { handler } = await import(process.argv[1]);
const results = [];
for (const path of ['/health', '/docs', '/docs/assets/swagger-ui.css', '/docs/assets/favicon-32x32.png', '/openapi.json', '/dashboard', '/dashboard/assets/console.js']) {
  const response = await handler({
    resource: '/{proxy+}', path, httpMethod: 'GET', headers: { Accept: '*/*' },
    multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) }, stageVariables: null, body: null, isBase64Encoded: false,
    requestContext: { accountId: '123456789012', apiId: 'abc123', stage: 'dev', requestId: 'req-1',
      identity: { sourceIp: '203.0.113.9' }, path: '/dev' + path, httpMethod: 'GET', resourcePath: '/{proxy+}' },
  }, {});
  results.push({ path, status: response.statusCode, base64: Boolean(response.isBase64Encoded) });
}
process.stdout.write(JSON.stringify(results));
`;

// One invocation of a worker bundle (`dispatch` with a wake-up, `reconcile` with the
// schedule's event) as a fresh execution environment runs it: import, then invoke once.
const workerInvocationScript = `
const { handler } = await import(process.argv[1]);
await handler(JSON.parse(process.argv[2]), {});
process.stdout.write('done');
`;

// One request as the first one a fresh execution environment serves: import, then invoke once.
const firstRequestScript = `
const { handler } = await import(process.argv[1]);
const { method, path, body, headers } = JSON.parse(process.argv[2]);
const response = await handler({
  resource: '/{proxy+}', path, httpMethod: method,
  headers: { Accept: '*/*', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
  multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null,
  pathParameters: { proxy: path.slice(1) }, stageVariables: null,
  body: body ? JSON.stringify(body) : null, isBase64Encoded: false,
  requestContext: { accountId: '123456789012', apiId: 'abc123', stage: 'dev', requestId: 'req-1',
    identity: { sourceIp: '203.0.113.9' }, path: '/dev' + path, httpMethod: method, resourcePath: '/{proxy+}' },
}, {});
process.stdout.write(JSON.stringify({ status: response.statusCode, body: response.body }));
`;

/** The output files a cold start reads: index.mjs and the chunks it imports statically. */
function initFiles(dir: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(dir, file), 'utf8');
    // Static imports only (`import{a as b}from"./x.mjs"`, `import"./x.mjs"`), not `import(`.
    for (const match of code.matchAll(/import\s*(?:[\w$*{},\s]+from\s*)?"(\.{1,2}\/[^"]+)"/g)) {
      visit(join(dirname(file), match[1] as string));
    }
  };
  visit('index.mjs');
  return [...seen];
}

function sourcesOf(dir: string, files: readonly string[]): string[] {
  return files.flatMap(
    (file) =>
      (JSON.parse(readFileSync(join(dir, `${file}.map`), 'utf8')) as { sources: string[] }).sources,
  );
}

/** Every source file (original path) behind a bundle directory: the entry and its chunks. */
function bundledSources(dir: string): string[] {
  const maps = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.mjs.map'),
  );
  return maps.flatMap(
    (file) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources: string[] }).sources,
  );
}

/**
 * Every source file behind a bundle directory as a path relative to the project root (sources
 * in a map are relative to the map file), so `local/…` means the top-level folder only.
 */
function bundledProjectFiles(dir: string): string[] {
  const maps = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.mjs.map'),
  );
  return maps.flatMap((file) =>
    (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources: string[] }).sources.map(
      (source) =>
        relative(projectRoot, resolve(dirname(join(dir, file)), source))
          .split(sep)
          .join('/'),
    ),
  );
}

describe('Lambda bundles built by local esbuild (no Docker)', () => {
  let outdir: string;
  const bundleDirs = {} as Record<(typeof names)[number], string>;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'afterview-cdk-'));
    const { app, stack } = createAfterviewApp({ code: 'bundle', outdir });
    app.synth();
    const template = Template.fromStack(stack);
    for (const name of names) {
      const fn = stack.functions[name].function;
      const resource =
        template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)];
      const key: string = resource.Properties.Code.S3Key;
      bundleDirs[name] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    }
  }, 120_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it.each(names)('bundles functions/%s.ts into a minified ESM file with a source map', (name) => {
    expect(existsSync(join(bundleDirs[name], 'index.mjs'))).toBe(true);
    expect(existsSync(join(bundleDirs[name], 'index.mjs.map'))).toBe(true);
  });

  it('builds a bundle for every entry in functions/', () => {
    const entries = readdirSync(join(projectRoot, 'functions'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''));
    expect([...entries].sort()).toEqual([...names].sort());
  });

  it.each(names)(
    'ships nothing that only runs on a laptop in the %s bundle (local/, dynalite, the emulator)',
    (name) => {
      const files = bundledProjectFiles(bundleDirs[name]);
      // The paths resolve to the project: the handler and the shared code it runs are there.
      expect(files).toContain(`functions/${name}.ts`);
      expect(files.some((file) => file.startsWith('shared/'))).toBe(true);
      const laptopOnly = files.filter(
        (file) =>
          file.startsWith('local/') ||
          /(^|\/)node_modules\/(dynalite|memory-level|level)\//.test(file) ||
          /emulator/i.test(file),
      );
      expect(laptopOnly).toEqual([]);
    },
  );

  it('ships the Swagger UI files inside the api bundle', () => {
    for (const file of docsAssetFiles) {
      expect(existsSync(join(bundleDirs.api, docsAssetsDirectory, file)), file).toBe(true);
    }
  });

  it('ships the console files beside the api bundle and none of its browser code inside it', () => {
    for (const file of dashboardAssetFiles) {
      expect(existsSync(join(bundleDirs.api, dashboardAssetsDirectory, file)), file).toBe(true);
    }
    const sources = bundledSources(bundleDirs.api);
    expect(sources.filter((source) => /(^|\/)dashboard\/src\//.test(source))).toEqual([]);
    expect(sources.some((source) => source.includes('shared/http/dashboard/console.ts'))).toBe(
      true,
    );
  });

  it('ships the spelling dictionary where the draft check resolves it from the bundle', () => {
    const fromBundle = createRequire(join(bundleDirs.api, 'index.mjs'));
    const entry = fromBundle.resolve('dictionary-en');
    expect(entry.startsWith(bundleDirs.api)).toBe(true);
    for (const file of ['index.aff', 'index.dic']) {
      expect(existsSync(join(dirname(entry), file)), file).toBe(true);
    }
  });

  it.each(names)(
    'keeps date-holidays out of the %s bundle and ships it where the calendar requires it',
    async (name) => {
      const bundle = join(bundleDirs[name], 'index.mjs');
      const sources = bundledSources(bundleDirs[name]);
      expect(sources.filter((source) => source.includes('node_modules/date-holidays'))).toEqual([]);
      const entry = createRequire(bundle).resolve('date-holidays');
      expect(entry.startsWith(bundleDirs[name])).toBe(true);
      // Loaded the way the calendar loads it, in a process that sees no project node_modules.
      const { stdout } = await run(
        process.execPath,
        [
          '-e',
          `const H = require(${JSON.stringify(entry)}); process.stdout.write(String(new H('DE').getHolidays(2026).length));`,
        ],
        { env: { PATH: process.env.PATH } },
      );
      expect(Number(stdout)).toBeGreaterThan(5);
    },
  );

  it.each(['dispatch', 'reconcile'] as const)(
    'keeps zod out of the %s bundle (its environment and wake-ups are checked by plain code)',
    (name) => {
      const sources = bundledSources(bundleDirs[name]);
      expect(sources.filter((source) => source.includes('node_modules/zod/'))).toEqual([]);
    },
  );

  it.each(names)(
    'keeps undici out of the %s bundle and ships it where the HTTP transport requires it',
    async (name) => {
      const bundle = join(bundleDirs[name], 'index.mjs');
      const sources = bundledSources(bundleDirs[name]);
      expect(sources.filter((source) => source.includes('node_modules/undici'))).toEqual([]);
      const entry = createRequire(bundle).resolve('undici');
      expect(entry.startsWith(bundleDirs[name])).toBe(true);
      // Loaded as the transport loads it, with no project node_modules in reach: one request
      // through its Agent to a local server proves the shipped copy works, not only resolves.
      const { stdout } = await run(
        process.execPath,
        [
          '-e',
          `const { Agent, request } = require(${JSON.stringify(entry)});
const server = require('node:http').createServer((_, res) => res.end('pong')).listen(0, '127.0.0.1', async () => {
  const agent = new Agent();
  const response = await request('http://127.0.0.1:' + server.address().port + '/', { dispatcher: agent });
  process.stdout.write(response.statusCode + ' ' + (await response.body.text()));
  await agent.close();
  server.close();
});`,
        ],
        { env: { PATH: process.env.PATH } },
      );
      expect(stdout).toBe('200 pong');
    },
  );

  it('answers API Gateway (REST, v1) events for health, the docs and the console from the api bundle', async () => {
    const url = pathToFileURL(join(bundleDirs.api, 'index.mjs')).href;
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', invokeScript, url],
      {
        env: {
          PATH: process.env.PATH,
          ...deployedEnvironment,
          // /var/task/docs-assets in Lambda; here the same folder of the built bundle.
          AFTERVIEW_DOCS_ASSETS_DIR: join(bundleDirs.api, docsAssetsDirectory),
          AFTERVIEW_DASHBOARD_ASSETS_DIR: join(bundleDirs.api, dashboardAssetsDirectory),
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual([
      { path: '/health', status: 200, base64: false },
      { path: '/docs', status: 200, base64: false },
      { path: '/docs/assets/swagger-ui.css', status: 200, base64: false },
      { path: '/docs/assets/favicon-32x32.png', status: 200, base64: true },
      { path: '/openapi.json', status: 200, base64: false },
      { path: '/dashboard', status: 200, base64: false },
      { path: '/dashboard/assets/console.js', status: 200, base64: false },
    ]);
  });

  it('leaves the routes, classic zod, OpenAPI, the draft checker and the Scheduler client out of what the api init loads', () => {
    const atInit = initFiles(bundleDirs.api);
    expect(atInit).toContain('index.mjs');
    const initSources = sourcesOf(bundleDirs.api, atInit);
    const lazyOnly = [
      'node_modules/zod/',
      'node_modules/@hono/zod-openapi/',
      'node_modules/@asteasolutions/zod-to-openapi/',
      'node_modules/nspell/',
      'shared/http/routes/',
      'shared/http/openapi.ts',
      'shared/runtime/compose.ts',
      // Loaded by the first call that creates or deletes a schedule, not by read-only requests.
      'node_modules/@aws-sdk/client-scheduler/',
      'shared/scheduling/eventbridge-scheduler.ts',
    ];
    for (const part of lazyOnly) {
      expect(
        initSources.filter((source) => source.includes(part)),
        part,
      ).toEqual([]);
      // …yet shipped, in a chunk the first request imports.
      expect(
        bundledSources(bundleDirs.api).some((source) => source.includes(part)),
        part,
      ).toBe(true);
    }
    expect(
      initSources.some((source) => source.includes('node_modules/@aws-sdk/client-dynamodb/')),
    ).toBe(true);
  });

  it('ships zod with its English messages only (infra/build-lambda.ts)', () => {
    const locales = bundledSources(bundleDirs.api)
      .map((source) => /node_modules\/zod\/v4\/locales\/([^/]+)\.js$/.exec(source)?.[1])
      .filter((locale) => locale !== undefined);
    expect([...new Set(locales)].sort()).toEqual(['en', 'index']);
  });

  describe('the api bundle, each request the first of a fresh execution environment', () => {
    const apiKey = `afv_${'b'.repeat(32)}`;
    let stop: () => Promise<void>;
    let environment: Record<string, string>;
    let store: DynamoStore;
    let tenantId: string;

    beforeAll(async () => {
      const dynalite = await startDynalite();
      const emulator = await startSchedulerEmulator({
        clock: new SandboxClock(systemClock),
        realTimeIntervalMs: 0,
        invoke: async () => {},
      });
      stop = async () => {
        await emulator.close();
        await dynalite.close();
      };
      const dynamo = createDynamoClient(dynalite.endpoint);
      await ensureTable(dynamo, deployedEnvironment.AFTERVIEW_TABLE_NAME);
      const scheduler = new SchedulerClient({
        endpoint: emulator.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await ensureScheduleGroup(scheduler, deployedEnvironment.AFTERVIEW_SCHEDULE_GROUP);
      store = new DynamoStore({
        client: dynamo,
        tableName: deployedEnvironment.AFTERVIEW_TABLE_NAME,
      });
      ({ tenantId } = await new TenantService({ store, clock: systemClock }).createTenant(
        'Bundle test',
        { apiKey },
      ));
      environment = {
        PATH: process.env.PATH ?? '',
        ...deployedEnvironment,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        // The SDK's service-specific endpoint variables: the bundled clients, unchanged, talk
        // to dynalite and the Scheduler emulator.
        AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
        AWS_ENDPOINT_URL_SCHEDULER: emulator.url,
        AFTERVIEW_DOCS_ASSETS_DIR: join(bundleDirs.api, docsAssetsDirectory),
        AFTERVIEW_DASHBOARD_ASSETS_DIR: join(bundleDirs.api, dashboardAssetsDirectory),
      };
    }, 60_000);

    afterAll(async () => {
      await stop?.();
    });

    async function firstRequest(request: {
      method: string;
      path: string;
      body?: unknown;
      authenticated?: boolean;
    }): Promise<{ status: number; body: string }> {
      const url = pathToFileURL(join(bundleDirs.api, 'index.mjs')).href;
      const headers = request.authenticated ? { Authorization: `Bearer ${apiKey}` } : {};
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          firstRequestScript,
          url,
          JSON.stringify({ ...request, headers }),
        ],
        { env: environment },
      );
      return JSON.parse(stdout) as { status: number; body: string };
    }

    const tomorrow = () => Temporal.Now.instant().round('second').add({ hours: 24 });
    const upcomingInterview = (externalId: string) =>
      interviewInput({
        externalId,
        startsAt: tomorrow().toString(),
        endsAt: tomorrow().add({ hours: 1 }).toString(),
        nextSteps: {
          decisionExpectedBy: tomorrow()
            .add({ hours: 24 * 10 })
            .toString()
            .slice(0, 10),
        },
      });

    it('serves /health', async () => {
      const response = await firstRequest({ method: 'GET', path: '/health' });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ status: 'ok' });
    });

    it('serves the docs page and the OpenAPI document', async () => {
      const docs = await firstRequest({ method: 'GET', path: '/docs' });
      expect(docs.status).toBe(200);
      expect(docs.body).toContain('swagger-ui');
      const openapi = await firstRequest({ method: 'GET', path: '/openapi.json' });
      expect(openapi.status).toBe(200);
      expect(JSON.parse(openapi.body).paths).toHaveProperty(['/v1/interviews']);
    });

    it('checks a draft (the spelling dictionary loads from the bundle)', async () => {
      const response = await firstRequest({
        method: 'POST',
        path: '/v1/drafts/check',
        authenticated: true,
        body: { text: 'Thank you for teh conversation yesterday.' },
      });
      expect(response.status).toBe(200);
      expect(JSON.stringify(JSON.parse(response.body).findings)).toContain('teh');
    });

    it("refuses an invalid body with zod's English messages", async () => {
      const response = await firstRequest({
        method: 'POST',
        path: '/v1/drafts/check',
        authenticated: true,
        body: { text: 42 },
      });
      expect(response.status).toBe(400);
      const problem = JSON.parse(response.body) as {
        errors: Array<{ path: string; message: string }>;
      };
      expect(problem.errors).toContainEqual(
        expect.objectContaining({
          path: 'text',
          message: expect.stringMatching(/expected string/i),
        }),
      );
    });

    it('previews a plan', async () => {
      const response = await firstRequest({
        method: 'POST',
        path: '/v1/plans/preview',
        authenticated: true,
        body: upcomingInterview('bundle-preview'),
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body).steps.length).toBeGreaterThan(0);
    });

    it('creates an interview (DynamoDB writes and Scheduler calls)', async () => {
      const response = await firstRequest({
        method: 'POST',
        path: '/v1/interviews',
        authenticated: true,
        body: upcomingInterview('bundle-create'),
      });
      expect(response.status).toBe(201);
      expect(JSON.parse(response.body).steps.length).toBeGreaterThan(0);
    });

    /** Runs the invocation; returns what it wrote to stdout before `done` (its EMF metrics). */
    async function invokeWorker(name: 'dispatch' | 'reconcile', event: unknown): Promise<string> {
      const url = pathToFileURL(join(bundleDirs[name], 'index.mjs')).href;
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', workerInvocationScript, url, JSON.stringify(event)],
        { env: environment },
      );
      expect(stdout.endsWith('done')).toBe(true);
      return stdout.slice(0, -'done'.length);
    }

    /** An interview created through the api bundle, its first step then made due in the past. */
    async function interviewWithDueStep(externalId: string, minutesAgo: number) {
      const response = await firstRequest({
        method: 'POST',
        path: '/v1/interviews',
        authenticated: true,
        body: upcomingInterview(externalId),
      });
      expect(response.status).toBe(201);
      const { id } = JSON.parse(response.body) as { id: string };
      const stored = await store.getInterview(tenantId, id);
      if (!stored) throw new Error('the created interview is not stored');
      const [first, ...rest] = stored.state.steps;
      if (!first) throw new Error('the created interview has no step');
      const dueAt = Temporal.Now.instant()
        .round('second')
        .subtract({ minutes: minutesAgo })
        .toString();
      await store.updateInterview(
        {
          ...stored,
          version: stored.version + 1,
          revision: (stored.revision ?? 0) + 1,
          state: { ...stored.state, steps: [{ ...first, dueAt }, ...rest] },
          nextDueAt: dueAt,
        },
        stored.version,
      );
      return { id, stepId: first.id, kind: first.kind };
    }

    // The built worker bundles end to end: due checks, event stamps, due-index reads, and the
    // delivery side that reconcile loads on its first delivery.
    it('fires a due step from the dispatch bundle: the step is claimed and its event recorded', async () => {
      const { id, stepId, kind } = await interviewWithDueStep('bundle-dispatch', 1);
      const metrics = await invokeWorker('dispatch', {
        kind: 'step',
        tenantId,
        interviewId: id,
        stepId,
      });
      expect(metrics).toContain('"StepsFired":1');
      const after = await store.getInterview(tenantId, id);
      expect(after?.state.steps.find((step) => step.id === stepId)?.status).toBe('due');
      const events = await store.listEvents(tenantId, { limit: 50 });
      const fired = events.items.find((event) => event.type === `followup.${kind}`);
      expect(fired).toMatchObject({ interviewId: id, data: { step: { id: stepId } } });
      expect(Temporal.Instant.from(fired?.timestamp ?? '').epochMilliseconds).toBeLessThanOrEqual(
        Date.now(),
      );
    });

    it('leaves a step that is not yet due alone (the dispatch bundle compares instants)', async () => {
      const created = await firstRequest({
        method: 'POST',
        path: '/v1/interviews',
        authenticated: true,
        body: upcomingInterview('bundle-early'),
      });
      const { id, steps } = JSON.parse(created.body) as {
        id: string;
        steps: Array<{ id: string }>;
      };
      const stepId = steps[0]?.id as string;
      const metrics = await invokeWorker('dispatch', {
        kind: 'step',
        tenantId,
        interviewId: id,
        stepId,
      });
      expect(metrics).not.toContain('StepsFired');
      const after = await store.getInterview(tenantId, id);
      expect(after?.state.steps.find((step) => step.id === stepId)?.status).toBe('scheduled');
    });

    it('dispatches an overdue step from the reconcile bundle', async () => {
      // Past the reconciler's one-minute grace, which leaves a just-due step to its schedule.
      const { id, stepId } = await interviewWithDueStep('bundle-reconcile', 5);
      const metrics = await invokeWorker('reconcile', {
        version: '0',
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        detail: {},
      });
      expect(metrics).toContain('"ReconcileFailures":0');
      const after = await store.getInterview(tenantId, id);
      expect(after?.state.steps.find((step) => step.id === stepId)?.status).toBe('due');
    });

    it('refuses a request without a key with the usual problem document', async () => {
      const response = await firstRequest({ method: 'GET', path: '/v1/interviews' });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ status: 401, code: expect.any(String) });
    });
  });

  it.each(names)(
    'loads the %s bundle in a fresh Node process and finds its handler',
    async (name) => {
      const url = pathToFileURL(join(bundleDirs[name], 'index.mjs')).href;
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          'const m = await import(process.argv[1]); process.stdout.write(typeof m.handler);',
          url,
        ],
        { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...deployedEnvironment } },
      );
      expect(stdout).toBe('function');
    },
  );
});
