/**
 * The reconciler: the safety net under the schedules. It runs every few minutes and walks the
 * interviews whose earliest scheduled step falls due soon (a sparse, sharded index on
 * `nextDueAt`, never a Scan). For each such step it either
 *   - dispatches it directly when it is overdue — its schedule was lost, deleted by mistake, or
 *     the process died between the database write and `CreateSchedule`; or
 *   - (re-)creates its schedule when it is due within the look-ahead — creating one that
 *     exists is a harmless conflict, so a step whose schedule was never created is repaired
 *     before its time.
 */
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import { forEachBounded } from '../concurrency';
import { consoleLogger, describeError, type Logger } from '../service/deps';
import type { Store } from '../store/ports';
import { scheduleName } from './names';
import type { Wakeup, WakeupHandler, WakeupScheduler } from './ports';

export interface ReconcilerDeps {
  store: Store;
  scheduler: WakeupScheduler;
  clock: Clock;
  dispatch: WakeupHandler;
  /** Steps due within this window get their schedule ensured (default 15 min). */
  lookaheadMs?: number;
  /**
   * A step is overdue once it is this far past due (default 1 min): a schedule that is firing
   * right now is left alone, and a double dispatch would be harmless anyway.
   */
  graceMs?: number;
  /** Interviews handled in parallel (default 8). */
  concurrency?: number;
  logger?: Logger;
}

export interface ReconcileReport {
  interviewsChecked: number;
  schedulesEnsured: number;
  overdueDispatched: number;
  failures: number;
}

export function createReconciler(deps: ReconcilerDeps): () => Promise<ReconcileReport> {
  const lookaheadMs = deps.lookaheadMs ?? 15 * 60_000;
  const graceMs = deps.graceMs ?? 60_000;
  const concurrency = deps.concurrency ?? 8;
  const logger = deps.logger ?? consoleLogger;

  return async () => {
    const now = deps.clock.now();
    const horizon = now.add({ milliseconds: lookaheadMs });
    const overdueBefore = now.subtract({ milliseconds: graceMs });
    const report: ReconcileReport = {
      interviewsChecked: 0,
      schedulesEnsured: 0,
      overdueDispatched: 0,
      failures: 0,
    };
    let cursor: string | undefined;
    do {
      const page = await deps.store.listDueInterviews(horizon.toString(), { limit: 100, cursor });
      cursor = page.nextCursor;
      await forEachBounded(page.items, concurrency, async (ref) => {
        report.interviewsChecked++;
        try {
          const record = await deps.store.getInterview(ref.tenantId, ref.interviewId);
          if (record?.state.status !== 'active') return;
          const ensure: Wakeup[] = [];
          for (const step of record.state.steps) {
            if (step.status !== 'scheduled') continue;
            const dueAt = Temporal.Instant.from(step.dueAt);
            if (Temporal.Instant.compare(dueAt, horizon) > 0) continue;
            const payload = {
              kind: 'step' as const,
              tenantId: record.tenantId,
              interviewId: record.id,
              stepId: step.id,
            };
            if (Temporal.Instant.compare(dueAt, overdueBefore) <= 0) {
              await deps.dispatch(payload);
              report.overdueDispatched++;
            } else if (Temporal.Instant.compare(dueAt, now) > 0) {
              ensure.push({ name: scheduleName(payload), at: step.dueAt, payload });
            }
          }
          if (ensure.length > 0) {
            await deps.scheduler.schedule(ensure);
            report.schedulesEnsured += ensure.length;
          }
        } catch (error) {
          // One broken interview must not stop the sweep; the next run tries it again.
          report.failures++;
          logger.error('Reconcile failed for an interview', {
            tenantId: ref.tenantId,
            interviewId: ref.interviewId,
            ...describeError(error),
          });
        }
      });
    } while (cursor);
    return report;
  };
}
