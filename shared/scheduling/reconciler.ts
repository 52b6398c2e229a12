/**
 * The reconciler: the safety net under the schedules and the outbox. It runs every few minutes
 * and walks the interviews whose earliest scheduled step falls due soon or whose outbox still
 * holds an entry (a sparse, sharded due index, never a Scan). It publishes every outbox entry
 * older than the grace period — its writer died between the write and the publish, or the
 * publish failed — which records nothing twice (event ids are deterministic). Then, for each
 * scheduled step, it either
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
import type { OutboxRelay } from '../service/outbox';
import type { Store } from '../store/ports';
import { stepsWithinHorizon } from './horizon';
import { scheduleName } from './names';
import type { Wakeup, WakeupHandler, WakeupScheduler } from './ports';

export interface ReconcilerDeps {
  store: Store;
  scheduler: WakeupScheduler;
  clock: Clock;
  dispatch: WakeupHandler;
  /** Publishes outbox entries left behind (the dispatcher's relay: step events go out inline). */
  outbox: OutboxRelay;
  /** Steps due within this window get their schedule ensured (default 15 min). */
  lookaheadMs?: number;
  /**
   * A step is overdue once it is this far past due (default 1 min): a schedule that is firing
   * right now is left alone, and a double dispatch would be harmless anyway. An outbox entry is
   * left behind once it is this old: its writer is normally done with it in milliseconds.
   */
  graceMs?: number;
  /** Interviews handled in parallel (default 8). */
  concurrency?: number;
  /**
   * The scheduling horizon the service uses (scheduling/horizon.ts), if any. Each sweep then
   * also schedules the steps of interviews whose next step has come within the horizon since
   * about one look-ahead ago: with sweeps closer together than the look-ahead, every interview
   * is seen there at least once.
   */
  horizonMs?: number;
  logger?: Logger;
}

export interface ReconcileReport {
  interviewsChecked: number;
  schedulesEnsured: number;
  /** Steps scheduled because their interview came within the scheduling horizon. */
  schedulesBroughtIn: number;
  overdueDispatched: number;
  /** Outbox entries found left behind and published. */
  outboxRelayed: number;
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
      schedulesBroughtIn: 0,
      overdueDispatched: 0,
      outboxRelayed: 0,
      failures: 0,
    };
    let cursor: string | undefined;
    do {
      const page = await deps.store.listDueInterviews(horizon.toString(), { limit: 100, cursor });
      cursor = page.nextCursor;
      await forEachBounded(page.items, concurrency, async (ref) => {
        report.interviewsChecked++;
        try {
          let record = await deps.store.getInterview(ref.tenantId, ref.interviewId);
          const leftBehind = (record?.outbox ?? []).filter(
            (entry) =>
              Temporal.Instant.compare(
                Temporal.Instant.from(entry.event.createdAt),
                overdueBefore,
              ) <= 0,
          );
          if (record && leftBehind.length > 0) {
            await deps.outbox.relay(
              record,
              leftBehind.map((entry) => entry.event.id),
            );
            report.outboxRelayed += leftBehind.length;
            record = await deps.store.getInterview(ref.tenantId, ref.interviewId);
          }
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
    if (deps.horizonMs !== undefined) await bringIntoHorizon(deps, now, lookaheadMs, report);
    return report;
  };
}

/**
 * The horizon pass: interviews whose next step entered the horizon within the last look-ahead
 * get the schedules the horizon rule gives them. Creating one that exists is a harmless conflict.
 */
async function bringIntoHorizon(
  deps: ReconcilerDeps,
  now: Temporal.Instant,
  lookaheadMs: number,
  report: ReconcileReport,
): Promise<void> {
  const horizonMs = deps.horizonMs ?? 0;
  const end = now.add({ milliseconds: horizonMs });
  const start = end.subtract({ milliseconds: lookaheadMs });
  let cursor: string | undefined;
  do {
    const page = await deps.store.listDueInterviews(
      end.toString(),
      { limit: 100, cursor },
      start.toString(),
    );
    cursor = page.nextCursor;
    await forEachBounded(page.items, deps.concurrency ?? 8, async (ref) => {
      report.interviewsChecked++;
      try {
        const record = await deps.store.getInterview(ref.tenantId, ref.interviewId);
        if (record?.state.status !== 'active') return;
        const wakeups: Wakeup[] = stepsWithinHorizon(record.state.steps, now, horizonMs)
          .filter((step) => Temporal.Instant.compare(Temporal.Instant.from(step.dueAt), now) > 0)
          .map((step) => {
            const payload = {
              kind: 'step' as const,
              tenantId: record.tenantId,
              interviewId: record.id,
              stepId: step.id,
            };
            return { name: scheduleName(payload), at: step.dueAt, payload };
          });
        if (wakeups.length === 0) return;
        await deps.scheduler.schedule(wakeups);
        report.schedulesBroughtIn += wakeups.length;
      } catch (error) {
        report.failures++;
        (deps.logger ?? consoleLogger).error('Bringing steps into the scheduling horizon failed', {
          tenantId: ref.tenantId,
          interviewId: ref.interviewId,
          ...describeError(error),
        });
      }
    });
  } while (cursor);
}
