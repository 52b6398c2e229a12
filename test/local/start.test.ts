/**
 * `npm start` as a user runs it, in a child process: a silent start (no warnings, no stack
 * traces), one clear line and exit code 1 when the data directory or a port is taken while the
 * first instance keeps running, and a restart after `kill -9` that is not blocked by the dead
 * process's lock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningScript, runScript, stopScript } from '../support/processes';

const startScript = 'local/start.ts';
let dataDir: string;
let otherDataDir: string;
let first: RunningScript | undefined;
let apiUrl = '';

/** Every port free: each instance picks its own, so tests never collide with anything. */
const freePorts = {
  PORT: '0',
  AFTERVIEW_LOCAL_DYNAMODB_PORT: '0',
  AFTERVIEW_LOCAL_SCHEDULER_PORT: '0',
  AFTERVIEW_RECONCILE_INTERVAL_MS: '0',
};

async function startFirst(): Promise<RunningScript> {
  const started = runScript(startScript, [], { ...freePorts, AFTERVIEW_DATA_DIR: dataDir });
  const out = await started.waitForOutput(/Ctrl\+C stops/);
  apiUrl = /API\s+(http:\/\/\S+)/.exec(out)?.[1] ?? '';
  return started;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'afterview-start-'));
  otherDataDir = await mkdtemp(join(tmpdir(), 'afterview-start-other-'));
  first = await startFirst();
}, 60_000);

afterAll(async () => {
  if (first) await stopScript(first);
  await rm(dataDir, { recursive: true, force: true });
  await rm(otherDataDir, { recursive: true, force: true });
});

/** The only thing a refused start may print: one line on stderr. */
function expectOneLine(script: RunningScript, pattern: RegExp): void {
  const lines = script.stderr().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(script.stderr()).not.toMatch(/\n\s+at /);
  expect(script.stdout()).toBe('');
}

describe('npm start', () => {
  it('starts without a warning or anything else on stderr, and serves', async () => {
    expect(apiUrl).toMatch(/^http:\/\/localhost:\d+$/);
    const health = await fetch(`${apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(first?.stderr()).toBe('');
  });

  it('refuses a second start on the same data directory with one line, and the first keeps running', async () => {
    const second = runScript(startScript, [], { ...freePorts, AFTERVIEW_DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expectOneLine(
      second,
      new RegExp(
        `in use by another Afterview runtime \\(pid ${first?.child.pid}\\).*AFTERVIEW_DATA_DIR`,
      ),
    );
    expect((await fetch(`${apiUrl}/health`)).status).toBe(200);
  }, 30_000);

  it('refuses a second start on a port in use with one line naming the port and its variable', async () => {
    const apiPort = new URL(apiUrl).port;
    const second = runScript(startScript, [], {
      ...freePorts,
      PORT: apiPort,
      AFTERVIEW_DATA_DIR: otherDataDir,
    });
    expect(await second.exited).toBe(1);
    expectOneLine(second, new RegExp(`port ${apiPort} \\(the API\\) is already in use.*PORT`));
    expect((await fetch(`${apiUrl}/health`)).status).toBe(200);
  }, 30_000);

  it('refuses a development key the API would not accept, before starting anything', async () => {
    const second = runScript(startScript, [], {
      ...freePorts,
      AFTERVIEW_DATA_DIR: otherDataDir,
      AFTERVIEW_DEV_API_KEY: 'my-own-development-key-123',
    });
    expect(await second.exited).toBe(1);
    expectOneLine(second, /AFTERVIEW_DEV_API_KEY: must start with afv_/);
  }, 30_000);

  it('starts again on the same data directory right after the first was killed with SIGKILL', async () => {
    if (!first) throw new Error('first instance missing');
    await stopScript(first, 'SIGKILL');
    first = await startFirst();
    expect((await fetch(`${apiUrl}/health`)).status).toBe(200);
    expect(first.stderr()).toBe('');
  }, 60_000);
});
