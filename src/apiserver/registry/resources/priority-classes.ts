/**
 * PriorityClasses (cluster-scoped) and the priority admission of pods, as upstream's Priority
 * admission plugin does it: a new pod's spec.priorityClassName resolves to spec.priority and
 * spec.preemptionPolicy (the global default class, else 0, for a pod without one), and a
 * PriorityClass may be marked globalDefault only while no other is. Both refusals are 403s.
 */
import type { KubeObject } from '../../../api/meta/types.ts';
import { isObject } from '../../../api/meta/shape.ts';
import {
  defaultPriorityClass,
  globalDefaultOf,
  priorityClassTableColumns,
  priorityClassTableRow,
  priorityClassType,
  resolvePodPriority,
  validatePriorityClass,
  validatePriorityClassUpdate,
} from '../../../api/scheduling/v1/priority-class.ts';
import { forbidden } from '../../errors.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

/** Reads PriorityClasses for admission (the apiserver answers from its watch cache, then storage). */
export interface PriorityClassLookup {
  /** The class named `name`, or undefined when there is none. */
  get(name: string): Promise<KubeObject | undefined>;
  /** Every class. */
  list(): Promise<KubeObject[]>;
}

/** A lookup that knows no classes (for strategies built without a server, in tests). */
export const NO_PRIORITY_CLASSES: PriorityClassLookup = { get: async () => undefined, list: async () => [] };

export function priorityClassStrategy(classes: PriorityClassLookup): ResourceStrategy {
  return defineStrategy({
    type: priorityClassType,
    applyDefaults: defaultPriorityClass,
    admitCreate: async (obj) => {
      if (obj.globalDefault !== true) return;
      const existing = globalDefaultOf(await classes.list());
      if (existing !== undefined && existing.metadata.name !== obj.metadata.name) {
        throw forbidden(
          `priorityclasses.scheduling.k8s.io "${obj.metadata.name ?? ''}" is forbidden: PriorityClass ${existing.metadata.name ?? ''} is already marked as default. Only one default can exist`,
          { name: obj.metadata.name ?? '', group: priorityClassType.group, kind: priorityClassType.resource },
        );
      }
    },
    validateCreate: validatePriorityClass,
    validateUpdate: validatePriorityClassUpdate,
    tableColumns: priorityClassTableColumns,
    tableRow: priorityClassTableRow,
  });
}

/**
 * Fills a new pod's priority from its class (or the default), or refuses it with 403.
 * @throws ApiError 403 for an unknown class or a priority the pod sets that its class contradicts
 */
export async function admitPodPriority(pod: KubeObject, classes: PriorityClassLookup): Promise<void> {
  if (!isObject(pod.spec)) return;
  const spec = pod.spec;
  const name = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  const named = name === '' ? undefined : await classes.get(name);
  const all = name === '' ? await classes.list() : [];
  const resolved = resolvePodPriority(spec, { get: () => named, globalDefault: () => globalDefaultOf(all) });
  if ('error' in resolved) {
    throw forbidden(`pods "${pod.metadata.name ?? ''}" is forbidden: ${resolved.error}`, { name: pod.metadata.name ?? '', kind: 'pods' });
  }
  if (resolved.className !== '') spec.priorityClassName = resolved.className;
  spec.priority = resolved.priority;
  spec.preemptionPolicy = resolved.preemptionPolicy;
}
