/**
 * One precision for every instant Afterview writes: whole seconds. Planned times (due times,
 * deadlines) are whole seconds by construction; recorded times (`createdAt`, event and attempt
 * times) come from a clock with sub-second precision and are stored that way, because sort keys,
 * cursors and "since" filters need the full value. They are cut to the second only where they
 * leave the service: API responses and webhook bodies.
 */

/** RFC 3339 with seconds, no fraction, `Z` or an offset: every instant the API writes. */
export const wholeSecondTimestampPattern =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;

const withFraction = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.\d+(Z|[+-]\d{2}:\d{2})$/;

/**
 * Fields that hold instants. Matching by name keeps free text (notes, external ids, drafts)
 * untouched even when it happens to look like a timestamp.
 */
const timestampKey = /(?:At|Until|Since)$|^(?:at|timestamp|deadline|time|now)$/;

/** `2026-03-06T17:40:00.123Z` → `2026-03-06T17:40:00Z` (truncated, never rounded up). */
export function toWholeSeconds(instant: string): string {
  const match = withFraction.exec(instant);
  return match ? `${match[1]}${match[2]}` : instant;
}

/**
 * A copy of a JSON value with every instant-valued field cut to whole seconds. Values that
 * need no change are returned as they are (no copy).
 */
export function withWholeSecondTimestamps<T>(value: T): T {
  return rewrite(value, undefined) as T;
}

function rewrite(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    return key !== undefined && timestampKey.test(key) ? toWholeSeconds(value) : value;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const next = value.map((item) => {
      // Array items inherit their field's name (a list of instants).
      const out = rewrite(item, key);
      if (out !== item) changed = true;
      return out;
    });
    return changed ? next : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      const out = rewrite(item, name);
      if (out !== item) changed = true;
      next[name] = out;
    }
    return changed ? next : value;
  }
  return value;
}
