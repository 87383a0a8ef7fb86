/**
 * Working days that have passed from `from` to `to`: each whole day passed counts when it ends on a
 * weekday (Monday to Friday, UTC). Public holidays differ across the region and are not counted out.
 */
export function workingDaysBetween(from: Date, to: Date): number {
  if (to <= from) return 0;
  const day = 86_400_000;
  let count = 0;
  // Each full 24 hours passed that ends on a weekday counts once.
  for (let t = from.getTime() + day; t <= to.getTime(); t += day) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}

/** The median of some numbers, or null when there are none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
