/**
 * Concurrent writes on one interview: many clients at once must never lose an update. Without
 * If-Match the service re-reads and retries a lost conditional write, so every accepted write is
 * in the final state and the version counts them; with If-Match from the same version exactly
 * one write wins and the others are refused with 412.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { ApiClient, type ApiResponse, interviewInput, type Json, startRuntime } from './support';

let runtime: LocalRuntime;
let api: ApiClient;
let now: string;

beforeAll(async () => {
  ({ runtime } = await startRuntime());
  api = new ApiClient(runtime.url, runtime.apiKey);
  now = runtime.clock.now().toString();
});
afterAll(async () => {
  await runtime?.close();
});

async function createInterview(externalId: string, interviewers = 2) {
  const created = await api.post(
    '/v1/interviews',
    interviewInput(now, { externalId, interviewers }),
  );
  expect(created.status, created.text).toBe(201);
  return created.body;
}

/** Twenty merge patches, each changing a different field to a value it does not have yet. */
const distinctPatches: Array<{ patch: Record<string, unknown>; read: (i: Json) => unknown }> = [
  { patch: { externalId: 'changed-external' }, read: (i) => i.externalId },
  { patch: { candidate: { phone: '+1 555 0199' } }, read: (i) => i.candidate.phone },
  { patch: { candidate: { email: 'dana.w@example.com' } }, read: (i) => i.candidate.email },
  { patch: { role: { title: 'Staff Engineer' } }, read: (i) => i.role.title },
  { patch: { role: { company: 'Northwind Labs' } }, read: (i) => i.role.company },
  { patch: { format: 'phone' }, read: (i) => i.format },
  { patch: { nextSteps: { processLength: 'P2M' } }, read: (i) => i.nextSteps.processLength },
  {
    patch: { nextSteps: { idealStartDate: '2027-01-04' } },
    read: (i) => i.nextSteps.idealStartDate,
  },
  { patch: { policy: { sendDays: [1, 2, 3, 4] } }, read: (i) => i.policy?.sendDays },
  {
    patch: { policy: { sendHours: { start: '09:00', end: '17:00' } } },
    read: (i) => i.policy?.sendHours,
  },
  { patch: { policy: { thankYouDelay: 'PT2H' } }, read: (i) => i.policy?.thankYouDelay },
  { patch: { policy: { thankYouDeadline: 'PT36H' } }, read: (i) => i.policy?.thankYouDeadline },
  { patch: { policy: { checkInDays: [2, 3, 4] } }, read: (i) => i.policy?.checkInDays },
  {
    patch: { policy: { checkInHours: { start: '09:30', end: '11:30' } } },
    read: (i) => i.policy?.checkInHours,
  },
  { patch: { policy: { firstCheckInAfter: 'P15D' } }, read: (i) => i.policy?.firstCheckInAfter },
  {
    patch: { policy: { decisionGraceBusinessDays: 4 } },
    read: (i) => i.policy?.decisionGraceBusinessDays,
  },
  { patch: { policy: { checkInCadence: 'P16D' } }, read: (i) => i.policy?.checkInCadence },
  { patch: { policy: { maxCheckIns: 2 } }, read: (i) => i.policy?.maxCheckIns },
  { patch: { policy: { moveOnAfter: 'P10D' } }, read: (i) => i.policy?.moveOnAfter },
  { patch: { policy: { handwrittenNote: true } }, read: (i) => i.policy?.handwrittenNote },
];

/**
 * Sends `write` again after a 409 (the service gave up re-reading under contention), as a
 * client following the problem document's advice would; any other answer is returned.
 */
async function retryConflicts(write: () => Promise<ApiResponse>): Promise<ApiResponse> {
  for (let attempt = 1; ; attempt++) {
    const response = await write();
    if (response.status !== 409 || attempt >= 10) return response;
    await sleep(Math.random() * 50 * attempt);
  }
}

/** The value a patch sets, read back from the patch itself with the same accessor. */
function expectedValue(entry: (typeof distinctPatches)[number]): unknown {
  const patch = entry.patch as Json;
  return entry.read({ candidate: {}, role: {}, nextSteps: {}, ...patch });
}

describe('parallel writes on one interview', () => {
  it('twenty PATCHes without If-Match: every accepted change survives', async () => {
    const interview = await createInterview('concurrent-patches');
    const path = `/v1/interviews/${interview.id}`;
    const responses = await Promise.all(
      distinctPatches.map(({ patch }) => retryConflicts(() => api.patch(path, patch))),
    );

    // 409 means "changing too often, retry": a client that does so gets every write in.
    for (const response of responses) expect(response.status, response.text).toBe(200);
    const accepted = distinctPatches.filter((_, i) => responses[i]?.status === 200);

    const final = await api.get(path);
    expect(final.status).toBe(200);
    for (const entry of accepted) expect(entry.read(final.body)).toEqual(expectedValue(entry));
    expect(final.body.version).toBe(1 + accepted.length);
    expect(final.headers.etag).toBe(`"${final.body.version}"`);

    // Every accepted write told subscribers once, each with its own sequence number.
    const events = await api.listAll(
      `/v1/events?interviewId=${interview.id}&type=interview.updated`,
    );
    expect(events).toHaveLength(accepted.length);
    const sequences = new Set(events.map((event) => event.data.sequence));
    expect(sequences.size).toBe(accepted.length);
  });

  it('PATCHes, step actions and a signal at once: each accepted write is in the result', async () => {
    const interview = await createInterview('concurrent-mixed', 3);
    const path = `/v1/interviews/${interview.id}`;
    const thankYous = interview.steps.filter((step: Json) => step.kind === 'thank_you');
    expect(thankYous.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = thankYous;

    const patches = distinctPatches.slice(0, 8).filter((entry) => !('format' in entry.patch));
    const writes: Array<{ label: string; send: () => Promise<ApiResponse> }> = [
      ...patches.map((entry, i) => ({
        label: `patch ${i}`,
        send: () => api.patch(path, entry.patch),
      })),
      { label: 'complete', send: () => api.post(`${path}/steps/${first.id}/complete`) },
      { label: 'skip', send: () => api.post(`${path}/steps/${second.id}/skip`) },
      {
        label: 'snooze',
        send: () => api.post(`${path}/steps/${third.id}/snooze`, { by: 'PT3H' }),
      },
      {
        label: 'signal',
        send: () =>
          api.post(`${path}/signals`, { type: 'employer_replied', note: 'We will decide soon.' }),
      },
    ];
    const responses = await Promise.all(writes.map((write) => retryConflicts(write.send)));
    for (const [i, response] of responses.entries()) {
      expect(response.status, `${writes[i]?.label}: ${response.text}`).toBe(200);
    }
    const acceptedCount = responses.length;

    const final = (await api.get(path)).body;
    patches.forEach((entry, i) => {
      if (responses[i]?.status === 200) expect(entry.read(final)).toEqual(expectedValue(entry));
    });
    const stepById = (id: string) => final.steps.find((step: Json) => step.id === id);
    expect(stepById(first.id).status).toBe('completed');
    expect(stepById(second.id).status).toBe('skipped');
    // A snooze replaces the step with a moved copy (new id) that remembers where it came from.
    expect(stepById(third.id).status).toBe('cancelled');
    const moved = final.steps.filter(
      (step: Json) =>
        step.snoozedFrom !== undefined &&
        step.status === 'scheduled' &&
        step.recipient.name === third.recipient.name,
    );
    expect(moved).toHaveLength(1);
    const stored = await runtime.store.getInterview(runtime.tenantId, interview.id);
    expect(stored?.state.memory?.employerReply).toBeDefined();
    expect(final.version).toBe(1 + acceptedCount);
  });

  it('twenty PATCHes with the same If-Match: exactly one wins, the rest get 412', async () => {
    const interview = await createInterview('concurrent-if-match');
    const path = `/v1/interviews/${interview.id}`;
    const etag = `"${interview.version}"`;
    const responses = await Promise.all(
      distinctPatches.map(({ patch }) => api.patch(path, patch, { 'if-match': etag })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(distinctPatches.length - 1);
    for (const response of responses.filter((r) => r.status === 412)) {
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.status).toBe(412);
    }

    const winner = distinctPatches[responses.findIndex((response) => response.status === 200)];
    const final = (await api.get(path)).body;
    expect(final.version).toBe(interview.version + 1);
    if (winner) expect(winner.read(final)).toEqual(expectedValue(winner));
    for (const entry of distinctPatches.filter((e) => e !== winner)) {
      expect(entry.read(final)).not.toEqual(expectedValue(entry));
    }
  });
});
