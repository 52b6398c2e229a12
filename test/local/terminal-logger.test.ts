/**
 * What `npm start` shows in its terminal: one line per API request and per webhook attempt
 * (with the next retry, marked as runtime-clock time), and nothing but errors when quiet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalLogger } from '../../local/terminal-logger';
import {
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver(() => 503);
});
afterAll(async () => {
  await receiver?.close();
});

/** A runtime whose terminal lines land in `lines`; plays one thank-you to a failing receiver. */
async function playWithTerminal(quiet: boolean) {
  const lines: Array<{ line: string; stream: string }> = [];
  let local: TestRuntime | undefined;
  try {
    local = await startTestRuntime({
      logger: terminalLogger({
        quiet,
        color: false,
        write: (line, stream) => lines.push({ line, stream }),
      }),
      logRequests: true,
    });
    const endpointId = await local.addEndpoint(receiver.url, ['followup.thank_you']);
    const interview = await local.createInterview();
    const thankYou = interview.steps.find((step) => step.kind === 'thank_you');
    if (!thankYou) throw new Error('no thank-you planned');
    await local.advanceTo(thankYou.dueAt);
    await local.api('GET', '/v1/nothing-here');
    return { lines, endpointId };
  } finally {
    await local?.close();
  }
}

describe('the terminal of the local runtime', () => {
  it('prints one line per request and per webhook attempt', async () => {
    const { lines, endpointId } = await playWithTerminal(false);
    const text = lines.map((entry) => entry.line);
    expect(text).toContainEqual(expect.stringMatching(/^POST \/v1\/interviews 201 \d+ ms$/));
    expect(text).toContainEqual(expect.stringMatching(/^GET \/v1\/nothing-here 404 \d+ ms$/));
    const attempts = text.filter((line) => line.startsWith('webhook followup.thank_you'));
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts[0]).toMatch(
      new RegExp(
        `^webhook followup\\.thank_you → ${endpointId} http://127\\.0\\.0\\.1:\\d+/hooks 503, next retry \\d{4}-\\d\\d-\\d\\dT\\S+Z \\(runtime clock\\)$`,
      ),
    );
    expect(lines.every((entry) => entry.stream === 'stdout')).toBe(true);
  }, 30_000);

  it('prints no request or attempt lines when quiet', async () => {
    const { lines } = await playWithTerminal(true);
    expect(lines.filter((entry) => entry.stream === 'stdout')).toEqual([]);
  }, 30_000);

  it('still prints errors when quiet', () => {
    const lines: string[] = [];
    const logger = terminalLogger({ quiet: true, color: false, write: (line) => lines.push(line) });
    logger.error('reconcile sweep failed', { errorName: 'ThrottlingException' });
    expect(lines).toEqual(['error: reconcile sweep failed errorName=ThrottlingException']);
  });
});
