/**
 * Step ids are ids: unique across interviews and tenants (integrators store them as keys), yet
 * stable for a step within its interview across re-plans, as before.
 */
import { describe, expect, it } from 'vitest';
import { interviewInput } from '../support/interview-fixtures';
import { type TestApi, useTestApi } from '../support/test-api';

let api: TestApi;
useTestApi((started) => {
  api = started;
});

interface StepView {
  id: string;
  kind: string;
  status: string;
  dueAt: string;
  cancelReason?: string;
}

async function create(apiKey?: string): Promise<{ id: string; steps: StepView[] }> {
  const response = await api.request('POST', '/v1/interviews', {
    body: interviewInput({ externalId: 'same-input' }),
    ...(apiKey ? { apiKey } : {}),
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

describe('step ids', () => {
  it('differ between interviews created from the same input, in one tenant and across tenants', async () => {
    const other = await api.createTenant();
    const interviews = [await create(), await create(), await create(other.apiKey)];
    // Same input, same clock: the plans are identical apart from their ids.
    const shape = (steps: StepView[]) => steps.map(({ kind, dueAt }) => `${kind}@${dueAt}`);
    expect(shape(interviews[1]?.steps ?? [])).toEqual(shape(interviews[0]?.steps ?? []));
    const ids = interviews.flatMap((interview) => interview.steps.map((step) => step.id));
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^stp_[0-9a-z]{20}$/);
  });

  it('stay the same for a step a re-plan keeps, and new steps get fresh unique ids', async () => {
    const interview = await create();
    const before = new Map(interview.steps.map((step) => [step.id, step]));

    // A change that moves nothing: every step keeps its id.
    const same = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      body: { externalId: 'same-input-renamed' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(same.status, same.text).toBe(200);
    expect(same.body.steps.map((step: StepView) => step.id)).toEqual([...before.keys()]);

    // A snooze replaces a step: the replacement's id is new, unique, and named by the old one.
    const target = interview.steps.find((step) => step.status === 'scheduled');
    const snoozed = await api.request(
      'POST',
      `/v1/interviews/${interview.id}/steps/${target?.id}/snooze`,
      { body: { by: 'P2D' } },
    );
    expect(snoozed.status, snoozed.text).toBe(200);
    const steps: StepView[] = snoozed.body.steps;
    const added = steps.filter((step) => !before.has(step.id));
    expect(added).toHaveLength(1);
    const old = steps.find((step) => step.id === target?.id);
    expect(old?.cancelReason).toBe(`snoozed; replaced by ${added[0]?.id}`);
    expect(new Set(steps.map((step) => step.id)).size).toBe(steps.length);

    // The same snooze on a twin interview (same input, same clock) gives a different id.
    const twin = await create();
    const twinTarget = twin.steps.find((step) => step.kind === target?.kind);
    const twinSnoozed = await api.request(
      'POST',
      `/v1/interviews/${twin.id}/steps/${twinTarget?.id}/snooze`,
      { body: { by: 'P2D' } },
    );
    const twinAdded = (twinSnoozed.body.steps as StepView[]).filter(
      (step) => !twin.steps.some((known) => known.id === step.id),
    );
    expect(twinAdded).toHaveLength(1);
    expect(twinAdded[0]?.dueAt).toBe(added[0]?.dueAt);
    expect(twinAdded[0]?.id).not.toBe(added[0]?.id);
  });
});
