import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A JSON snapshot on disk, rewritten whole but never torn: each write goes to a temporary file
 * that is then renamed over the old one. Changes only mark the snapshot dirty; writes are
 * coalesced over a short delay, so firing ten thousand schedules costs a handful of writes.
 */
export class SnapshotFile<T> {
  readonly #path: string;
  readonly #tempPath: string;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(
    directory: string,
    fileName: string,
    private readonly snapshot: () => T,
    private readonly delayMs = 200,
    /** Runs after each snapshot is on disk, with what was written. */
    private readonly onWritten?: (written: T) => Promise<void>,
  ) {
    mkdirSync(directory, { recursive: true });
    this.#path = join(directory, fileName);
    this.#tempPath = `${this.#path}.${process.pid}.tmp`;
  }

  /** The last snapshot written, or undefined when there is none yet. */
  load(): T | undefined {
    try {
      return JSON.parse(readFileSync(this.#path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Notes a change; a write follows within the delay. */
  markDirty(): void {
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      // A failed background write stays dirty and is retried by the next change or flush.
      this.#writeNow().catch(() => undefined);
    }, this.delayMs);
    this.#timer.unref();
  }

  /** Writes pending changes now and waits until they are on disk. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writeNow();
  }

  #writeNow(): Promise<void> {
    // Chained so two writes never share the temporary file.
    const write = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        const snapshot = this.snapshot();
        await writeFile(this.#tempPath, JSON.stringify(snapshot));
        await rename(this.#tempPath, this.#path);
        await this.onWritten?.(snapshot);
      } catch (error) {
        // Keep the change pending so the next write (or flush) tries again.
        this.#dirty = true;
        throw error;
      }
    });
    this.#writing = write.catch(() => undefined);
    return write;
  }
}
