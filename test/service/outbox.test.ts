import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../shared/clock';
import { interviewInputSchema } from '../../shared/domain/model';
import {
  createDispatcher,
  type EventFanOut,
  stepEventId,
} from '../../shared/scheduling/dispatcher';
import { type EventPublisher, StoreEventPublisher } from '../../shared/service/events';
import { OutboxRelay } from '../../shared/service/outbox';
import type { DynamoStore } from '../../shared/store/dynamo-store';
import type { Store, StoredEvent, StoredInterview } from '../../shared/store/ports';
import {
  deadPublisher,
  interviewServiceOn,
  newTenantId,
  useDynaliteStore,
} from '../support/dynalite-store';
import { interviewInput } from '../support/runtime';

const plannedAt = Temporal.Instant.from('2030-01-07T15:00:00Z');
let store: DynamoStore;
useDynaliteStore('outbox', plannedAt, (started) => {
  store = started;
});

function service(options: { store?: Store; events?: EventPublisher } = {}) {
  return interviewServiceOn(
    options.store ?? store,
    plannedAt,
    options.events ?? new StoreEventPublisher(store),
  );
}

const newTenant = newTenantId;
const input = () => interviewInputSchema.parse(interviewInput(plannedAt));

describe('the interview outbox', () => {
  it('keeps interview.created in the item when publishing dies after the write', async () => {
    const tenantId = newTenant();
    const created = await service({ events: deadPublisher }).create(tenantId, input());
    const stored = await store.getInterview(tenantId, created.id);
    expect(stored?.outbox?.map((entry) => [entry.event.type, entry.delivery])).toEqual([
      ['interview.created', 'queued'],
    ]);
    expect(await store.getEvent(tenantId, stored?.outbox?.[0]?.event.id ?? '')).toBeUndefined();
  });

  it('publishes and clears it on the happy path, without moving the version', async () => {
    const tenantId = newTenant();
    const created = await service().create(tenantId, input());
    const stored = await store.getInterview(tenantId, created.id);
    expect(stored?.outbox).toBeUndefined();
    expect(stored?.version).toBe(1);
    const page = await store.listEvents(tenantId, { limit: 10, interviewId: created.id });
    expect(page.items.map((event) => event.type)).toEqual(['interview.created']);
  });

  it('an If-Match write racing outbox housekeeping succeeds and does not bring the entry back', async () => {
    const tenantId = newTenant();
    const created = await service({ events: deadPublisher }).create(tenantId, input());
    const leftBehind = created.outbox?.[0]?.event.id;
    // The reconciler clears the left-behind entry between the PATCH's read and its write.
    const relay = new OutboxRelay({ store, publisher: new StoreEventPublisher(store) });
    let raced = false;
    const racing = new Proxy(store, {
      get(target, property) {
        if (property === 'updateInterview') {
          return async (next: StoredInterview, expectedVersion: number) => {
            if (!raced) {
              raced = true;
              const current = await target.getInterview(tenantId, created.id);
              if (current) await relay.relay(current);
            }
            return target.updateInterview(next, expectedVersion);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    const patched = await service({ store: racing }).patch(
      tenantId,
      created.id,
      { role: { title: 'Staff Engineer', company: 'Northwind' } },
      { ifMatch: [1] },
    );

    expect(raced).toBe(true);
    expect(patched.version).toBe(2);
    const stored = await store.getInterview(tenantId, created.id);
    expect(stored?.version).toBe(2);
    expect(stored?.outbox?.map((entry) => entry.event.id) ?? []).not.toContain(leftBehind);
    const page = await store.listEvents(tenantId, { limit: 10, interviewId: created.id });
    expect(page.items.map((event) => event.type).sort()).toEqual([
      'interview.created',
      'interview.updated',
    ]);
  });

  it('an erasure redacts a claimed step event still in the outbox; it is recorded, never sent', async () => {
    const tenantId = newTenant();
    const created = await service().create(tenantId, input());
    const step = created.state.steps[0];
    if (!step) throw new Error('the plan has no steps');
    const sent: StoredEvent[] = [];
    const dying: EventFanOut = {
      fanOut: async () => {
        throw new Error('process died after the claim (simulated)');
      },
      runDeliveryAttempt: async () => undefined,
      runEndpointCheck: async () => undefined,
    };
    const clock = new FixedClock(Temporal.Instant.from(step.dueAt));
    const payload = { kind: 'step', tenantId, interviewId: created.id, stepId: step.id } as const;
    await expect(createDispatcher({ store, clock, webhooks: dying })(payload)).rejects.toThrow(
      'process died',
    );
    const claimed = await store.getInterview(tenantId, created.id);
    const personal = [
      created.state.input.candidate.name,
      ...(created.state.input.candidate.email ? [created.state.input.candidate.email] : []),
      step.recipient.name,
    ];
    for (const text of personal) expect(JSON.stringify(claimed?.outbox)).toContain(text);

    await service({ events: deadPublisher }).erase(tenantId, created.id);
    const erased = await store.getInterview(tenantId, created.id);
    const pending = JSON.stringify(erased?.outbox);
    for (const text of personal) expect(pending).not.toContain(text);
    const id = stepEventId(tenantId, created.id, step.id);
    expect(erased?.outbox?.find((entry) => entry.event.id === id)).toMatchObject({
      delivery: 'record',
      event: {
        erasedAt: expect.any(String),
        data: { step: { id: step.id, kind: step.kind, reason: 'Redacted' } },
      },
    });

    const webhooks: EventFanOut = {
      fanOut: async (event) => {
        sent.push(event);
      },
      runDeliveryAttempt: async () => undefined,
      runEndpointCheck: async () => undefined,
    };
    const relay = new OutboxRelay({
      store,
      publisher: new StoreEventPublisher(store),
      fanOut: webhooks,
    });
    await relay.relay(erased as StoredInterview);
    expect(sent).toEqual([]);
    // (The copy recorded before the crash is the erasure's to redact in place, with the rest of
    // the interview's events; the outbox only must not keep or resend personal data.)
    expect((await store.getInterview(tenantId, created.id))?.outbox).toBeUndefined();
  });
});

describe('an erasure and the interview notices', () => {
  it('marks every notice recorded before it erased, with or without an external id; its own go out', async () => {
    for (const externalId of [undefined, 'ats-42']) {
      const tenantId = newTenant();
      const created = await service().create(tenantId, {
        ...input(),
        ...(externalId === undefined ? {} : { externalId }),
      });
      await service().erase(tenantId, created.id);
      const events = (await store.listEvents(tenantId, { limit: 10, interviewId: created.id }))
        .items;
      const byType = new Map(events.map((event) => [event.type, event]));
      expect([...byType.keys()].sort()).toEqual([
        'interview.closed',
        'interview.created',
        'interview.updated',
      ]);
      const before = byType.get('interview.created');
      expect(before?.erasedAt).toEqual(expect.any(String));
      expect(before?.data).not.toHaveProperty('externalId');
      expect(before?.data).toMatchObject({ interviewId: created.id, status: 'active' });
      for (const type of ['interview.updated', 'interview.closed']) {
        expect(byType.get(type)?.erasedAt).toBeUndefined();
        expect(byType.get(type)?.data).toMatchObject({ closedReason: 'erased' });
      }
      // A repeated erasure leaves the erasure's own notices alone.
      await service().erase(tenantId, created.id);
      const again = (await store.listEvents(tenantId, { limit: 10, interviewId: created.id }))
        .items;
      expect(
        again
          .filter((event) => event.erasedAt === undefined)
          .map((e) => e.type)
          .sort(),
      ).toEqual(['interview.closed', 'interview.updated']);
    }
  });

  it('records a notice still pending in the outbox as erased; only its own notices are queued', async () => {
    const tenantId = newTenant();
    const created = await service({ events: deadPublisher }).create(tenantId, input());
    await service({ events: deadPublisher }).erase(tenantId, created.id);
    const outbox = (await store.getInterview(tenantId, created.id))?.outbox ?? [];
    expect(
      outbox.map((entry) => [entry.event.type, entry.delivery, entry.event.erasedAt !== undefined]),
    ).toEqual([
      ['interview.created', 'record', true],
      ['interview.updated', 'queued', false],
      ['interview.closed', 'queued', false],
    ]);
  });
});
