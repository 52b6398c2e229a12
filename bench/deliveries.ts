/**
 * Delivery throughput on the local runtime's own pieces: dynalite, the DynamoDB store, the
 * Scheduler emulator behind the production EventBridge adapter, the dispatcher and the undici
 * transport, delivering to real HTTP receivers on 127.0.0.1.
 *
 * N interviews each get one step due at the same instant T on the runtime clock. Setup happens
 * with the clock before T; then the clock jumps to T and every wake-up fires. Latency is the
 * runtime-clock time from T until a receiver has the request in hand.
 *
 * Usage: `npx tsx bench/deliveries.ts [events=1000] [receivers=3] [concurrency=64]`
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startLocalScheduler, startLocalStore } from '../local/adapters';
import { SandboxClock } from '../local/sandbox-clock';
import type { Step } from '../shared/domain/model';
import { newId } from '../shared/ids';
import { composeWebhooks } from '../shared/runtime/compose';
import { composeWorker, type WorkerAdapters } from '../shared/runtime/compose-worker';
import { scheduleName } from '../shared/scheduling/names';
import type { Wakeup, WakeupHandler, WakeupPayload } from '../shared/scheduling/ports';
import type { StoredInterview } from '../shared/store/ports';
import { HttpWebhookTransport } from '../shared/webhooks/http-transport';
import { saveResult } from './lib/quick';

/**
 * Errors only: a benchmark's output is its figures. (Attempt lines are debug-level anyway; this
 * keeps any info line the code might add later out of the output bench/run-all.ts reads.)
 */
const quietLogger = {
  info: () => {},
  error: (message: string, fields?: Record<string, unknown>) =>
    console.error(JSON.stringify({ level: 'error', message, ...fields })),
};

const [events = 1000, receiverCount = 3, concurrency = 64] = process.argv
  .slice(2)
  .map((arg) => Number(arg));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

async function main(): Promise<void> {
  const clock = new SandboxClock();
  const local = await startLocalStore({
    tableName: `afterview-bench-${randomBytes(4).toString('hex')}`,
    clock,
  });
  const { store } = local;

  let dispatch: WakeupHandler = async () => {};
  const localScheduler = await startLocalScheduler({
    clock,
    realTimeIntervalMs: 0,
    fireConcurrency: concurrency,
    invoke: ({ input }) => dispatch(JSON.parse(input) as WakeupPayload),
    groupName: 'bench',
    concurrency: 32,
  });
  const { emulator, scheduler } = localScheduler;
  const transport = new HttpWebhookTransport({ allowHttp: true, allowLoopback: true });
  // What the dispatch Lambda runs (composeWorker), over the local adapters.
  const adapters: WorkerAdapters = {
    store,
    scheduler,
    transport,
    clock,
    urlPolicy: { allowHttp: true, allowLoopback: true },
    logger: quietLogger,
  };
  const worker = composeWorker(adapters);
  const webhooks = composeWebhooks(adapters, worker.delivery);
  dispatch = worker.dispatch;

  // Whole seconds: Scheduler's at() has no fractions, so a fractional T would fire a bit later.
  const due = clock.now().add({ hours: 1 }).round({ smallestUnit: 'second', roundingMode: 'ceil' });
  const latencies: number[] = [];
  const servers: Server[] = [];
  const tenantId = newId('ten', Date.now());
  for (let i = 0; i < receiverCount; i++) {
    const server = createServer((req, res) => {
      latencies.push(clock.now().epochMilliseconds - due.epochMilliseconds);
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    await webhooks.endpoints.create(tenantId, { url: `http://127.0.0.1:${port}/hooks/${i}` });
  }

  const setupStarted = performance.now();
  const wakeups: Wakeup[] = [];
  const now = clock.now().toString();
  const writes: Array<Promise<void>> = [];
  for (let i = 0; i < events; i++) {
    const interviewId = newId('int', Date.now());
    const step: Step = {
      id: newId('stp', Date.now()),
      kind: 'check_in',
      status: 'scheduled',
      round: 1,
      recipient: { name: 'Morgan Lee', email: 'morgan@example.com', role: 'hiring_contact' },
      channel: 'email',
      dueAt: due.toString(),
      timeZone: 'Europe/Berlin',
      localDueAt: due.toZonedDateTimeISO('Europe/Berlin').toString({ timeZoneName: 'never' }),
      reason: 'two weeks after the thank-you, on a Tuesday morning',
      draft: { subject: 'Checking in on the platform role', body: 'Hello Morgan, ...' },
      checkInNumber: 1,
    };
    const interview: StoredInterview = {
      tenantId,
      id: interviewId,
      version: 1,
      createdAt: now,
      updatedAt: now,
      eventSequence: 1,
      nextDueAt: step.dueAt,
      state: {
        status: 'active',
        steps: [step],
        input: {
          candidate: { name: 'Sam Rivera' },
          role: { title: 'Platform Engineer', company: 'Acme' },
          round: 1,
          format: 'video',
          startsAt: '2026-03-02T09:00:00Z',
          endsAt: '2026-03-02T10:00:00Z',
          timeZone: 'Europe/Berlin',
          interviewers: [{ name: 'Morgan Lee', email: 'morgan@example.com' }],
          nextSteps: {},
        },
      },
    };
    writes.push(store.createInterview(interview));
    if (writes.length >= 32) await Promise.all(writes.splice(0));
    const payload: WakeupPayload = { kind: 'step', tenantId, interviewId, stepId: step.id };
    wakeups.push({ name: scheduleName(payload), at: step.dueAt, payload });
  }
  await Promise.all(writes);
  await scheduler.schedule(wakeups);
  const setupMs = performance.now() - setupStarted;

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await emulator.advanceTo(due);
  await emulator.fireDue();
  const elapsedMs = performance.now() - started;
  // CPU of the whole process (every thread, dynalite's worker included) while firing: steadier
  // than wall time on a shared machine, and it shows what each delivery costs.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  latencies.sort((a, b) => a - b);
  const expected = events * receiverCount;
  const figures = {
    events,
    receivers: receiverCount,
    fireConcurrency: concurrency,
    deliveries: latencies.length,
    expected,
    setupSeconds: Number((setupMs / 1000).toFixed(2)),
    elapsedSeconds: Number((elapsedMs / 1000).toFixed(2)),
    deliveriesPerSecond: Math.round(latencies.length / (elapsedMs / 1000)),
    cpuSeconds: Number((cpuMs / 1000).toFixed(2)),
    cpuMsPerDelivery: Number((cpuMs / Math.max(1, latencies.length)).toFixed(2)),
    latencyMsAfterDue: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1),
    },
    schedulerFailures: emulator.stats.failedAttempts,
  };
  console.log(JSON.stringify(figures, null, 2));
  await saveResult(figures);

  await localScheduler.close();
  await transport.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await local.close();
  if (latencies.length !== expected) process.exitCode = 1;
}

await main();
