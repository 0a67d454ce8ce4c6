/**
 * Finds etcd's compaction point, which etcd does not report directly. A read at revision r fails
 * with "compacted" exactly when r is below the compaction point C, so C is the smallest readable
 * revision. Compaction only moves forward, so a point found once is a lower bound forever.
 */

/**
 * C, given `known` (a compaction point that was once in effect, or 0), `readable(r)` (whether a
 * read at r succeeds) and `current()` (the latest revision, always readable). One probe when
 * nothing changed since `known`; otherwise a binary search over (known, current]. Returns 0 when
 * etcd was never compacted past its first revision.
 */
export async function findCompactRevision(
  known: number,
  readable: (revision: number) => Promise<boolean>,
  current: () => Promise<number>,
): Promise<number> {
  // Revision 1 is the first revision of every etcd: readable there means nothing was compacted
  // that a reader could notice.
  if (await readable(Math.max(known, 1))) return known;
  let lo = known + 1; // lowest candidate
  let hi = await current(); // readable
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await readable(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}
