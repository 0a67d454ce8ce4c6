/**
 * PriorityClasses as priority admission reads them: from the priorityclasses watch cache, and
 * from storage for a name the cache has not seen yet (a class created a moment ago, through
 * this or another apiserver, must be found, as `kubectl apply` of a class and its pods does).
 */
import { priorityClassType } from '../../api/scheduling/v1/priority-class.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { ApiRegistry } from './api-registry.ts';
import { collectionPrefix, objectKey } from './keys.ts';
import type { PriorityClassLookup } from './resources/priority-classes.ts';
import { getIfExists } from '../system-objects.ts';

export function priorityClassLookup(registry: ApiRegistry): PriorityClassLookup {
  const store = () => {
    const served = registry.lookup(priorityClassType.group, priorityClassType.version, priorityClassType.resource);
    if (served === undefined) throw new Error('priorityclasses are not registered');
    return served.store;
  };
  return {
    get: async (name: string): Promise<KubeObject | undefined> => {
      const s = store();
      return s.cache.get(objectKey(priorityClassType, '', name)) ?? (await getIfExists(s, '', name));
    },
    list: async (): Promise<KubeObject[]> => store().cache.list(collectionPrefix(priorityClassType, '')),
  };
}
