/**
 * The README's curl walk-through, step by step, through the SDK in strict TypeScript against
 * the local runtime (dynalite, the Scheduler emulator, the dispatcher) with a real webhook
 * receiver. Every delivery is checked with `verifyWebhook` and narrowed by its `type`.
 */
import type { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Afterview,
  AfterviewApiError,
  type Interview,
  type InterviewInput,
  verifyWebhook,
  type WebhookEvent,
  WebhookVerificationError,
} from '../../sdk/src/index';
import {
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

let runtime: TestRuntime;
let receiver: WebhookReceiver;
let afterview: Afterview;

beforeAll(async () => {
  [runtime, receiver] = await Promise.all([startTestRuntime(), startWebhookReceiver()]);
  afterview = new Afterview({ apiKey: runtime.runtime.apiKey, baseUrl: runtime.runtime.url });
});
afterAll(async () => {
  await receiver?.close();
  await runtime?.close();
});

/** The README's interview: tomorrow 14:00–15:00 UTC, one interviewer by email, one on LinkedIn. */
function readmeInterview(now: Temporal.Instant): InterviewInput {
  const day = now.toZonedDateTimeISO('UTC').add({ days: 1 }).toPlainDate();
  const at = (hour: number) =>
    day.toZonedDateTime({ timeZone: 'UTC', plainTime: { hour } }).toInstant().toString();
  return {
    externalId: 'ats-1001',
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'video',
    startsAt: at(14),
    endsAt: at(15),
    timeZone: 'America/New_York',
    interviewers: [
      { name: 'Priya Raman', email: 'priya@northwind.example', topics: ['event sourcing'] },
      { name: 'Marco Ortiz', linkedinUrl: 'https://www.linkedin.com/in/marco-ortiz' },
    ],
  };
}

describe('the README walk-through through @afterview/sdk', () => {
  let interview: Interview;
  let secret: string;

  it('1. checks the API is up', async () => {
    await expect(afterview.health()).resolves.toMatchObject({ status: 'ok' });
  });

  it('2. creates an interview, and replays it for the same Idempotency-Key', async () => {
    const input = readmeInterview(runtime.runtime.clock.now());
    interview = await afterview.interviews.create(input, { idempotencyKey: 'walkthrough-1' });
    expect(interview).toMatchObject({ status: 'active', version: 1, round: 1 });
    expect(interview.steps.filter((step) => step.kind === 'thank_you')).toHaveLength(2);
    const replay = await afterview.interviews.create(input, { idempotencyKey: 'walkthrough-1' });
    expect(replay.id).toBe(interview.id);
  });

  it('3. reads and lists, paging with for await', async () => {
    expect((await afterview.interviews.get(interview.id)).id).toBe(interview.id);
    const active: string[] = [];
    for await (const item of afterview.interviews.list({ status: 'active', limit: 1 })) {
      active.push(item.id);
    }
    expect(active).toContain(interview.id);
    const byExternalId = await afterview.interviews.list({ externalId: 'ats-1001' }).toArray();
    expect(byExternalId.map((item) => item.id)).toEqual([interview.id]);
  });

  it('4. changes the interview with a merge patch and If-Match', async () => {
    const changed = await afterview.interviews.update(
      interview.id,
      { role: { title: 'Senior Backend Engineer' }, candidate: { email: null } },
      { ifMatch: interview.version },
    );
    expect(changed.role.title).toBe('Senior Backend Engineer');
    expect(changed.candidate.email).toBeUndefined();
    const stale = afterview.interviews.update(interview.id, { round: 2 }, { ifMatch: 1 });
    await expect(stale).rejects.toMatchObject({ status: 412, code: 'precondition_failed' });
    interview = changed;
  });

  it('5. completes one step and snoozes another', async () => {
    const [first, second] = interview.steps.filter((step) => step.status === 'scheduled');
    if (!first || !second) throw new Error('expected two scheduled steps');
    const completed = await afterview.interviews.completeStep(interview.id, first.id);
    expect(completed.steps.find((step) => step.id === first.id)?.status).toBe('completed');
    const snoozed = await afterview.interviews.snoozeStep(interview.id, second.id, { by: 'P2D' });
    expect(snoozed.steps.find((step) => step.id === second.id)?.status).toBe('cancelled');
    // A step that is no longer open refuses every action, a repeated one included.
    await expect(afterview.interviews.completeStep(interview.id, first.id)).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
    });
    interview = snoozed;
  });

  it('6. tells Afterview the employer replied', async () => {
    const decision = runtime.runtime.clock
      .now()
      .toZonedDateTimeISO('UTC')
      .add({ days: 21 })
      .toPlainDate()
      .toString();
    interview = await afterview.interviews.signal(interview.id, {
      type: 'employer_replied',
      decisionExpectedBy: decision,
    });
    expect(interview.nextSteps.decisionExpectedBy).toBe(decision);
  });

  it('7. previews a plan, tunes the policy and checks a draft', async () => {
    const preview = await afterview.plans.preview(readmeInterview(runtime.runtime.clock.now()));
    expect(preview.steps.length).toBeGreaterThan(0);
    const policy = await afterview.policy.update({ maxCheckIns: 2, holidayCountry: 'US' });
    expect(policy.policy.maxCheckIns).toBe(2);
    expect((await afterview.policy.get()).overrides).toEqual({
      maxCheckIns: 2,
      holidayCountry: 'US',
    });
    const check = await afterview.drafts.check({ text: 'Just checking in on my application.' });
    expect(check.findings.map((finding) => finding.code)).toContain('generic_phrase');
  });

  it('8. registers a webhook endpoint and verifies the test event', async () => {
    const endpoint = await afterview.webhookEndpoints.create({
      url: receiver.url,
      description: 'my laptop',
    });
    secret = endpoint.secret;
    const attempt = await afterview.webhookEndpoints.test(endpoint.id);
    expect(attempt.outcome).toBe('succeeded');
    const delivery = receiver.deliveries.at(-1);
    if (!delivery) throw new Error('no delivery received');
    const event = verifyWebhook(delivery.body, delivery.headers, secret);
    expect(event.type).toBe('webhook.test');
    if (event.type === 'webhook.test') expect(event.data.endpointId).toBe(endpoint.id);
    expect(() =>
      verifyWebhook(delivery.body, delivery.headers, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAA'),
    ).toThrow(WebhookVerificationError);
    const events = await afterview.events.list({ interviewId: interview.id }).toArray();
    expect(events.map((item) => item.type)).toContain('interview.created');
    const deliveries = await afterview.webhookEndpoints.deliveries(endpoint.id).toArray();
    expect(deliveries[0]?.eventId).toBe(delivery.id);
  });

  it('9. lets time pass: the thank-you webhooks arrive, verified and typed', async () => {
    const before = receiver.deliveries.length;
    // The snoozed thank-you moved two days past its own due time, about a day ahead: five days
    // cover it whatever the hour the test starts at.
    await afterview.sandbox.advanceClock({ advanceBy: 'P5D' });
    const events: WebhookEvent[] = receiver.deliveries
      .slice(before)
      .map((delivery) => verifyWebhook(delivery.body, delivery.headers, secret));
    const subjects: string[] = [];
    for (const event of events) {
      if (event.type === 'followup.thank_you') subjects.push(event.data.step.draft.subject);
    }
    // One thank-you was completed in step 5; the other, snoozed, is sent now.
    expect(subjects.length).toBeGreaterThanOrEqual(1);
    expect(subjects.every((subject) => subject.length > 0)).toBe(true);
    const after = await afterview.interviews.get(interview.id);
    expect(after.steps.some((step) => step.status === 'due')).toBe(true);
  });

  it('9b. accepts deliveries signed with the old or the new secret during a rotation', async () => {
    const [endpoint] = await afterview.webhookEndpoints.list().toArray();
    if (!endpoint) throw new Error('no endpoint');
    const rotated = await afterview.webhookEndpoints.rotateSecret(endpoint.id);
    await afterview.webhookEndpoints.test(endpoint.id);
    const delivery = receiver.deliveries.at(-1);
    if (!delivery) throw new Error('no delivery received');
    expect(verifyWebhook(delivery.body, delivery.headers, [rotated.secret]).type).toBe(
      'webhook.test',
    );
    expect(verifyWebhook(delivery.body, delivery.headers, [secret]).type).toBe('webhook.test');
  });

  it('10. erases the interview; it stays readable as closed and erased', async () => {
    await afterview.interviews.delete(interview.id);
    await expect(afterview.interviews.get(interview.id)).resolves.toMatchObject({
      status: 'closed',
      closedReason: 'erased',
    });
  });

  it('throws a typed error carrying the problem document and the request id', async () => {
    const bad = {
      candidate: { name: 'Dana' },
      timeZone: 'Mars/Olympus',
    } as unknown as InterviewInput;
    const error = await afterview.interviews.create(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AfterviewApiError);
    const problem = error as AfterviewApiError;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation_error');
    expect(problem.requestId).toMatch(/.+/);
    expect(problem.problem?.errors?.map((field) => field.path)).toEqual(
      expect.arrayContaining(['role', 'timeZone']),
    );
  });
});
