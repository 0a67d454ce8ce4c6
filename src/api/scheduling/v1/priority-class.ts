/**
 * PriorityClasses (scheduling.k8s.io/v1, cluster-scoped): named pod priorities. User classes
 * may go up to one billion; the `system-` prefix is kept for the two built-in classes, which
 * every cluster has (see SYSTEM_PRIORITY_CLASSES). Value and preemption policy are immutable.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { forbidden, invalid, notSupported, required } from '../../validation/field-errors.ts';

export const priorityClassType: ResourceType = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  resource: 'priorityclasses',
  singular: 'priorityclass',
  listKind: 'PriorityClassList',
  namespaced: false,
  shortNames: ['pc'],
  categories: [],
};

/** The highest value a user-defined class may have. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** The prefix reserved for the built-in classes. */
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
export const PREEMPT_LOWER_PRIORITY = 'PreemptLowerPriority';
const PREEMPTION_POLICIES = [PREEMPT_LOWER_PRIORITY, 'Never'];

/** The built-in classes, created at every apiserver start. */
export const SYSTEM_PRIORITY_CLASSES: readonly { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

/** The PriorityClass object of a built-in class. */
export function systemPriorityClass(c: (typeof SYSTEM_PRIORITY_CLASSES)[number]): KubeObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: c.name },
    value: c.value,
    globalDefault: false,
    description: c.description,
  };
}

export function defaultPriorityClass(obj: KubeObject): void {
  if (obj.preemptionPolicy === undefined || obj.preemptionPolicy === null || obj.preemptionPolicy === '') obj.preemptionPolicy = PREEMPT_LOWER_PRIORITY;
}

export function validatePriorityClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  const value: unknown = obj.value;
  const system = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (typeof value !== 'number' || !Number.isInteger(value)) errs.push(required('value'));
  else if (system !== undefined) {
    if (value !== system.value) errs.push(forbidden('value', `value of ${name} PriorityClass must be ${system.value}`));
    if (obj.globalDefault === true) errs.push(forbidden('globalDefault', `globalDefault of ${name} PriorityClass must be false`));
  } else if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy: unknown = obj.preemptionPolicy;
  if (typeof policy !== 'string' || !PREEMPTION_POLICIES.includes(policy)) errs.push(notSupported('preemptionPolicy', policy ?? '', PREEMPTION_POLICIES));
  if (obj.globalDefault !== undefined && obj.globalDefault !== null && typeof obj.globalDefault !== 'boolean') {
    errs.push(invalid('globalDefault', obj.globalDefault, 'must be a boolean'));
  }
  return errs;
}

export function validatePriorityClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validatePriorityClass(obj);
  if (obj.value !== old.value) errs.push(forbidden('value', 'may not be changed in an update.'));
  if (obj.preemptionPolicy !== old.preemptionPolicy) errs.push(invalid('preemptionPolicy', obj.preemptionPolicy ?? null, 'field is immutable'));
  return errs;
}

export const priorityClassTableColumns: readonly TableColumnSpec[] = [
  column('Value', 'integer', 'The value of this priority class.'),
  column('Global-Default', 'boolean', 'Whether this is the default priority of pods without a class.'),
  AGE_COLUMN,
  wideColumn('PreemptionPolicy', 'string', 'The policy for preempting pods with lower priority.'),
];

export function priorityClassTableRow(obj: KubeObject, now: Date): unknown[] {
  return [
    typeof obj.value === 'number' ? obj.value : 0,
    obj.globalDefault === true,
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    str(obj.preemptionPolicy),
  ];
}

/** What a pod gets from its PriorityClass (or the default class) at admission. */
export interface ResolvedPriority {
  /** The class name to record in spec.priorityClassName ('' when no class applies). */
  readonly className: string;
  readonly priority: number;
  readonly preemptionPolicy: string;
}

/**
 * The priority a new pod gets, as upstream's priority admission computes it: its class's value
 * and preemption policy; for a pod without a class, the global default class with the lowest
 * value, else 0 and PreemptLowerPriority. Returns an error message (a 403 for the caller) for an
 * unknown class, or for a pod that sets a priority or preemption policy of its own that differs.
 */
export function resolvePodPriority(
  podSpec: { priorityClassName?: unknown; priority?: unknown; preemptionPolicy?: unknown },
  classes: { get(name: string): KubeObject | undefined; globalDefault(): KubeObject | undefined },
): ResolvedPriority | { error: string } {
  const name = str(podSpec.priorityClassName);
  let resolved: ResolvedPriority;
  if (name === '') {
    const fallback = classes.globalDefault();
    resolved = fallback === undefined
      ? { className: '', priority: 0, preemptionPolicy: PREEMPT_LOWER_PRIORITY }
      : { className: fallback.metadata.name ?? '', priority: Number(fallback.value ?? 0), preemptionPolicy: str(fallback.preemptionPolicy) || PREEMPT_LOWER_PRIORITY };
  } else {
    const pc = classes.get(name);
    if (pc === undefined) return { error: `no PriorityClass with name ${name} was found` };
    resolved = { className: name, priority: Number(pc.value ?? 0), preemptionPolicy: str(pc.preemptionPolicy) || PREEMPT_LOWER_PRIORITY };
  }
  if (typeof podSpec.priority === 'number' && podSpec.priority !== resolved.priority) {
    return {
      error: `the integer value of priority (${podSpec.priority}) must not be provided in pod spec; priority admission controller computed ${resolved.priority} from the given PriorityClass name`,
    };
  }
  const policy: unknown = podSpec.preemptionPolicy;
  if (typeof policy === 'string' && policy !== '' && policy !== resolved.preemptionPolicy) {
    return {
      error: `the string value of PreemptionPolicy (${policy}) must not be provided in pod spec; priority admission controller computed ${resolved.preemptionPolicy} from the given PriorityClass name`,
    };
  }
  return resolved;
}

/** The global default class with the lowest value among `classes` (upstream's choice when several are). */
export function globalDefaultOf(classes: readonly KubeObject[]): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const c of classes) {
    if (c.globalDefault !== true) continue;
    if (best === undefined || Number(c.value) < Number(best.value)) best = c;
  }
  return best;
}

/** Whether `obj` is a PriorityClass marked globalDefault (for the one-default admission check). */
export function isGlobalDefault(obj: KubeObject): boolean {
  return isObject(obj) && obj.globalDefault === true;
}
