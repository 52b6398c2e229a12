/** Small statistics for benchmark figures: nearest-rank percentiles over sorted samples. */

/** The nearest-rank percentile `p` (0–100) of ascending `sorted`; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** Rounds for display without trailing noise: 1234.5 → "1,235", 1.234 → "1.23". */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Milliseconds for display: two decimals under 10 ms, one above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}
