/** Binary search over sorted arrays. */

/**
 * How many leading items of `items` satisfy `before` — the index of the first that does not — where
 * `before` holds for a prefix of the array and fails for the rest (the array is sorted by what it asks).
 */
export function countBefore<T>(items: ArrayLike<T>, before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(items[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
