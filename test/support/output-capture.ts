/**
 * Captures what the process writes to stdout and stderr (where Powertools Logger and Metrics
 * print), so a test can read the log lines and EMF documents the code really produced.
 */
import { vi } from 'vitest';

export interface CapturedOutput {
  /** Every line written, in order, as text. */
  lines(): string[];
  /** The lines that are JSON objects, parsed. */
  records(): Array<Record<string, unknown>>;
  /** The JSON log lines (those with a `message`), optionally only those with this message. */
  logs(message?: string): Array<Record<string, unknown>>;
  /** The EMF documents (lines with an `_aws` key). */
  emf(): Array<Record<string, unknown>>;
  restore(): void;
}

/** Starts capturing; nothing captured reaches the terminal until `restore`. */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(record);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
  const records = () =>
    lines().flatMap((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return value !== null && typeof value === 'object'
          ? [value as Record<string, unknown>]
          : [];
      } catch {
        return [];
      }
    });
  return {
    lines,
    records,
    logs: (message) =>
      records().filter(
        (entry) =>
          typeof entry.message === 'string' && (message === undefined || entry.message === message),
      ),
    emf: () => records().filter((entry) => '_aws' in entry),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
