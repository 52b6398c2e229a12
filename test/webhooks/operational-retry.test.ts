/**
 * A notice that cannot be published is not lost: the delivery wake-up that raised it fails, is
 * retried, redoes its attempt and publishes the notice then (DynamoDB fault injected through
 * the SDK's middleware, real receivers).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  awsError,
  injectFaults,
  startTestRuntime,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

let test: TestRuntime;
let broken: WebhookReceiver;
let listener: WebhookReceiver;

beforeAll(async () => {
  test = await startTestRuntime();
  broken = await test.addReceiver(() => 500, ['interview.created']);
  listener = await test.addReceiver(() => 204, ['webhook_endpoint.failing']);
});

afterAll(async () => {
  await test?.close();
});

it('publishes webhook_endpoint.failing on the retried wake-up when the first try failed', async () => {
  const start = test.runtime.clock.now();
  let refused = 0;
  const remove = injectFaults(
    test.runtime.dynamoClient,
    'notice-write-fails-once',
    (command, input) => {
      if (
        refused === 0 &&
        command === 'PutItemCommand' &&
        JSON.stringify(input).includes('webhook_endpoint.failing')
      ) {
        refused++;
        return awsError('InternalServerError', 500);
      }
      return undefined;
    },
  );
  try {
    await test.createInterview();
    await test.advanceTo(start.add({ hours: 2 }));
  } finally {
    remove();
  }
  expect(refused).toBe(1);
  expect(listener.deliveries.map((delivery) => delivery.type)).toEqual([
    'webhook_endpoint.failing',
  ]);
  // The 4th attempt was made again by the retried wake-up (at least once, same webhook-id).
  expect(broken.deliveries.length).toBeGreaterThanOrEqual(5);
  expect(new Set(broken.deliveries.map((delivery) => delivery.id)).size).toBe(1);
});
