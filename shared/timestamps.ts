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
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    // Array items inherit their field's name (a list of instants). The copy is made only from
    // the first item that changes: most arrays (steps, interviewers) need none.
    let next: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const out = rewrite(item, key);
      if (out !== item) {
        next ??= value.slice();
        next[i] = out;
      }
    }
    return next ?? value;
  }
  // for…in over own keys instead of Object.entries: no [key, value] pair per field, on a path
  // every JSON response takes.
  const record = value as Record<string, unknown>;
  let next: Record<string, unknown> | undefined;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    const item = record[name];
    const out = rewrite(item, name);
    if (out !== item) {
      next ??= { ...record };
      next[name] = out;
    }
  }
  return next ?? value;
}
