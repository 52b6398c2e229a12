import type { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import {
  applySignal,
  applyStepAction,
  eraseFollowUp,
  planFollowUps,
  replan,
  resolvePolicy,
  startFollowUp,
} from '../domain';
import {
  type FollowUpState,
  type InterviewInput,
  interviewInputSchema,
  type PlanChange,
  type Policy,
  type PolicyOverrides,
  type Signal,
  type Step,
  type StepAction,
} from '../domain/model';
import { nextDueAt } from '../domain/next-due';
import { scopeStepIds } from '../domain/step-ids';
import { NotFoundError, ResourceBusyError, ValidationError } from '../errors';
import { newId } from '../ids';
import { type Metrics, noMetrics } from '../observability/metrics';
import { stepsWithinHorizon } from '../scheduling/horizon';
import { scheduleName } from '../scheduling/names';
import type { Wakeup, WakeupScheduler } from '../scheduling/ports';
import { optimisticWrite } from '../store/optimistic-write';
import type { InterviewListQuery, OutboxEntry, Page, Store, StoredInterview } from '../store/ports';
import { consoleLogger, describeError, type Logger, type ServiceDeps } from './deps';
import { eraseInterviewTraces } from './erasure';
import { interviewEvent } from './events';
import { assertCoherentInput, assertSignalDates } from './input-checks';
import { applyMergePatch } from './merge-patch';
import { OutboxRelay, redactForErasure } from './outbox';
import { TenantPolicies } from './policy-cache';
import { checkVersion } from './version-precondition';
import { zodIssuesToFieldErrors } from './zod-errors';

/** Options for a write on an existing interview. */
export interface WriteOptions {
  /**
   * The versions the caller accepts (the strong tags of `If-Match`), usually the one it last
   * saw. When given, the write fails with PreconditionFailedError unless the interview is at
   * one of them, instead of being retried on top of someone else's change.
   */
  ifMatch?: readonly number[];
}

/** The wake-ups for every step of `steps` that is waiting to become due. */
function stepWakeups(tenantId: string, interviewId: string, steps: readonly Step[]): Wakeup[] {
  return steps
    .filter((step) => step.status === 'scheduled')
    .map((step) => {
      const payload = { kind: 'step', tenantId, interviewId, stepId: step.id } as const;
      return { name: scheduleName(payload), at: step.dueAt, payload };
    });
}

function stepScheduleNames(
  tenantId: string,
  interviewId: string,
  steps: readonly Step[],
): string[] {
  return steps.map((step) =>
    scheduleName({ kind: 'step', tenantId, interviewId, stepId: step.id }),
  );
}

interface MutationContext {
  /** The policy of the interview as stored: tenant defaults plus its own overrides. */
  policy: Policy;
  tenantDefaults: PolicyOverrides | undefined;
  now: Temporal.Instant;
}

type Mutation = (state: FollowUpState, context: MutationContext) => PlanChange;

/**
 * Interviews and their follow-up plans. DynamoDB is written first, with the change's
 * `interview.*` notices in the item's outbox; then schedules are created or deleted and the
 * notices published. A failed Scheduler call or publish after a successful write is logged, not
 * surfaced: the reconciler re-creates wake-ups for scheduled steps and publishes outbox entries
 * left behind (both found through the due index), and a stale wake-up is harmless (the
 * dispatcher re-reads the interview before acting).
 */
export class InterviewService {
  readonly #store: Store;
  readonly #policies: TenantPolicies;
  readonly #scheduler: WakeupScheduler;
  readonly #clock: Clock;
  readonly #outbox: OutboxRelay;
  readonly #logger: Logger;
  readonly #horizonMs: number | undefined;
  readonly #metrics: Metrics;

  constructor(deps: ServiceDeps) {
    this.#horizonMs = deps.schedulingHorizonMs;
    this.#store = deps.store;
    this.#policies = deps.policies ?? new TenantPolicies({ store: deps.store, ttlMs: 0 });
    this.#scheduler = deps.scheduler;
    this.#clock = deps.clock;
    this.#logger = deps.logger ?? consoleLogger;
    this.#outbox = new OutboxRelay({
      store: deps.store,
      publisher: deps.events,
      logger: this.#logger,
    });
    this.#metrics = deps.metrics ?? noMetrics;
  }

  /** The plan `input` would get now under the tenant's policy; nothing is stored or scheduled. */
  async preview(tenantId: string, input: InterviewInput): Promise<Step[]> {
    assertCoherentInput(input);
    const policy = await this.#policyFor(tenantId, input);
    return planFollowUps(input, policy, this.#clock.now());
  }

  /** Stores a new interview with its plan, schedules its steps and records `interview.created`. */
  async create(tenantId: string, input: InterviewInput): Promise<StoredInterview> {
    assertCoherentInput(input);
    const policy = await this.#policyFor(tenantId, input);
    const now = this.#clock.now();
    const id = newId('int', now.epochMilliseconds);
    const state = withScopedStepIds(id, [], startFollowUp(input, policy, now));
    const timestamp = now.toString();
    const fields: StoredInterview = {
      tenantId,
      id,
      ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
      version: 1,
      revision: 1,
      createdAt: timestamp,
      updatedAt: timestamp,
      state,
      eventSequence: 1,
      ...optionalNextDue(state.steps),
    };
    const created = queued(interviewEvent('interview.created', fields, 1, now));
    const interview: StoredInterview = { ...fields, outbox: [created] };
    await this.#store.createInterview(interview);
    await this.#syncSchedules(interview, [], state.steps);
    await this.#publish(interview, [created]);
    return interview;
  }

  /** The interview, or NotFoundError (also for another tenant's id). */
  async get(tenantId: string, id: string): Promise<StoredInterview> {
    const interview = await this.#store.getInterview(tenantId, id);
    if (!interview) throw new NotFoundError(`No interview ${id}`);
    return interview;
  }

  /** Newest first, optionally filtered by status or external id. */
  list(tenantId: string, query: InterviewListQuery): Promise<Page<StoredInterview>> {
    return this.#store.listInterviews(tenantId, query);
  }

  /**
   * Applies a JSON merge patch (RFC 7396) to the interview's input fields, validates the
   * result as a whole and re-plans. Steps already completed or skipped stay as they are.
   */
  patch(
    tenantId: string,
    id: string,
    patch: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<StoredInterview> {
    return this.#replan(tenantId, id, options, (state, { tenantDefaults, now }) => {
      const merged = applyMergePatch(state.input, patch);
      const parsed = interviewInputSchema.safeParse(merged);
      if (!parsed.success) {
        throw new ValidationError(
          'The patched interview is not valid',
          zodIssuesToFieldErrors(parsed.error.issues),
        );
      }
      assertCoherentInput(parsed.data);
      // Overrides may have changed with the patch, so the policy is resolved from the result.
      const policy = resolvePolicy(tenantDefaults, parsed.data.policy);
      return replan(state, parsed.data, policy, now);
    });
  }

  /** Applies a signal from the employer or candidate (R9) and re-plans. */
  postSignal(
    tenantId: string,
    id: string,
    signal: Signal,
    options: WriteOptions = {},
  ): Promise<StoredInterview> {
    return this.#replan(tenantId, id, options, (state, { policy, now }) => {
      assertSignalDates(state.input, signal);
      return applySignal(state, signal, policy, now);
    });
  }

  /** Completes, skips or snoozes one step. */
  stepAction(
    tenantId: string,
    id: string,
    stepId: string,
    action: StepAction,
    options: WriteOptions = {},
  ): Promise<StoredInterview> {
    return this.#replan(tenantId, id, options, (state, { policy, now }) => {
      if (!state.steps.some((step) => step.id === stepId)) {
        throw new NotFoundError(`No step ${stepId} in interview ${id}`);
      }
      return applyStepAction(state, stepId, action, policy, now);
    });
  }

  /**
   * Erases the interview's personal data and closes its open steps (scheduled and due). The
   * item stays, closed with reason `erased`, so its id keeps answering (without personal data)
   * and integrations can tell an erased interview from one that never existed. Then the same
   * data is removed everywhere else it was kept: step events, delivery attempt logs and
   * idempotency records (see eraseInterviewTraces). Erasing again changes nothing on the
   * interview but finishes that sweep, should an earlier erasure have been interrupted.
   */
  async erase(tenantId: string, id: string): Promise<StoredInterview> {
    const current = await this.get(tenantId, id);
    const erased =
      current.state.closedReason === 'erased'
        ? current
        : await this.#mutate(tenantId, id, {}, (state, { now }) =>
            state.closedReason === 'erased'
              ? { state, cancelled: [], added: [] }
              : eraseFollowUp(state, now),
          );
    const report = await eraseInterviewTraces(this.#store, tenantId, id, this.#clock.now());
    this.#logger.info('Interview erased', { tenantId, interviewId: id, ...report });
    return erased;
  }

  // -------------------------------------------------------------------------------------------

  async #policyFor(tenantId: string, input: InterviewInput): Promise<Policy> {
    const tenantDefaults = await this.#policies.overrides(tenantId);
    return resolvePolicy(tenantDefaults, input.policy);
  }

  /** A plan change through #mutate, with step ids unique to the interview (see scopeStepIds). */
  #replan(
    tenantId: string,
    id: string,
    options: WriteOptions,
    change: Mutation,
  ): Promise<StoredInterview> {
    return this.#mutate(tenantId, id, options, (state, context) =>
      scopeStepIds(state.steps, change(state, context), id),
    );
  }

  /**
   * Read, change, conditionally write; on a lost race re-read and retry unless the caller
   * pinned a version with If-Match. Schedules and events follow a successful write.
   */
  async #mutate(
    tenantId: string,
    id: string,
    options: WriteOptions,
    change: Mutation,
  ): Promise<StoredInterview> {
    const tenantDefaults = await this.#policies.overrides(tenantId);
    // A lost race is re-read and decided again. With If-Match, the check at the top answers 412
    // only if the version moved: a lost race against outbox housekeeping (which bumps the
    // internal revision, not the version) is retried, never reported as a conflict.
    const outcome = await optimisticWrite(
      async (): Promise<
        | { written: false; current: StoredInterview }
        | { written: true; next: StoredInterview; added: OutboxEntry[]; planChange: PlanChange }
      > => {
        const current = await this.get(tenantId, id);
        checkVersion('interview', current.version, options.ifMatch);
        const now = this.#clock.now();
        const policy = resolvePolicy(tenantDefaults, current.state.input.policy);
        const planChange = change(current.state, { policy, tenantDefaults, now });
        // A change that changes nothing (e.g. a PATCH repeating current values) writes nothing,
        // so the version and ETag only move when the interview does.
        if (sameState(planChange.state, current.state)) return { written: false, current };

        const { next, added } = this.#nextVersion(current, planChange.state, now);
        await this.#store.updateInterview(next, current.version);
        return { written: true, next, added, planChange };
      },
      {
        exhausted: () =>
          new ResourceBusyError('The interview is changing too often; retry the request'),
      },
    );
    if (!outcome.written) return outcome.current;
    const { next, added, planChange } = outcome;
    await this.#syncSchedules(next, planChange.cancelled, planChange.added);
    await this.#publish(next, added);
    return next;
  }

  /**
   * The item after a change: version and revision bumped, the change's notices added to the
   * outbox behind any entries still pending (a concurrent writer's, not yet cleared, must not be
   * dropped). An erasure also redacts the pending entries it carries forward.
   */
  #nextVersion(
    current: StoredInterview,
    state: FollowUpState,
    now: Temporal.Instant,
  ): { next: StoredInterview; added: OutboxEntry[] } {
    const closing = current.state.status !== 'closed' && state.status === 'closed';
    const erasing = current.state.closedReason !== 'erased' && state.closedReason === 'erased';
    const {
      nextDueAt: _previousDue,
      externalId: _previousExternalId,
      outbox: pending = [],
      ...rest
    } = current;
    const fields: StoredInterview = {
      ...rest,
      ...(state.input.externalId === undefined ? {} : { externalId: state.input.externalId }),
      version: current.version + 1,
      revision: (current.revision ?? 0) + 1,
      updatedAt: now.toString(),
      state,
      eventSequence: current.eventSequence + (closing ? 2 : 1),
      ...optionalNextDue(state.steps),
    };
    const added = [
      queued(interviewEvent('interview.updated', fields, current.eventSequence + 1, now)),
    ];
    if (closing) {
      added.push(
        queued(interviewEvent('interview.closed', fields, current.eventSequence + 2, now)),
      );
    }
    const carried = erasing
      ? pending.map((entry) => redactForErasure(entry, now.toString()))
      : pending;
    return { next: { ...fields, outbox: [...carried, ...added] }, added };
  }

  /** Cancels first so a step that was moved (same id, new time) ends with its new wake-up. */
  async #syncSchedules(
    interview: StoredInterview,
    cancelled: readonly Step[],
    added: readonly Step[],
  ): Promise<void> {
    const { tenantId, id } = interview;
    try {
      if (cancelled.length > 0) {
        await this.#scheduler.cancel(stepScheduleNames(tenantId, id, cancelled));
      }
      const wakeups = stepWakeups(tenantId, id, this.#toSchedule(interview, added));
      if (wakeups.length > 0) await this.#scheduler.schedule(wakeups);
    } catch (error) {
      this.#metrics.add('SchedulerCallsFailed');
      this.#logger.error('Scheduler call failed after the interview was written', {
        tenantId,
        interviewId: id,
        version: interview.version,
        ...describeError(error),
      });
    }
  }

  /**
   * What gets a schedule after a write: the added steps, or with a horizon, every step the
   * horizon rule covers now (steps already scheduled are created again, which is a harmless
   * conflict: the write may have moved the interview's next step, and with it the horizon).
   */
  #toSchedule(interview: StoredInterview, added: readonly Step[]): readonly Step[] {
    if (this.#horizonMs === undefined) return added;
    return stepsWithinHorizon(interview.state.steps, this.#clock.now(), this.#horizonMs);
  }

  /**
   * Publishes this write's own outbox entries. A failure is logged, not surfaced: the change and
   * its notices are stored, and the reconciler publishes what is left in the outbox.
   */
  async #publish(interview: StoredInterview, entries: readonly OutboxEntry[]): Promise<void> {
    try {
      await this.#outbox.relay(
        interview,
        entries.map((entry) => entry.event.id),
      );
    } catch (error) {
      this.#logger.error('Publishing interview events failed after the write', {
        tenantId: interview.tenantId,
        interviewId: interview.id,
        version: interview.version,
        ...describeError(error),
      });
    }
  }
}

function withScopedStepIds(
  interviewId: string,
  previous: readonly Step[],
  state: FollowUpState,
): FollowUpState {
  return scopeStepIds(previous, { state, cancelled: [], added: state.steps }, interviewId).state;
}

function queued(event: OutboxEntry['event']): OutboxEntry {
  return { event, delivery: 'queued' };
}

function sameState(a: FollowUpState, b: FollowUpState): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function optionalNextDue(steps: readonly Step[]): { nextDueAt?: string } {
  const due = nextDueAt(steps);
  return due === undefined ? {} : { nextDueAt: due };
}

export { nextDueAt };
