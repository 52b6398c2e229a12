/**
 * The delivery pipeline as the local runtime runs it: dynalite, the DynamoDB store, the Scheduler
 * emulator reached through the production EventBridge adapter, the dispatcher, the undici
 * transport, and real HTTP receivers on 127.0.0.1. The runtime clock is frozen and moves only
 * when the emulator advances it, so retry times are exact.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { startLocalScheduler, startLocalStore } from '../../local/adapters';
import { SandboxClock } from '../../local/sandbox-clock';
import type { SchedulerEmulator } from '../../local/scheduler-emulator';
import { FixedClock } from '../../shared/clock';
import type { Step } from '../../shared/domain/model';
import { newId } from '../../shared/ids';
import { composeWebhooks } from '../../shared/runtime/compose';
import { composeWorker, type WorkerAdapters } from '../../shared/runtime/compose-worker';
import type { EventBridgeWakeupScheduler } from '../../shared/scheduling/eventbridge-scheduler';
import { scheduleName } from '../../shared/scheduling/names';
import type { WakeupHandler, WakeupPayload } from '../../shared/scheduling/ports';
import type { DynamoStore } from '../../shared/store/dynamo-store';
import type { Store } from '../../shared/store/ports';
import { DeliveryService } from '../../shared/webhooks/delivery';
import { HttpWebhookTransport } from '../../shared/webhooks/http-transport';
import type { WebhookServices } from '../../shared/webhooks/index';
import type { WebhookTransport } from '../../shared/webhooks/ports';
import { startHttpReceiver } from '../support/http-receiver';
import { storedInput, storedInterview } from '../support/interview-fixtures';
import { ErrorRecordingLogger } from '../support/loggers';

interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Hold the response this long (the sender's timeout usually cuts it first). */
  delayMs?: number;
}

/** How a receiver answers its n-th request (1-based). */
export type Behaviour = (n: number, request: ReceivedRequest) => Reply;

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  behaviour: Behaviour;
  /** Requests whose connection the sender closed before an answer (timeouts). */
  abandoned: number;
  close(): Promise<void>;
}

export const alwaysOk: Behaviour = () => ({ status: 200, body: 'ok' });

/** A real HTTP receiver on a free loopback port. */
export async function startReceiver(behaviour: Behaviour = alwaysOk): Promise<Receiver> {
  const server = await startHttpReceiver(({ headers, body }, res) => {
    const request = { headers, body };
    receiver.requests.push(request);
    const reply = receiver.behaviour(receiver.requests.length, request);
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    };
    if (reply.delayMs) {
      const timer = setTimeout(answer, reply.delayMs);
      res.on('close', () => {
        if (!res.writableFinished) {
          receiver.abandoned++;
          clearTimeout(timer);
        }
      });
    } else answer();
  });
  const receiver: Receiver = {
    url: server.url,
    requests: [],
    behaviour,
    abandoned: 0,
    close: server.close,
  };
  return receiver;
}

const harnessStart = Temporal.Instant.from('2030-01-07T09:00:00Z');

export interface DeliveryHarness {
  store: DynamoStore;
  /** The table's own client and name, for tests that write items raw. */
  client: DynamoDBClient;
  tableName: string;
  clock: SandboxClock;
  emulator: SchedulerEmulator;
  scheduler: EventBridgeWakeupScheduler;
  webhooks: WebhookServices;
  dispatch: WakeupHandler;
  transport: HttpWebhookTransport;
  errors: Array<{ message: string; fields?: Record<string, unknown> }>;
  /** A tenant id nobody else uses, so tests in one file stay apart. */
  newTenant(): string;
  /** Stores an active interview whose single step is due at `dueAt`, and schedules its wake-up. */
  scheduleStep(tenantId: string, dueAt: Temporal.Instant, step?: Partial<Step>): Promise<StepRef>;
  /** Advances the runtime clock by `ms`, firing every wake-up due on the way. */
  advanceBy(ms: number): Promise<void>;
  /** The names of the wake-ups in the group starting with `prefix`, through the SDK client. */
  wakeupNames(prefix: string): Promise<string[]>;
  /**
   * A DeliveryService like the harness's own over its store with `faults` in place of some of
   * the store's methods: a write that fails, or half succeeds, where the test says; and, when
   * given, `transport` in place of the real one (an attempt the test holds, for instance).
   */
  deliveryWithFaults(faults: Partial<Store>, transport?: WebhookTransport): DeliveryService;
  close(): Promise<void>;
}

interface StepRef {
  tenantId: string;
  interviewId: string;
  stepId: string;
}

export interface HarnessOptions {
  attemptTimeoutMs?: number;
}

export async function startDeliveryHarness(options: HarnessOptions = {}): Promise<DeliveryHarness> {
  const clock = new SandboxClock(new FixedClock(harnessStart));
  const tableName = `afterview-dlv-${randomBytes(4).toString('hex')}`;
  const local = await startLocalStore({ tableName, clock });
  const { store } = local;
  const logger = new ErrorRecordingLogger();
  const errors = logger.errors;

  let dispatch: WakeupHandler = async () => {};
  const localScheduler = await startLocalScheduler({
    clock,
    realTimeIntervalMs: 0,
    invoke: ({ input }) => dispatch(JSON.parse(input) as WakeupPayload),
    groupName: 'afterview-test',
  });
  const { emulator, scheduler } = localScheduler;

  const transport = new HttpWebhookTransport({ allowHttp: true, allowLoopback: true });
  // The dispatch and reconcile Lambdas' composition, over the local adapters.
  const adapters: WorkerAdapters = {
    store,
    scheduler,
    transport,
    clock,
    urlPolicy: { allowHttp: true, allowLoopback: true },
    // Mid-window jitter: retries land exactly on the documented schedule.
    random: () => 0.5,
    logger,
    attemptTimeoutMs: options.attemptTimeoutMs,
  };
  const worker = composeWorker(adapters);
  const webhooks = composeWebhooks(adapters, worker.delivery);
  dispatch = worker.dispatch;

  async function scheduleStep(
    tenantId: string,
    dueAt: Temporal.Instant,
    overrides: Partial<Step> = {},
  ): Promise<StepRef> {
    const step: Step = {
      id: newId('stp', clock.now().epochMilliseconds),
      kind: 'thank_you',
      status: 'scheduled',
      round: 1,
      recipient: { name: 'Grace Hopper', email: 'grace@example.com', role: 'interviewer' },
      channel: 'email',
      dueAt: dueAt.toString(),
      timeZone: 'Europe/Berlin',
      localDueAt: dueAt.toZonedDateTimeISO('Europe/Berlin').toString({ timeZoneName: 'never' }),
      reason: 'ends 09:00 → send within the hour',
      draft: {
        subject: 'Thank you for today’s conversation',
        body: 'Dear Grace, thank you for walking me through the compiler team’s work. '.repeat(6),
      },
      ...overrides,
    };
    const interview = storedInterview(
      tenantId,
      clock.now(),
      {
        status: 'active',
        steps: [step],
        input: {
          ...storedInput,
          startsAt: '2030-01-07T07:00:00Z',
          endsAt: '2030-01-07T08:00:00Z',
          interviewers: [{ name: 'Grace Hopper', email: 'grace@example.com' }],
        },
      },
      { nextDueAt: step.dueAt },
    );
    const interviewId = interview.id;
    await store.createInterview(interview);
    const payload: WakeupPayload = { kind: 'step', tenantId, interviewId, stepId: step.id };
    await scheduler.schedule([{ name: scheduleName(payload), at: step.dueAt, payload }]);
    return { tenantId, interviewId, stepId: step.id };
  }

  return {
    store,
    client: local.client,
    tableName,
    clock,
    emulator,
    scheduler,
    webhooks,
    dispatch,
    transport,
    errors,
    newTenant: () => newId('ten', Date.now()),
    scheduleStep,
    async advanceBy(ms) {
      await emulator.advanceTo(clock.now().add({ milliseconds: ms }));
    },
    async wakeupNames(prefix) {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await localScheduler.client.send(
          new ListSchedulesCommand({
            GroupName: 'afterview-test',
            NamePrefix: prefix,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        names.push(...(page.Schedules ?? []).map((schedule) => schedule.Name ?? ''));
        token = page.NextToken;
      } while (token);
      return names;
    },
    deliveryWithFaults(faults, replacement) {
      const faulty = new Proxy(store, {
        get(target, property, receiver) {
          const fault = (faults as Record<PropertyKey, unknown>)[property];
          if (fault !== undefined) return fault;
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return new DeliveryService({
        store: faulty,
        scheduler,
        transport: replacement ?? transport,
        clock,
        logger,
      });
    },
    async close() {
      await localScheduler.close();
      await transport.close();
      await local.close();
    },
  };
}
