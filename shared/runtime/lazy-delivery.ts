/**
 * Webhook delivery loaded on first use, for the `reconcile` Lambda. In a module of its own, so
 * that only a bundle that uses it has the `import()` (esbuild makes a chunk entry of every
 * dynamic import it sees, which reshapes the shared chunks of a bundle that never calls it).
 */
import type { WorkerAdapters } from './compose-worker';
import type { WorkerDelivery } from './worker-jobs';

/**
 * The delivery service, loaded and built on its first call. The `reconcile` Lambda composes
 * with it (functions/reconcile.ts): a sweep that finds nothing overdue and no outbox entry left
 * behind, the common case, never delivers, so its cold start does not load the webhook side
 * (delivery, attempts, signing, endpoint health, notices: about 12 KiB). A sweep that
 * dispatches a step or relays an entry pays for the load once. The `dispatch` Lambda keeps the
 * eager service: nearly every wake-up that fires a step or retries a delivery needs it, so
 * deferring it there would only move the cost to the first invocation.
 */
export function deliveryOnFirstUse(adapters: WorkerAdapters): WorkerDelivery {
  let loading: Promise<WorkerDelivery> | undefined;
  const load = async (): Promise<WorkerDelivery> => {
    const { DeliveryService } = await import('../webhooks/delivery');
    return new DeliveryService(adapters);
  };
  // A failed load is not kept, so the next call (a retried sweep) tries again.
  const service = (): Promise<WorkerDelivery> =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  return {
    fanOut: async (event, options) => (await service()).fanOut(event, options),
    runDeliveryAttempt: async (payload) => (await service()).runDeliveryAttempt(payload),
    runEndpointCheck: async (payload) => (await service()).runEndpointCheck(payload),
    publish: async (event) => (await service()).publish(event),
  };
}
