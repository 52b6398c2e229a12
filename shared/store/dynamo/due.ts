/**
 * The due index: a sparse entry per interview that has a scheduled step or a pending outbox
 * entry, spread over a few fixed shards, read by the reconciler across every tenant.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DueInterviewRef, InterviewStore, Page, PageRequest, StoredInterview } from '../ports';
import { dueIndex, dueShardCount, keyPrefix } from '../table';
import { clampLimit, decodeDueCursor, encodeCursor } from './cursor';
import { dueShardOf, pk, sk, sortableInstant } from './keys';
import type { DynamoTable, Item } from './table-client';

/**
 * When the reconciler next has work on an interview, in the due index's sortable format: the
 * earliest of its next scheduled step and its outbox entries, or undefined when it has neither.
 *
 * An outbox entry counts from when it was written or, for the event of a step that fired, from
 * the step's due time. A step fires at or after its due time, which is where the interview's due
 * entry stood while it was the next step, so the write that fires it leaves the index entry in
 * place instead of moving it to "now" (and back when the entry is cleared): two index writes
 * saved per step. The reconciler reads every entry due before its look-ahead, so an earlier
 * time only means it looks no later.
 */
function reconcileDueAt(interview: StoredInterview): string | undefined {
  const times: string[] = [];
  if (interview.nextDueAt !== undefined) {
    times.push(sortableInstant(interview.nextDueAt, 'nextDueAt'));
  }
  for (const { event } of interview.outbox ?? []) {
    times.push(sortableInstant(event.createdAt, 'outbox.createdAt'));
    const step = (event.data as { step?: { dueAt?: unknown } }).step;
    if (typeof step?.dueAt === 'string') {
      times.push(sortableInstant(step.dueAt, 'outbox.step.dueAt'));
    }
  }
  return times.length === 0 ? undefined : times.sort()[0];
}

/**
 * The interview item's due index attributes: present only while a step is scheduled or an
 * outbox entry waits, which keeps the index sparse; a put without them takes the interview out
 * of the reconciler's view.
 *
 * The sort key is `<due time>#<interviewId>`: the interview id (random, 80 bits beside its
 * time) keeps keys of one instant apart for the page cursor. Items written before this carried
 * `<due time>#<tenantId>#<interviewId>` and copies of `tenantId`, `id` and `nextDueAt` for the
 * index's projection; both shapes are read, because the reader takes the tenant and interview
 * from the entry's table keys (every index entry carries them) and the time from the sort key.
 * The index definition still names those attributes in its projection: changing a projection
 * means rebuilding the index on a deployed table, and projecting attributes an item does not
 * have costs nothing.
 */
export function dueAttributes(interview: StoredInterview): Item {
  const dueAt = reconcileDueAt(interview);
  if (dueAt === undefined) return {};
  const { tenantId, id } = interview;
  return {
    [dueIndex.partitionKey]: dueShardOf(tenantId, id),
    [dueIndex.sortKey]: `${dueAt}#${id}`,
  };
}

/** The interview a due index entry stands for, from its table keys and its sort key. */
function dueRef(entry: Item): DueInterviewRef {
  const tableKey = (name: string, prefix: string) => String(entry[name]).slice(prefix.length);
  return {
    tenantId: tableKey(pk, keyPrefix.tenantScope),
    interviewId: tableKey(sk, keyPrefix.interview),
    nextDueAt: String(entry[dueIndex.sortKey]).split('#')[0] ?? '',
  };
}

export function dueEntity(table: DynamoTable): Pick<InterviewStore, 'listDueInterviews'> {
  /**
   * Reads every due shard up to `before` and merges them by due time. The cursor is the last
   * due key returned; each shard restarts just after it, so pages never overlap or skip.
   */
  async function listDueInterviews(
    before: string,
    page: PageRequest,
    dueAfter?: string,
  ): Promise<Page<DueInterviewRef>> {
    const limit = clampLimit(page.limit);
    // '$' sorts right after '#', so every key for an instant <= before is below the bound.
    const bound = `${sortableInstant(before, 'before')}$`;
    const cursor = page.cursor !== undefined ? decodeDueCursor(page.cursor) : undefined;
    // An exclusive lower bound works like a cursor placed after every key of that instant.
    const floor = dueAfter !== undefined ? `${sortableInstant(dueAfter, 'dueAfter')}$` : undefined;
    const after = floor !== undefined && (cursor === undefined || cursor < floor) ? floor : cursor;

    const shards = await Promise.all(
      Array.from({ length: dueShardCount }, async (_, shard) => {
        const out = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: dueIndex.indexName,
            KeyConditionExpression: after
              ? '#shard = :shard AND #due BETWEEN :after AND :bound'
              : '#shard = :shard AND #due < :bound',
            ExpressionAttributeNames: { '#shard': dueIndex.partitionKey, '#due': dueIndex.sortKey },
            ExpressionAttributeValues: marshall({
              ':shard': `${keyPrefix.dueShard}${shard}`,
              ':bound': bound,
              ...(after ? { ':after': after } : {}),
            }),
            ScanIndexForward: true,
            // One extra for the cursor's own item (BETWEEN is inclusive), one to see if more exist.
            Limit: limit + 2,
          }),
        );
        const items = (out.Items ?? [])
          .map((raw) => unmarshall(raw))
          .filter((item) => item[dueIndex.sortKey] !== after);
        return { items, more: out.LastEvaluatedKey !== undefined };
      }),
    );

    // A shard that has more beyond what it returned caps how far this page may go: anything
    // later in other shards could interleave with its unread items.
    let cutoff: string | undefined;
    for (const shard of shards) {
      const last = shard.items[shard.items.length - 1]?.[dueIndex.sortKey];
      if (shard.more && typeof last === 'string' && (cutoff === undefined || last < cutoff)) {
        cutoff = last;
      }
    }
    const merged = shards
      .flatMap((shard) => shard.items)
      .filter((item) => cutoff === undefined || String(item[dueIndex.sortKey]) <= cutoff)
      .sort((a, b) => (String(a[dueIndex.sortKey]) < String(b[dueIndex.sortKey]) ? -1 : 1));

    const items = merged.slice(0, limit);
    const hasMore = merged.length > limit || cutoff !== undefined;
    const last = items[items.length - 1];
    return {
      items: items.map(dueRef),
      ...(hasMore && last
        ? { nextCursor: encodeCursor({ after: String(last[dueIndex.sortKey]) }) }
        : {}),
    };
  }

  return { listDueInterviews };
}
