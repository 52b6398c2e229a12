/**
 * Cost benchmark: plays the life of N interviews on the local runtime (in memory, the sandbox
 * clock moved by hand) and measures what each one costs in AWS calls. docs/cost.md prices these
 * counts; nothing in it is estimated where this benchmark can count it.
 *
 *   npx tsx bench/cost.ts [interviews=40]
 *
 * The life of an interview (the same assumptions as docs/cost.md): the integration creates it
 * (with an Idempotency-Key) and reads it twice; the two thank-yous fall due and are marked
 * complete; the first check-in falls due; the employer replies with a new decision date (the
 * plan is redone); the integration reads it twice more; the rest of the plan plays out. One
 * webhook endpoint, a real HTTP receiver that fails the first attempt of every tenth event so
 * retries are counted too.
 *
 * Counted: every DynamoDB and Scheduler command (SDK middleware, once per logical call), the
 * write and read units they consume (bench/lib/capacity.ts prices each request's items against
 * the table's real index definitions), Scheduler invocations (the emulator's count), webhook
 * attempts (the receiver's count) and API requests.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Temporal } from 'temporal-polyfill';
import { quietRuntimeOptions, startLocalRuntime } from '../local/runtime';
import { CapacityMeter } from './lib/capacity';
import { saveResult } from './lib/quick';

const interviews = Number(process.argv[2] ?? 40);

type Counts = Record<string, number>;

function countCommands(client: unknown, counts: Counts): void {
  (
    client as {
      middlewareStack: {
        add(
          mw: (
            next: (args: unknown) => Promise<unknown>,
            context: { commandName?: string },
          ) => (args: unknown) => Promise<unknown>,
          options: { step: 'initialize'; name: string },
        ): void;
      };
    }
  ).middlewareStack.add(
    (next, context) => (args) => {
      const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'costCommandCounter' },
  );
}

/** A receiver that fails the first attempt of one event in ten (by webhook-id). */
async function startReceiver(): Promise<{
  url: string;
  attempts: () => number;
  close: () => Promise<void>;
}> {
  const seen = new Set<string>();
  let attempts = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      attempts++;
      const id = String(request.headers['webhook-id'] ?? '');
      const first = !seen.has(id);
      seen.add(id);
      const unlucky = (createHash('sha256').update(id).digest()[0] ?? 0) % 10 === 0;
      response.statusCode = first && unlucky ? 503 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function interviewBody(endsAt: Temporal.Instant, n: number): Record<string, unknown> {
  return {
    externalId: `ats-${n}`,
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'video',
    startsAt: endsAt.subtract({ hours: 1 }).toString(),
    endsAt: endsAt.toString(),
    timeZone: 'America/New_York',
    interviewers: [
      {
        name: 'Priya Raman',
        email: 'priya@northwind.example',
        title: 'Engineering Manager',
        topics: ['event sourcing'],
      },
      {
        name: 'Marco Ortiz',
        linkedinUrl: 'https://www.linkedin.com/in/marco-ortiz',
        topics: ['on-call rotations'],
      },
    ],
    nextSteps: {
      decisionExpectedBy: endsAt
        .toZonedDateTimeISO('America/New_York')
        .toPlainDate()
        .add({ days: 10 })
        .toString(),
    },
  };
}

interface StepView {
  id: string;
  kind: string;
  status: string;
  dueAt: string;
}

async function main(): Promise<void> {
  const runtime = await startLocalRuntime(quietRuntimeOptions());
  const receiver = await startReceiver();
  const dynamo: Counts = {};
  const scheduler: Counts = {};
  const meter = new CapacityMeter();
  meter.attach(runtime.dynamoClient);
  countCommands(runtime.dynamoClient, dynamo);
  countCommands(runtime.schedulerClient, scheduler);

  let apiRequests = 0;
  const call = async <T>(method: string, path: string, body?: unknown, key?: string) => {
    apiRequests++;
    const response = await runtime.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${runtime.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };

  try {
    await call('POST', '/v1/webhook-endpoints', { url: receiver.url });
    // Everything before this line is setup: start counting here.
    for (const key of Object.keys(dynamo)) delete dynamo[key];
    for (const key of Object.keys(scheduler)) delete scheduler[key];
    meter.take();
    apiRequests = 0;
    const firedBefore = runtime.emulator.stats.fired;
    const attemptsBefore = receiver.attempts();

    const start = runtime.clock.now();
    const endsAt = Temporal.Instant.from(
      start.subtract({ minutes: 10 }).round({ smallestUnit: 'minute', roundingMode: 'floor' }),
    );
    const ids: string[] = [];
    for (let n = 0; n < interviews; n++) {
      const created = await call<{ id: string }>(
        'POST',
        '/v1/interviews',
        interviewBody(endsAt, n),
        `create-${n}`,
      );
      ids.push(created.id);
    }
    const read = async () => {
      for (const id of ids) await call('GET', `/v1/interviews/${id}`);
    };
    await read();
    await read();

    const steps = async (id: string) =>
      (await call<{ steps: StepView[] }>('GET', `/v1/interviews/${id}`)).steps;
    // Reads made only to steer the benchmark are not part of the interview's life.
    const steer = async <T>(work: () => Promise<T>): Promise<T> => {
      const before = { ...dynamo };
      const units = meter.take();
      const requests = apiRequests;
      const result = await work();
      for (const key of Object.keys(dynamo)) dynamo[key] = before[key] ?? 0;
      meter.take();
      meter.totals = units;
      apiRequests = requests;
      return result;
    };

    const plan = await steer(() => steps(ids[0] as string));
    const thankYouDue = plan
      .filter((step) => step.kind === 'thank_you')
      .map((step) => Temporal.Instant.from(step.dueAt))
      .sort(Temporal.Instant.compare)
      .at(-1);
    if (!thankYouDue) throw new Error('the plan has no thank-you');
    await runtime.advanceTo(thankYouDue.add({ minutes: 1 }));
    for (const id of ids) {
      const thankYous = (await steer(() => steps(id))).filter(
        (step) => step.kind === 'thank_you' && step.status === 'due',
      );
      for (const step of thankYous) {
        await call('POST', `/v1/interviews/${id}/steps/${step.id}/complete`, {});
      }
    }

    const firstCheckIn = (await steer(() => steps(ids[0] as string))).find(
      (step) => step.kind === 'check_in',
    );
    if (!firstCheckIn) throw new Error('the plan has no check-in');
    const checkInDue = Temporal.Instant.from(firstCheckIn.dueAt);
    await runtime.advanceTo(checkInDue.add({ minutes: 1 }));
    const decision = checkInDue
      .toZonedDateTimeISO('America/New_York')
      .toPlainDate()
      .add({ days: 14 })
      .toString();
    for (const id of ids) {
      await call('POST', `/v1/interviews/${id}/signals`, {
        type: 'employer_replied',
        decisionExpectedBy: decision,
      });
    }
    await read();
    await read();
    await runtime.advanceTo(runtime.clock.now().add({ hours: 24 * 150 }));

    const finalSteps = await steer(async () => {
      const all: StepView[] = [];
      for (const id of ids) all.push(...(await steps(id)));
      return all;
    });
    const units = meter.take();
    const per = (value: number) => value / interviews;
    const wruTotal = Object.values(units.wru).reduce((sum, value) => sum + value, 0);
    const result = {
      interviews,
      perInterview: {
        apiRequests: per(apiRequests),
        stepsFired: per(
          finalSteps.filter((step) => step.status === 'due' || step.status === 'completed').length,
        ),
        stepsPlanned: per(finalSteps.length),
        stepOutcomes: Object.fromEntries(
          [...new Set(finalSteps.map((step) => `${step.kind} ${step.status}`))].map((label) => [
            label,
            per(finalSteps.filter((step) => `${step.kind} ${step.status}` === label).length),
          ]),
        ),
        schedulerInvocations: per(runtime.emulator.stats.fired - firedBefore),
        webhookAttempts: per(receiver.attempts() - attemptsBefore),
        dynamo: Object.fromEntries(Object.entries(dynamo).map(([k, v]) => [k, per(v)])),
        scheduler: Object.fromEntries(Object.entries(scheduler).map(([k, v]) => [k, per(v)])),
        wru: Object.fromEntries(Object.entries(units.wru).map(([k, v]) => [k, per(v)])),
        wruTotal: per(wruTotal),
        rru: per(units.rru),
        unchangedWrites: per(units.unchangedWrites),
        failedConditionalWrites: Object.fromEntries(
          Object.entries(units.failedConditionalWrites).map(([k, v]) => [k, per(v)]),
        ),
        writesByEntity: Object.fromEntries(
          Object.entries(units.writesByEntity).map(([k, v]) => [k, per(v)]),
        ),
        wruByEntity: Object.fromEntries(
          Object.entries(units.wruByEntity).map(([entity, where]) => [
            entity,
            Object.fromEntries(Object.entries(where).map(([k, v]) => [k, per(v)])),
          ]),
        ),
      },
      averageItemBytes: Object.fromEntries(
        Object.entries(units.itemBytesWritten).map(([entity, { count, bytes }]) => [
          entity,
          Math.round(bytes / count),
        ]),
      ),
      largestInterviewItem: units.largestItem.interview,
    };
    console.log(JSON.stringify(result, null, 2));
    await saveResult(result);
  } finally {
    await receiver.close();
    await runtime.close();
  }
}

await main();
