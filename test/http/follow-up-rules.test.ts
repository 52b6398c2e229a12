/**
 * Issue 11 through the API: the new fields and the `paused` signal, 400s naming the field,
 * 409 on closed steps, the draft check's `ok`, and when a policy change reaches interviews.
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
  channel: string;
  dueAt: string;
  localDueAt: string;
  reason: string;
  recipient: { name: string; role: string };
}

const steps = (body: { steps: StepView[] }, kind: string) =>
  body.steps.filter((step) => step.kind === kind && step.status === 'scheduled');

async function create(overrides: Record<string, unknown> = {}, apiKey?: string) {
  const response = await api.request('POST', '/v1/interviews', {
    body: interviewInput(overrides),
    ...(apiKey ? { apiKey } : {}),
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

describe('new fields on the interview', () => {
  it('accepts the recruiter, preferences, highlights and "away until", and plans with them', async () => {
    const interview = await create({
      candidate: {
        name: 'Dana Whitfield',
        email: 'dana@example.com',
        highlights: ['six years of building billing systems'],
      },
      recruiter: { name: 'Rosa Diaz', email: 'rosa@northwind.example' },
      interviewers: [
        {
          name: 'Priya Raman',
          email: 'priya@northwind.example',
          hiringManager: true,
          followUp: 'how I would test the ledger',
        },
        // LinkedIn preferred but no profile: accepted, falls back to email with the reason.
        { name: 'Marco Ortiz', email: 'marco@northwind.example', preferredChannel: 'linkedin' },
        { name: 'Lee Chen' },
      ],
      nextSteps: { unavailableUntil: '2026-03-27' },
    });
    const [marco] = steps(interview, 'thank_you').filter(
      (step) => step.recipient.name === 'Marco Ortiz',
    );
    expect(marco?.channel).toBe('email');
    expect(marco?.reason).toContain('they prefer LinkedIn, but no LinkedIn profile is known');
    const [ask] = steps(interview, 'contact_info_needed');
    expect(ask).toMatchObject({ channel: 'email', recipient: { role: 'recruiter' } });
    const checkIns = steps(interview, 'check_in');
    expect(checkIns.length).toBe(3);
    for (const step of checkIns) {
      expect(step.recipient.name).toBe('Priya Raman');
      expect(step.localDueAt.slice(0, 10) >= '2026-03-27').toBe(true);
    }
    const read = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(read.body.recruiter).toEqual({ name: 'Rosa Diaz', email: 'rosa@northwind.example' });
  });

  it.each([
    {
      name: 'an unknown preferred channel',
      overrides: {
        interviewers: [{ name: 'Priya Raman', email: 'p@n.example', preferredChannel: 'fax' }],
      },
      path: 'interviewers.0.preferredChannel',
    },
    {
      name: 'an interview in 1900',
      overrides: {
        startsAt: '1900-01-01T10:00:00Z',
        endsAt: '1900-01-01T11:00:00Z',
        nextSteps: {},
      },
      path: 'endsAt',
    },
    {
      name: 'an interview in 9999',
      overrides: {
        startsAt: '9999-01-01T10:00:00Z',
        endsAt: '9999-01-01T11:00:00Z',
        nextSteps: {},
      },
      path: 'startsAt',
    },
    {
      name: 'a recruiter without a name',
      overrides: { recruiter: { email: 'r@n.example' } },
      path: 'recruiter.name',
    },
    {
      name: 'a malformed "away until"',
      overrides: { nextSteps: { unavailableUntil: 'Friday' } },
      path: 'nextSteps.unavailableUntil',
    },
    {
      name: 'a process of 30 years',
      overrides: { nextSteps: { processLength: 'P30Y' } },
      path: 'nextSteps.processLength',
    },
  ])('refuses $name with a 400 naming $path, and stores nothing', async ({ overrides, path }) => {
    const tenant = await api.createTenant(`refuse ${path}`);
    const response = await api.request('POST', '/v1/interviews', {
      apiKey: tenant.apiKey,
      body: interviewInput(overrides),
    });
    expect(response.status, response.text).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    const list = await api.request('GET', '/v1/interviews', { apiKey: tenant.apiKey });
    expect(list.body.data).toEqual([]);
  });
});

describe('paused signal', () => {
  it('moves open check-ins after `until` and refuses an `until` in the past', async () => {
    const interview = await create();
    const paused = await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: { type: 'paused', until: '2026-05-04', note: 'Hiring freeze until May' },
    });
    expect(paused.status, paused.text).toBe(200);
    const checkIns = steps(paused.body, 'check_in');
    expect(checkIns.length).toBeGreaterThan(0);
    for (const step of checkIns) {
      expect(step.localDueAt.slice(0, 10) >= '2026-05-04').toBe(true);
    }
    expect(checkIns[0]?.reason).toContain('paused the process until 2026-05-04');

    const past = await api.request('POST', `/v1/interviews/${interview.id}/signals`, {
      body: { type: 'paused', until: '2026-02-01' },
    });
    expect(past.status).toBe(400);
    expect(past.body.errors.map((error: { path: string }) => error.path)).toEqual(['until']);
    const after = await api.request('GET', `/v1/interviews/${interview.id}`);
    expect(after.body.version).toBe(paused.body.version);
  });
});

describe('step actions on closed steps', () => {
  it.each(['complete', 'skip'])('a second %s answers 409', async (action) => {
    const interview = await create();
    const [first] = steps(interview, 'thank_you');
    const path = `/v1/interviews/${interview.id}/steps/${first?.id}/${action}`;
    expect((await api.request('POST', path, { body: {} })).status).toBe(200);
    const again = await api.request('POST', path, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
  });
});

describe('draft check', () => {
  it.each([
    { text: 'Just checking in on my application.', ok: false, code: 'generic_phrase' },
    { text: 'Thank you for the interview about the role.', ok: true, code: undefined },
  ])('"$text" → ok $ok', async ({ text, ok, code }) => {
    const response = await api.request('POST', '/v1/drafts/check', { body: { text } });
    expect(response.status).toBe(200);
    expect(response.body.ok).toBe(ok);
    if (code) {
      expect(response.body.findings).toContainEqual(
        expect.objectContaining({ code, severity: 'error' }),
      );
    }
  });
});

describe('PUT /v1/policy and existing interviews', () => {
  it('takes effect at the next re-plan of an existing interview, and says so', async () => {
    const tenant = await api.createTenant('Policy timing');
    const interview = await create({}, tenant.apiKey);
    expect(steps(interview, 'check_in')).toHaveLength(3);

    const put = await api.request('PUT', '/v1/policy', {
      apiKey: tenant.apiKey,
      body: { maxCheckIns: 1 },
    });
    expect(put.status).toBe(200);
    expect(put.body.appliesTo).toBe('new_plans_and_replans');

    const untouched = await api.request('GET', `/v1/interviews/${interview.id}`, {
      apiKey: tenant.apiKey,
    });
    expect(steps(untouched.body, 'check_in')).toHaveLength(3);

    const patched = await api.request('PATCH', `/v1/interviews/${interview.id}`, {
      apiKey: tenant.apiKey,
      body: { role: { title: 'Senior Backend Engineer' } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(steps(patched.body, 'check_in')).toHaveLength(1);
  });
});
