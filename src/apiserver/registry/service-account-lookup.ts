/**
 * ServiceAccounts as the ServiceAccount admission of pods reads them: from their watch cache,
 * and from storage for one the cache has not seen yet (an account created a moment ago, through
 * this or another apiserver, with `automountServiceAccountToken: false`).
 */
import { serviceAccountType } from '../../api/core/v1/service-account.ts';
import { getIfExists } from '../system-objects.ts';
import type { ApiRegistry } from './api-registry.ts';
import { objectKey } from './keys.ts';
import type { ServiceAccountLookup } from './resources/pods.ts';

export function serviceAccountLookup(registry: ApiRegistry): ServiceAccountLookup {
  return async (namespace, name) => {
    const served = registry.lookup(serviceAccountType.group, serviceAccountType.version, serviceAccountType.resource);
    if (served === undefined) throw new Error('serviceaccounts are not registered');
    return served.store.cache.get(objectKey(serviceAccountType, namespace, name)) ?? (await getIfExists(served.store, namespace, name));
  };
}
