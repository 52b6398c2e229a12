/**
 * `npm run listen` against an in-process local runtime: events printed with their details and
 * a verified signature, forwarding to a real receiver (headers and body unchanged, its status
 * reported and passed back), filtering by type, the endpoint removed on exit, and the
 * `GET /v1/events` fallback.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningScript, runScript, stopScript } from '../support/processes';
import {
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

let local: TestRuntime;
const running: RunningScript[] = [];

beforeAll(async () => {
  local = await startTestRuntime();
});
afterAll(async () => {
  for (const script of running) await stopScript(script);
  await local?.close();
});

function listen(args: string[]): RunningScript {
  const script = runScript('scripts/listen.ts', ['--api', local.runtime.url, ...args], {
    AFTERVIEW_API_KEY: local.runtime.apiKey,
  });
  running.push(script);
  return script;
}

async function endpointUrls(): Promise<string[]> {
  const list = await local.api<{ data: Array<{ url: string }> }>('GET', '/v1/webhook-endpoints');
  return list.body.data.map((endpoint) => endpoint.url);
}

/** Makes the thank-yous of a new interview due; returns the interview. */
async function playThankYous() {
  const interview = await local.createInterview();
  const thankYou = interview.steps.find((step) => step.kind === 'thank_you');
  if (!thankYou) throw new Error('no thank-you planned');
  await local.advanceTo(thankYou.dueAt);
  return interview;
}

describe('npm run listen, getting started', () => {
  it("finds a local runtime's development key in its data directory", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'afterview-listen-'));
    const own = await startTestRuntime({ dataDir });
    try {
      const script = runScript('scripts/listen.ts', ['--api', own.runtime.url], {
        AFTERVIEW_API_KEY: undefined,
        AFTERVIEW_DEV_API_KEY: undefined,
        AFTERVIEW_DATA_DIR: dataDir,
      });
      running.push(script);
      await script.waitForOutput(/Ctrl\+C removes the endpoint/);
      await stopScript(script);
      expect(script.stdout()).toMatch(/Endpoint whe_\w+ removed\./);
    } finally {
      await own.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('says in one line that no API answers, and how to start one', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const script = runScript('scripts/listen.ts', ['--api', `http://127.0.0.1:${port}`], {
      AFTERVIEW_API_KEY: 'afv_not_used_because_nothing_answers',
    });
    expect(await script.exited).toBe(1);
    expect(script.stderr().trim()).toBe(
      `No Afterview API answers at http://127.0.0.1:${port}. Start one with npm start, or pass --api <url>.`,
    );
  }, 30_000);
});

describe('npm run listen', () => {
  let forwardTarget: WebhookReceiver;
  beforeAll(async () => {
    forwardTarget = await startWebhookReceiver(() => 202);
  });
  afterAll(async () => {
    await forwardTarget?.close();
  });

  it('prints each event with its details and a verified signature, forwards it unchanged, and removes its endpoint on exit', async () => {
    const listener = listen(['--forward-to', forwardTarget.url]);
    const ready = await listener.waitForOutput(/Ctrl\+C removes the endpoint/);
    const listenUrl = /go to (http:\/\/127\.0\.0\.1:\d+\/\S+) /.exec(ready)?.[1];
    expect(await endpointUrls()).toContain(listenUrl);

    const interview = await playThankYous();
    // Up to the line printed after Priya's forward returned, so her whole block is in.
    const out = await listener.waitForOutput(
      /to\s+Priya Raman \(interviewer, by email\)[\s\S]*?forwarded to \S+ → 202/,
    );
    expect(out).toContain(interview.id);
    expect(out).toMatch(/to\s+Priya Raman \(interviewer, by email\)/);
    expect(out).toMatch(/due\s+\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(out).toMatch(/subject\s+“.+”/);
    expect(out).toContain('signature ✓ verified');
    expect(out).not.toContain('NOT verified');

    // The forward target got the same body and the Standard Webhooks headers.
    const forwarded = forwardTarget.deliveries.find((d) => d.type === 'followup.thank_you');
    if (!forwarded) throw new Error('nothing forwarded');
    const events = await local.stepEvents(interview.id);
    const event = events.find((e) => e.id === forwarded.id);
    expect(event).toBeDefined();
    expect(JSON.parse(forwarded.body)).toMatchObject({ id: event?.id, type: event?.type });
    expect(forwarded.headers['webhook-signature']).toMatch(/^v1,/);
    expect(forwarded.headers['webhook-timestamp']).toMatch(/^\d+$/);

    // Afterview saw the forward target's status.
    const endpoints = await local.api<{ data: Array<{ id: string; url: string }> }>(
      'GET',
      '/v1/webhook-endpoints',
    );
    const endpointId = endpoints.body.data.find((e) => e.url === listenUrl)?.id;
    const attempts = await local.api<{ data: Array<{ statusCode?: number }> }>(
      'GET',
      `/v1/webhook-endpoints/${endpointId}/deliveries`,
    );
    expect(attempts.body.data.map((a) => a.statusCode)).toContain(202);

    await stopScript(listener);
    expect(listener.stdout()).toContain(`Endpoint ${endpointId} removed.`);
    expect(await endpointUrls()).not.toContain(listenUrl);
  }, 60_000);

  it('prints only the types given with --events', async () => {
    const listener = listen(['--events', 'interview.created']);
    await listener.waitForOutput(/Only interview\.created\./);
    const interview = await playThankYous();
    await listener.waitForOutput(new RegExp(`interview\\.created\\s+${interview.id}`));
    // The filter is the endpoint's: Afterview never sends the rest to it.
    const endpoints = await local.api<{ data: Array<{ url: string; eventTypes: string[] }> }>(
      'GET',
      '/v1/webhook-endpoints',
    );
    const own = endpoints.body.data.find((e) => e.url.endsWith('/afterview-listen'));
    expect(own?.eventTypes).toEqual(['interview.created']);
    expect(listener.stdout()).not.toContain('followup.thank_you');
    await stopScript(listener);
  }, 60_000);

  it('follows GET /v1/events when asked to poll (what it does against a deployed API)', async () => {
    const listener = listen(['--poll']);
    await listener.waitForOutput(/Following .*\/v1\/events/);
    const interview = await local.createInterview();
    // The block's last line: waiting for the first one alone could read half a block.
    await listener.waitForOutput(
      new RegExp(
        `interview\\.created\\s+${interview.id}.*\\n\\s+signature not checked \\(polled\\)`,
      ),
    );
    await stopScript(listener);
  }, 60_000);
});
