import { writeFile } from 'node:fs/promises';

/** `BENCH_QUICK=1` shortens every benchmark so `npm run bench` finishes in a few minutes. */
export const quickMode = ['1', 'true', 'yes'].includes(
  (process.env.BENCH_QUICK ?? '').toLowerCase(),
);

/**
 * Hands a benchmark's figures to bench/run-all.ts as JSON in the file it names in
 * `BENCH_RESULT_FILE`; run on its own, a benchmark only prints its human-readable report.
 */
export async function saveResult(value: unknown): Promise<void> {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
