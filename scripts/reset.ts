/**
 * `npm run reset`: start over. Says what the local runtime's data directory holds and deletes
 * it, after a yes (or `--yes`). Only the files the runtime writes are touched, so a data
 * directory set by mistake to a folder with other files keeps them. Refuses while a runtime is
 * using the directory.
 */

import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DataDirInUseError, lockDataDir, lockFileName } from '../local/data-dir-lock';

/** What the local runtime keeps, and what losing it means. */
const runtimeFiles: Record<string, string> = {
  dynamodb: 'the database: tenants, interviews and plans, webhook endpoints, events, deliveries',
  'scheduler.json': 'pending wake-ups: due steps and webhook retries',
  'clock.json': 'the sandbox clock (it goes back to real time)',
  'dev-api-key.json': 'the development API key (the next npm start prints a new one)',
};

/** The emulator's write-ahead journal generations: `scheduler.journal.<n>`. */
const journalFile = /^scheduler\.journal\.\d+$/;

function describeEntry(entry: string): string {
  if (journalFile.test(entry)) return 'wake-up changes not yet in scheduler.json';
  return runtimeFiles[entry] ?? 'temporary file';
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { yes: { type: 'boolean', short: 'y', default: false } },
  });
  const dataDir = process.env.AFTERVIEW_DATA_DIR ?? '.afterview';
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch {
    console.log(`Nothing to reset: ${dataDir}/ does not exist.`);
    return 0;
  }

  let lock: Awaited<ReturnType<typeof lockDataDir>>;
  try {
    lock = await lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    console.error(
      `Cannot reset: ${dataDir}/ is in use by a running Afterview runtime (pid ${error.pid}). Stop it first (Ctrl+C in its terminal).`,
    );
    return 1;
  }
  try {
    const doomed = entries.filter(
      (entry) => entry in runtimeFiles || journalFile.test(entry) || entry.endsWith('.tmp'),
    );
    const others = entries.filter((entry) => !doomed.includes(entry) && entry !== lockFileName);
    if (doomed.length === 0) {
      console.log(`Nothing to reset: ${dataDir}/ holds no Afterview data.`);
      return 0;
    }
    console.log(`npm run reset deletes the local runtime's data in ${resolve(dataDir)}/:`);
    for (const entry of doomed) {
      const size = humanSize(await sizeOf(join(dataDir, entry)));
      console.log(`  ${entry.padEnd(18)} ${size.padStart(10)}  ${describeEntry(entry)}`);
    }
    if (others.length > 0) console.log(`Kept (not written by Afterview): ${others.join(', ')}`);

    if (!values.yes) {
      if (!process.stdin.isTTY) {
        console.log('Nothing deleted. Run `npm run reset -- --yes` to delete it.');
        return 1;
      }
      const prompt = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await prompt.question('Delete it? [y/N] ');
      prompt.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        console.log('Nothing deleted.');
        return 1;
      }
    }
    for (const entry of doomed) await rm(join(dataDir, entry), { recursive: true, force: true });
    console.log('Deleted. The next npm start begins with an empty database and a new API key.');
  } finally {
    await lock.release();
  }
  // The folder itself goes too when nothing else is left in it.
  await rmdir(dataDir).catch(() => undefined);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Reset failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
