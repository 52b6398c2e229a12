/**
 * The fields every log line of one unit of work carries (an API request, a wake-up, a sweep):
 * request ids, tenant, interview, step, event and endpoint ids. Kept in AsyncLocalStorage rather
 * than on the logger, because the local runtime serves many requests at once in one process and
 * each line must name its own request, not whichever began last.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type LogContext = Record<string, string | number | boolean | undefined>;

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` (plus those of any enclosing context) on every log line inside it. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/**
 * Adds fields to the current context from inside it (the tenant, known once the API key is
 * checked). Outside any context this does nothing: there is no unit of work to describe.
 */
export function appendLogContext(fields: LogContext): void {
  const current = storage.getStore();
  if (current) Object.assign(current, fields);
}

/** The fields of the current context, without the unset ones. */
export function currentLogContext(): Record<string, string | number | boolean> {
  const current = storage.getStore();
  if (!current) return {};
  const defined: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(current)) {
    if (value !== undefined) defined[key] = value;
  }
  return defined;
}
