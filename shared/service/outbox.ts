/**
 * The interview outbox: events that must follow a change are written inside the interview item
 * in the same conditional write as the change, so the change and its notice commit together
 * (no transactions needed, on DynamoDB or dynalite). After the write, whoever made the change
 * relays them: records each event under its deterministic id (a second recording is a no-op),
 * hands it to the webhook side, and then removes the entry with a write that leaves the public
 * `version` alone. A crash anywhere in between leaves the entry in the item; the reconciler finds
 * it through the due index and relays it again, which records nothing twice.
 */
import { WriteContentionError } from '../errors';
import type { EventFanOut } from '../scheduling/dispatcher';
import { optimisticWrite } from '../store/optimistic-write';
import type { OutboxEntry, Store, StoredEvent, StoredInterview } from '../store/ports';
import { consoleLogger, describeError, type Logger } from './deps';
import { redactEvent } from './erasure';
import type { EventPublisher } from './events';

export interface OutboxRelayDeps {
  store: Pick<Store, 'getInterview' | 'rewriteInterviewOutbox' | 'putEvent' | 'getEvent'>;
  /** Records `queued` entries and queues a delivery wake-up per endpoint. */
  publisher: EventPublisher;
  /** Attempts `inline` entries at every endpoint now; without it they are queued instead. */
  fanOut?: EventFanOut;
  logger?: Logger;
}

/** The ids of the entries in an interview's outbox. */
function outboxIds(interview: Pick<StoredInterview, 'outbox'>): string[] {
  return (interview.outbox ?? []).map((entry) => entry.event.id);
}

/** `interview` without the outbox entries whose ids are in `ids` (no `outbox` key when empty). */
function withoutOutboxEntries(
  interview: StoredInterview,
  ids: ReadonlySet<string>,
): StoredInterview {
  const { outbox, ...rest } = interview;
  const remaining = (outbox ?? []).filter((entry) => !ids.has(entry.event.id));
  return remaining.length > 0 ? { ...rest, outbox: remaining } : rest;
}

/** Relays outbox entries and clears them; see the module comment. */
export class OutboxRelay {
  readonly #deps: OutboxRelayDeps;
  readonly #logger: Logger;

  constructor(deps: OutboxRelayDeps) {
    this.#deps = deps;
    this.#logger = deps.logger ?? consoleLogger;
  }

  /**
   * Publishes the entries of `interview`'s outbox (only those in `eventIds` when given), then
   * removes the published ones from the stored item. Every entry is tried; if any failed, the
   * first failure is rethrown after the others were published and cleared, and the failed
   * entries stay for the reconciler.
   */
  async relay(interview: StoredInterview, eventIds?: readonly string[]): Promise<void> {
    const wanted = eventIds === undefined ? undefined : new Set(eventIds);
    const entries = (interview.outbox ?? []).filter(
      (entry) => wanted === undefined || wanted.has(entry.event.id),
    );
    if (entries.length === 0) return;
    const published = new Set<string>();
    let failure: { error: unknown } | undefined;
    for (const entry of entries) {
      try {
        await this.#publish(entry);
        published.add(entry.event.id);
      } catch (error) {
        failure ??= { error };
        this.#logger.error('Publishing an outbox entry failed; the reconciler will retry', {
          tenantId: interview.tenantId,
          interviewId: interview.id,
          eventId: entry.event.id,
          type: entry.event.type,
          ...describeError(error),
        });
      }
    }
    if (published.size > 0) await this.#clear(interview, published);
    if (failure) throw failure.error;
  }

  async #publish(entry: OutboxEntry): Promise<void> {
    const { store, publisher, fanOut } = this.#deps;
    if (entry.delivery === 'queued' || (entry.delivery === 'inline' && !fanOut)) {
      await publisher.publish(entry.event);
      return;
    }
    const inserted = await store.putEvent(entry.event);
    if (entry.delivery === 'record' || !fanOut) return;
    // An earlier run recorded it: deliver the stored copy (it may have been redacted since).
    const event: StoredEvent = inserted
      ? entry.event
      : ((await store.getEvent(entry.event.tenantId, entry.event.id)) ?? entry.event);
    await fanOut.fanOut(event, { newlyRecorded: inserted });
  }

  /**
   * Removes the published entries with a write conditional on the revision the relay last saw.
   * A concurrent change carries the entries forward (it must, since it cannot know they were
   * published), so after a conflict the item is read again and the removal retried.
   */
  async #clear(interview: StoredInterview, ids: ReadonlySet<string>): Promise<void> {
    const { store } = this.#deps;
    try {
      await optimisticWrite(async (attempt) => {
        const current =
          attempt === 1 ? interview : await store.getInterview(interview.tenantId, interview.id);
        if (!current || !outboxIds(current).some((id) => ids.has(id))) return;
        await store.rewriteInterviewOutbox({
          ...withoutOutboxEntries(current, ids),
          revision: (current.revision ?? 0) + 1,
        });
      });
    } catch (error) {
      // Still there after every attempt: the entries are published, so a later relay by the
      // reconciler only finds them recorded and removes them.
      if (!(error instanceof WriteContentionError)) throw error;
    }
  }
}

/**
 * A pending entry as an erasure carries it forward: nothing personal stays in the item. Every
 * event written before the erasure, a step event or an `interview.*` notice, is redacted exactly
 * as recorded events are (see `redactEvent`: placeholders, ids and times kept, the external id
 * gone, `erasedAt` set) and is recorded, never sent. Only the erasure's own notices, which are
 * not carried but added by it, go out.
 */
export function redactForErasure(entry: OutboxEntry, erasedAt: string): OutboxEntry {
  return { ...entry, delivery: 'record', event: redactEvent(entry.event, erasedAt) ?? entry.event };
}
