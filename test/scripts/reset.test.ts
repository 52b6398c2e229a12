/**
 * `npm run reset`: says what it will delete, deletes only after a yes, keeps files Afterview
 * did not write, and refuses while a runtime uses the data directory.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/processes';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

let dataDir: string;
let local: TestRuntime | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'afterview-reset-'));
});
afterAll(async () => {
  await local?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const reset = (args: string[] = []) =>
  runScript('scripts/reset.ts', args, { AFTERVIEW_DATA_DIR: dataDir });

describe('npm run reset', () => {
  it('refuses while a runtime uses the data directory', async () => {
    local = await startTestRuntime({ dataDir });
    const first = await local.createInterview();
    expect(first.id).toMatch(/^int_/);
    const refused = reset(['--yes']);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toContain(
      `in use by a running Afterview runtime (pid ${process.pid})`,
    );
    expect(await readdir(dataDir)).toContain('dynamodb');
    await local.close();
    local = undefined;
  }, 60_000);

  it('lists what it deletes, deletes nothing without a yes, then wipes only its own files', async () => {
    await writeFile(join(dataDir, 'notes.txt'), 'mine');
    // A journal generation a crashed runtime left behind: replayed on the next start, so it
    // must go with the snapshot.
    await writeFile(join(dataDir, 'scheduler.journal.7'), '');
    const asked = reset();
    expect(await asked.exited).toBe(1);
    expect(asked.stdout()).toMatch(/dynamodb\s+[\d.]+ (B|KiB|MiB)\s+the database/);
    expect(asked.stdout()).toContain('dev-api-key.json');
    expect(asked.stdout()).toMatch(/scheduler\.journal\.7\s+0 B\s+wake-up changes/);
    expect(asked.stdout()).toContain('Kept (not written by Afterview): notes.txt');
    expect(asked.stdout()).toContain('Nothing deleted');
    expect(await readdir(dataDir)).toContain('dynamodb');

    const confirmed = reset(['--yes']);
    expect(await confirmed.exited).toBe(0);
    expect(await readdir(dataDir)).toEqual(['notes.txt']);

    // Starting over: an empty database.
    local = await startTestRuntime({ dataDir });
    const list = await local.api<{ data: unknown[] }>('GET', '/v1/interviews');
    expect(list.body.data).toEqual([]);
  }, 60_000);
});
