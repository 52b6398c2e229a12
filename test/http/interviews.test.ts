import { describe, expect, it } from 'vitest';
import { scheduleName } from '../../shared/scheduling/names';
import { interviewInput } from '../support/interview-fixtures';
import { type TestApi, useTestApi } from '../support/test-api';

let api: TestApi;
useTestApi((started) => {
  api = started;
});

async function create(overrides: Record<string, unknown> = {}) {
  const response = await api.request('POST', '/v1/interviews', { body: interviewInput(overrides) });
  expect(response.status, response.text).toBe(201);
  return response;
}

describe('create and read', () => {
  it('stores the interview with its plan, schedules its steps and records an event', async () => {
    const response = await create({ externalId: 'create-1' });
    const interview = response.body;
    expect(interview.id).toMatch(/^int_/);
    expect(interview).toMatchObject({
      externalId: 'create-1',
      status: 'active',
      version: 1,
      candidate: { name: 'Dana Whitfield' },
      role: { title: 'Backend Engineer', company: 'Northwind' },
      round: 1,
      timeZone: 'America/New_York',
    });
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('location')).toBe(`/v1/interviews/${interview.id}`);
    expect(interview.steps.length).toBeGreaterThan(0);
    const thankYous = interview.steps.filter((step: { kind: string }) => step.kind === 'thank_you');
    expect(thankYous).toHaveLength(2);

    const scheduled = interview.steps.filter(
      (step: { status: string }) => step.status === 'scheduled',
    );
    for (const step of scheduled) {
      const name = scheduleName({
        kind: 'step',
        tenantId: api.tenantId,
        interviewId: interview.id,
        stepId: step.id,
      });
      expect(api.scheduler.active.get(name)?.at).toBe(step.dueAt);
    }
    const earliest = scheduled.map((step: { dueAt: string }) => step.dueAt).sort()[0];
    expect(interview.nextDueAt).toBe(earliest);

    const events = await api.store.listEvents(api.tenantId, {
      limit: 10,
      interviewId: interview.id,
    });
    expect(events.items.map((event) => event.type)).toEqual(['interview.created']);
    expect(events.items[0]?.data).toMatchObject({ interviewId: interview.id, sequence: 1 });
    expect(JSON.stringify(events.items[0]?.data)).not.toContain('Dana');

    const read = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toEqual(interview);
  });

  it('answers 404 problem for an unknown id', async () => {
    const response = await api.request('GET', '/v1/interviews/int_doesnotexist');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('list', () => {
  it('pages through every interview with status and externalId filters', async () => {
    const own = await api.createTenant('Lister');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      // Ids sort by creation time; a second apart makes "newest first" observable.
      api.clock.set(api.clock.now().add({ seconds: 1 }));
      const response = await api.request('POST', '/v1/interviews', {
        apiKey: own.apiKey,
        body: interviewInput({ externalId: i % 2 === 0 ? 'even' : `odd-${i}` }),
      });
      expect(response.status).toBe(201);
      created.push(response.body.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await api.request('GET', `/v1/interviews${query}`, { apiKey: own.apiKey });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...created].reverse());
    expect(pages).toBe(3);

    const even = await api.request('GET', '/v1/interviews?externalId=even', { apiKey: own.apiKey });
    expect(even.body.data).toHaveLength(3);
    const active = await api.request('GET', '/v1/interviews?status=active&limit=100', {
      apiKey: own.apiKey,
    });
    expect(active.body.data).toHaveLength(5);
    const closed = await api.request('GET', '/v1/interviews?status=closed', { apiKey: own.apiKey });
    expect(closed.body).toEqual({ data: [] });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['status=open', 'status'],
    ['cursor=%21%21', 'cursor'],
    // Well-formed, so the request validation lets it through: the store refuses it.
    ['cursor=abc', 'cursor'],
    ['color=red', 'color'],
  ])('refuses the query %s, naming the parameter', async (query, field) => {
    const response = await api.request('GET', `/v1/interviews?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([
      `query.${field}`,
    ]);
  });
});

describe('patch', () => {
  it('merges fields, re-plans, bumps the version and honours If-Match', async () => {
    const { body: interview } = await create();
    const stale = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { role: { title: 'Staff Engineer' } },
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');

    const patched = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { role: { title: 'Staff Engineer' }, nextSteps: { decisionExpectedBy: null } },
      headers: { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    expect(patched.body.version).toBe(2);
    expect(patched.body.role).toEqual({ title: 'Staff Engineer', company: 'Northwind' });
    expect(patched.body.nextSteps.decisionExpectedBy).toBeUndefined();

    const again = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { round: 2 },
      headers: { 'if-match': '"1"' },
    });
    expect(again.status).toBe(412);
  });

  it.each([
    [{ startsAt: '2026-03-03T16:00:00Z' }, 'endsAt'],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
    [{ candidate: { name: null } }, 'candidate.name'],
    [{ nickname: 'x' }, 'nickname'],
    [{ interviewers: [] }, 'interviewers'],
  ])('refuses a patch that would make the interview invalid: %j', async (patch, field) => {
    const { body: interview } = await create();
    const response = await api.request('PATCH', `/v1/interviews/${interview.id}`, { body: patch });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(field);
    const unchanged = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(unchanged.body.version).toBe(1);
  });

  it('keeps the version when a patch changes nothing', async () => {
    const { body: interview } = await create();
    const response = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { role: interview.role, nextSteps: { followUpOn: null } },
      headers: { 'if-match': '"1"' },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.body).toEqual(interview);
  });

  it.each([
    ['a weak tag of the current version is no match (strong comparison)', 'W/"1"', 412],
    ['a list matches when any member does', '"9", "1"', 200],
    ['a list of other versions', '"2", "3"', 412],
    ['* matches the existing interview', '*', 200],
  ])('If-Match: %s', async (_name, ifMatch, status) => {
    const { body: interview } = await create();
    const response = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { role: { title: 'Staff Engineer' } },
      headers: { 'if-match': ifMatch },
    });
    expect(response.status, response.text).toBe(status);
    const stored = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(stored.body.version).toBe(status === 200 ? 2 : 1);
  });

  it('rejects a malformed If-Match with 400', async () => {
    const { body: interview } = await create();
    const response = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { round: 2 },
      headers: { 'if-match': 'version-1' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['header.if-match']);
    const tooLong = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { round: 2 },
      headers: { 'if-match': `"${'1'.repeat(120)}"` },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors.map((e: { path: string }) => e.path)).toEqual(['header.if-match']);
  });
});

describe('concurrent writers', () => {
  it('keeps all of 10 concurrent PATCHes (no lost update)', async () => {
    const { body: interview } = await create();
    const topics = Array.from({ length: 10 }, (_, i) => `topic ${i}`);
    const responses = await Promise.all(
      topics.map((topic) =>
        api.request('PATCH', `/v1/interviews/${interview.id}`, {
          body: { externalId: topic },
        }),
      ),
    );
    for (const response of responses) expect(response.status, response.text).toBe(200);
    const versions = responses.map((response) => response.body.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    const final = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(final.body.version).toBe(11);
  });

  it('applies all of 10 concurrent step completions', async () => {
    const { body: interview } = await create({
      interviewers: Array.from({ length: 10 }, (_, i) => ({
        name: `Interviewer ${i}`,
        email: `person${i}@northwind.example`,
      })),
    });
    const thankYous = interview.steps.filter(
      (step: { kind: string; status: string }) =>
        step.kind === 'thank_you' && step.status === 'scheduled',
    );
    expect(thankYous).toHaveLength(10);
    const responses = await Promise.all(
      thankYous.map((step: { id: string }) =>
        api.request('POST', `/v1/interviews/${interview.id}/steps/${step.id}/complete`),
      ),
    );
    for (const response of responses) expect(response.status, response.text).toBe(200);
    const final = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(final.body.version).toBe(11);
    for (const step of thankYous) {
      const stored = final.body.steps.find((candidate: { id: string }) => candidate.id === step.id);
      expect(stored.status).toBe('completed');
    }
  });
});

describe('signals and step actions', () => {
  it('closes the interview on an offer, cancels its schedules and records the close', async () => {
    const { body: interview } = await create();
    const response = await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: { type: 'offer' },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ status: 'closed', closedReason: 'offer', version: 2 });
    expect(response.body.nextDueAt).toBeUndefined();
    const prefix = scheduleName({
      kind: 'step',
      tenantId: api.tenantId,
      interviewId: interview.id,
      stepId: interview.steps[0].id,
    });
    expect(api.scheduler.active.has(prefix)).toBe(false);
    const events = await api.store.listEvents(api.tenantId, {
      limit: 10,
      interviewId: interview.id,
    });
    const sequences = Object.fromEntries(
      events.items.map((event) => [event.type, event.data.sequence]),
    );
    expect(sequences).toEqual({
      'interview.created': 1,
      'interview.updated': 2,
      'interview.closed': 3,
    });
  });

  it('answers 409 for a signal on a closed interview', async () => {
    const { body: interview } = await create();
    await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: { type: 'offer' },
    });
    const response = await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: { type: 'rejected' },
    });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('conflict');
  });

  it('skips and snoozes steps, and 404s an unknown step', async () => {
    const { body: interview } = await create();
    const [first, second] = interview.steps.filter(
      (step: { status: string }) => step.status === 'scheduled',
    );
    const skipped = await api.request(
      'POST',
      `/v1/interviews/${interview.id}/steps/${first.id}/skip`,
      { body: {} },
    );
    expect(skipped.status, skipped.text).toBe(200);
    expect(skipped.body.steps.find((step: { id: string }) => step.id === first.id).status).toBe(
      'skipped',
    );

    const snoozed = await api.request(
      'POST',
      `/v1/interviews/${interview.id}/steps/${second.id}/snooze`,
      { body: { by: 'P2D' } },
    );
    expect(snoozed.status, snoozed.text).toBe(200);
    const moved = snoozed.body.steps.find(
      (step: { snoozedFrom?: string; status: string }) =>
        step.snoozedFrom === second.dueAt && step.status === 'scheduled',
    );
    expect(moved.dueAt > second.dueAt).toBe(true);
    expect(snoozed.body.steps.find((step: { id: string }) => step.id === second.id).status).toBe(
      'cancelled',
    );

    const both = await api.request(
      'POST',
      `/v1/interviews/${interview.id}/steps/${second.id}/snooze`,
      { body: { by: 'P2D', until: '2026-04-01T10:00:00Z' } },
    );
    expect(both.status).toBe(400);

    const unknown = await api.request(
      'POST',
      `/v1/interviews/${interview.id}/steps/stp_nope/complete`,
    );
    expect(unknown.status).toBe(404);
  });

  it.each([
    ['-P30D', 'backwards'],
    ['P0D', 'by nothing'],
    ['PT0S', 'by nothing'],
    ['P2Y', 'past a year'],
  ])('refuses a snooze by %s (%s) and changes nothing', async (by) => {
    const { body: interview } = await create();
    const step = interview.steps.find((s: { status: string }) => s.status === 'scheduled');
    const response = await api.request(
      'POST',
      `/v1/interviews/${interview.id}/steps/${step.id}/snooze`,
      { body: { by } },
    );
    expect(response.status, response.text).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        path: 'by',
        message: 'Must be a positive duration of at most P1Y',
      }),
    ]);
    const read = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(read.body.version).toBe(interview.version);
  });
});

describe('signals', () => {
  it('refuses an employer_replied date before the interview, as create does, and changes nothing', async () => {
    const { body: interview } = await create();
    const signal = await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: {
        type: 'employer_replied',
        decisionExpectedBy: '2020-01-01',
        followUpOn: '2020-01-02',
      },
    });
    expect(signal.status, signal.text).toBe(400);
    expect(signal.body.errors).toEqual([
      {
        path: 'decisionExpectedBy',
        message: 'Must not be before the interview date',
        code: 'out_of_order',
      },
      {
        path: 'followUpOn',
        message: 'Must not be before the interview date',
        code: 'out_of_order',
      },
    ]);
    const read = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(read.body.version).toBe(interview.version);
    // A date on or after the interview's day is taken, and a later PATCH still works.
    const interviewDay = interview.startsAt.slice(0, 10);
    const accepted = await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: { type: 'employer_replied', decisionExpectedBy: interviewDay },
    });
    expect(accepted.status, accepted.text).toBe(200);
    const patched = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { role: { title: 'Staff Engineer' } },
    });
    expect(patched.status, patched.text).toBe(200);
  });

  it('refuses a next_round signal whose dates lie before that round', async () => {
    const { body: interview } = await create();
    const startsAt = new Date(Date.parse(interview.endsAt) + 7 * 86_400_000);
    const endsAt = new Date(startsAt.getTime() + 3_600_000);
    const signal = await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: {
        type: 'next_round',
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        interviewers: [{ name: 'Ada Park', email: 'ada@northwind.example' }],
        nextSteps: { decisionExpectedBy: interview.startsAt.slice(0, 10) },
      },
    });
    expect(signal.status, signal.text).toBe(400);
    expect(signal.body.errors).toEqual([
      expect.objectContaining({ path: 'nextSteps.decisionExpectedBy', code: 'out_of_order' }),
    ]);
  });
});

describe('erase', () => {
  it('removes personal data, cancels schedules and keeps a closed, erased record', async () => {
    const { body: interview } = await create({ externalId: 'erase-me' });
    const response = await api.request('DELETE', `/v1/interviews/${interview.id}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');

    const read = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'closed', closedReason: 'erased' });
    for (const personal of ['Dana', 'dana@example.com', 'Priya', 'priya@', 'marco-ortiz', '555']) {
      expect(read.text).not.toContain(personal);
    }
    expect(
      read.body.steps.filter((step: { status: string }) => step.status === 'scheduled'),
    ).toEqual([]);
    for (const step of interview.steps) {
      const name = scheduleName({
        kind: 'step',
        tenantId: api.tenantId,
        interviewId: interview.id,
        stepId: step.id,
      });
      expect(api.scheduler.active.has(name)).toBe(false);
    }
    const stored = await api.store.getInterview(api.tenantId, interview.id);
    expect(JSON.stringify(stored)).not.toContain('Dana');

    const again = await api.request('DELETE', `/v1/interviews/${interview.id}`);
    expect(again.status).toBe(204);
  });
});

describe('tenant isolation', () => {
  it('answers 404 for every route on another tenant’s interview', async () => {
    const { body: interview } = await create();
    const other = await api.createTenant();
    const stepId = interview.steps[0].id;
    const attempts: Array<[string, string, unknown]> = [
      ['GET', `/v1/interviews/${interview.id}`, undefined],
      ['PATCH', `/v1/interviews/${interview.id}`, { round: 2 }],
      ['DELETE', `/v1/interviews/${interview.id}`, undefined],
      ['POST', `/v1/interviews/${interview.id}/signals`, { type: 'offer' }],
      ['POST', `/v1/interviews/${interview.id}/steps/${stepId}/complete`, {}],
    ];
    for (const [method, path, body] of attempts) {
      const response = await api.request(method, path, { apiKey: other.apiKey, body });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const list = await api.request('GET', '/v1/interviews', { apiKey: other.apiKey });
    expect(list.body.data).toEqual([]);
    const unchanged = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(unchanged.body.version).toBe(1);
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and body, and 422s another body', async () => {
    const key = 'create-once-1';
    const first = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ externalId: 'idem' }),
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const replay = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ externalId: 'idem' }),
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('etag')).toBe('"1"');
    expect(replay.body).toEqual(first.body);

    const list = await api.request('GET', '/v1/interviews?externalId=idem');
    expect(list.body.data).toHaveLength(1);

    const different = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ externalId: 'idem-2' }),
      headers: { 'idempotency-key': key },
    });
    expect(different.status).toBe(422);
    expect(different.body.code).toBe('idempotency_key_reused');
  });

  it('does not store failed requests, and refuses keys over 255 characters', async () => {
    const key = 'fix-and-retry';
    const bad = await api.request('POST', '/v1/interviews', {
      body: { ...interviewInput(), timeZone: 'Nowhere/Special' },
      headers: { 'idempotency-key': key },
    });
    expect(bad.status).toBe(400);
    const good = await api.request('POST', '/v1/interviews', {
      body: interviewInput(),
      headers: { 'idempotency-key': key },
    });
    expect(good.status).toBe(201);

    const tooLong = await api.request('POST', '/v1/interviews', {
      body: interviewInput(),
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'header.idempotency-key',
    ]);
  });

  it('keeps keys per tenant', async () => {
    const other = await api.createTenant();
    const key = 'shared-key';
    const mine = await api.request('POST', '/v1/interviews', {
      body: interviewInput(),
      headers: { 'idempotency-key': key },
    });
    const theirs = await api.request('POST', '/v1/interviews', {
      apiKey: other.apiKey,
      body: interviewInput({ externalId: 'theirs' }),
      headers: { 'idempotency-key': key },
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });
});

describe('scheduler outages', () => {
  it('still answers 201 and logs when the Scheduler call fails after the write', async () => {
    api.scheduler.failNext = true;
    const response = await api.request('POST', '/v1/interviews', { body: interviewInput() });
    expect(response.status).toBe(201);
    expect(response.body.nextDueAt).toBeDefined();
    const stored = await api.store.getInterview(api.tenantId, response.body.id);
    expect(stored?.nextDueAt).toBe(response.body.nextDueAt);
    expect(
      api.logger.entries.some((entry) => entry.message.startsWith('Scheduler call failed')),
    ).toBe(true);
  });
});
