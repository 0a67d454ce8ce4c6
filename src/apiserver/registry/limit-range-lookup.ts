/**
 * LimitRanges as limit range admission reads them: from storage, so that a range created a
 * moment before a pod (`kubectl apply` of a directory, through any apiserver) applies to it.
 */
import { limitRangeType } from '../../api/core/v1/limit-range.ts';
import type { ApiRegistry } from './api-registry.ts';
import { parseListOptions } from './list-options.ts';
import type { LimitRangeLookup } from './resources/pods.ts';

export function limitRangeLookup(registry: ApiRegistry): LimitRangeLookup {
  return async (namespace) => {
    const served = registry.lookup(limitRangeType.group, limitRangeType.version, limitRangeType.resource);
    if (served === undefined) throw new Error('limitranges are not registered');
    return (await served.store.list(namespace, parseListOptions(new URLSearchParams()))).items;
  };
}
