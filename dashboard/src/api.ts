/**
 * The console's only way to the server: the public API, with the key from sessionStorage.
 * Paths are relative (`v1/...`), so they resolve under whatever prefix served the page (an
 * API Gateway stage path included).
 */
import type { Page, Problem } from './types';

const keyName = 'afterview.apiKey';

export const session = {
  key(): string | null {
    return sessionStorage.getItem(keyName);
  },
  signIn(key: string): void {
    sessionStorage.setItem(keyName, key);
  },
  signOut(): void {
    sessionStorage.removeItem(keyName);
  },
};

/** A non-2xx answer, with the problem document the API sent. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** Called when the API answers 401: the key is gone or wrong, so the console signs out. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Send no Authorization header (the sandbox and sign-in routes need none). */
  anonymous?: boolean;
}

export interface Answer<T> {
  data: T;
  etag: string | null;
}

export async function call<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const key = session.key();
  if (key && !options.anonymous) headers.Authorization = `Bearer ${key}`;
  // Every POST gets its own Idempotency-Key, so a double click or a retried request never
  // does the work twice (the API answers the replay instead).
  if (method === 'POST' && !path.startsWith('dashboard/')) {
    headers['Idempotency-Key'] ??= crypto.randomUUID();
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'omit',
    cache: 'no-store',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    if (response.status === 401 && !options.anonymous) onUnauthorized();
    throw new ApiError(response.status, (parsed ?? {}) as Problem);
  }
  return { data: parsed as T, etag: response.headers.get('etag') };
}

export const get = async <T>(path: string): Promise<T> => (await call<T>('GET', path)).data;

/** Every page of a list, up to `maxPages` pages of 100. */
export async function getAll<T>(path: string, maxPages = 5): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer = await get<Page<T>>(url);
    items.push(...answer.data);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** A one-line description of what went wrong, for the status area. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = (error.problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
    const head = `${error.status} ${error.problem.title ?? ''}`.trim();
    const detail = error.problem.detail && error.problem.detail !== error.problem.title;
    return [head, detail ? error.problem.detail : undefined, fields || undefined]
      .filter(Boolean)
      .join(' — ');
  }
  return error instanceof Error ? error.message : String(error);
}
