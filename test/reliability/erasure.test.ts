/**
 * Erasure reaches everything, on the real local runtime (dynalite, the Scheduler emulator, the
 * dispatcher, real HTTP receivers): after `DELETE /v1/interviews/{id}` no item in the table
 * holds the candidate's or the interviewers' data, step events are redacted in place (ids,
 * types, times stay), attempt logs lose their response excerpts, idempotency keys answer 410
 * instead of replaying or re-creating, and nothing of the interview is ever sent again:
 * not by redelivery, recovery or a retry that was already scheduled.
 */
import { randomBytes } from 'node:crypto';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDocument } from '../../shared/store/documents';
import { startHttpReceiver } from '../support/http-receiver';
import { interviewInput, startTestRuntime, type TestRuntime } from '../support/runtime';

/** Every string of the interview input that is personal data. */
const personal = [
  'Dana Whitfield',
  'dana@example.com',
  '+1 555 0100',
  'Priya Raman',
  'priya@northwind.example',
  'Marco Ortiz',
  'marco-ortiz',
  'event sourcing',
  'on-call rotations',
];

interface EchoReceiver {
  url: string;
  /** Bodies received, in order. */
  bodies: string[];
  /** Answer 500 to events of these types (a retry then waits in the Scheduler). */
  failTypes: Set<string>;
  close(): Promise<void>;
}

/**
 * A real receiver that echoes the start of what it got in its response, as many frameworks do
 * in error pages: the attempt log's response excerpt then holds personal data too.
 */
async function startEchoReceiver(): Promise<EchoReceiver> {
  const bodies: string[] = [];
  const failTypes = new Set<string>();
  const server = await startHttpReceiver(({ body }, res) => {
    bodies.push(body);
    const type = String((JSON.parse(body) as { type?: unknown }).type);
    const status = failTypes.has(type) ? 500 : 200;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`got: ${body.slice(0, 600)}`);
  });
  return { url: server.url, bodies, failTypes, close: server.close };
}

let t: TestRuntime;
let receiver: EchoReceiver;
const tableName = `afterview-erasure-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  // On AFTERVIEW_DYNAMODB_ENDPOINT (DynamoDB Local) too, in a table of its own.
  const external = process.env.AFTERVIEW_DYNAMODB_ENDPOINT;
  t = await startTestRuntime({ tableName, ...(external ? { dynamoEndpoint: external } : {}) });
  receiver = await startEchoReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await t?.close();
});

function post(path: string, body: unknown, key: string) {
  return t.request('POST', path, {
    body: JSON.stringify(body),
    headers: { 'idempotency-key': key },
  });
}

/** Every item of the table, as JSON text (a test-only Scan: no request path scans). */
/**
 * An item as text a search for personal data can read: binary attributes (long documents are
 * stored compressed, see shared/store/documents) are decompressed, so compression cannot hide what is kept.
 */
function readableItem(item: Record<string, AttributeValue>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (value.B !== undefined) {
      let text: string;
      try {
        text = decodeDocument({ [name]: value.B }) ?? Buffer.from(value.B).toString('utf8');
      } catch {
        text = Buffer.from(value.B).toString('utf8');
      }
      parts.push(`${name}=${text}`);
    } else {
      parts.push(`${name}=${JSON.stringify(value)}`);
    }
  }
  return parts.join(' ');
}

async function tableDump(): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await t.runtime.dynamoClient.send(
      new ScanCommand({
        TableName: tableName,
        ...(start ? { ExclusiveStartKey: start as never } : {}),
      }),
    );
    for (const item of page.Items ?? []) items.push(readableItem(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

function mentionsPerson(text: string): string[] {
  return personal.filter((value) => text.includes(value));
}

interface EventView {
  id: string;
  type: string;
  timestamp: string;
  createdAt: string;
  interviewId?: string;
  erasedAt?: string;
  data: Record<string, unknown>;
}

describe('DELETE /v1/interviews/{id} reaches everything', () => {
  it('leaves no personal data in events, attempt logs or idempotency records, and sends nothing again', async () => {
    const endpointId = await t.addEndpoint(receiver.url);
    // Gets only thank-yous, so every delivery it has left unfinished is of an erased event.
    const thankYouEndpoint = await t.addEndpoint(receiver.url, ['followup.thank_you']);
    // A Monday morning in the interview's zone: the thank-yous fall due within hours, well
    // inside the 24 h the idempotency records live.
    const local = t.runtime.clock.now().toZonedDateTimeISO('America/New_York');
    const monday = local
      .add({ days: ((8 - local.dayOfWeek) % 7) + 7 })
      .with({ hour: 10, minute: 0, second: 0, millisecond: 0, microsecond: 0, nanosecond: 0 });
    await t.advanceTo(monday.toInstant());
    const start = t.runtime.clock.now();
    const input = interviewInput(start, { externalId: 'ats-erase-1' });
    const created = await post('/v1/interviews', input, 'erase-create');
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const signal = await post(
      `/v1/interviews/${id}/signals`,
      {
        type: 'employer_replied',
        decisionExpectedBy: start
          .add({ hours: 24 * 20 })
          .toString()
          .slice(0, 10),
      },
      'erase-signal',
    );
    expect(signal.status, JSON.stringify(signal.body)).toBe(200);

    // The thank-yous fire; one kind of event keeps failing, so a retry waits in the Scheduler.
    receiver.failTypes.add('followup.thank_you');
    await t.advanceTo(start.add({ hours: 6 }));
    const before = await t.api<{ data: EventView[] }>(
      'GET',
      `/v1/events?interviewId=${id}&limit=100`,
    );
    const stepEventsBefore = before.body.data.filter((event) => event.type.startsWith('followup.'));
    expect(stepEventsBefore.length).toBeGreaterThan(0);
    expect(mentionsPerson(JSON.stringify(stepEventsBefore))).not.toEqual([]);
    const dueBefore = (await t.getInterview(id)).steps.filter((step) => step.status === 'due');
    expect(dueBefore.length).toBeGreaterThan(0);
    const attemptsBefore = await t.api<{ data: Array<{ eventId: string; responseBody?: string }> }>(
      'GET',
      `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`,
    );
    const stepEventIds = new Set(stepEventsBefore.map((event) => event.id));
    const ourAttempts = attemptsBefore.body.data.filter((a) => stepEventIds.has(a.eventId));
    expect(ourAttempts.length).toBeGreaterThan(0);
    expect(mentionsPerson(JSON.stringify(ourAttempts))).not.toEqual([]);
    expect(mentionsPerson((await tableDump()).join('\n'))).not.toEqual([]);

    const erased = await t.api('DELETE', `/v1/interviews/${id}`);
    expect(erased.status).toBe(204);

    // Nothing in the table mentions a person any more.
    const leftovers = (await tableDump()).filter((item) => mentionsPerson(item).length > 0);
    expect(leftovers).toEqual([]);

    // Events are redacted in place: same ids, types and times, marked erased.
    const after = await t.api<{ data: EventView[] }>(
      'GET',
      `/v1/events?interviewId=${id}&limit=100`,
    );
    for (const old of stepEventsBefore) {
      const now = after.body.data.find((event) => event.id === old.id);
      expect(now).toMatchObject({
        type: old.type,
        timestamp: old.timestamp,
        createdAt: old.createdAt,
        interviewId: id,
        erasedAt: expect.any(String),
      });
      expect(now?.data).toMatchObject({
        sequence: old.data.sequence,
        step: { id: (old.data.step as { id: string }).id },
        interview: { id },
      });
    }

    // No event of the interview still names its external id: not the earlier ones, and not
    // the erasure's own notices (the interview itself shows a placeholder).
    const interviewEvents = after.body.data.filter((event) => event.type.startsWith('interview.'));
    expect(interviewEvents.map((event) => event.type)).toContain('interview.closed');
    for (const event of interviewEvents) {
      expect(event.data, `${event.type} ${event.id}`).not.toHaveProperty('externalId');
    }

    // Due steps are closed out too.
    const interview = await t.getInterview(id);
    for (const step of dueBefore) {
      expect(interview.steps.find((s) => s.id === step.id)?.status).toBe('cancelled');
    }

    // Attempt logs keep their outcomes but lose the response excerpts.
    const attemptsAfter = await t.api<{
      data: Array<{
        id: string;
        eventId: string;
        statusCode?: number;
        responseBody?: string;
        erasedAt?: string;
      }>;
    }>('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`);
    const ourAfter = attemptsAfter.body.data.filter((a) => stepEventIds.has(a.eventId));
    expect(ourAfter.map((a) => a.id).sort()).toEqual(
      ourAttempts.map((a) => (a as { id?: string }).id).sort(),
    );
    for (const attempt of ourAfter) {
      expect(attempt.responseBody).toBeUndefined();
      expect(attempt.erasedAt).toEqual(expect.any(String));
      expect(attempt.statusCode).toEqual(expect.any(Number));
    }

    // The idempotency keys answer 410 instead of replaying the old response or creating again.
    const interviewsBefore = await t.api<{ data: unknown[] }>('GET', '/v1/interviews?limit=100');
    const replayCreate = await post('/v1/interviews', input, 'erase-create');
    expect(replayCreate.status).toBe(410);
    expect(replayCreate.body.code).toBe('interview_erased');
    const replaySignal = await post(
      `/v1/interviews/${id}/signals`,
      { type: 'offer' },
      'erase-signal',
    );
    expect(replaySignal.status).toBe(410);
    const interviewsAfter = await t.api<{ data: unknown[] }>('GET', '/v1/interviews?limit=100');
    expect(interviewsAfter.body.data).toHaveLength(interviewsBefore.body.data.length);

    // Nothing is sent again: not by redelivery, recovery, or the retry already scheduled.
    receiver.failTypes.clear();
    const sentBefore = receiver.bodies.length;
    const redeliver = await post(
      `/v1/events/${stepEventsBefore[0]?.id}/redeliver`,
      {},
      'erase-redeliver',
    );
    expect(redeliver.status).toBe(410);
    expect(redeliver.body.code).toBe('interview_erased');
    const recover = await post(
      `/v1/webhook-endpoints/${thankYouEndpoint}/recover`,
      { since: start.subtract({ hours: 1 }).toString() },
      'erase-recover',
    );
    expect(recover.status).toBe(202);
    expect(recover.body.recovered).toBe(0);
    await t.advanceTo(t.runtime.clock.now().add({ hours: 24 * 4 }));
    const sentAfter = receiver.bodies.slice(sentBefore);
    expect(sentAfter.filter((body) => stepEventIds.has(JSON.parse(body).id))).toEqual([]);
    expect(sentAfter.flatMap(mentionsPerson)).toEqual([]);

    // Erasing again is harmless and still answers 204.
    expect((await t.api('DELETE', `/v1/interviews/${id}`)).status).toBe(204);
  });
});

describe('DELETE /v1/interviews/{id} without an external id', () => {
  it('marks every earlier event erased, answers 410 to redeliver keys, and sends only its own notices', async () => {
    const echo = await startEchoReceiver();
    try {
      // interview.created fails here, so recovery would find it if it were not marked.
      echo.failTypes.add('interview.created');
      const endpointId = await t.addEndpoint(echo.url);
      const start = t.runtime.clock.now();
      const { externalId: _none, ...input } = interviewInput(start, {});
      const created = await post('/v1/interviews', input, 'noext-create');
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      await t.advanceTo(start.add({ minutes: 5 }));

      const before = await t.api<{ data: EventView[] }>(
        'GET',
        `/v1/events?interviewId=${id}&limit=100`,
      );
      const createdEvent = before.body.data.find((event) => event.type === 'interview.created');
      if (!createdEvent) throw new Error('interview.created was not recorded');
      expect(createdEvent.data).not.toHaveProperty('externalId');
      const redelivered = await post(
        `/v1/events/${createdEvent.id}/redeliver`,
        { endpointId },
        'noext-redeliver',
      );
      expect(redelivered.status).toBe(202);
      // The redelivery's attempt runs (and fails) before the erasure.
      await t.advanceTo(t.runtime.clock.now().add({ seconds: 1 }));
      const earlier = new Set(before.body.data.map((event) => event.id));

      const sentAtErasure = echo.bodies.length;
      expect((await t.api('DELETE', `/v1/interviews/${id}`)).status).toBe(204);

      // Every event recorded before the erasure is marked; the erasure's own notices are not.
      const after = await t.api<{ data: EventView[] }>(
        'GET',
        `/v1/events?interviewId=${id}&limit=100`,
      );
      for (const event of after.body.data) {
        if (earlier.has(event.id)) expect(event.erasedAt, event.type).toEqual(expect.any(String));
        else {
          expect(event.erasedAt, event.type).toBeUndefined();
          expect(event.data).toMatchObject({ closedReason: 'erased' });
        }
      }
      const notices = after.body.data.filter((event) => !earlier.has(event.id));
      expect(notices.map((event) => event.type).sort()).toEqual([
        'interview.closed',
        'interview.updated',
      ]);

      // Redeliver answers 410, with a new key and with the key used before the erasure.
      const again = await post(`/v1/events/${createdEvent.id}/redeliver`, {}, 'noext-redeliver-2');
      expect(again.status).toBe(410);
      const replayed = await post(
        `/v1/events/${createdEvent.id}/redeliver`,
        { endpointId },
        'noext-redeliver',
      );
      expect(replayed.status).toBe(410);
      expect(replayed.body.code).toBe('interview_erased');

      // Recovery and retries resend nothing; the erasure's own notices arrive once each.
      echo.failTypes.clear();
      await t.advanceTo(t.runtime.clock.now().add({ seconds: 1 }));
      const recover = await post(
        `/v1/webhook-endpoints/${endpointId}/recover`,
        { since: start.subtract({ hours: 1 }).toString() },
        'noext-recover',
      );
      expect(recover.status).toBe(202);
      expect(recover.body.recovered).toBe(0);
      await t.advanceTo(t.runtime.clock.now().add({ hours: 24 * 4 }));
      const sentSince = echo.bodies
        .slice(sentAtErasure)
        .map((body) => JSON.parse(body) as { id: string; data: { interviewId?: string } })
        .filter((event) => event.data.interviewId === id)
        .map((event) => event.id);
      expect(sentSince.sort()).toEqual(notices.map((event) => event.id).sort());
    } finally {
      await echo.close();
    }
  });
});
