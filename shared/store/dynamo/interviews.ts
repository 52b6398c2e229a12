/**
 * Interviews: one item per interview holding its whole state, written with a condition on its
 * `version` (and `revision`, for outbox housekeeping), and listed by status or external id.
 */
import { AlreadyExistsError, VersionConflictError } from '../../errors';
import { documentAttributes } from '../document-schema';
import type { InterviewListQuery, InterviewStore, Page, StoredInterview } from '../ports';
import { interviewDocument } from '../schemas';
import { itemAttributes as attr, gsi1, gsi2, keyPrefix, type TableIndex } from '../table';
import { dueAttributes, dueEntity } from './due';
import { externalIdPartition, pk, sk, statusPartition, tenantItemKey, tenantScope } from './keys';
import {
  type DynamoTable,
  documentsPage,
  type Item,
  indexList,
  type ListQuery,
  partitionList,
  readItem,
  versionedUpdate,
  writeOrThrow,
} from './table-client';

/**
 * The interview item. It costs a write unit per started 1 KB on every write (about 23 writes in
 * an interview's life), so it holds only what a read, a condition or an index needs besides the
 * document: no `entity`, `tenantId`, `id` or `nextDueAt` (items written before this carry them;
 * nothing reads them). The due index finds the tenant and interview in the entry's table keys.
 */
function interviewItem(interview: StoredInterview): Item {
  const { tenantId, id, externalId } = interview;
  const at = tenantItemKey(tenantId, keyPrefix.interview, id);
  return {
    [pk]: at.pk,
    [sk]: at.sk,
    [attr.version]: interview.version,
    [attr.status]: interview.state.status,
    ...documentAttributes(interviewDocument, interview),
    [gsi1.partitionKey]: statusPartition(tenantId, interview.state.status),
    [gsi1.sortKey]: id,
    ...(interview.revision !== undefined ? { [attr.revision]: interview.revision } : {}),
    ...(externalId !== undefined
      ? { [gsi2.partitionKey]: externalIdPartition(tenantId, externalId), [gsi2.sortKey]: id }
      : {}),
    ...dueAttributes(interview),
  };
}

/** A list of the tenant's interviews from one index partition, newest first. */
const interviewIndexList = (index: TableIndex, tenantId: string, partition: string) =>
  indexList(
    index,
    partition,
    { equals: { [pk]: tenantScope(tenantId) }, startsWith: { [sk]: keyPrefix.interview } },
    true,
  );

function interviewList(tenantId: string, query: InterviewListQuery): ListQuery {
  if (query.externalId !== undefined) {
    const partition = externalIdPartition(tenantId, query.externalId);
    const list = interviewIndexList(gsi2, tenantId, partition);
    if (query.status !== undefined) {
      list.filter = '#status = :status';
      list.names['#status'] = attr.status;
      list.values[':status'] = query.status;
    }
    return list;
  }
  if (query.status !== undefined) {
    return interviewIndexList(gsi1, tenantId, statusPartition(tenantId, query.status));
  }
  return partitionList(tenantScope(tenantId), keyPrefix.interview, true);
}

export function interviewEntity(table: DynamoTable): InterviewStore {
  /** Puts an interview item only if the stored one is at `version` and the revision before `next`'s. */
  function putInterviewIf(next: StoredInterview, version: number): Promise<boolean> {
    const revision = next.revision;
    const revisionCondition =
      revision === undefined
        ? ''
        : revision <= 1
          ? ' AND attribute_not_exists(#revision)'
          : ' AND #revision = :revision';
    return table.put(interviewItem(next), {
      expression: `#version = :expected${revisionCondition}`,
      names: {
        '#version': attr.version,
        ...(revision === undefined ? {} : { '#revision': attr.revision }),
      },
      values: {
        ':expected': version,
        ...(revision === undefined || revision <= 1 ? {} : { ':revision': revision - 1 }),
      },
    });
  }

  return {
    createInterview: (interview: StoredInterview) =>
      writeOrThrow(
        table.putNew(interviewItem(interview)),
        () => new AlreadyExistsError(`Interview ${interview.id} already exists`),
      ),

    getInterview: async (tenantId: string, id: string) =>
      readItem(
        interviewDocument,
        await table.get(tenantItemKey(tenantId, keyPrefix.interview, id)),
      ),

    // The key comes from next.tenantId, so another tenant's write finds no item and fails the
    // condition like a stale version would.
    updateInterview: (next: StoredInterview, expectedVersion: number) =>
      versionedUpdate('Interview', next, expectedVersion, () =>
        putInterviewIf(next, expectedVersion),
      ),

    rewriteInterviewOutbox: async (next: StoredInterview) => {
      if (next.revision === undefined) {
        throw new Error('rewriteInterviewOutbox: next.revision is required');
      }
      const revision = next.revision;
      await writeOrThrow(
        putInterviewIf(next, next.version),
        () =>
          new VersionConflictError(
            `Interview ${next.id} is not at revision ${revision - 1} (changed or gone)`,
          ),
      );
    },

    listInterviews: async (
      tenantId: string,
      query: InterviewListQuery,
    ): Promise<Page<StoredInterview>> =>
      documentsPage(interviewDocument, await table.listPage(interviewList(tenantId, query), query)),

    ...dueEntity(table),
  };
}
