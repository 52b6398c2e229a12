import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../../shared/clock';
import { oneTimeFireInstant, parseScheduleExpression } from './expressions';
import { Journal } from './journal';
import { MinHeap } from './min-heap';
import { SnapshotFile } from './snapshot-file';
import {
  checkClientToken,
  checkName,
  namePattern,
  parseScheduleDefinition,
  type ScheduleDefinition,
  SchedulerApiError,
} from './validation';

/** What the emulator calls when a schedule fires: the schedule target's ARN and `Input`. */
export type InvokeTarget = (target: { arn: string; input: string }) => Promise<void>;

/** A clock the emulator can move forward; the local runtime's SandboxClock is one. */
interface AdvanceableClock extends Clock {
  advanceTo(instant: Temporal.Instant): Temporal.Instant;
}

export interface SchedulerEmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; defaults to 127.0.0.1. */
  host?: string;
  /** The runtime clock: schedules fire when it reaches their time. */
  clock: AdvanceableClock;
  /** Where schedules, groups and dead letters persist; in memory only when absent. */
  dataDir?: string;
  /**
   * How long changes wait before the snapshot is rewritten (default 200 ms). Creates and
   * updates are durable before this, through the journal.
   */
  snapshotDelayMs?: number;
  invoke: InvokeTarget;
  /** Longest real-time wait between checks for due schedules; 0 disables the background ticker. */
  realTimeIntervalMs?: number;
  /** Used in ARNs only. */
  region?: string;
  accountId?: string;
  /** First retry delay after a failed invocation; doubles per attempt up to five minutes. */
  retryBaseDelayMs?: number;
  /** How many invocations run at once when several are due together. */
  fireConcurrency?: number;
}

/** An event that exhausted its retries, as it would land in the SQS dead-letter queue. */
interface DeadLetter {
  queueArn: string;
  scheduleArn: string;
  groupName: string;
  scheduleName: string;
  targetArn: string;
  input: string;
  attempts: number;
  error: string;
  /** Runtime-clock time it was dead-lettered, ISO 8601. */
  at: string;
}

interface SchedulerEmulatorStats {
  /** Successful invocations. */
  fired: number;
  /** Invocations that threw. */
  failedAttempts: number;
  /** Events sent to a dead-letter queue. */
  deadLettered: number;
  /** Events that exhausted their retries with no dead-letter queue configured. */
  dropped: number;
  /** Firings waiting in the queue (one-time schedules and pending retries). */
  readonly pending: number;
}

export interface SchedulerEmulator {
  /** Base URL to pass as the SchedulerClient `endpoint`. */
  readonly url: string;
  readonly port: number;
  readonly stats: SchedulerEmulatorStats;
  readonly deadLetters: readonly DeadLetter[];
  /**
   * Moves the clock forward schedule by schedule up to `instant`, firing each one with the
   * clock at its own time (including schedules created meanwhile that fall before `instant`),
   * and resolves once everything due by then has fired and finished. Advances queue behind one
   * another, so a target must not await an advance itself (it would wait for its own end).
   */
  advanceTo(instant: Temporal.Instant): Promise<Temporal.Instant>;
  /** Fires whatever is due by the clock's current time; resolves with the number of invocations. */
  fireDue(): Promise<number>;
  /**
   * Answers one request of the wire protocol without a socket: what the HTTP server does for a
   * request, for a SchedulerClient in this same process (see `inProcessHandler`).
   */
  respond(request: EmulatorRequest): Promise<EmulatorResponse>;
  /** Stops the ticker and the server, waits for running invocations, writes pending changes. */
  close(): Promise<void>;
}

/** One wire-protocol request: method, path, decoded query and the JSON body as text. */
interface EmulatorRequest {
  method: string;
  path: string;
  query?: Record<string, string | readonly string[] | null>;
  body?: string;
}

interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type State = 'ENABLED' | 'DISABLED';

interface ScheduleRecord extends ScheduleDefinition {
  Arn: string;
  Name: string;
  GroupName: string;
  CreationDate: number;
  LastModificationDate: number;
  /** Firing progress; persisted so a retry in progress survives a restart. */
  run: { dueMs: number | null; attempt: number; firstDueMs: number | null; completed: boolean };
}

interface GroupRecord {
  Arn: string;
  Name: string;
  State: 'ACTIVE';
  CreationDate: number;
  LastModificationDate: number;
}

interface PersistedState {
  version: 1;
  groups: GroupRecord[];
  schedules: ScheduleRecord[];
  deadLetters: DeadLetter[];
  /** The journal generations whose changes this snapshot holds (absent: none). */
  journalCovered?: number;
}

/** A change written ahead of its acknowledgement (see Journal). Deletions are not journaled. */
type JournalEntry = { op: 'group'; group: GroupRecord } | { op: 'put'; record: ScheduleRecord };

interface Firing {
  dueMs: number;
  seq: number;
  record: ScheduleRecord;
}

const maxRetryDelayMs = 5 * 60_000;
const maxBodyBytes = 1024 * 1024;

/**
 * Starts a local EventBridge Scheduler: the service's REST-JSON wire protocol over node:http,
 * so an unmodified SchedulerClient pointed at `url` works, plus in-process firing of one-time
 * `at()` schedules against the given clock.
 *
 * Validation follows the service, so callers need realistic values: the target's `RoleArn` must
 * look like an IAM role ARN and a dead-letter ARN like an SQS queue ARN. A schedule in a group
 * that does not exist is a 404 ResourceNotFoundException, as in AWS; the `default` group always
 * exists.
 *
 * Documented differences from AWS: one-time schedules fire at their exact second (AWS allows up
 * to a minute) and at the start of a FLEXIBLE window; a one-time schedule whose time has already
 * passed fires at the next check; rate() and cron() schedules are validated and stored but never
 * fired; ClientToken idempotency is not tracked (a repeated create is a ConflictException);
 * tagging operations are not implemented.
 */
export async function startSchedulerEmulator(
  options: SchedulerEmulatorOptions,
): Promise<SchedulerEmulator> {
  const emulator = new LocalScheduler(options);
  await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return emulator;
}

class LocalScheduler implements SchedulerEmulator {
  readonly #options: SchedulerEmulatorOptions;
  readonly #clock: AdvanceableClock;
  readonly #region: string;
  readonly #accountId: string;
  readonly #groups = new Map<string, GroupRecord>();
  readonly #schedules = new Map<string, ScheduleRecord>();
  // The one live queue entry per record; anything else popped from the heap is stale.
  readonly #live = new WeakMap<ScheduleRecord, Firing>();
  readonly #queue = new MinHeap<Firing>((a, b) =>
    a.dueMs === b.dueMs ? a.seq < b.seq : a.dueMs < b.dueMs,
  );
  readonly #deadLetters: DeadLetter[] = [];
  readonly #snapshot: SnapshotFile<PersistedState> | undefined;
  readonly #journal: Journal<JournalEntry> | undefined;
  /** The newest journal append; lines are written in order, so awaiting it awaits all before. */
  #lastAppend: Promise<void> = Promise.resolve();
  readonly #server = createServer((req, res) => void this.#handle(req, res));
  #sortedKeys: string[] | undefined;
  #pendingCount = 0;
  #seq = 0;
  #exclusiveTail: Promise<unknown> = Promise.resolve();
  #exclusiveDepth = 0;
  #ticker: NodeJS.Timeout | undefined;
  #tickerDueMs = Number.POSITIVE_INFINITY;
  #closed = false;
  #port = 0;

  readonly stats: SchedulerEmulatorStats;

  constructor(options: SchedulerEmulatorOptions) {
    this.#options = options;
    this.#clock = options.clock;
    this.#region = options.region ?? 'us-east-1';
    this.#accountId = options.accountId ?? '000000000000';
    const self = this;
    this.stats = {
      fired: 0,
      failedAttempts: 0,
      deadLettered: 0,
      dropped: 0,
      get pending() {
        return self.#pendingCount;
      },
    };
    if (options.dataDir) {
      const journal = new Journal<JournalEntry>(options.dataDir, 'scheduler.journal');
      this.#journal = journal;
      this.#snapshot = new SnapshotFile(
        options.dataDir,
        'scheduler.json',
        () => this.#toJson(),
        options.snapshotDelayMs ?? 200,
        (written) => journal.discardUpTo(written.journalCovered ?? 0),
      );
      const saved = this.#snapshot.load();
      if (saved) this.#restore(saved);
      journal.continueAfter(saved?.journalCovered ?? 0);
      const replayed = journal.readAfter(saved?.journalCovered ?? 0);
      for (const entry of replayed) this.#replay(entry);
      if (replayed.length > 0) this.#changed();
    }
    if (!this.#groups.has('default')) {
      this.#groups.set('default', this.#newGroup('default'));
      this.#changed();
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#armTicker();
  }

  advanceTo(instant: Temporal.Instant): Promise<Temporal.Instant> {
    const targetMs = instant.epochMilliseconds;
    return this.#exclusive(async () => {
      for (;;) {
        const next = this.#peekLive();
        if (!next || next.dueMs > targetMs) break;
        this.#clock.advanceTo(Temporal.Instant.fromEpochMilliseconds(next.dueMs));
        await this.#fireAll(this.#takeDue(next.dueMs));
      }
      return this.#clock.advanceTo(instant);
    });
  }

  fireDue(): Promise<number> {
    return this.#exclusive(() => this.#fireDueNow());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ticker) clearTimeout(this.#ticker);
    const serverClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await serverClosed;
    await this.#exclusiveTail;
    await this.#snapshot?.flush();
  }

  // ---- firing -------------------------------------------------------------------------------

  /** Runs `work` after every earlier advance/fire has finished, so nothing fires twice. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#exclusiveDepth++;
    const run = this.#exclusiveTail.then(work).finally(() => {
      this.#exclusiveDepth--;
      this.#armTicker();
    });
    this.#exclusiveTail = run.catch(() => undefined);
    return run;
  }

  async #fireDueNow(): Promise<number> {
    let count = 0;
    for (;;) {
      const batch = this.#takeDue(this.#clock.now().epochMilliseconds);
      if (batch.length === 0) return count;
      count += batch.length;
      await this.#fireAll(batch);
    }
  }

  #peekLive(): Firing | undefined {
    for (;;) {
      const top = this.#queue.peek();
      if (!top || this.#live.get(top.record) === top) return top;
      this.#queue.pop();
    }
  }

  /** Takes every live firing due at or before `limitMs` out of the queue. */
  #takeDue(limitMs: number): Firing[] {
    const batch: Firing[] = [];
    for (;;) {
      const next = this.#peekLive();
      if (!next || next.dueMs > limitMs) return batch;
      this.#queue.pop();
      this.#unqueue(next.record);
      batch.push(next);
    }
  }

  async #fireAll(batch: readonly Firing[]): Promise<void> {
    let index = 0;
    const worker = async () => {
      while (index < batch.length) {
        const firing = batch[index++];
        if (firing) await this.#fire(firing);
      }
    };
    const workers = Math.min(batch.length, this.#options.fireConcurrency ?? 32);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  async #fire({ record }: Firing): Promise<void> {
    const attempt = record.run.attempt + 1;
    // The event's age counts from its first invocation: on AWS that is its due time, but here
    // a restart after a kill during a multi-day sandbox advance first invokes a wake-up days of
    // sandbox time after it was due. Counted from the due time, one failed attempt then (the
    // runtime still starting, a throttled call) sent it straight to the dead-letter queue.
    const dueMs = record.run.firstDueMs ?? record.run.dueMs ?? this.#nowMs();
    const firstDueMs = attempt === 1 ? Math.max(dueMs, this.#nowMs()) : dueMs;
    const input = record.Target.Input ?? '{}';
    try {
      await Promise.resolve().then(() => this.#options.invoke({ arn: record.Target.Arn, input }));
    } catch (error) {
      this.stats.failedAttempts++;
      this.#afterFailure(record, attempt, firstDueMs, input, error);
      return;
    }
    this.stats.fired++;
    this.#complete(record);
  }

  #afterFailure(
    record: ScheduleRecord,
    attempt: number,
    firstDueMs: number,
    input: string,
    error: unknown,
  ): void {
    // An update or delete during the invocation replaced this record: the old event ends here.
    if (!this.#isCurrent(record)) return;
    const policy = record.Target.RetryPolicy;
    const delay = this.#retryDelayMs(attempt);
    const retryAtMs = this.#nowMs() + delay;
    const withinAge = retryAtMs - firstDueMs <= policy.MaximumEventAgeInSeconds * 1000;
    if (attempt <= policy.MaximumRetryAttempts && withinAge) {
      record.run = { dueMs: retryAtMs, attempt, firstDueMs, completed: false };
      this.#enqueue(record);
      this.#changed();
      return;
    }
    const queueArn = record.Target.DeadLetterConfig?.Arn;
    if (queueArn) {
      this.stats.deadLettered++;
      this.#deadLetters.push({
        queueArn,
        scheduleArn: record.Arn,
        groupName: record.GroupName,
        scheduleName: record.Name,
        targetArn: record.Target.Arn,
        input,
        attempts: attempt,
        error: error instanceof Error ? error.message : String(error),
        at: this.#clock.now().toString(),
      });
    } else {
      this.stats.dropped++;
    }
    this.#complete(record);
  }

  /** A one-time schedule is complete after its last invocation, successful or not. */
  #complete(record: ScheduleRecord): void {
    if (!this.#isCurrent(record)) return;
    record.run = { dueMs: null, attempt: 0, firstDueMs: null, completed: true };
    if (record.ActionAfterCompletion === 'DELETE') this.#removeSchedule(record);
    this.#changed();
  }

  #retryDelayMs(attempt: number): number {
    const base = this.#options.retryBaseDelayMs ?? 1000;
    const ceiling = Math.min(maxRetryDelayMs, base * 2 ** Math.min(attempt - 1, 30));
    // Half fixed, half random: spread out like the service, never sooner than half the step.
    return Math.ceil(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  #enqueue(record: ScheduleRecord): void {
    const dueMs = record.run.dueMs;
    if (dueMs === null) return;
    const firing: Firing = { dueMs, seq: this.#seq++, record };
    if (!this.#live.has(record)) this.#pendingCount++;
    this.#live.set(record, firing);
    this.#queue.push(firing);
    if (dueMs < this.#tickerDueMs) this.#armTicker();
  }

  #unqueue(record: ScheduleRecord): void {
    if (this.#live.delete(record)) this.#pendingCount--;
  }

  #armTicker(): void {
    const interval = this.#options.realTimeIntervalMs ?? 1000;
    if (interval <= 0 || this.#closed || this.#port === 0) return;
    if (this.#ticker) clearTimeout(this.#ticker);
    const next = this.#peekLive();
    const untilNext = next ? next.dueMs - this.#nowMs() : interval;
    const delay = Math.max(0, Math.min(interval, untilNext));
    this.#tickerDueMs = this.#nowMs() + delay;
    this.#ticker = setTimeout(() => this.#tick(), delay);
    this.#ticker.unref();
  }

  #tick(): void {
    this.#ticker = undefined;
    this.#tickerDueMs = Number.POSITIVE_INFINITY;
    // An advance or fire in progress re-arms the ticker when it finishes.
    if (this.#exclusiveDepth > 0) return;
    this.fireDue().catch(() => undefined);
  }

  #nowMs(): number {
    return this.#clock.now().epochMilliseconds;
  }

  // ---- state --------------------------------------------------------------------------------

  #key(groupName: string, name: string): string {
    return `${groupName}/${name}`;
  }

  #isCurrent(record: ScheduleRecord): boolean {
    return this.#schedules.get(this.#key(record.GroupName, record.Name)) === record;
  }

  #newGroup(name: string): GroupRecord {
    const now = this.#nowMs() / 1000;
    return {
      Arn: `arn:aws:scheduler:${this.#region}:${this.#accountId}:schedule-group/${name}`,
      Name: name,
      State: 'ACTIVE',
      CreationDate: now,
      LastModificationDate: now,
    };
  }

  /** The first firing time of a definition, or null when the emulator never fires it. */
  #firstDueMs(definition: ScheduleDefinition): number | null {
    if (definition.State !== 'ENABLED') return null;
    const expression = parseScheduleExpression(definition.ScheduleExpression);
    if (expression?.kind !== 'at') return null;
    return oneTimeFireInstant(expression.local, definition.ScheduleExpressionTimezone);
  }

  #putSchedule(record: ScheduleRecord): void {
    const key = this.#key(record.GroupName, record.Name);
    const previous = this.#schedules.get(key);
    if (previous) this.#unqueue(previous);
    else this.#sortedKeys = undefined;
    this.#schedules.set(key, record);
    this.#enqueue(record);
    this.#changed();
    this.#writeAhead({ op: 'put', record });
  }

  #writeAhead(entry: JournalEntry): void {
    if (!this.#journal) return;
    const written = this.#journal.append(entry);
    // Awaited by the request that made the change; a failure there answers 500.
    written.catch(() => undefined);
    this.#lastAppend = written;
  }

  #replay(entry: JournalEntry): void {
    if (entry.op === 'group') {
      this.#groups.set(entry.group.Name, entry.group);
      return;
    }
    const { record } = entry;
    const key = this.#key(record.GroupName, record.Name);
    const previous = this.#schedules.get(key);
    if (previous) this.#unqueue(previous);
    this.#schedules.set(key, record);
    this.#enqueue(record);
  }

  #removeSchedule(record: ScheduleRecord): void {
    this.#unqueue(record);
    this.#schedules.delete(this.#key(record.GroupName, record.Name));
    this.#sortedKeys = undefined;
    this.#changed();
  }

  #changed(): void {
    this.#snapshot?.markDirty();
  }

  #toJson(): PersistedState {
    return {
      version: 1,
      // Taken with the state, so exactly the entries written before it count as covered.
      ...(this.#journal ? { journalCovered: this.#journal.rotate() } : {}),
      groups: [...this.#groups.values()],
      schedules: [...this.#schedules.values()],
      deadLetters: this.#deadLetters,
    };
  }

  #restore(saved: PersistedState): void {
    for (const group of saved.groups) this.#groups.set(group.Name, group);
    for (const record of saved.schedules) {
      this.#schedules.set(this.#key(record.GroupName, record.Name), record);
      this.#enqueue(record);
    }
    this.#deadLetters.push(...saved.deadLetters);
  }

  #sorted(): string[] {
    this.#sortedKeys ??= [...this.#schedules.keys()].sort();
    return this.#sortedKeys;
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const answer = await this.#answer(req.method ?? 'GET', url, () => readBody(req));
    res
      .writeHead(answer.status, {
        ...answer.headers,
        'content-length': Buffer.byteLength(answer.body),
      })
      .end(answer.body);
  }

  respond(request: EmulatorRequest): Promise<EmulatorResponse> {
    const url = new URL(request.path, 'http://localhost');
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === null) url.searchParams.append(name, '');
      else if (typeof value === 'string') url.searchParams.append(name, value);
      else for (const item of value) url.searchParams.append(name, item);
    }
    return this.#answer(request.method, url, async () => request.body ?? '');
  }

  /** The one request path of both the HTTP server and `respond`. */
  async #answer(method: string, url: URL, body: () => Promise<string>): Promise<EmulatorResponse> {
    try {
      const { status, payload } = this.#route(method, url, parseJson(await body()));
      // A create or update is answered only once its journal line is on disk.
      if (method === 'POST' || method === 'PUT') await this.#lastAppend;
      return answer(status, payload);
    } catch (error) {
      if (error instanceof SchedulerApiError) {
        return answer(error.status, { Message: error.message }, error.type);
      }
      return answer(
        500,
        { Message: 'Internal error in the scheduler emulator.' },
        'InternalServerException',
      );
    }
  }

  #route(method: string, url: URL, body: unknown): { status: number; payload: unknown } {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const [collection, name, extra] = parts;
    const query = url.searchParams;
    if (extra === undefined && collection === 'schedules') {
      if (name === undefined) {
        if (method === 'GET') return ok(this.#listSchedules(query));
      } else if (method === 'POST') {
        return ok(this.#createSchedule(name, body));
      } else if (method === 'PUT') {
        return ok(this.#updateSchedule(name, body));
      } else if (method === 'GET') {
        return ok(this.#getSchedule(name, query.get('groupName')));
      } else if (method === 'DELETE') {
        return ok(this.#deleteSchedule(name, query));
      }
    }
    if (extra === undefined && collection === 'schedule-groups') {
      if (name === undefined) {
        if (method === 'GET') return ok(this.#listGroups(query));
      } else if (method === 'POST') {
        return ok(this.#createGroup(name, body));
      } else if (method === 'GET') {
        return ok(this.#getGroup(name));
      } else if (method === 'DELETE') {
        return ok(this.#deleteGroup(name, query));
      }
    }
    throw new SchedulerApiError(
      'ValidationException',
      `The scheduler emulator does not implement ${method} ${url.pathname}.`,
    );
  }

  #requireGroup(groupName: string): GroupRecord {
    const group = this.#groups.get(groupName);
    if (!group) {
      throw new SchedulerApiError(
        'ResourceNotFoundException',
        `Schedule group ${groupName} does not exist.`,
      );
    }
    return group;
  }

  #requireSchedule(name: string, groupName: string): ScheduleRecord {
    const record = this.#schedules.get(this.#key(groupName, name));
    if (!record) {
      throw new SchedulerApiError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    }
    return record;
  }

  #createSchedule(rawName: string, body: unknown) {
    const name = checkName(rawName, 'name');
    const { definition, groupName } = parseScheduleDefinition(body);
    this.#requireGroup(groupName);
    if (this.#schedules.has(this.#key(groupName, name))) {
      throw new SchedulerApiError('ConflictException', `Schedule ${name} already exists.`);
    }
    const now = this.#nowMs() / 1000;
    const dueMs = this.#firstDueMs(definition);
    const record: ScheduleRecord = {
      ...definition,
      Arn: `arn:aws:scheduler:${this.#region}:${this.#accountId}:schedule/${groupName}/${name}`,
      Name: name,
      GroupName: groupName,
      CreationDate: now,
      LastModificationDate: now,
      run: { dueMs, attempt: 0, firstDueMs: dueMs, completed: false },
    };
    this.#putSchedule(record);
    return { ScheduleArn: record.Arn };
  }

  #updateSchedule(rawName: string, body: unknown) {
    const name = checkName(rawName, 'name');
    const { definition, groupName } = parseScheduleDefinition(body);
    const previous = this.#requireSchedule(name, groupName);
    const dueMs = this.#firstDueMs(definition);
    // UpdateSchedule replaces the whole definition; a fresh record also detaches any invocation
    // still running for the old one.
    const record: ScheduleRecord = {
      ...definition,
      Arn: previous.Arn,
      Name: name,
      GroupName: groupName,
      CreationDate: previous.CreationDate,
      LastModificationDate: this.#nowMs() / 1000,
      run: { dueMs, attempt: 0, firstDueMs: dueMs, completed: false },
    };
    this.#putSchedule(record);
    return { ScheduleArn: record.Arn };
  }

  #getSchedule(rawName: string, rawGroup: string | null) {
    const name = checkName(rawName, 'name');
    const groupName = rawGroup === null ? 'default' : checkName(rawGroup, 'groupName');
    const { run: _run, ...wire } = this.#requireSchedule(name, groupName);
    return wire;
  }

  #deleteSchedule(rawName: string, query: URLSearchParams) {
    const name = checkName(rawName, 'name');
    const rawGroup = query.get('groupName');
    const groupName = rawGroup === null ? 'default' : checkName(rawGroup, 'groupName');
    checkClientToken(query.get('clientToken') ?? undefined);
    this.#removeSchedule(this.#requireSchedule(name, groupName));
    return {};
  }

  #listSchedules(query: URLSearchParams) {
    const group = query.get('ScheduleGroup');
    if (group !== null) checkName(group, 'groupName');
    const namePrefix = query.get('NamePrefix');
    if (namePrefix !== null) checkName(namePrefix, 'namePrefix');
    const state = query.get('State');
    if (state !== null && state !== 'ENABLED' && state !== 'DISABLED') {
      throw new SchedulerApiError(
        'ValidationException',
        `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
      );
    }
    const maxResults = parseMaxResults(query.get('MaxResults'));
    const after = parseNextToken(query.get('NextToken'));

    const keys = this.#sorted();
    const prefix = group === null ? '' : `${group}/${namePrefix ?? ''}`;
    let index = lowerBound(keys, prefix);
    if (after !== undefined) index = Math.max(index, upperBound(keys, after));
    const page: unknown[] = [];
    let lastKey: string | undefined;
    for (; index < keys.length; index++) {
      const key = keys[index] as string;
      if (!key.startsWith(prefix)) break;
      const record = this.#schedules.get(key);
      if (!record) continue;
      if (namePrefix !== null && !record.Name.startsWith(namePrefix)) continue;
      if (state !== null && record.State !== (state as State)) continue;
      if (page.length === maxResults) {
        return { Schedules: page, NextToken: encodeToken(lastKey as string) };
      }
      page.push({
        Arn: record.Arn,
        Name: record.Name,
        GroupName: record.GroupName,
        State: record.State,
        CreationDate: record.CreationDate,
        LastModificationDate: record.LastModificationDate,
        Target: { Arn: record.Target.Arn },
      });
      lastKey = key;
    }
    return { Schedules: page };
  }

  #createGroup(rawName: string, body: unknown) {
    const name = checkName(rawName, 'name');
    if (typeof body === 'object' && body !== null) {
      checkClientToken((body as Record<string, unknown>).ClientToken);
    }
    if (this.#groups.has(name)) {
      throw new SchedulerApiError('ConflictException', `Schedule group ${name} already exists.`);
    }
    const group = this.#newGroup(name);
    this.#groups.set(name, group);
    this.#changed();
    this.#writeAhead({ op: 'group', group });
    return { ScheduleGroupArn: group.Arn };
  }

  #getGroup(rawName: string) {
    return this.#requireGroup(checkName(rawName, 'name'));
  }

  #deleteGroup(rawName: string, query: URLSearchParams) {
    const name = checkName(rawName, 'name');
    checkClientToken(query.get('clientToken') ?? undefined);
    if (name === 'default') {
      throw new SchedulerApiError(
        'ValidationException',
        'The default schedule group cannot be deleted.',
      );
    }
    this.#requireGroup(name);
    // Deleting a group deletes its schedules, as in the service (which does it asynchronously).
    for (const record of [...this.#schedules.values()]) {
      if (record.GroupName === name) this.#removeSchedule(record);
    }
    this.#groups.delete(name);
    this.#changed();
    return {};
  }

  #listGroups(query: URLSearchParams) {
    const namePrefix = query.get('NamePrefix');
    if (namePrefix !== null) checkName(namePrefix, 'namePrefix');
    const maxResults = parseMaxResults(query.get('MaxResults'));
    const after = parseNextToken(query.get('NextToken'));
    const groups = [...this.#groups.values()]
      .filter((group) => namePrefix === null || group.Name.startsWith(namePrefix))
      .filter((group) => after === undefined || group.Name > after)
      .sort((a, b) => (a.Name < b.Name ? -1 : 1));
    const page = groups.slice(0, maxResults);
    const last = page.at(-1);
    return groups.length > maxResults && last
      ? { ScheduleGroups: page, NextToken: encodeToken(last.Name) }
      : { ScheduleGroups: page };
  }
}

function ok(payload: unknown): { status: number; payload: unknown } {
  return { status: 200, payload };
}

function answer(status: number, payload: unknown, errorType?: string): EmulatorResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  return { status, headers, body: JSON.stringify(payload) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      throw new SchedulerApiError('ValidationException', 'The request body is too large.');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (Buffer.byteLength(text) > maxBodyBytes) {
    throw new SchedulerApiError('ValidationException', 'The request body is too large.');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new SchedulerApiError('ValidationException', 'The request body is not valid JSON.');
  }
}

function parseMaxResults(raw: string | null): number {
  if (raw === null) return 100;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new SchedulerApiError(
      'ValidationException',
      `1 validation error detected: Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  return value;
}

function encodeToken(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function parseNextToken(raw: string | null): string | undefined {
  if (raw === null) return undefined;
  const key = Buffer.from(raw, 'base64url').toString('utf8');
  const [group = '', name = ''] = key.split('/');
  if (!namePattern.test(group) || (key.includes('/') && !namePattern.test(name))) {
    throw new SchedulerApiError('ValidationException', 'The NextToken is not valid.');
  }
  return key;
}

/** First index whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((keys[mid] as string) < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index whose key is > `key`. */
function upperBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((keys[mid] as string) <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}
