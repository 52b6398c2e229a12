/**
 * The three Lambda entry points as AWS runs them: the environment the CDK stack writes, SDK
 * clients built from it (redirected to dynalite and the Scheduler emulator by the SDK's own
 * service-specific endpoint variables), and the event shapes AWS delivers: an API Gateway REST
 * (v1) proxy event, EventBridge Scheduler's `Input` for the dispatcher, and a bare scheduled
 * invocation for the reconciler.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataAccess } from '../../infra/data-access';
import { createDynamoClient, type RunningDynalite, startDynalite } from '../../local/dynalite';
import { SandboxClock } from '../../local/sandbox-clock';
import { type SchedulerEmulator, startSchedulerEmulator } from '../../local/scheduler-emulator';
import { planFollowUps } from '../../shared/domain';
import { defaultPolicy, interviewInputSchema } from '../../shared/domain/model';
import { newId } from '../../shared/ids';
import type { AwsEnvironment } from '../../shared/runtime/aws-config';
import { stepEventId } from '../../shared/scheduling/dispatcher';
import { ensureScheduleGroup } from '../../shared/scheduling/eventbridge-scheduler';
import { scheduleName } from '../../shared/scheduling/names';
import type { WakeupPayload } from '../../shared/scheduling/ports';
import { TenantService } from '../../shared/service/index';
import { nextDueAt } from '../../shared/service/interview-service';
import { DynamoStore } from '../../shared/store/dynamo-store';
import type { StoredInterview } from '../../shared/store/ports';
import { ensureTable } from '../../shared/store/table';
import { clientFor } from '../scheduling/scheduler-kit';
import { captureOutput } from '../support/output-capture';
import { interviewInput } from '../support/runtime';

const tableName = 'afterview-lambda-test';
const groupName = 'afterview-lambda';

type ApiHandler = (
  event: unknown,
  context: unknown,
) => Promise<{
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}>;

let dynalite: RunningDynalite;
let emulator: SchedulerEmulator;
let store: DynamoStore;
let apiHandler: ApiHandler;
let dispatchHandler: (event: unknown) => Promise<void>;
let reconcileHandler: (event: unknown) => Promise<void>;
let tenant: { tenantId: string; apiKey: string };
const invocations: unknown[] = [];

type FunctionName = keyof typeof dataAccess;
/** Which function's handler is running, so the AWS calls below can be put down to it. */
const runningFunction = new AsyncLocalStorage<FunctionName>();
/** The AWS actions each handler sent, as IAM names them (`dynamodb:BatchGetItem`, ...). */
const sentActions: Record<FunctionName, Set<string>> = {
  api: new Set(),
  dispatch: new Set(),
  reconcile: new Set(),
};

function recordActions(
  client: { prototype: { send: (...args: never[]) => unknown } },
  service: string,
) {
  const send = client.prototype.send;
  vi.spyOn(client.prototype, 'send').mockImplementation(function (this: unknown, ...args) {
    const running = runningFunction.getStore();
    const command = (args[0] as { constructor: { name: string } } | undefined)?.constructor.name;
    if (running && command)
      sentActions[running].add(`${service}:${command.replace(/Command$/, '')}`);
    return send.apply(this, args);
  });
}

function asFunction<A extends unknown[], R>(
  name: FunctionName,
  handler: (...args: A) => Promise<R>,
) {
  return (...args: A) => runningFunction.run(name, () => handler(...args));
}

beforeAll(async () => {
  dynalite = await startDynalite();
  const client = createDynamoClient(dynalite.endpoint);
  await ensureTable(client, tableName);
  client.destroy();
  emulator = await startSchedulerEmulator({
    clock: new SandboxClock(),
    realTimeIntervalMs: 0,
    // Scheduler hands a Lambda target its Input parsed: the event is the JSON object.
    invoke: async ({ input }) => {
      invocations.push(JSON.parse(input));
      await dispatchHandler(JSON.parse(input));
    },
  });
  const scheduler = clientFor(emulator.url);
  await ensureScheduleGroup(scheduler, groupName);
  scheduler.destroy();

  const environment: AwsEnvironment = {
    AFTERVIEW_TABLE_NAME: tableName,
    AFTERVIEW_SCHEDULE_GROUP: groupName,
    AFTERVIEW_DISPATCH_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:dispatch',
    AFTERVIEW_SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
    AFTERVIEW_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:schedule-dlq',
    AFTERVIEW_STAGE: 'test',
    // debug: the per-request completion line is what shows a request's ids end to end.
    AFTERVIEW_LOG_LEVEL: 'debug',
  };
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  // What a Lambda execution environment provides, plus the SDK's per-service endpoint
  // overrides (supported by @aws-sdk v3 since 3.4xx) aiming the unmodified clients at the
  // local stand-ins.
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynalite.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_SCHEDULER', emulator.url);

  recordActions(DynamoDBClient, 'dynamodb');
  recordActions(SchedulerClient, 'scheduler');
  apiHandler = asFunction(
    'api',
    (await import('../../functions/api')).handler as unknown as ApiHandler,
  );
  dispatchHandler = asFunction('dispatch', (await import('../../functions/dispatch')).handler);
  reconcileHandler = asFunction('reconcile', (await import('../../functions/reconcile')).handler);

  const storeClient = createDynamoClient(dynalite.endpoint);
  store = new DynamoStore({ client: storeClient, tableName });
  tenant = await new TenantService({ store, clock: new SandboxClock() }).createTenant('Lambda');
  // A subscribed endpoint, so dispatches fan out and write delivery records; disabled, so no
  // delivery leaves this machine.
  const now = new Date().toISOString();
  await store.createEndpoint({
    tenantId: tenant.tenantId,
    id: newId('whe', Date.now()),
    url: 'https://hooks.example.com/afterview',
    enabled: false,
    secrets: [{ secret: 'whsec_bGFtYmRhLWhhbmRsZXJzLXRlc3Qtc2VjcmV0', createdAt: now }],
    lastSuccessAt: now,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await emulator?.close();
  await dynalite?.close();
});

/** An API Gateway REST API (v1) proxy integration event, as the `{proxy+}` resource sends it. */
function restApiEvent(method: string, path: string, options: { body?: unknown; apiKey?: string }) {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'User-Agent': 'ats-integration/1.0',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Proto': 'https',
    ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
    ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
  };
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, [value]]),
    ),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc123',
      resourceId: 'r1',
      resourcePath: '/{proxy+}',
      httpMethod: method,
      path: `/test${path}`,
      stage: 'test',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: Date.now(),
      protocol: 'HTTP/1.1',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      identity: { sourceIp: '203.0.113.7', userAgent: 'ats-integration/1.0' },
    },
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
  };
}

const lambdaContext = {
  functionName: 'afterview-api',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  getRemainingTimeInMillis: () => 29_000,
};

/** Stores an active interview planned `daysAgo` days ago, so its steps are overdue now. */
async function storeOverdueInterview(daysAgo: number): Promise<StoredInterview> {
  const planned = Temporal.Now.instant().subtract({ hours: 24 * daysAgo });
  const input = interviewInputSchema.parse(interviewInput(planned));
  const steps = planFollowUps(input, defaultPolicy, planned);
  const at = planned.toString();
  const interview: StoredInterview = {
    tenantId: tenant.tenantId,
    id: newId('int', planned.epochMilliseconds),
    version: 1,
    createdAt: at,
    updatedAt: at,
    state: { input, status: 'active', steps },
    eventSequence: 1,
    nextDueAt: nextDueAt(steps) as string,
  };
  await store.createInterview(interview);
  return interview;
}

describe('functions/api behind API Gateway (REST, v1 proxy events)', () => {
  it('answers GET /health; the first invocation logs as a cold start', async () => {
    const output = captureOutput();
    const response = await apiHandler(restApiEvent('GET', '/health', {}), lambdaContext);
    output.restore();
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).toBe(false);
    expect(output.logs('Request completed')).toEqual([
      expect.objectContaining({ cold_start: true, function_name: 'afterview-api' }),
    ]);
  });

  it('creates an interview in DynamoDB and its wake-ups in EventBridge Scheduler', async () => {
    const body = interviewInput(Temporal.Now.instant());
    const response = await apiHandler(
      restApiEvent('POST', '/v1/interviews', { body, apiKey: tenant.apiKey }),
      lambdaContext,
    );
    expect(response.statusCode).toBe(201);
    const created = JSON.parse(response.body) as { id: string; steps: Array<{ id: string }> };
    expect(await store.getInterview(tenant.tenantId, created.id)).toBeDefined();

    const scheduler = clientFor(emulator.url);
    const listed = await scheduler.send(
      new ListSchedulesCommand({ GroupName: groupName, NamePrefix: 'step-' }),
    );
    scheduler.destroy();
    const names = new Set((listed.Schedules ?? []).map((schedule) => schedule.Name));
    // Each wake-up carries the retry policy and dead-letter queue the stack chose.
    const reader = clientFor(emulator.url);
    const first = await reader.send(
      new GetScheduleCommand({ GroupName: groupName, Name: [...names][0] }),
    );
    reader.destroy();
    expect(first.Target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:schedule-dlq' },
    });
    for (const step of created.steps) {
      expect(names).toContain(
        scheduleName({
          kind: 'step',
          tenantId: tenant.tenantId,
          interviewId: created.id,
          stepId: step.id,
        }),
      );
    }
  });

  it("carries API Gateway's request id into X-Request-Id and the request's log lines", async () => {
    const event = restApiEvent('GET', '/v1/interviews', { apiKey: tenant.apiKey });
    event.requestContext.requestId = 'f0e1d2c3-api-gateway-request';
    event.headers['X-Request-Id'] = 'caller-chosen-id';
    const output = captureOutput();
    const response = await apiHandler(event, {
      ...lambdaContext,
      awsRequestId: '9a8b7c6d-lambda-invocation',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:afterview-api',
    });
    output.restore();

    expect(response.statusCode).toBe(200);
    expect(response.multiValueHeaders?.['x-request-id']).toEqual(['f0e1d2c3-api-gateway-request']);
    expect(output.logs('Request completed')).toEqual([
      expect.objectContaining({
        level: 'DEBUG',
        service: 'afterview-test',
        requestId: 'f0e1d2c3-api-gateway-request',
        clientRequestId: 'caller-chosen-id',
        function_request_id: '9a8b7c6d-lambda-invocation',
        cold_start: false,
        tenantId: tenant.tenantId,
        method: 'GET',
        path: '/v1/interviews',
        status: 200,
      }),
    ]);
    // The key authenticated the request, yet it appears in no line.
    expect(output.lines().join('\n')).not.toContain(tenant.apiKey);
  });

  it('refuses a request without a key with a problem document', async () => {
    const response = await apiHandler(
      restApiEvent('POST', '/v1/interviews', { body: {} }),
      lambdaContext,
    );
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ status: 401 });
  });
});

describe('functions/dispatch with EventBridge Scheduler input', () => {
  it('marks an overdue step due and records its event once', async () => {
    const interview = await storeOverdueInterview(90);
    const step = interview.state.steps[0];
    if (!step) throw new Error('no steps planned');
    const payload: WakeupPayload = {
      kind: 'step',
      tenantId: tenant.tenantId,
      interviewId: interview.id,
      stepId: step.id,
    };
    const output = captureOutput();
    await dispatchHandler({ ...payload });
    output.restore();
    await dispatchHandler({ ...payload });
    // The wake-up's ids are on its log lines, next to the Lambda context.
    expect(output.logs('Wake-up handled')).toEqual([
      expect.objectContaining({
        service: 'afterview-test',
        wakeup: 'step',
        tenantId: tenant.tenantId,
        interviewId: interview.id,
        stepId: step.id,
      }),
    ]);
    // The invocation ends with its metrics written as one EMF line. The claim took every step
    // due at that instant: the fixture's two thank-yous.
    const dueTogether = interview.state.steps.filter((s) => s.dueAt === step.dueAt);
    expect(dueTogether.map((s) => s.kind)).toEqual(['thank_you', 'thank_you']);
    expect(output.emf()).toEqual([
      expect.objectContaining({ service: 'afterview-test', StepsFired: 2 }),
    ]);

    const stored = await store.getInterview(tenant.tenantId, interview.id);
    expect(stored?.state.steps.find((s) => s.id === step.id)?.status).toBe('due');
    expect(stored?.version).toBe(2);
    const event = await store.getEvent(
      tenant.tenantId,
      stepEventId(tenant.tenantId, interview.id, step.id),
    );
    expect(event).toMatchObject({ type: `followup.${step.kind}`, interviewId: interview.id });
    for (const other of dueTogether) {
      expect(stored?.state.steps.find((s) => s.id === other.id)?.status).toBe('due');
      expect(
        await store.getEvent(tenant.tenantId, stepEventId(tenant.tenantId, interview.id, other.id)),
      ).toBeDefined();
    }
  });

  it('does nothing when woken before the step is due (the emulator fires it early here)', async () => {
    const response = await apiHandler(
      restApiEvent('POST', '/v1/interviews', {
        body: interviewInput(Temporal.Now.instant()),
        apiKey: tenant.apiKey,
      }),
      lambdaContext,
    );
    const created = JSON.parse(response.body) as { id: string };
    const before = await store.getInterview(tenant.tenantId, created.id);
    // The emulator's clock runs ahead of the Lambda's: its schedules fire, the step is not due.
    const invokedBefore = invocations.length;
    await emulator.advanceTo(Temporal.Now.instant().add({ hours: 24 * 3 }));
    expect(invocations.slice(invokedBefore)).toContainEqual(
      expect.objectContaining({ kind: 'step', interviewId: created.id }),
    );
    expect(await store.getInterview(tenant.tenantId, created.id)).toEqual(before);
  });

  it('disables an endpoint whose failure streak is still open when its 5-day wake-up fires', async () => {
    const failingSince = Temporal.Now.instant()
      .subtract({ hours: 5 * 24 })
      .toString();
    const now = new Date().toISOString();
    const endpointId = newId('whe', Date.now());
    // Enabled and failing, on an unroutable URL (nothing is sent: the wake-up only disables it
    // and tells the tenant's other endpoints, here a disabled one).
    await store.createEndpoint({
      tenantId: tenant.tenantId,
      id: endpointId,
      url: 'https://failing.example.com/afterview',
      enabled: true,
      secrets: [{ secret: 'whsec_bGFtYmRhLWhhbmRsZXJzLXRlc3Qtc2VjcmV0', createdAt: now }],
      firstFailureAt: failingSince,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    const payload: WakeupPayload = {
      kind: 'endpoint',
      tenantId: tenant.tenantId,
      endpointId,
      failingSince,
    };
    const output = captureOutput();
    await dispatchHandler(JSON.parse(JSON.stringify(payload)));
    output.restore();
    expect(output.logs('Wake-up handled')).toEqual([
      expect.objectContaining({ wakeup: 'endpoint', tenantId: tenant.tenantId, endpointId }),
    ]);
    expect(await store.getEndpoint(tenant.tenantId, endpointId)).toMatchObject({
      enabled: false,
      disabledReason: 'No successful delivery for 5 days',
      version: 2,
    });
    const notices = await store.listEvents(tenant.tenantId, {
      limit: 10,
      type: 'webhook_endpoint.disabled',
    });
    expect(notices.items.map((event) => event.data)).toContainEqual(
      expect.objectContaining({ endpointId }),
    );
  });

  it.each([
    ['an empty object', {}],
    ['a step without ids', { kind: 'step' }],
    ['an unknown kind', { kind: 'nudge', tenantId: 't', interviewId: 'i', stepId: 's' }],
    ['a string that is not JSON', 'not json'],
    ['null', null],
  ])('drops %s with a log line instead of failing (a retry cannot fix it)', async (_, event) => {
    const output = captureOutput();
    await expect(dispatchHandler(event)).resolves.toBeUndefined();
    output.restore();
    expect(output.logs()).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'Dropped a malformed wake-up' }),
    ]);
  });
});

describe('functions/reconcile on its recurring schedule', () => {
  it('dispatches overdue steps whose wake-ups were lost, and logs its report', async () => {
    const interview = await storeOverdueInterview(120);
    const output = captureOutput();
    await reconcileHandler({});
    output.restore();
    const [report] = output.logs('Reconcile sweep');
    expect(report).toMatchObject({ level: 'INFO', failures: 0 });
    expect(report?.overdueDispatched).toBeGreaterThanOrEqual(interview.state.steps.length);

    const stored = await store.getInterview(tenant.tenantId, interview.id);
    expect(stored?.state.steps.every((step) => step.status === 'due')).toBe(true);
    expect(stored?.state).toMatchObject({ status: 'closed', closedReason: 'exhausted' });
    expect(stored?.nextDueAt).toBeUndefined();
    for (const step of interview.state.steps) {
      expect(
        await store.getEvent(tenant.tenantId, stepEventId(tenant.tenantId, interview.id, step.id)),
      ).toBeDefined();
    }
  });
});

describe('IAM grants (infra/data-access.ts) against what the handlers sent', () => {
  // Runs after the tests above, which fan out to an endpoint, create schedules and sweep; the
  // event list reads its page of keys from an index, then the items. A call the role lacks
  // fails only on AWS.
  beforeAll(async () => {
    const events = await apiHandler(
      restApiEvent('GET', '/v1/events', { apiKey: tenant.apiKey }),
      lambdaContext,
    );
    expect(events.statusCode).toBe(200);
    expect(JSON.parse(events.body).data.length).toBeGreaterThan(0);
  });

  it.each(['api', 'dispatch', 'reconcile'] as const)(
    '%s sent only DynamoDB and Scheduler actions its role is granted',
    (name) => {
      const sent = [...sentActions[name]];
      expect(sent.length).toBeGreaterThan(0);
      const granted = new Set<string>([
        ...dataAccess[name].tableActions,
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
      ]);
      expect(sent.filter((action) => !granted.has(action))).toEqual([]);
    },
  );

  it('saw the batch calls the list and fan-out paths make', () => {
    expect([...sentActions.api]).toContain('dynamodb:BatchGetItem');
    expect([...sentActions.dispatch]).toContain('dynamodb:BatchWriteItem');
    expect([...sentActions.reconcile]).toContain('dynamodb:BatchWriteItem');
  });
});
