/**
 * ServiceAccounts as the ServiceAccount admission of pods reads them: from their watch cache
 * only, so a pod create costs no storage read, even in a namespace without the account (a pod
 * may name one that does not exist yet). An account created a moment before the pod, with
 * `automountServiceAccountToken: false`, reaches the cache within milliseconds.
 */
import { serviceAccountType } from '../../api/core/v1/service-account.ts';
import type { ApiRegistry } from './api-registry.ts';
import { objectKey } from './keys.ts';
import type { ServiceAccountLookup } from './resources/pods.ts';

export function serviceAccountLookup(registry: ApiRegistry): ServiceAccountLookup {
  return async (namespace, name) => {
    const served = registry.lookup(serviceAccountType.group, serviceAccountType.version, serviceAccountType.resource);
    if (served === undefined) throw new Error('serviceaccounts are not registered');
    return served.store.cache.get(objectKey(serviceAccountType, namespace, name));
  };
}
