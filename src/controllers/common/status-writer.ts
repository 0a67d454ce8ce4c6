/** Status writes that happen only when the status actually changed. */
import type { KubeObject } from '../../api/meta/types.ts';
import type { ResourceClient } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';

/**
 * Writes `status` through the status subresource unless it equals the object's current one.
 * The write names the cached object's resourceVersion: if the object changed meanwhile the
 * write fails with 409 and the reconcile retries on fresher state. Returns the stored object.
 */
export async function writeStatusIfChanged<T extends KubeObject>(client: ResourceClient<T>, obj: T, status: Record<string, unknown>, signal: AbortSignal): Promise<T> {
  if (deepEqual(obj.status ?? {}, status)) return obj;
  return client.updateStatus({ ...obj, status }, { signal });
}
