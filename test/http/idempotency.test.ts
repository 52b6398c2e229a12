/**
 * `Idempotency-Key` under concurrency, on the real local runtime (dynalite, the Scheduler
 * emulator, HTTP): the key is claimed before the work, a duplicate that arrives while the first
 * request runs gets 409 `idempotency_key_in_use`, a dead request's claim expires with its lease,
 * and failures release the key. The only stand-in is a DynamoDB middleware that holds an
 * interview write back (fault injection), so requests overlap on purpose instead of by luck.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  idempotencyLeaseSeconds,
  idempotencyTtlSeconds,
  requestHash,
} from '../../shared/http/idempotency';
import {
  type ApiAnswer,
  awsError,
  interviewInput,
  startTestRuntime,
  type TestRuntime,
} from '../support/runtime';

let t: TestRuntime;
let receiverUrl: string;

beforeAll(async () => {
  // On AFTERVIEW_DYNAMODB_ENDPOINT (DynamoDB Local) too, in a table of its own.
  const external = process.env.AFTERVIEW_DYNAMODB_ENDPOINT;
  t = await startTestRuntime({
    tableName: `afterview-idempotency-${randomUUID()}`,
    ...(external ? { dynamoEndpoint: external } : {}),
  });
  // Any loopback URL is accepted locally; nothing needs to answer for these tests.
  receiverUrl = 'http://127.0.0.1:9/hooks';
});
afterAll(async () => {
  await t?.close();
});

function post(path: string, body: string, key: string): Promise<ApiAnswer> {
  return t.request('POST', path, { body, headers: { 'idempotency-key': key } });
}

/**
 * Holds every interview write (PutItem of an `INT#` item) until the returned `release` is
 * called; `reached` resolves once the first such write is waiting.
 */
function holdInterviewWrites(name: string): { reached: Promise<void>; release(): void } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reachedResolve = () => {};
  const reached = new Promise<void>((resolve) => {
    reachedResolve = resolve;
  });
  const stack = t.runtime.dynamoClient.middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: { sk?: { S?: string } } };
      if (context.commandName === 'PutItemCommand' && input.Item?.sk?.S?.startsWith('INT#')) {
        reachedResolve();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name, override: true },
  );
  return {
    reached,
    release() {
      release();
      stack.remove(name);
    },
  };
}

async function interviewsWithExternalId(externalId: string): Promise<string[]> {
  const list = await t.api<{ data: Array<{ id: string }> }>(
    'GET',
    `/v1/interviews?externalId=${externalId}`,
  );
  return list.body.data.map((interview) => interview.id);
}

describe('Idempotency-Key under concurrency', () => {
  it('eight simultaneous creates with one key make one interview; the others get 409 while it runs', async () => {
    const externalId = `burst-${randomUUID()}`;
    const body = JSON.stringify(interviewInput(t.runtime.clock.now(), { externalId }));
    const hold = holdInterviewWrites('hold-burst');
    const first = post('/v1/interviews', body, `burst-${externalId}`);
    await hold.reached;
    // The first request is inside its write; seven duplicates arrive meanwhile.
    const duplicates = await Promise.all(
      Array.from({ length: 7 }, () => post('/v1/interviews', body, `burst-${externalId}`)),
    );
    hold.release();
    const created = await first;

    expect(created.status).toBe(201);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    for (const duplicate of duplicates) {
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('idempotency_key_in_use');
      expect(duplicate.headers.get('retry-after')).toBe('1');
      expect(duplicate.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(await interviewsWithExternalId(externalId)).toEqual([created.body.id]);

    // Once the first has finished, the same key replays its response.
    const replay = await post('/v1/interviews', body, `burst-${externalId}`);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(created.text);
  });

  it('a concurrent request with the same key and another body gets 422, not 409', async () => {
    const now = t.runtime.clock.now();
    const externalId = `mismatch-${randomUUID()}`;
    const hold = holdInterviewWrites('hold-mismatch');
    const first = post(
      '/v1/interviews',
      JSON.stringify(interviewInput(now, { externalId })),
      externalId,
    );
    await hold.reached;
    const other = await post(
      '/v1/interviews',
      JSON.stringify(interviewInput(now, { externalId: `${externalId}-other` })),
      externalId,
    );
    hold.release();
    expect((await first).status).toBe(201);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await interviewsWithExternalId(`${externalId}-other`)).toEqual([]);
  });

  it('a key whose request died is usable again once its lease has run out', async () => {
    const externalId = `dead-${randomUUID()}`;
    const body = JSON.stringify(interviewInput(t.runtime.clock.now(), { externalId }));
    const now = t.runtime.clock.now();
    // What a process killed mid-request leaves behind: a claim nobody will complete.
    await t.runtime.store.claimIdempotency({
      phase: 'in_progress',
      tenantId: t.runtime.tenantId,
      key: externalId,
      requestHash: requestHash('POST', '/v1/interviews', body),
      owner: 'a-process-that-died',
      leaseExpiresAt: now.add({ seconds: idempotencyLeaseSeconds }).toString(),
      createdAt: now.toString(),
      expiresAt: Math.floor(now.epochMilliseconds / 1000) + idempotencyTtlSeconds,
    });

    const waiting = await post('/v1/interviews', body, externalId);
    expect(waiting.status).toBe(409);
    expect(waiting.body.code).toBe('idempotency_key_in_use');
    expect(await interviewsWithExternalId(externalId)).toEqual([]);

    await t.advanceTo(now.add({ seconds: idempotencyLeaseSeconds + 1 }));
    const takenOver = await post('/v1/interviews', body, externalId);
    expect(takenOver.status).toBe(201);
    expect(takenOver.headers.get('idempotent-replayed')).toBeNull();
    const replay = await post('/v1/interviews', body, externalId);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await interviewsWithExternalId(externalId)).toEqual([takenOver.body.id]);
  });

  it('a 5xx releases the key, so the same request can be retried at once', async () => {
    const externalId = `fault-${randomUUID()}`;
    const body = JSON.stringify(interviewInput(t.runtime.clock.now(), { externalId }));
    const stack = t.runtime.dynamoClient.middlewareStack;
    stack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { sk?: { S?: string } } };
        if (context.commandName === 'PutItemCommand' && input.Item?.sk?.S?.startsWith('INT#')) {
          throw awsError('InternalServerError', 500);
        }
        return next(args);
      },
      { step: 'initialize', name: 'fail-interview-writes', override: true },
    );
    const failed = await post('/v1/interviews', body, externalId).finally(() =>
      stack.remove('fail-interview-writes'),
    );
    expect(failed.status).toBe(500);

    const retried = await post('/v1/interviews', body, externalId);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await interviewsWithExternalId(externalId)).toEqual([retried.body.id]);
  });
  it('a store failure after the work keeps the success: no 500 that would invite a re-run', async () => {
    const externalId = `settle-${randomUUID()}`;
    const body = JSON.stringify(interviewInput(t.runtime.clock.now(), { externalId }));
    const stack = t.runtime.dynamoClient.middlewareStack;
    stack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { phase?: { S?: string } } };
        if (context.commandName === 'PutItemCommand' && input.Item?.phase?.S === 'completed') {
          throw awsError('InternalServerError', 500);
        }
        return next(args);
      },
      { step: 'initialize', name: 'fail-completions', override: true },
    );
    const errorsBefore = t.loggedErrors.length;
    const created = await post('/v1/interviews', body, externalId).finally(() =>
      stack.remove('fail-completions'),
    );
    expect(created.status).toBe(201);
    expect(t.loggedErrors.slice(errorsBefore).map((entry) => entry.message)).toContain(
      'Could not complete the Idempotency-Key claim; its lease will free it',
    );
    // The claim stays until its lease ends, so a duplicate still cannot run the work again.
    const duplicate = await post('/v1/interviews', body, externalId);
    expect(duplicate.status).toBe(409);
    expect(await interviewsWithExternalId(externalId)).toEqual([created.body.id]);
  });
});

describe('every POST that accepts Idempotency-Key claims it before working', () => {
  let interviewId: string;
  let stepId: string;
  let endpointId: string;
  let eventId: string;

  beforeAll(async () => {
    const interview = await t.createInterview();
    interviewId = interview.id;
    stepId = interview.steps[0]?.id ?? '';
    endpointId = await t.addEndpoint(receiverUrl);
    const events = await t.api<{ data: Array<{ id: string }> }>(
      'GET',
      `/v1/events?interviewId=${interviewId}`,
    );
    eventId = events.body.data[0]?.id ?? '';
  });

  const routes: Array<[string, () => string, string]> = [
    ['create interview', () => '/v1/interviews', '{}'],
    ['signal', () => `/v1/interviews/${interviewId}/signals`, '{"type":"offer"}'],
    ['step complete', () => `/v1/interviews/${interviewId}/steps/${stepId}/complete`, '{}'],
    ['step skip', () => `/v1/interviews/${interviewId}/steps/${stepId}/skip`, '{}'],
    ['create endpoint', () => '/v1/webhook-endpoints', '{"url":"http://127.0.0.1:9/other"}'],
    ['rotate secret', () => `/v1/webhook-endpoints/${endpointId}/rotate-secret`, '{}'],
    ['test endpoint', () => `/v1/webhook-endpoints/${endpointId}/test`, '{}'],
    [
      'recover',
      () => `/v1/webhook-endpoints/${endpointId}/recover`,
      '{"since":"2020-01-01T00:00:00Z"}',
    ],
    ['redeliver', () => `/v1/events/${eventId}/redeliver`, '{}'],
  ];

  it.each(routes)(
    '%s: a duplicate of a running request gets 409 and does nothing',
    async (_, path, body) => {
      const key = `held-${randomUUID()}`;
      const now = t.runtime.clock.now();
      await t.runtime.store.claimIdempotency({
        phase: 'in_progress',
        tenantId: t.runtime.tenantId,
        key,
        requestHash: requestHash('POST', path(), body),
        owner: 'the-first-request',
        leaseExpiresAt: now.add({ seconds: idempotencyLeaseSeconds }).toString(),
        createdAt: now.toString(),
        expiresAt: Math.floor(now.epochMilliseconds / 1000) + idempotencyTtlSeconds,
      });
      const snapshot = async () => ({
        interview: await t.getInterview(interviewId),
        interviews: (await t.api('GET', '/v1/interviews?limit=100')).body,
        endpoints: (await t.api('GET', '/v1/webhook-endpoints?limit=100')).body,
        events: (await t.api('GET', '/v1/events?limit=100')).body,
      });
      const before = await snapshot();

      const duplicate = await post(path(), body, key);
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('idempotency_key_in_use');
      expect(duplicate.headers.get('retry-after')).toBe('1');
      expect(await snapshot()).toEqual(before);
    },
  );
});
