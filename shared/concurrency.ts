/**
 * Runs `work` over `items` with at most `limit` in flight. Every item is attempted even when
 * some fail (the rest of a batch still lands and a retry redoes only what is missing); then the
 * failures are thrown: the one error itself, or an AggregateError when there were several.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new AggregateError(errors, `${errors.length} of ${items.length} operations failed`);
  }
}
