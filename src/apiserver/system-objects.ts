/**
 * Objects the apiserver itself keeps in shape (the `kubernetes` Service and its endpoints, its
 * own Lease): small create-or-update helpers over the generic store, written so that several
 * apiservers doing the same thing at once converge (a lost race is retried on the fresh object,
 * an AlreadyExists from another apiserver is a success).
 */
import type { KubeObject } from '../api/meta/types.ts';
import { ApiError } from './errors.ts';
import type { GenericStore } from './registry/generic-store.ts';
import type { ListOptions } from './registry/list-options.ts';

const WRITE = { dryRun: false } as const;

/** A consistent list (read from storage, not the watch cache), optionally by label selector. */
export function listOptions(labelSelector = ''): ListOptions {
  return {
    resourceVersion: undefined,
    resourceVersionMatch: '',
    limit: 0,
    continueToken: '',
    labelSelector,
    fieldSelector: '',
    watch: false,
    allowWatchBookmarks: false,
    timeoutSeconds: undefined,
    sendInitialEvents: undefined,
  };
}

/** The object `namespace/name`, or undefined when there is none. */
export async function getIfExists(store: GenericStore, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await store.get(namespace, name);
  } catch (err) {
    if (err instanceof ApiError && err.reason === 'NotFound') return undefined;
    throw err;
  }
}

/**
 * Makes `namespace/name` hold what `apply` makes of it: creates it from `apply(undefined)` when
 * missing, else updates it with `apply(current)` (a no-op when that changes nothing).
 * @returns the object as stored
 */
export async function createOrUpdate(
  store: GenericStore,
  namespace: string,
  name: string,
  apply: (current: KubeObject | undefined) => KubeObject,
): Promise<KubeObject> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getIfExists(store, namespace, name);
    if (current === undefined) {
      try {
        return await store.create(namespace, apply(undefined), WRITE);
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'AlreadyExists') continue;
        throw err;
      }
    }
    try {
      return await store.guaranteedUpdate(namespace, name, 'main', WRITE, undefined, (fresh) => apply(fresh));
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'NotFound') continue;
      throw err;
    }
  }
  throw new Error(`cannot create or update ${namespace}/${name}: it keeps appearing and disappearing`);
}

/** Deletes `namespace/name` if it exists (and, given `resourceVersion`, only at that version). */
export async function deleteIfExists(store: GenericStore, namespace: string, name: string, resourceVersion?: string): Promise<void> {
  try {
    await store.delete(namespace, name, {
      dryRun: false,
      gracePeriodSeconds: 0,
      preconditions: resourceVersion === undefined ? undefined : { resourceVersion },
    });
  } catch (err) {
    if (err instanceof ApiError && (err.reason === 'NotFound' || err.reason === 'Conflict')) return;
    throw err;
  }
}
