/**
 * `npm run demo` plays a whole plan in a runtime of its own: a service the user is running is
 * left alone, even when the shell still has AFTERVIEW_URL and AFTERVIEW_API_KEY pointing at it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/processes';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

let running: TestRuntime;

beforeAll(async () => {
  running = await startTestRuntime();
});
afterAll(async () => {
  await running?.close();
});

describe('npm run demo', () => {
  it("plays the plan in its own runtime and leaves a running service's clock and data alone", async () => {
    const endpointsBefore = await running.api('GET', '/v1/webhook-endpoints');

    const demo = runScript('scripts/demo.ts', [], {
      AFTERVIEW_URL: running.runtime.url,
      AFTERVIEW_API_KEY: running.runtime.apiKey,
    });
    expect(await demo.exited).toBe(0);
    expect(demo.stdout()).toContain('a local runtime of its own');
    expect(demo.stdout()).toMatch(/signatures\s+(\d+)\/\1 verified/);

    // The sandbox clock runs with real time; an advance would show as an offset.
    expect(running.runtime.clock.offsetMs).toBe(0);
    expect((await running.api('GET', '/v1/webhook-endpoints')).body).toEqual(endpointsBefore.body);
  }, 90_000);
});
