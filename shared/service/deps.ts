import type { Clock } from '../clock';
import type { WakeupScheduler } from '../scheduling/ports';
import type { Store } from '../store/ports';
import type { EventPublisher } from './events';

/**
 * Where services report failures they deliberately do not surface to the caller (a Scheduler
 * call that failed after the database write succeeded). Structured fields, never secrets.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry on stdout/stderr: what CloudWatch and a terminal both read well. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
};

/** Everything the application services need, injected so each adapter can be swapped. */
export interface ServiceDeps {
  store: Store;
  scheduler: WakeupScheduler;
  clock: Clock;
  events: EventPublisher;
  logger?: Logger;
  /**
   * Steps get their one-time schedule only once they come within this many milliseconds (see
   * scheduling/horizon.ts); the reconciler schedules the rest as they come near. Unset: every
   * step is scheduled when it is planned.
   */
  schedulingHorizonMs?: number;
}

/** Turns an unknown thrown value into a loggable description without leaking a stack. */
export function describeError(error: unknown): { errorName: string; errorMessage: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: 'unknown', errorMessage: String(error) };
}
