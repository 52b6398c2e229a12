/**
 * The data-directory lock: one runtime per folder, and never blocked by a lock whose process is
 * gone (kill -9, a crash, a container restart that reuses the pid).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir, lockFileName } from '../../local/data-dir-lock';

let dir: string;
const children: Array<ReturnType<typeof spawn>> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'afterview-lock-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
});

const writeLock = (pid: number) =>
  writeFile(join(dir, lockFileName), JSON.stringify({ pid, startedAt: '2026-01-01T00:00:00Z' }));

/** A process that has ended and been reaped: its pid names no one. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 0;
}

describe('lockDataDir', () => {
  it('refuses a second lock while the first is held, and allows one after release', async () => {
    const first = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toMatchObject({
      name: 'DataDirInUseError',
      pid: process.pid,
    });
    await first.release();
    expect(await readdir(dir)).toEqual([]);
    const again = await lockDataDir(dir);
    await again.release();
    await rm(dir, { recursive: true });
  });

  it('refuses a lock held by another live process', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    children.push(sleeper);
    await writeLock(sleeper.pid ?? 0);
    const refused = await lockDataDir(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as DataDirInUseError).pid).toBe(sleeper.pid);
    sleeper.kill('SIGKILL');
    await rm(dir, { recursive: true });
  });

  it.each([
    ['a process that has ended', deadPid],
    ['this process, which never took it (a reused pid)', async () => process.pid],
  ])('takes over a lock left by %s', async (_label, pidOf) => {
    await writeLock(await pidOf());
    const lock = await lockDataDir(dir);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true });
  });

  it('does not remove a lock it no longer holds', async () => {
    const lock = await lockDataDir(dir);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    children.push(sleeper);
    // Someone replaced it (a user deleting the file and another runtime starting).
    await writeLock(sleeper.pid ?? 0);
    await lock.release();
    expect(await readdir(dir)).toEqual([lockFileName]);
    sleeper.kill('SIGKILL');
    await rm(dir, { recursive: true });
  });
});
