import { createHash, randomInt } from 'node:crypto';
import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import { newId } from '../ids';
import type { TenantStore } from '../store/ports';

const keyAlphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const keyPrefix = 'afv_';
const keyBodyLength = 32;
/** Longer keys cannot be ours; refusing them early keeps hashing cheap on garbage headers. */
const maxKeyLength = 200;

/**
 * What is wrong with `apiKey` as a key of ours, or undefined when it has the right form: `afv_`
 * then at least 20 characters, 200 at most, no spaces (it travels as a Bearer token).
 */
export function apiKeyFormatProblem(apiKey: string): string | undefined {
  if (!apiKey.startsWith(keyPrefix)) return 'must start with afv_';
  if (apiKey.length < 24 || apiKey.length > maxKeyLength) {
    return `must be 24 to ${maxKeyLength} characters long (afv_ and at least 20 more)`;
  }
  if (/\s/.test(apiKey)) return 'must not contain spaces';
  return undefined;
}

/** A new API key: `afv_` and 32 base62 characters (about 190 bits from the CSPRNG). */
export function generateApiKey(): string {
  let body = '';
  for (let i = 0; i < keyBodyLength; i++) body += keyAlphabet[randomInt(keyAlphabet.length)];
  return keyPrefix + body;
}

/** The only form in which a key is stored. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export interface CreatedTenant {
  tenantId: string;
  /** Shown once; only its hash is kept. */
  apiKey: string;
}

/**
 * How long a successful key lookup is remembered in this process. Every authenticated request
 * would otherwise pay a database read before doing its own work (half the throughput of a GET).
 * The price: a key removed from the table keeps working here for up to this long, as with an
 * API Gateway authorizer cache. Unknown keys are never cached, so a new key works at once.
 */
export const apiKeyCacheTtlMs = 60_000;
const apiKeyCacheMaxEntries = 10_000;

/** Tenants and their API keys. */
export class TenantService {
  readonly #keyCache = new Map<string, { tenantId: string; until: number }>();

  constructor(
    private readonly deps: {
      store: TenantStore;
      clock: Clock;
      /** Monotonic milliseconds for the key cache (injectable for tests). */
      monotonicMs?: () => number;
    },
  ) {}

  /**
   * Creates a tenant and its first API key. `options.apiKey` fixes the key (the local
   * runtime's `AFTERVIEW_DEV_API_KEY`); it must start with `afv_` and be at least 24 characters.
   */
  async createTenant(name: string, options: { apiKey?: string } = {}): Promise<CreatedTenant> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) {
      throw new ValidationError('The tenant name is not valid', [
        { path: 'name', message: 'Expected 1 to 200 characters', code: 'invalid_length' },
      ]);
    }
    const apiKey = options.apiKey ?? generateApiKey();
    if (apiKeyFormatProblem(apiKey) !== undefined) {
      throw new ValidationError('The API key is not valid', [
        { path: 'apiKey', message: 'Expected afv_ followed by at least 20 characters' },
      ]);
    }
    const now = this.deps.clock.now();
    const tenantId = newId('ten', now.epochMilliseconds);
    await this.deps.store.createTenant({ id: tenantId, name: trimmed, createdAt: now.toString() });
    await this.deps.store.putApiKeyHash(hashApiKey(apiKey), tenantId, now.toString());
    return { tenantId, apiKey };
  }

  /** Adds another key to an existing tenant (key rotation, admin tooling). */
  async addApiKey(tenantId: string): Promise<string> {
    const apiKey = generateApiKey();
    await this.deps.store.putApiKeyHash(
      hashApiKey(apiKey),
      tenantId,
      this.deps.clock.now().toString(),
    );
    return apiKey;
  }

  /** The tenant a key belongs to, or undefined for a missing, malformed or unknown key. */
  async authenticate(apiKey: string | undefined): Promise<string | undefined> {
    if (!apiKey?.startsWith(keyPrefix) || apiKey.length > maxKeyLength) return undefined;
    const keyHash = hashApiKey(apiKey);
    const now = (this.deps.monotonicMs ?? performance.now.bind(performance))();
    const cached = this.#keyCache.get(keyHash);
    if (cached && cached.until > now) return cached.tenantId;
    const tenantId = await this.deps.store.findTenantByKeyHash(keyHash);
    this.#keyCache.delete(keyHash);
    if (tenantId) {
      if (this.#keyCache.size >= apiKeyCacheMaxEntries) {
        // Maps iterate in insertion order: drop the oldest entry.
        const oldest = this.#keyCache.keys().next().value;
        if (oldest !== undefined) this.#keyCache.delete(oldest);
      }
      this.#keyCache.set(keyHash, { tenantId, until: now + apiKeyCacheTtlMs });
    }
    return tenantId;
  }
}
