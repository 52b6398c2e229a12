import { readdirSync, readFileSync } from 'node:fs';
import { appendFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A write-ahead journal next to a snapshot, so the emulator acknowledges a change only once it
 * is on disk, like the service it stands in for. The snapshot alone is written a little after
 * changes (coalesced), so a process killed in between would forget schedules it had already
 * confirmed to its caller.
 *
 * Each entry is one JSON line, appended before the request is answered; lines waiting together
 * go out in one write (group commit), so a burst of creates costs a few appends, not one each.
 * The journal is split in generations: when a snapshot is taken the generation moves on, and
 * once that snapshot is on disk the older generations are deleted. Loading replays every entry
 * of the generations the snapshot does not cover. An entry can be replayed on top of a snapshot
 * that already holds its effect (or a later deletion of it); callers replay idempotent puts, and
 * a schedule that comes back after a crash only fires a wake-up that finds nothing to do.
 *
 * A kill -9 cannot tear a line that was acknowledged (it was written first); a torn last line
 * belongs to a request that was never answered and is skipped.
 */
export class Journal<E> {
  readonly #directory: string;
  readonly #prefix: string;
  #generation: number;
  #pending: string[] = [];
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  #writing = false;

  constructor(directory: string, baseName: string) {
    this.#directory = directory;
    this.#prefix = `${baseName}.`;
    // Start a fresh generation, so nothing is appended to a file a crash may have cut short.
    this.#generation = Math.max(0, ...this.#generations()) + 1;
  }

  /** The generation new entries go to. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Makes new entries go to a generation after `covered`, the last one the loaded snapshot
   * holds. Call it before the first append: once a snapshot has deleted every journal file,
   * the files alone would restart the count at 1, and entries written there would be skipped
   * at the next load as already covered.
   */
  continueAfter(covered: number): void {
    this.#generation = Math.max(this.#generation, covered + 1);
  }

  /** Every entry in generations after `covered`, oldest first. */
  readAfter(covered: number): E[] {
    const entries: E[] = [];
    for (const generation of this.#generations().sort((a, b) => a - b)) {
      if (generation <= covered) continue;
      const text = readFileSync(this.#path(generation), 'utf8');
      for (const line of text.split('\n')) {
        if (line.length === 0) continue;
        try {
          entries.push(JSON.parse(line) as E);
        } catch {
          // A torn last line: its request was never answered.
        }
      }
    }
    return entries;
  }

  /** Moves to a new generation and returns the one a snapshot taken now covers. */
  rotate(): number {
    const covered = this.#generation;
    this.#generation++;
    return covered;
  }

  /** Deletes the generations up to `covered` (their effect is in a snapshot on disk). */
  async discardUpTo(covered: number): Promise<void> {
    const names = await readdir(this.#directory).catch(() => [] as string[]);
    for (const name of names) {
      const generation = this.#generationOf(name);
      if (generation !== undefined && generation <= covered) {
        await unlink(join(this.#directory, name)).catch(() => undefined);
      }
    }
  }

  /** Appends `entry`; resolves once it is written. */
  append(entry: E): Promise<void> {
    this.#pending.push(`${JSON.stringify(entry)}\n`);
    const written = new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    if (!this.#writing) void this.#drain();
    return written;
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#pending.length > 0) {
        const lines = this.#pending;
        const waiters = this.#waiters;
        this.#pending = [];
        this.#waiters = [];
        try {
          await appendFile(this.#path(this.#generation), lines.join(''));
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  #path(generation: number): string {
    return join(this.#directory, `${this.#prefix}${generation}`);
  }

  #generationOf(name: string): number | undefined {
    if (!name.startsWith(this.#prefix)) return undefined;
    const suffix = name.slice(this.#prefix.length);
    return /^\d+$/.test(suffix) ? Number(suffix) : undefined;
  }

  #generations(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.#directory);
    } catch {
      return [];
    }
    return names.flatMap((name) => this.#generationOf(name) ?? []);
  }
}
