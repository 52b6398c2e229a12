/**
 * One local runtime per data directory. Two processes on the same dynalite files would corrupt
 * them (or fail deep inside LevelDB with a stack trace), so the runtime holds a lock file naming
 * its process id. A lock whose process is gone (killed, crashed) is stale and taken over at
 * once: a restart after `kill -9` must never wait or fail.
 *
 * Plain file + pid rather than an OS lock (flock) because Node has none without a native module,
 * and rather than an mtime lease (proper-lockfile) because a lease keeps a crashed runtime's
 * directory locked until it expires.
 */
import { readFileSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const lockFileName = 'runtime.lock';

/** Lock files this process holds, so a lock naming our own pid can be told apart from one a
 * previous process with the same pid left behind (a container restart reuses small pids). */
const heldHere = new Set<string>();

/** Another live process holds the data directory. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The data directory ${dataDir} is in use by another Afterview runtime (pid ${pid})`);
  }
}

interface LockContent {
  pid: number;
  startedAt: string;
}

/** True when a process with this id exists and is not a zombie waiting to be reaped. */
function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still makes it alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: a killed child that its parent has not reaped yet still answers kill(0).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

async function readLock(path: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? (parsed as LockContent) : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Takes the lock on `dataDir` for this process, replacing a stale one. Throws DataDirInUseError
 * when a live process holds it (this process included: one runtime per directory).
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, lockFileName);
  const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let round = 0; round < 3; round++) {
    // Written aside, then hard-linked into place: the link either fails (EEXIST) or makes a
    // complete lock appear at once, so no reader ever sees a half-written one.
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(content)}\n`);
    try {
      await link(temp, path);
      heldHere.add(path);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          heldHere.delete(path);
          const current = await readLock(path);
          if (current?.pid === content.pid && current.startedAt === content.startedAt) {
            await rm(path, { force: true });
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(temp, { force: true });
    }
    const holder = await readLock(path);
    const ours = holder?.pid === process.pid;
    if (holder && (ours ? heldHere.has(path) : isProcessAlive(holder.pid))) {
      throw new DataDirInUseError(dataDir, holder.pid);
    }
    // Stale: its process is gone (or it named our pid, which this process never locked).
    await rm(path, { force: true });
  }
  const holder = await readLock(path);
  throw new DataDirInUseError(dataDir, holder?.pid ?? 0);
}
