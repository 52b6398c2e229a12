import type { PolicyOverrides } from '../domain/model';
import { usableOverrides } from '../domain/policy';
import type { TenantStore } from '../store/ports';
import { consoleLogger, type Logger } from './deps';

/**
 * How long a tenant's policy overrides, once read, are reused by this process for planning
 * (previews, creates, re-plans). Every preview and create would otherwise read the policy item
 * first: about a third of a preview's CPU on the local runtime, and one of a create's calls.
 *
 * The price: a `PUT /v1/policy` answered by another process (another Lambda execution
 * environment) reaches plans computed here up to this long later. The process that writes a
 * policy updates its own copy when the write succeeds, so a client that changes the policy and
 * then previews through the same process sees the change at once. `GET /v1/policy` always reads
 * the table. Keys work the same way, for longer (`apiKeyCacheTtlMs`, 60 s).
 */
export const policyCacheTtlMs = 5_000;
const policyCacheMaxEntries = 10_000;

type Overrides = PolicyOverrides | undefined;

interface Entry {
  /** The read, shared by every request that misses while it is in flight. */
  value: Promise<Overrides>;
  until: number;
}

/** Freezes a stored overrides document so the copy every caller shares cannot be changed. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}

/**
 * Tenant policy overrides for planning, remembered per process for {@link policyCacheTtlMs}.
 * Concurrent misses for one tenant share one read. A write through {@link put} replaces this
 * process's copy, and a read that started before the write can no longer overwrite it.
 */
export class TenantPolicies {
  readonly #entries = new Map<string, Entry>();
  readonly #store: Pick<TenantStore, 'getPolicy' | 'putPolicy'>;
  readonly #ttlMs: number;
  readonly #monotonicMs: () => number;
  readonly #logger: Logger;

  constructor(deps: {
    store: Pick<TenantStore, 'getPolicy' | 'putPolicy'>;
    /** 0 turns the cache off: every call reads the table. */
    ttlMs?: number;
    /** Monotonic milliseconds (injectable for tests); never the sandbox clock. */
    monotonicMs?: () => number;
    /** Where a stored field outside today's bounds is reported. */
    logger?: Logger;
  }) {
    this.#store = deps.store;
    this.#logger = deps.logger ?? consoleLogger;
    this.#ttlMs = deps.ttlMs ?? policyCacheTtlMs;
    this.#monotonicMs = deps.monotonicMs ?? performance.now.bind(performance);
  }

  /** The tenant's overrides for planning: this process's copy if it is young enough. */
  overrides(tenantId: string): Promise<Overrides> {
    if (this.#ttlMs <= 0) return this.#load(tenantId);
    const now = this.#monotonicMs();
    const cached = this.#entries.get(tenantId);
    if (cached && cached.until > now) return cached.value;
    return this.#read(tenantId, now);
  }

  /** Reads the table (for `GET /v1/policy`) and keeps what it read for planning. */
  fresh(tenantId: string): Promise<Overrides> {
    if (this.#ttlMs <= 0) return this.#load(tenantId);
    return this.#read(tenantId, this.#monotonicMs());
  }

  /** Stores the overrides; once stored, this process plans with them at once. */
  async put(tenantId: string, overrides: PolicyOverrides): Promise<void> {
    // Dropped first: a request arriving while the write is in flight reads the table again
    // rather than reusing a copy that is about to be replaced.
    this.#entries.delete(tenantId);
    await this.#store.putPolicy(tenantId, overrides);
    if (this.#ttlMs > 0) {
      const copy = deepFreeze(structuredClone(overrides));
      this.#remember(tenantId, {
        value: Promise.resolve(copy),
        until: this.#monotonicMs() + this.#ttlMs,
      });
    }
  }

  #read(tenantId: string, now: number): Promise<Overrides> {
    const value = this.#load(tenantId).then(deepFreeze);
    const entry: Entry = { value, until: now + this.#ttlMs };
    this.#remember(tenantId, entry);
    // A failed read is not remembered: the next request tries the table again.
    value.catch(() => {
      if (this.#entries.get(tenantId) === entry) this.#entries.delete(tenantId);
    });
    return value;
  }

  /**
   * Reads the stored overrides, leaving out any field today's schema refuses (see
   * `usableOverrides`): the default applies in its place, and the tenant's next `PUT` replaces
   * the document. Logged as an error on every read, so it is seen and fixed, not lived with.
   */
  async #load(tenantId: string): Promise<Overrides> {
    const stored = await this.#store.getPolicy(tenantId);
    if (stored === undefined) return undefined;
    const { overrides, refused } = usableOverrides(stored);
    if (refused.length > 0) {
      this.#logger.error('Stored policy fields out of bounds; their defaults apply', {
        tenantId,
        fields: refused,
      });
    }
    return overrides;
  }

  #remember(tenantId: string, entry: Entry): void {
    this.#entries.delete(tenantId);
    if (this.#entries.size >= policyCacheMaxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(tenantId, entry);
  }
}
