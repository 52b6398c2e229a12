/**
 * The tenant-wide event list merges the type partitions of gsi2 (events no longer keep a gsi1
 * entry): pages and cursors behave as the single-partition list did, events written before the
 * change (with their gsi1 entry) are listed once, a cursor handed out by the old list still
 * works, and the merged types are exactly the types the service writes.
 */
import { randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../shared/store/ports';
import { gsi1, keyPrefix } from '../../shared/store/table';
import { eventTypes } from '../../shared/webhooks/event-types';
import { newTenantId, useRawTable } from '../support/dynalite-store';

const now = Temporal.Instant.from('2026-03-02T09:00:00Z');

describe('the tenant-wide event list', () => {
  const table = useRawTable('events', now);
  const rawItem = async (tenantId: string, id: string) =>
    (await table.get({ pk: `T#${tenantId}`, sk: `${keyPrefix.event}${id}` })) as Record<
      string,
      AttributeValue
    >;

  /** Events one second apart, of types taken in turn from `types`. */
  function events(tenantId: string, count: number, types: readonly string[]): StoredEvent[] {
    return Array.from({ length: count }, (_, i) => {
      const createdAt = now.add({ seconds: i }).toString();
      return {
        tenantId,
        id: `evt_${String(i).padStart(3, '0')}${randomBytes(3).toString('hex')}`,
        type: types[i % types.length] as string,
        timestamp: createdAt,
        ...(i % 4 === 3 ? {} : { interviewId: `int_${i % 3}` }),
        data: { n: i },
        createdAt,
        expiresAt: Math.floor(now.epochMilliseconds / 1000) + 86_400,
      };
    });
  }

  async function listAll(tenantId: string, limit: number) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await table.store.listEvents(tenantId, { limit, cursor });
      pages.push(page.items.map((event) => event.id));
      cursor = page.nextCursor;
    } while (cursor);
    return pages;
  }

  it.each([1, 2, 3, 5, 20])('lists every type newest first in full pages of %i', async (limit) => {
    const tenantId = newTenantId();
    const written = events(tenantId, 17, [...eventTypes.slice(0, 5), 'step.due']);
    for (const event of written) await table.store.putEvent(event);
    const pages = await listAll(tenantId, limit);
    expect(pages.flat()).toEqual(written.map((event) => event.id).reverse());
    // Every page but the last is full, and the last is not empty unless there is nothing.
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
    expect(pages.at(-1)?.length).toBe(17 % limit === 0 ? limit : 17 % limit);
  });

  it('writes a tenant-wide gsi1 entry only for a type it does not merge', async () => {
    const tenantId = newTenantId();
    const [known, unknown] = events(tenantId, 2, ['interview.created', 'step.due']);
    await table.store.putEvent(known as StoredEvent);
    await table.store.putEvent(unknown as StoredEvent);
    expect((await rawItem(tenantId, (known as StoredEvent).id))[gsi1.partitionKey]).toBeUndefined();
    expect((await rawItem(tenantId, (unknown as StoredEvent).id))[gsi1.partitionKey]).toEqual({
      S: `T#${tenantId}#EVT`,
    });
  });

  it('lists events written with their gsi1 entry once, and takes the old cursor', async () => {
    const tenantId = newTenantId();
    const written = events(tenantId, 9, ['interview.created', 'interview.updated']);
    for (const event of written) await table.store.putEvent(event);
    // The first six as the code before this change wrote them: with the tenant-wide entry.
    for (const event of written.slice(0, 6)) {
      const item = await rawItem(tenantId, event.id);
      const timeKey = item.gsi2sk?.S as string;
      await table.put({
        ...item,
        [gsi1.partitionKey]: { S: `T#${tenantId}#EVT` },
        [gsi1.sortKey]: { S: timeKey },
      });
    }
    const expected = written.map((event) => event.id).reverse();
    expect((await listAll(tenantId, 4)).flat()).toEqual(expected);

    // A cursor of the old list: the last item's base keys and its gsi1 keys.
    const fourth = written[5] as StoredEvent;
    const item = await rawItem(tenantId, fourth.id);
    const oldCursor = Buffer.from(
      JSON.stringify({
        pk: item.pk?.S,
        sk: item.sk?.S,
        gsi1pk: item.gsi1pk?.S,
        gsi1sk: item.gsi1sk?.S,
      }),
    ).toString('base64url');
    const next = await table.store.listEvents(tenantId, { limit: 3, cursor: oldCursor });
    expect(next.items.map((event) => event.id)).toEqual(expected.slice(4, 7));
    expect(next.nextCursor).toEqual(expect.any(String));
    const last = await table.store.listEvents(tenantId, { limit: 3, cursor: next.nextCursor });
    expect(last.items.map((event) => event.id)).toEqual(expected.slice(7));
    expect(last.nextCursor).toBeUndefined();
  });

  it('refuses a cursor of another tenant or another list', async () => {
    const tenantId = newTenantId();
    for (const event of events(tenantId, 3, ['interview.created']))
      await table.store.putEvent(event);
    const { nextCursor } = await table.store.listEvents(tenantId, { limit: 1 });
    const other = newTenantId();
    await expect(
      table.store.listEvents(other, { limit: 1, cursor: nextCursor }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(
      table.store.listEvents(tenantId, { limit: 1, cursor: nextCursor, type: 'interview.created' }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
