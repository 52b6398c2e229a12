import type { Clock } from '../clock';
import { createLogger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { WakeupScheduler } from '../scheduling/ports';
import type { Store } from '../store/ports';
import type { EventPublisher } from './events';
import type { TenantPolicies } from './policy-cache';

/**
 * Where services report failures they deliberately do not surface to the caller (a Scheduler
 * call that failed after the database write succeeded). Structured fields, never secrets.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Detail an operator turns on per stage (`AFTERVIEW_LOG_LEVEL=debug`); optional to implement. */
  debug?(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The default where no logger is injected: Powertools JSON lines at `info`, with the current log
 * context and redaction (shared/observability/logger.ts). The composition roots pass their own.
 */
export const consoleLogger: Logger = createLogger({ serviceName: 'afterview' });

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
  metrics?: Metrics;
  /**
   * Tenant policies for planning, shared by the services so a `PUT /v1/policy` reaches this
   * process's plans at once; createServices makes one (policy-cache.ts). Unset: every plan
   * reads the policy from the table.
   */
  policies?: TenantPolicies;
}

/** Turns an unknown thrown value into a loggable description without leaking a stack. */
export function describeError(error: unknown): { errorName: string; errorMessage: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: 'unknown', errorMessage: String(error) };
}
