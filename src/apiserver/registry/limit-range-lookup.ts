/**
 * LimitRanges as limit range admission reads them: from their watch cache, so that a pod
 * created in a namespace without ranges (the common case) costs no storage read. A range
 * reaches the cache within milliseconds of its write, before any pod a client creates after it
 * (`kubectl apply` of a directory writes one object after the other).
 */
import { limitRangeType } from '../../api/core/v1/limit-range.ts';
import type { ApiRegistry } from './api-registry.ts';
import { collectionPrefix } from './keys.ts';
import type { LimitRangeLookup } from './resources/pods.ts';

export function limitRangeLookup(registry: ApiRegistry): LimitRangeLookup {
  return async (namespace) => {
    const served = registry.lookup(limitRangeType.group, limitRangeType.version, limitRangeType.resource);
    if (served === undefined) throw new Error('limitranges are not registered');
    return served.store.cache.list(collectionPrefix(limitRangeType, namespace));
  };
}
