/**
 * The crash suite's engine: the local runtime as `npm start` runs it (a child process, tsx on
 * local/start.ts, data on disk), killed with SIGKILL at seeded random moments while
 * interviews are created, signals arrive and the sandbox clock plays plans out, then restarted
 * on the same data, round after round. A final round lets every plan run out, and the result is
 * checked through the public API and a real HTTP receiver:
 *   - every acknowledged create exists (the database kept what it acknowledged);
 *   - every interview has `interview.created`, `interview.closed` when closed, and one
 *     `interview.updated` per change made through the API (its version minus one, minus the
 *     steps the dispatcher claimed);
 *   - every due step has exactly one event, no event belongs to a step that is not due (so no
 *     step with an event is cancelled), and no step event was made before its due time;
 *   - every event reached the receiver.
 * Everything random comes from one seed, so a failing run can be repeated (the kill lands at a
 * seeded delay; what is in flight at that instant still varies with the machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Temporal } from 'temporal-polyfill';
import { type HttpReceiver, startHttpReceiver } from './http-receiver';
import { interviewInput, seededRandom } from './runtime';

export interface CrashRunOptions {
  rounds: number;
  seed: number;
  /** Longest time between a round's first acknowledged create and the kill (default 1500 ms). */
  maxKillDelayMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface CrashReport {
  seed: number;
  rounds: number;
  kills: number;
  /** Creates answered 201 before a kill, and creates cut off by one (outcome unknown). */
  createsAcknowledged: number;
  createsCutOff: number;
  signalsAcknowledged: number;
  clockAdvances: number;
  interviews: number;
  dueSteps: number;
  cancelledSteps: number;
  stepEvents: number;
  interviewEvents: number;
  /** Deliveries the receiver saw, and how many repeated an event id it already had. */
  deliveries: number;
  duplicateDeliveries: number;
  seconds: number;
  /** Broken promises, one line each; empty when the run passed. */
  violations: string[];
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

interface Delivery {
  id: string;
  type: string;
}

/** A webhook receiver that accepts everything and remembers each delivery. */
async function startReceiver(): Promise<HttpReceiver & { deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = await startHttpReceiver(({ headers, body }, response) => {
    const id = headers['webhook-id'] ?? '';
    try {
      deliveries.push({ id, type: String((JSON.parse(body) as { type?: string }).type) });
    } catch {
      deliveries.push({ id, type: 'unparseable' });
    }
    response.writeHead(204).end();
  });
  return Object.assign(server, { deliveries });
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

const signalTypes = ['employer_replied', 'rejected', 'withdrawn', 'offer'] as const;

interface Runtime {
  child: ChildProcess;
  url: string;
  output: string[];
}

type Json = Record<string, unknown>;

/** How many dispatcher claims the events of one interview show (see the check that uses it). */
function claimsIn(events: readonly Json[]): number {
  const sequence = (event: Json) => Number((event.data as Json).sequence);
  const dueAt = (event: Json) => String(((event.data as Json).step as Json | undefined)?.dueAt);
  const isStep = (event: Json) => String(event.type).startsWith('followup.');
  const numbered = events
    .filter((event) => Number.isInteger(sequence(event)))
    .sort((a, b) => sequence(a) - sequence(b));
  let claims = 0;
  let previous: Json | undefined;
  for (const event of numbered) {
    const continuesClaim =
      previous !== undefined &&
      isStep(previous) &&
      sequence(event) === sequence(previous) + 1 &&
      event.timestamp === previous.timestamp &&
      dueAt(event) === dueAt(previous);
    if (isStep(event) && !continuesClaim) claims++;
    previous = event;
  }
  return claims;
}

export async function runCrashSuite(options: CrashRunOptions): Promise<CrashReport> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => undefined);
  const maxKillDelayMs = options.maxKillDelayMs ?? 1500;
  const dataDir = await mkdtemp(join(tmpdir(), 'afterview-crash-'));
  const ports = { api: await freePort(), dynamo: await freePort(), scheduler: await freePort() };
  const receiver = await startReceiver();
  // A key of its own makes a tenant of its own, so a shared database (AFTERVIEW_DYNAMODB_ENDPOINT,
  // which the child inherits) holds nothing of earlier runs under it.
  const apiKey = `afv_crash_${randomBytes(12).toString('hex')}`;
  const report: CrashReport = {
    seed: options.seed,
    rounds: options.rounds,
    kills: 0,
    createsAcknowledged: 0,
    createsCutOff: 0,
    signalsAcknowledged: 0,
    clockAdvances: 0,
    interviews: 0,
    dueSteps: 0,
    cancelledSteps: 0,
    stepEvents: 0,
    interviewEvents: 0,
    deliveries: 0,
    duplicateDeliveries: 0,
    seconds: 0,
    violations: [],
  };
  const acknowledged = new Set<string>();
  let runtime: Runtime | undefined;

  async function start(): Promise<Runtime> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        PORT: String(ports.api),
        AFTERVIEW_LOCAL_DYNAMODB_PORT: String(ports.dynamo),
        AFTERVIEW_LOCAL_SCHEDULER_PORT: String(ports.scheduler),
        AFTERVIEW_DATA_DIR: dataDir,
        AFTERVIEW_DEV_API_KEY: apiKey,
        AFTERVIEW_RECONCILE_INTERVAL_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    const url = `http://127.0.0.1:${ports.api}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`the runtime exited during start:\n${output.join('').slice(-2000)}`);
      }
      try {
        const health = await fetch(`${url}/health`);
        if (health.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('the runtime did not start within 60 s');
      await sleep(100);
    }
    return { child, url, output };
  }

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Json }> {
    if (!runtime) throw new Error('not running');
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  async function sandboxNow(): Promise<Temporal.Instant> {
    const { body } = await call('GET', '/v1/sandbox/clock');
    return Temporal.Instant.from(String(body.now));
  }

  async function kill(target: Runtime): Promise<void> {
    if (target.child.exitCode !== null || target.child.signalCode !== null) return;
    const exited = once(target.child, 'exit');
    target.child.kill('SIGKILL');
    await exited;
  }

  /** Creates, signals and clock advances in parallel until `stop` resolves. */
  async function workload(
    stop: Promise<void>,
    round: number,
    onCreated: () => void,
  ): Promise<void> {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    const known = [...acknowledged];
    const creates = async (worker: number) => {
      for (let n = 0; !stopped; n++) {
        const now = await sandboxNow().catch(() => undefined);
        if (!now) return;
        const end = now.add({ hours: 1 + Math.floor(random() * 48) });
        // One key per request: the two create loops must never share one with another body.
        const key = `crash-${options.seed}-${round}-${worker}-${n}`;
        try {
          const { status, body } = await call(
            'POST',
            '/v1/interviews',
            interviewInput(end, { externalId: key }),
            { 'idempotency-key': key },
          );
          if (status === 201) {
            acknowledged.add(String(body.id));
            known.push(String(body.id));
            report.createsAcknowledged++;
            onCreated();
          } else {
            report.violations.push(`create ${key} answered ${status}: ${JSON.stringify(body)}`);
          }
        } catch {
          report.createsCutOff++;
          return;
        }
      }
    };
    const signals = async () => {
      while (!stopped) {
        const id = known[Math.floor(random() * known.length)];
        const type = signalTypes[Math.floor(random() * signalTypes.length)];
        if (!id || !type) {
          await sleep(20);
          continue;
        }
        try {
          const { status } = await call('POST', `/v1/interviews/${id}/signals`, { type });
          if (status === 200) report.signalsAcknowledged++;
        } catch {
          return;
        }
        await sleep(Math.floor(random() * 30));
      }
    };
    const clock = async () => {
      while (!stopped) {
        const hours = 6 + Math.floor(random() * 90);
        try {
          const { status } = await call('POST', '/v1/sandbox/clock', {
            advanceBy: `PT${hours}H`,
          });
          if (status === 200) report.clockAdvances++;
        } catch {
          return;
        }
      }
    };
    await Promise.all([creates(1), creates(2), signals(), clock()]);
  }

  try {
    for (let round = 1; round <= options.rounds; round++) {
      runtime = await start();
      if (round === 1) {
        const { status, body } = await call('POST', '/v1/webhook-endpoints', {
          url: receiver.url,
          description: 'crash suite receiver',
        });
        if (status !== 201) throw new Error(`endpoint not created: ${JSON.stringify(body)}`);
      }
      // The kill lands a seeded delay after the round's first acknowledged create, so every
      // round has work in flight however slowly a busy machine starts the process.
      const delayMs = Math.floor(random() * maxKillDelayMs);
      const target = runtime;
      let firstCreate: () => void = () => undefined;
      const created = new Promise<void>((resolve) => {
        firstCreate = resolve;
      });
      const killed = Promise.race([created, sleep(30_000)])
        .then(() => sleep(delayMs))
        .then(() => kill(target));
      await Promise.all([workload(killed, round, firstCreate), killed]);
      report.kills++;
      log(
        `round ${round}: killed ${delayMs} ms after its first create; ${acknowledged.size} interviews acknowledged so far`,
      );
    }

    // The last start: nothing is killed; every plan runs out, and what crashes left behind is
    // finished by retried wake-ups, the reconciler and queued deliveries.
    runtime = await start();
    for (let i = 0; i < 4; i++) await call('POST', '/v1/sandbox/clock', { advanceBy: 'P120D' });
    const interviews = await listInterviews();
    const eventsByInterview = new Map<string, Json[]>();
    const settleDeadline = Date.now() + 45_000;
    for (;;) {
      eventsByInterview.clear();
      for (const interview of interviews) {
        eventsByInterview.set(String(interview.id), await listEvents(String(interview.id)));
      }
      const received = new Set(receiver.deliveries.map((d) => d.id));
      const missing = [...eventsByInterview.values()]
        .flat()
        .filter((event) => !received.has(String(event.id)));
      if (missing.length === 0 || Date.now() > settleDeadline) break;
      // Queued deliveries fire on the emulator's real-time ticker; a small advance also runs a
      // reconciler sweep.
      await sleep(1000);
      await call('POST', '/v1/sandbox/clock', { advanceBy: 'PT5M' });
    }
    check(await listInterviews(), eventsByInterview);
    await kill(runtime);
  } finally {
    if (runtime) await kill(runtime);
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  return report;

  async function listInterviews(): Promise<Json[]> {
    const all: Json[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await call(
        'GET',
        `/v1/interviews?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...(body.data as Json[]));
      cursor = body.nextCursor as string | undefined;
    } while (cursor);
    return all;
  }

  async function listEvents(interviewId: string): Promise<Json[]> {
    const all: Json[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await call(
        'GET',
        `/v1/events?interviewId=${interviewId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...(body.data as Json[]));
      cursor = body.nextCursor as string | undefined;
    } while (cursor);
    return all;
  }

  function check(interviews: Json[], eventsByInterview: Map<string, Json[]>): void {
    const violations = report.violations;
    const ids = new Set(interviews.map((interview) => String(interview.id)));
    report.interviews = interviews.length;
    for (const id of acknowledged) {
      if (!ids.has(id)) violations.push(`${id}: acknowledged with 201 but gone after restarts`);
    }
    const received = new Map<string, number>();
    for (const delivery of receiver.deliveries) {
      received.set(delivery.id, (received.get(delivery.id) ?? 0) + 1);
    }
    report.deliveries = receiver.deliveries.length;
    report.duplicateDeliveries = [...received.values()].reduce((sum, n) => sum + n - 1, 0);

    for (const interview of interviews) {
      const id = String(interview.id);
      const events = eventsByInterview.get(id) ?? [];
      const types = events.map((event) => String(event.type));
      if (!types.includes('interview.created')) violations.push(`${id}: no interview.created`);
      if (interview.status === 'closed' && !types.includes('interview.closed')) {
        violations.push(
          `${id}: closed (${String(interview.closedReason)}) but no interview.closed`,
        );
      }
      // Every version is either a change made through the API, which has its
      // `interview.updated`, or a claim by the dispatcher, which has the event of each step it
      // claimed. One claim takes every step due at its instant and numbers their events one
      // after another, at the claim's time; any change in between (another claim, or an API
      // change with its own `interview.updated`) takes a sequence number of its own. So a claim
      // is a run of step events with consecutive sequence numbers, one timestamp and one due
      // time.
      const updated = events.filter((event) => event.type === 'interview.updated');
      const claims = claimsIn(events);
      const changes = Number(interview.version) - 1 - claims;
      if (updated.length !== changes) {
        violations.push(
          `${id}: ${changes} changes through the API (version ${String(interview.version)}, ${claims} claims) but ${updated.length} interview.updated; events ${events
            .map(
              (e) =>
                `${String(e.type)}#${String((e.data as Json).sequence)}@${String(e.timestamp)}`,
            )
            .join(' ')}`,
        );
      }
      const versions = updated.map((event) => Number((event.data as Json).version));
      if (new Set(versions).size !== versions.length) {
        violations.push(`${id}: two interview.updated for one version`);
      }
      report.interviewEvents += events.filter((e) =>
        String(e.type).startsWith('interview.'),
      ).length;

      const stepEvents = events.filter((event) => String(event.type).startsWith('followup.'));
      report.stepEvents += stepEvents.length;
      for (const step of interview.steps as Json[]) {
        const mine = stepEvents.filter(
          (event) => ((event.data as Json).step as Json | undefined)?.id === step.id,
        );
        if (step.status === 'due') report.dueSteps++;
        if (step.status === 'cancelled') report.cancelledSteps++;
        if (step.status === 'due' && mine.length !== 1) {
          violations.push(`${id}: due step ${String(step.id)} has ${mine.length} events`);
        }
        if (step.status !== 'due' && mine.length > 0) {
          violations.push(`${id}: ${String(step.status)} step ${String(step.id)} has an event`);
        }
        for (const event of mine) {
          if (
            Temporal.Instant.compare(
              Temporal.Instant.from(String(event.timestamp)),
              Temporal.Instant.from(String(step.dueAt)),
            ) < 0
          ) {
            violations.push(`${id}: event ${String(event.id)} made before its step was due`);
          }
        }
      }
      for (const event of events) {
        if (!received.has(String(event.id))) {
          violations.push(`${id}: ${String(event.type)} ${String(event.id)} never delivered`);
        }
      }
    }
  }
}
