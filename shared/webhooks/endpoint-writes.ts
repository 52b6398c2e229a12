/**
 * The one write path of a webhook endpoint, shared by the API (patch, rotation) and by delivery
 * health (failure streaks, last success, automatic disabling).
 *
 * Two counters: `revision` moves with every write and is what the store's condition guards, so
 * concurrent writers never overwrite each other; `version` (the ETag) moves only when something
 * an integrator sees as the endpoint's state changes — its URL, event types, description,
 * metadata, enabled flag and why it was disabled, or its secrets. Health bookkeeping (the start
 * of a failure streak, the refresh of `lastSuccessAt`) moves only the revision, so an `If-Match`
 * taken from a GET keeps matching while deliveries come and go.
 */
import type { Clock } from '../clock';
import { optimisticWrite } from '../store/optimistic-write';
import type { Store, StoredEndpoint } from '../store/ports';

/** What a change of moves `version`: the endpoint's configuration and state, not its health. */
function visibleState(endpoint: StoredEndpoint): unknown[] {
  return [
    endpoint.url,
    endpoint.eventTypes ?? [],
    endpoint.description,
    endpoint.metadata,
    endpoint.enabled,
    endpoint.disabledReason,
    endpoint.disabledAt,
    endpoint.secrets,
  ];
}

/** True when `next` differs from `current` in something that moves the version. */
export function changesVersion(current: StoredEndpoint, next: StoredEndpoint): boolean {
  return JSON.stringify(visibleState(current)) !== JSON.stringify(visibleState(next));
}

/**
 * `next` as it is written over `current`: one revision on; one version on (and `updatedAt` now)
 * only when the change is one the version tracks. Items stored before revisions existed count
 * as revision 0.
 */
function endpointWrite(current: StoredEndpoint, next: StoredEndpoint, now: string): StoredEndpoint {
  const visible = changesVersion(current, next);
  return {
    ...next,
    revision: (current.revision ?? 0) + 1,
    version: visible ? current.version + 1 : current.version,
    updatedAt: visible ? now : current.updatedAt,
  };
}

interface EndpointWriteDeps {
  store: Pick<Store, 'getEndpoint' | 'updateEndpoint'>;
  clock: Clock;
}

/**
 * Reads the endpoint, applies `change` and writes the result on the revision read, re-reading
 * after a lost race. `change` returns undefined when nothing needs writing, and may throw (a
 * failed `If-Match`, say) to stop. Resolves to the endpoint as stored afterwards, with
 * `written` telling whether this call wrote it, or to undefined when the endpoint is gone.
 */
export function changeEndpoint(
  deps: EndpointWriteDeps,
  tenantId: string,
  id: string,
  change: (current: StoredEndpoint) => StoredEndpoint | undefined,
  exhausted: () => Error,
): Promise<{ endpoint: StoredEndpoint; written: boolean } | undefined> {
  return optimisticWrite(
    async () => {
      const current = await deps.store.getEndpoint(tenantId, id);
      if (!current) return undefined;
      const changed = change(current);
      if (!changed) return { endpoint: current, written: false };
      const next = endpointWrite(current, changed, deps.clock.now().toString());
      await deps.store.updateEndpoint(next, current.version);
      return { endpoint: next, written: true };
    },
    { exhausted },
  );
}
