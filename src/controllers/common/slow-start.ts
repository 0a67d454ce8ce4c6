/**
 * Creating many objects without flooding the apiserver with requests that are bound to fail:
 * batches of 1, 2, 4, … — the first failure (a quota, an admission rule) stops the run, so a
 * broken template costs one request, not hundreds.
 */

/** Creates `count` items with `create`, in batches of 1, 2, 4, …; stops after the first batch with a failure. */
export async function slowStartBatch(count: number, create: () => Promise<void>): Promise<{ created: number; error: unknown }> {
  let created = 0;
  let batch = Math.min(1, count);
  while (batch > 0) {
    const results = await Promise.allSettled(Array.from({ length: batch }, create));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    created += results.filter((r) => r.status === 'fulfilled').length;
    if (failed !== undefined) return { created, error: failed.reason };
    batch = Math.min(2 * batch, count - created);
  }
  return { created, error: undefined };
}
