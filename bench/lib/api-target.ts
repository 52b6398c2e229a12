/**
 * The system under test for bench/api.ts: the local runtime, in memory, with SDK middleware
 * counting every DynamoDB and Scheduler command, either in this process or in a child process
 * (so the load generator does not share the server's event loop).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient, GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../local/dynalite';
import { quietRuntimeOptions, startLocalRuntime } from '../../local/runtime';
import { keyPrefix, tableKeys } from '../../shared/store/table';

/** Commands sent since the last take, by SDK command name without the `Command` suffix. */
export type CommandCounts = Record<string, number>;

export interface BenchTarget {
  /** `in-process` or `child process`. */
  placement: string;
  url: string;
  apiKey: string;
  dynamoEndpoint: string;
  /**
   * How the raw GetItem baseline reaches dynalite: in-process over the same MessagePort the
   * runtime's own client uses; from the child placement's parent only over HTTP, a transport
   * the runtime's client no longer pays for.
   */
  rawTransport: 'MessagePort' | 'HTTP';
  /** A client for the raw GetItem baseline, over {@link rawTransport}. */
  rawDynamoClient(): DynamoDBClient;
  /**
   * DynamoDB and Scheduler commands since the previous call, and the CPU time the runtime's
   * process used meanwhile (every thread: API, dynalite's worker, the emulator; in-process, the
   * load generator too); resets the counters.
   */
  takeCounts(): Promise<{ dynamo: CommandCounts; scheduler: CommandCounts; cpuMs: number }>;
  /** The last GetItem the store sent for an interview: the raw baseline repeats it exactly. */
  lastInterviewGetItem(): Promise<GetItemCommandInput | undefined>;
  close(): Promise<void>;
}

interface Countable {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Counts commands at the `initialize` step: once per logical call, so SDK retries are not
 * counted twice; `onCommand` also sees the input.
 */
function countCommands(
  client: Countable,
  counts: () => CommandCounts,
  onCommand?: (name: string, input: unknown) => void,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const current = counts();
      current[name] = (current[name] ?? 0) + 1;
      onCommand?.(name, args.input);
      return next(args);
    },
    { step: 'initialize', name: 'benchCommandCounter' },
  );
}

const _quietLogger = {
  info: () => {},
  error: (message: string, fields?: Record<string, unknown>) =>
    console.error(JSON.stringify({ level: 'error', message, ...fields })),
};

/** The local runtime in this process, in memory, timers off: only the load moves it. */
export async function startInProcessTarget(): Promise<BenchTarget> {
  const runtime = await startLocalRuntime(quietRuntimeOptions());
  let dynamo: CommandCounts = {};
  let scheduler: CommandCounts = {};
  let cpuSince = process.cpuUsage();
  let interviewGet: GetItemCommandInput | undefined;
  countCommands(
    runtime.dynamoClient as unknown as Countable,
    () => dynamo,
    (name, input) => {
      const sortKey = (input as GetItemCommandInput).Key?.[tableKeys.sortKey]?.S;
      if (name === 'GetItem' && sortKey?.startsWith(keyPrefix.interview)) {
        interviewGet = input as GetItemCommandInput;
      }
    },
  );
  countCommands(runtime.schedulerClient as unknown as Countable, () => scheduler);
  return {
    placement: 'in-process',
    url: runtime.url,
    apiKey: runtime.apiKey,
    dynamoEndpoint: runtime.dynamoEndpoint,
    rawTransport: 'MessagePort',
    rawDynamoClient: () =>
      createDynamoClient(runtime.dynamoEndpoint, {
        requestHandler: runtime.dynamoClient.config.requestHandler,
      }),
    async takeCounts() {
      const cpu = process.cpuUsage(cpuSince);
      const taken = { dynamo, scheduler, cpuMs: (cpu.user + cpu.system) / 1000 };
      dynamo = {};
      scheduler = {};
      cpuSince = process.cpuUsage();
      return taken;
    },
    async lastInterviewGetItem() {
      return interviewGet;
    },
    close: () => runtime.close(),
  };
}

type ChildReply =
  | { type: 'ready'; url: string; apiKey: string; dynamoEndpoint: string }
  | { type: 'counts'; dynamo: CommandCounts; scheduler: CommandCounts; cpuMs: number }
  | { type: 'interviewGet'; input: GetItemCommandInput | undefined };

/**
 * The same runtime in a child process (bench/lib/api-child.ts), asked for counts over IPC.
 * `BENCH_CHILD_NODE_ARGS` adds Node options to the child only, e.g.
 * `BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof"` profiles the server and not the
 * load generator (Node refuses `--cpu-prof` in NODE_OPTIONS).
 */
export async function startChildProcessTarget(): Promise<BenchTarget> {
  const script = fileURLToPath(new URL('./api-child.ts', import.meta.url));
  const extraArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx', ...extraArgs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: ChildReply[] = [];
  const waiters: Array<{ resolve: (reply: ChildReply) => void; reject: (e: Error) => void }> = [];
  child.on('message', (message) => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message as ChildReply);
    else replies.push(message as ChildReply);
  });
  child.on('exit', (code) => {
    for (const waiter of waiters.splice(0)) {
      waiter.reject(new Error(`the benchmark server exited with ${code}`));
    }
  });
  const next = () =>
    new Promise<ChildReply>((resolve, reject) => {
      const queued = replies.shift();
      if (queued) resolve(queued);
      else waiters.push({ resolve, reject });
    });
  const ask = async <T extends ChildReply['type']>(type: T) => {
    child.send({ type });
    const reply = await next();
    if (reply.type !== type) throw new Error(`expected ${type} from the child, got ${reply.type}`);
    return reply as Extract<ChildReply, { type: T }>;
  };

  const ready = await next();
  if (ready.type !== 'ready') throw new Error('the benchmark server did not start');
  return {
    placement: 'child process',
    url: ready.url,
    apiKey: ready.apiKey,
    dynamoEndpoint: ready.dynamoEndpoint,
    rawTransport: 'HTTP',
    rawDynamoClient: () => createDynamoClient(ready.dynamoEndpoint),
    async takeCounts() {
      const { dynamo, scheduler, cpuMs } = await ask('counts');
      return { dynamo, scheduler, cpuMs };
    },
    async lastInterviewGetItem() {
      return (await ask('interviewGet')).input;
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      await exited;
    },
  };
}
