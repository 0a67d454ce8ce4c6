/**
 * Repair of the service allocation pools, run by every apiserver now and then (as upstream's
 * repair controllers are), because allocation and the Service write are two storage writes: an
 * apiserver that dies between them leaves a record whose Service never came, and a record lost
 * some other way leaves a Service whose address could be handed out again.
 *
 * - a record older than `minAgeMs` whose Service is gone, is another object (uid), or no longer
 *   holds that value is removed (compare-and-swap, so a concurrent change wins);
 * - a value a Service holds without a record gets one (if another Service holds the record,
 *   the clash is logged: one of the two must be recreated).
 * Several apiservers repairing at once is safe: every change is conditional.
 */
import type { KubeObject } from '../../../api/meta/types.ts';
import { ApiError } from '../../errors.ts';
import type { GenericStore } from '../generic-store.ts';
import { parseListOptions } from '../list-options.ts';
import type { ServiceAllocator } from './service-allocator.ts';
import type { StoragePool, StoredPoolRecord } from './storage-pool.ts';

export interface RepairOptions {
  readonly allocator: ServiceAllocator;
  readonly services: GenericStore;
  /** Records younger than this are left alone: their Service may be being written (default 5 min). */
  readonly minAgeMs?: number;
  readonly log?: (message: string) => void;
  readonly now?: () => Date;
}

export interface RepairResult {
  /** Records removed because no Service holds them. */
  readonly removed: readonly string[];
  /** Values Services held without a record, recorded now. */
  readonly recorded: readonly string[];
}

const DEFAULT_MIN_AGE_MS = 5 * 60_000;

/** One pass over both pools. */
export async function repairServiceAllocations(opts: RepairOptions): Promise<RepairResult> {
  const log = opts.log ?? (() => undefined);
  const now = (opts.now ?? (() => new Date()))().getTime();
  const minAge = opts.minAgeMs ?? DEFAULT_MIN_AGE_MS;
  const removed: string[] = [];
  const recorded: string[] = [];
  const pools: readonly ['ips' | 'ports', StoragePool][] = [
    ['ips', opts.allocator.pools.ips],
    ['ports', opts.allocator.pools.ports],
  ];

  const find = async (namespace: string, name: string): Promise<KubeObject | undefined> => {
    try {
      return await opts.services.get(namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  };

  for (const [kind, pool] of pools) {
    for (const record of await pool.records()) {
      if (now - Date.parse(record.allocatedAt) < minAge) continue;
      const svc = await find(record.owner.namespace, record.owner.name);
      const holds = svc !== undefined && svc.metadata.uid === record.owner.uid && opts.allocator.holdings(svc)[kind].has(record.member);
      if (holds) continue;
      if (await pool.remove(record)) {
        removed.push(pool.format(record.member));
        log(`released leaked ${pool.format(record.member)} of service ${record.owner.namespace}/${record.owner.name}`);
      }
    }
  }

  const services = await opts.services.list('', { ...parseListOptions(new URLSearchParams()) });
  for (const [kind, pool] of pools) {
    const byMember = new Map<number, StoredPoolRecord>((await pool.records()).map((r) => [r.member, r]));
    for (const svc of services.items) {
      const owner = { namespace: svc.metadata.namespace ?? '', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '' };
      for (const member of opts.allocator.holdings(svc)[kind]) {
        if (byMember.has(member)) {
          const holder = byMember.get(member)!.owner;
          if (holder.uid !== owner.uid) log(`${pool.format(member)} is held by both ${holder.namespace}/${holder.name} and ${owner.namespace}/${owner.name}; recreate one of them`);
          continue;
        }
        if ((await pool.take(member, owner, false)) === 'taken') {
          recorded.push(pool.format(member));
          log(`recorded ${pool.format(member)} of service ${owner.namespace}/${owner.name}, which had no allocation record`);
        }
      }
    }
  }
  return { removed, recorded };
}
