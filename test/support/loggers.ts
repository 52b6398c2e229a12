/**
 * The loggers tests hand to the services and runtimes, so expected failures do not flood the
 * output: one that drops everything, one that keeps the errors, one that keeps every entry.
 */
import type { Logger } from '../../shared/service/deps';

/** Prints nothing and keeps nothing. */
export const quietLogger: Logger = { info: () => {}, error: () => {} };

/** Prints nothing; keeps what was logged as an error, for tests that expect one (or none). */
export class ErrorRecordingLogger implements Logger {
  readonly errors: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  info(): void {}
  error(message: string, fields?: Record<string, unknown>): void {
    this.errors.push({ message, ...(fields ? { fields } : {}) });
  }
}

/** Prints nothing; keeps every entry with its level. */
export class RecordingLogger implements Logger {
  readonly entries: Array<{ level: 'info' | 'error'; message: string; fields?: unknown }> = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, fields });
  }
}
