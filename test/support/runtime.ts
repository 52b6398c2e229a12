/**
 * The local runtime as `npm start` runs it (dynalite, the Scheduler emulator, the dispatcher,
 * real HTTP webhooks), started in-process on free ports with the background timers off, so a
 * test moves time only through the sandbox clock. Plus a real webhook receiver on 127.0.0.1
 * that records every delivery. One runtime per test file.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetScheduleCommand,
  ListSchedulesCommand,
  type SchedulerClient,
  type ScheduleSummary,
} from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  quietRuntimeOptions,
  startLocalRuntime,
} from '../../local/runtime';
import { parseWakeupPayload } from '../../shared/scheduling/payload';
import type { WakeupPayload } from '../../shared/scheduling/ports';
import { startHttpReceiver } from './http-receiver';
import { ErrorRecordingLogger } from './loggers';

/** The schedule group the local runtime keeps every wake-up in. */
const localScheduleGroup = 'afterview';

// ---------------------------------------------------------------------------------------------
// Fault injection through the SDK's own seam

/** Decides, per SDK call, whether it fails and with what; undefined lets it through. */
export type FaultPlan = (commandName: string, input: Record<string, unknown>) => Error | undefined;

/**
 * Adds a middleware at the `initialize` step of `client`, above the SDK's retry layer, so an
 * injected error reaches the calling code as if every SDK retry had failed. Returns the function
 * that removes it.
 */
export function injectFaults(
  client: SchedulerClient | DynamoDBClient,
  name: string,
  plan: FaultPlan,
): () => void {
  // Both stacks take the same middleware shape; their generic parameters differ only in types.
  const stack = client.middlewareStack as unknown as SchedulerClient['middlewareStack'];
  stack.add(
    (next, context) => async (args) => {
      const error = plan(context.commandName ?? '', args.input as Record<string, unknown>);
      if (error) throw error;
      return next(args);
    },
    { step: 'initialize', name, override: true },
  );
  return () => {
    stack.remove(name);
  };
}

/** An error shaped like the SDK's service exceptions (name, fault, HTTP status). */
export function awsError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

/** A small seeded PRNG (mulberry32), so a "random" fault pattern is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Webhook receiver

export interface ReceivedDelivery {
  /** The `webhook-id` header: the event id. */
  id: string;
  type: string;
  headers: Record<string, string>;
  body: string;
  /** The status this receiver answered. */
  status: number;
}

/** Decides the status of the n-th request (1-based); 200 when absent. */
export type ReceiverReply = (n: number, delivery: Omit<ReceivedDelivery, 'status'>) => number;

export interface WebhookReceiver {
  url: string;
  deliveries: ReceivedDelivery[];
  reply: ReceiverReply;
  /** Ids of the deliveries answered with a 2xx. */
  acceptedIds(): string[];
  close(): Promise<void>;
}

/** A real HTTP receiver on a free loopback port, answering per `reply`. */
export async function startWebhookReceiver(
  reply: ReceiverReply = () => 200,
): Promise<WebhookReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  const server = await startHttpReceiver(({ headers, body }, res) => {
    let type = '';
    try {
      type = String((JSON.parse(body) as { type?: unknown }).type ?? '');
    } catch {
      // Left empty: the assertion on the body will say what went wrong.
    }
    const received = { id: headers['webhook-id'] ?? '', type, headers, body };
    const status = receiver.reply(deliveries.length + 1, received);
    deliveries.push({ ...received, status });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
  });
  const receiver: WebhookReceiver = {
    url: server.url,
    deliveries,
    reply,
    acceptedIds: () => deliveries.filter((d) => d.status >= 200 && d.status < 300).map((d) => d.id),
    close: server.close,
  };
  return receiver;
}

// ---------------------------------------------------------------------------------------------
// Runtime

interface ApiResult<T> {
  status: number;
  body: T;
}

/** A whole answer: status, headers, the body parsed (undefined when empty) and its text. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON loosely by design
  body: any;
  text: string;
}

/** A step as the API returns it (only what the tests read). */
interface ApiStep {
  id: string;
  kind: string;
  status: string;
  dueAt: string;
}

export interface ApiInterview {
  id: string;
  status: string;
  closedReason?: string;
  steps: ApiStep[];
}

interface ApiEvent {
  id: string;
  type: string;
  timestamp: string;
  interviewId?: string;
  data: { sequence?: number; step?: { id: string; dueAt: string } };
}

/** A wake-up schedule as ListSchedules + GetSchedule show it. */
interface ScheduleView {
  name: string;
  expression: string;
  payload: WakeupPayload | undefined;
}

export interface TestRuntime {
  runtime: LocalRuntime;
  /** Errors the runtime logged (Scheduler failures after a write, sweep failures). */
  loggedErrors: Array<{ message: string; fields?: Record<string, unknown> }>;
  /** Calls the HTTP API with the development key; JSON in, JSON out. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON loosely by design
  api<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>>;
  /** Calls the HTTP API with the development key, `body` as JSON text and extra `headers`. */
  request(
    method: string,
    path: string,
    options?: { body?: string; headers?: Record<string, string> },
  ): Promise<ApiAnswer>;
  /** POST /v1/interviews with `interviewInput(now)` plus overrides; fails unless 201. */
  createInterview(overrides?: Record<string, unknown>): Promise<ApiInterview>;
  getInterview(id: string): Promise<ApiInterview>;
  /** Every `followup.*` event of the interview, in firing order (all pages). */
  stepEvents(interviewId: string): Promise<ApiEvent[]>;
  /**
   * What is wrong with the interview's firings so far, one line per problem: a step that fired
   * twice, before its time, or while not fired-able, a `due` step without its event, or a step
   * more than `graceMs` overdue that never fired. Empty when every due step fired exactly once.
   */
  firingProblems(interviewId: string, graceMs?: number): Promise<string[]>;
  /** Registers a webhook endpoint for `url`; returns its id. */
  addEndpoint(url: string, eventTypes?: string[]): Promise<string>;
  /**
   * Starts a webhook receiver answering per `reply` (200 when absent), registered as an endpoint
   * for `eventTypes` (every type when absent) and closed with the runtime.
   */
  addReceiver(reply?: ReceiverReply, eventTypes?: string[]): Promise<WebhookReceiver>;
  /** `POST /v1/sandbox/clock {to}`; resolves once everything due by then has run. */
  advanceTo(instant: Temporal.Instant | string): Promise<void>;
  /** Every wake-up in the group whose name starts with `prefix`, through the real SDK client. */
  wakeups(prefix?: string): Promise<ScheduleView[]>;
  /** Every step wake-up in the group (`step-…`; delivery retries are `dlv-…`). */
  stepSchedules(): Promise<ScheduleView[]>;
  /** The step wake-ups whose payload names `interviewId`. */
  stepSchedulesOf(interviewId: string): Promise<ScheduleView[]>;
  close(): Promise<void>;
}

/**
 * A one-hour interview that ended at `end` (usually the runtime clock's now, so every step lies
 * ahead), with one interviewer reachable by email and one only on LinkedIn.
 */
export function interviewInput(
  end: Temporal.Instant,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'video',
    startsAt: end.subtract({ hours: 1 }).toString(),
    endsAt: end.toString(),
    timeZone: 'America/New_York',
    interviewers: [
      {
        name: 'Priya Raman',
        email: 'priya@northwind.example',
        topics: ['event sourcing'],
      },
      {
        name: 'Marco Ortiz',
        linkedinUrl: 'https://www.linkedin.com/in/marco-ortiz',
        topics: ['on-call rotations'],
      },
    ],
    ...overrides,
  };
}

/**
 * Starts the local runtime in memory (or on `dataDir`) on free ports, with the reconciler
 * timer and the real-time ticker off: time moves only when a test advances the sandbox clock.
 */
export async function startTestRuntime(
  options: Partial<LocalRuntimeOptions> = {},
): Promise<TestRuntime> {
  const logger = new ErrorRecordingLogger();
  const loggedErrors = logger.errors;
  const runtime = await startLocalRuntime(
    quietRuntimeOptions({ attemptTimeoutMs: 2000, logger, ...options }),
  );

  async function request(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer> {
    const { body, headers } = options;
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${runtime.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const answer = await request(
      method,
      path,
      body === undefined ? {} : { body: JSON.stringify(body) },
    );
    return { status: answer.status, body: answer.body as T };
  }

  const receivers: WebhookReceiver[] = [];

  async function expectOk<T>(result: Promise<ApiResult<T>>, status: number): Promise<T> {
    const { status: actual, body } = await result;
    if (actual !== status) {
      throw new Error(`expected HTTP ${status}, got ${actual}: ${JSON.stringify(body)}`);
    }
    return body;
  }

  async function addEndpoint(url: string, eventTypes?: string[]): Promise<string> {
    const created = await expectOk(
      api<{ id: string }>('POST', '/v1/webhook-endpoints', {
        url,
        ...(eventTypes ? { eventTypes } : {}),
      }),
      201,
    );
    return created.id;
  }

  async function stepEvents(interviewId: string): Promise<ApiEvent[]> {
    const events: ApiEvent[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ interviewId, limit: '100' });
      if (cursor) query.set('cursor', cursor);
      const page = await expectOk(
        api<{ data: ApiEvent[]; nextCursor?: string }>('GET', `/v1/events?${query}`),
        200,
      );
      events.push(...page.data.filter((event) => event.type.startsWith('followup.')));
      cursor = page.nextCursor;
    } while (cursor);
    return events.sort((a, b) => (a.data.sequence ?? 0) - (b.data.sequence ?? 0));
  }

  async function wakeups(prefix = ''): Promise<ScheduleView[]> {
    const summaries: ScheduleSummary[] = [];
    let token: string | undefined;
    do {
      const page = await runtime.schedulerClient.send(
        new ListSchedulesCommand({
          GroupName: localScheduleGroup,
          ...(prefix ? { NamePrefix: prefix } : {}),
          ...(token ? { NextToken: token } : {}),
        }),
      );
      summaries.push(...(page.Schedules ?? []));
      token = page.NextToken;
    } while (token);
    return Promise.all(
      summaries.map(async (summary) => {
        const schedule = await runtime.schedulerClient.send(
          new GetScheduleCommand({ Name: summary.Name, GroupName: localScheduleGroup }),
        );
        return {
          name: summary.Name ?? '',
          expression: schedule.ScheduleExpression ?? '',
          payload: parseWakeupPayload(schedule.Target?.Input),
        };
      }),
    );
  }

  return {
    runtime,
    loggedErrors,
    api,
    request,
    createInterview: (overrides = {}) =>
      expectOk(
        api<ApiInterview>('POST', '/v1/interviews', interviewInput(runtime.clock.now(), overrides)),
        201,
      ),
    getInterview: (id) => expectOk(api<ApiInterview>('GET', `/v1/interviews/${id}`), 200),
    stepEvents,
    async firingProblems(interviewId, graceMs = 60_000) {
      const interview = await expectOk(
        api<ApiInterview>('GET', `/v1/interviews/${interviewId}`),
        200,
      );
      const events = await stepEvents(interviewId);
      const overdueBefore = runtime.clock.now().subtract({ milliseconds: graceMs });
      const problems: string[] = [];
      for (const event of events) {
        if (!interview.steps.some((step) => step.id === event.data.step?.id)) {
          problems.push(`event ${event.id} names no step of the interview`);
        }
      }
      for (const step of interview.steps) {
        const label = `${step.kind} ${step.id} due ${step.dueAt} (${step.status})`;
        const fired = events.filter((event) => event.data.step?.id === step.id);
        if (fired.length > 1) problems.push(`${label} fired ${fired.length} times`);
        for (const event of fired) {
          if (Temporal.Instant.compare(event.timestamp, step.dueAt) < 0) {
            problems.push(`${label} fired early, at ${event.timestamp}`);
          }
        }
        if (fired.length > 0 && (step.status === 'scheduled' || step.status === 'cancelled')) {
          problems.push(`${label} has an event`);
        }
        if (fired.length === 0 && step.status === 'due') problems.push(`${label} has no event`);
        if (
          step.status === 'scheduled' &&
          Temporal.Instant.compare(step.dueAt, overdueBefore) <= 0
        ) {
          problems.push(`${label} is overdue and never fired`);
        }
      }
      return problems;
    },
    addEndpoint,
    async addReceiver(reply, eventTypes) {
      const receiver = await startWebhookReceiver(reply);
      receivers.push(receiver);
      await addEndpoint(receiver.url, eventTypes);
      return receiver;
    },
    async advanceTo(instant) {
      await expectOk(api('POST', '/v1/sandbox/clock', { to: instant.toString() }), 200);
    },
    wakeups,
    stepSchedules: () => wakeups('step-'),
    async stepSchedulesOf(interviewId) {
      const all = await wakeups('step-');
      return all.filter(
        (view) => view.payload?.kind === 'step' && view.payload.interviewId === interviewId,
      );
    },
    async close() {
      await runtime.close();
      await Promise.all(receivers.map((receiver) => receiver.close()));
    },
  };
}
