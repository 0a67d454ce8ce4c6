/**
 * ResourceQuota admission, as a ResourceAllocator every namespaced kind's store runs after its
 * own (so after validation, right before the object is stored, and given back when the write
 * fails). A new object is charged to every quota of its namespace that constrains it: the
 * quota's `status.used` is written with compare-and-swap before the object, and a conflict
 * (another object charged meanwhile, through any apiserver, or the quota controller's recount)
 * re-reads the quota and decides again. Updates and removals charge nothing: the quota
 * controller recounts what exists.
 *
 * The namespace's quotas are read from their watch cache, so a write in a namespace without
 * quotas costs no storage read; a quota the cache has not caught up with has no status yet, so
 * it would constrain nothing anyway (its controller fills the status first).
 */
import { resourceQuotaType } from '../../api/core/v1/resource-quota.ts';
import { chargeToQuota, QuotaRefusal, releaseFromQuota } from '../../api/core/v1/resource-quota-admission.ts';
import type { GroupResource } from '../../api/core/v1/resource-quota-usage.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { forbidden, isConflictError, qualifiedResource } from '../errors.ts';
import { getIfExists } from '../system-objects.ts';
import type { ApiRegistry } from './api-registry.ts';
import { NOTHING_RESERVED } from './define-strategy.ts';
import type { GenericStore } from './generic-store.ts';
import { collectionPrefix } from './keys.ts';
import type { ResourceAllocator } from './strategy.ts';

/** Compare-and-swap attempts on one quota before the write is refused as too contended (a 409 the client retries). */
const CAS_ATTEMPTS = 10;

interface Charge {
  readonly quota: string;
  readonly requested: ReadonlyMap<string, bigint>;
}

function withUsed(quota: KubeObject, used: Record<string, string>): KubeObject {
  const status = typeof quota.status === 'object' && quota.status !== null ? quota.status : {};
  return { ...quota, status: { ...status, used } };
}

/** The quota admission of objects of `resource`. */
export function quotaAllocator(registry: ApiRegistry, resource: GroupResource, log: (message: string) => void): ResourceAllocator {
  const quotas = (): GenericStore => {
    const served = registry.lookup(resourceQuotaType.group, resourceQuotaType.version, resourceQuotaType.resource);
    if (served === undefined) throw new Error('resourcequotas are not registered');
    return served.store;
  };

  /** Charges `obj` to one quota (re-reading it on conflicts); undefined when it does not constrain the object. */
  async function charge(store: GenericStore, first: KubeObject, obj: KubeObject, dryRun: boolean): Promise<Charge | undefined> {
    const namespace = first.metadata.namespace ?? '';
    const name = first.metadata.name ?? '';
    let quota: KubeObject | undefined = first;
    for (let attempt = 1; quota !== undefined; attempt++) {
      const taken = chargeToQuota(quota, obj, resource);
      if (taken === undefined) return undefined;
      if (dryRun) return undefined;
      try {
        await store.update(namespace, name, withUsed(quota, taken.used), 'status', { dryRun: false });
        return { quota: name, requested: taken.requested };
      } catch (err) {
        if (!isConflictError(err) || attempt >= CAS_ATTEMPTS) throw err;
      }
      quota = await getIfExists(store, namespace, name);
    }
    return undefined;
  }

  /** Gives the charges back; a failure is logged and left to the quota controller's recount. */
  async function giveBack(store: GenericStore, namespace: string, charges: readonly Charge[]): Promise<void> {
    for (const c of charges) {
      try {
        for (let attempt = 1; ; attempt++) {
          const quota = await getIfExists(store, namespace, c.quota);
          if (quota === undefined) break;
          try {
            await store.update(namespace, c.quota, withUsed(quota, releaseFromQuota(quota, c.requested)), 'status', { dryRun: false });
            break;
          } catch (err) {
            if (!isConflictError(err) || attempt >= CAS_ATTEMPTS) throw err;
          }
        }
      } catch (err) {
        log(`could not give back a charge to quota ${namespace}/${c.quota}: ${String(err)}`);
      }
    }
  }

  return {
    async reserve(next, current, dryRun) {
      if (next === undefined || current !== undefined) return NOTHING_RESERVED;
      const store = quotas();
      const namespace = next.metadata.namespace ?? '';
      const all = store.cache.list(collectionPrefix(resourceQuotaType, namespace));
      if (all.length === 0) return NOTHING_RESERVED;
      const charges: Charge[] = [];
      try {
        for (const quota of all) {
          const taken = await charge(store, quota, next, dryRun);
          if (taken !== undefined) charges.push(taken);
        }
      } catch (err) {
        await giveBack(store, namespace, charges);
        if (err instanceof QuotaRefusal) {
          const name = next.metadata.name ?? '';
          throw forbidden(`${qualifiedResource(resource)} "${name}" is forbidden: ${err.message}`, { name, group: resource.group, kind: resource.resource });
        }
        throw err;
      }
      if (charges.length === 0) return NOTHING_RESERVED;
      return { commit: async () => undefined, rollback: () => giveBack(store, namespace, charges) };
    },
  };
}
