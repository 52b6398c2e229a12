/**
 * The local runtime across a restart on the same data directory: DynamoDB (dynalite on disk),
 * the Scheduler emulator's schedules and retries, the sandbox clock and the development key all
 * survive, so a plan keeps playing out and a webhook that failed before the restart is retried
 * after it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLogger } from '../support/loggers';
import {
  type ApiInterview,
  awsError,
  injectFaults,
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

const stepEventTypes = [
  'followup.thank_you',
  'followup.check_in',
  'followup.contact_info_needed',
  'followup.move_on',
];

let dataDir: string;
let receiver: WebhookReceiver;
let receiverUp = false;
let local: TestRuntime | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'afterview-restart-'));
  // Down until the test says otherwise: the first delivery fails and leaves a retry behind.
  receiver = await startWebhookReceiver(() => (receiverUp ? 200 : 503));
});

afterAll(async () => {
  await local?.close();
  await receiver?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('restarting the local runtime on the same data directory', () => {
  it('loses no scheduled step, no pending webhook retry, no key and no clock time', async () => {
    const first = await startTestRuntime({ dataDir });
    local = first;
    const { apiKey, tenantId } = first.runtime;
    const endpointId = await first.addEndpoint(receiver.url, stepEventTypes);
    const interviews: ApiInterview[] = [
      await first.createInterview(),
      await first.createInterview({ timeZone: 'Europe/Berlin' }),
    ];
    const thankYouDue = interviews[0]?.steps.find((step) => step.kind === 'thank_you')?.dueAt;
    if (!thankYouDue) throw new Error('no thank-you planned');

    // The thank-yous fire; the receiver is down, so each delivery waits for a retry.
    await first.advanceTo(Temporal.Instant.from(thankYouDue));
    const firstEvents = await first.stepEvents(interviews[0]?.id ?? '');
    expect(firstEvents.length).toBeGreaterThan(0);
    expect(receiver.deliveries.length).toBeGreaterThan(0);
    expect(receiver.acceptedIds()).toEqual([]);
    const retriesBefore = (await first.wakeups('dlv-')).map((view) => view.name).sort();
    expect(retriesBefore.length).toBeGreaterThan(0);
    const schedulesBefore = (await first.stepSchedules()).map((view) => view.name).sort();
    expect(schedulesBefore.length).toBeGreaterThan(0);
    const clockBefore = first.runtime.clock.now();
    await first.close();
    local = undefined;

    const second = await startTestRuntime({ dataDir });
    local = second;
    expect(second.runtime.apiKey).toBe(apiKey);
    expect(second.runtime.tenantId).toBe(tenantId);
    // The sandbox offset survived: the clock did not fall back to real time.
    expect(
      Temporal.Instant.compare(second.runtime.clock.now(), clockBefore),
    ).toBeGreaterThanOrEqual(0);
    expect((await second.stepSchedules()).map((view) => view.name).sort()).toEqual(schedulesBefore);
    expect((await second.wakeups('dlv-')).map((view) => view.name).sort()).toEqual(retriesBefore);
    const endpoint = await second.api('GET', `/v1/webhook-endpoints/${endpointId}`);
    expect(endpoint.status).toBe(200);

    // The receiver recovers; the retries scheduled before the restart deliver now.
    receiverUp = true;
    await second.advanceTo(second.runtime.clock.now().add({ hours: 6 }));
    for (const event of firstEvents) expect(receiver.acceptedIds()).toContain(event.id);

    // And the rest of every plan plays out, each step once.
    const end = await second.api('POST', '/v1/sandbox/clock', { advanceBy: 'P4M' });
    expect(end.status).toBe(200);
    for (const interview of interviews) {
      expect(await second.firingProblems(interview.id)).toEqual([]);
      const events = await second.stepEvents(interview.id);
      expect(events).toHaveLength(interview.steps.length);
      for (const event of events) {
        if (stepEventTypes.includes(event.type)) {
          expect(receiver.acceptedIds()).toContain(event.id);
        }
      }
    }
  });
});

describe('a sandbox advance in flight', () => {
  it('has already written its target clock, so a kill halfway cannot bring the clock back', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'afterview-clock-'));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A receiver that holds every delivery until the test has read the clock file.
    let received = 0;
    const slow = createServer((request, response) => {
      received++;
      request.resume();
      void held.then(() => response.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`;
    const running = await startTestRuntime({ dataDir: directory });
    try {
      await running.addEndpoint(slowUrl, stepEventTypes);
      const interview = await running.createInterview();
      const thankYouDue = interview.steps.find((step) => step.kind === 'thank_you')?.dueAt;
      if (!thankYouDue) throw new Error('no thank-you planned');
      const target = Temporal.Instant.from(thankYouDue).add({ hours: 1 });

      const advance = running.advanceTo(target);
      while (received === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      // A delivery is in flight: what a restart would read now is the target, not the old time.
      const saved = JSON.parse(await readFile(join(directory, 'clock.json'), 'utf8')) as {
        offsetMs: number;
      };
      expect(Date.now() + saved.offsetMs).toBeGreaterThanOrEqual(target.epochMilliseconds - 1000);
      release();
      await advance;
    } finally {
      release();
      await running.close();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('sandbox advances sent together', () => {
  it('each move the clock from where the one before left it, and a passed `to` is refused', async () => {
    const running = await startTestRuntime();
    const closeAfter: Array<() => Promise<void>> = [];
    try {
      const start = Temporal.Instant.from((await running.api('GET', '/v1/sandbox/clock')).body.now);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          running.api('POST', '/v1/sandbox/clock', { advanceBy: 'PT1H' }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      const nows = answers.map((answer) => Temporal.Instant.from(answer.body.now));
      const end = Temporal.Instant.from((await running.api('GET', '/v1/sandbox/clock')).body.now);
      // Five hours, plus whatever real time passed while they ran (the clock keeps ticking).
      const moved = end.since(start).total('minutes');
      expect(moved).toBeGreaterThanOrEqual(300);
      expect(moved).toBeLessThan(330);
      expect(new Set(nows.map(String)).size).toBe(5);

      // A `to` that arrives while an advance that passes it is running finds the clock beyond
      // it: 409. The receiver holds the thank-you so the first advance is still in flight.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let received = 0;
      const holding = createServer((request, response) => {
        received++;
        request.resume();
        void held.then(() => response.writeHead(200).end('ok'));
      });
      await new Promise<void>((resolve) => holding.listen(0, '127.0.0.1', resolve));
      closeAfter.push(async () => {
        release();
        holding.closeAllConnections();
        await new Promise((resolve) => holding.close(resolve));
      });
      const port = (holding.address() as AddressInfo).port;
      await running.addEndpoint(`http://127.0.0.1:${port}/hooks`, stepEventTypes);
      await running.createInterview();
      const passed = end.add({ hours: 1 }).toString();
      const far = running.api('POST', '/v1/sandbox/clock', { advanceBy: 'P2D' });
      while (received === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const late = running.api('POST', '/v1/sandbox/clock', { to: passed });
      release();
      expect((await far).status).toBe(200);
      const refused = await late;
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('conflict');
    } finally {
      await running.close();
      for (const close of closeAfter) await close();
    }
  });
});

describe('a write that keeps losing its race', () => {
  it('answers 409 resource_busy with Retry-After, changes nothing, and succeeds when sent again', async () => {
    const logger = new RecordingLogger();
    const running = await startTestRuntime({ logger });
    try {
      const interview = await running.createInterview();
      const path = `/v1/interviews/${interview.id}`;
      // Every conditional write of the interview item fails, as if other writers always won.
      const heal = injectFaults(
        running.runtime.dynamoClient,
        'always-contended',
        (command, input) =>
          command === 'PutItemCommand' &&
          String((input.Item as { sk?: { S?: string } } | undefined)?.sk?.S).startsWith('INT#')
            ? awsError('ConditionalCheckFailedException', 400)
            : undefined,
      );
      const patch = { role: { title: 'Staff Engineer' } };
      const busy = await running.request('PATCH', path, { body: JSON.stringify(patch) });
      heal();
      expect(busy.status, busy.text).toBe(409);
      expect(busy.headers.get('content-type')).toBe('application/problem+json');
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(busy.body.code).toBe('resource_busy');
      // A line an operator can count by path (docs/operations.md).
      expect(logger.entries).toContainEqual({
        level: 'info',
        message: 'Gave up a write under contention',
        fields: expect.objectContaining({ method: 'PATCH', path }),
      });
      const unchanged = await running.api('GET', path);
      expect(unchanged.body.version).toBe(1);
      expect(unchanged.body.role.title).not.toBe('Staff Engineer');

      const again = await running.api('PATCH', path, patch);
      expect(again.status).toBe(200);
      expect(again.body.role.title).toBe('Staff Engineer');
    } finally {
      await running.close();
    }
  });
});
