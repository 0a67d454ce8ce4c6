/**
 * PodDisruptionBudgets (policy/v1): how many pods of a set may be disrupted voluntarily (by
 * evictions) at once. The spec names the pods (`selector`) and either `minAvailable` or
 * `maxUnavailable` (an integer or a percentage; at most one of them), plus what happens to pods
 * that are not healthy (`unhealthyPodEvictionPolicy`). The disruption controller writes the
 * status the eviction subresource decides by. Validation and the MIN AVAILABLE / MAX
 * UNAVAILABLE / ALLOWED DISRUPTIONS / AGE columns follow upstream.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { invalid, notSupported } from '../../validation/field-errors.ts';
import { validateLabelSelector } from '../../validation/label-selector.ts';

export const podDisruptionBudgetType: ResourceType = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  listKind: 'PodDisruptionBudgetList',
  namespaced: true,
  shortNames: ['pdb'],
  categories: [],
};

/** Unhealthy pods may be evicted only while the budget holds (the default when unset). */
export const IF_HEALTHY_BUDGET = 'IfHealthyBudget';
/** Unhealthy pods may always be evicted, budget or not. */
export const ALWAYS_ALLOW = 'AlwaysAllow';
const EVICTION_POLICIES = [ALWAYS_ALLOW, IF_HEALTHY_BUDGET];

/** The condition the disruption controller maintains, and its reasons. */
export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';
export const SUFFICIENT_PODS_REASON = 'SufficientPods';
export const INSUFFICIENT_PODS_REASON = 'InsufficientPods';
export const SYNC_FAILED_REASON = 'SyncFailed';

const PERCENT = /^[0-9]+%$/;

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** An int-or-percent that is a non-negative integer or a percentage of at most 100%. */
function validateIntOrPercent(value: unknown, path: string): FieldError[] {
  if (!isSet(value)) return [];
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return [invalid(path, value, "must be an integer or percentage (e.g '5%')")];
    return value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
  }
  if (typeof value !== 'string' || !PERCENT.test(value)) return [invalid(path, value, "must be an integer or percentage (e.g '5%')")];
  return Number(value.slice(0, -1)) > 100 ? [invalid(path, value, 'must not be greater than 100%')] : [];
}

function validateSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  errs.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  errs.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy: unknown = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && (typeof policy !== 'string' || !EVICTION_POLICIES.includes(policy))) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, EVICTION_POLICIES));
  }
  return errs;
}

const STATUS_COUNTS = ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'];

function validateStatus(status: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const name of STATUS_COUNTS) {
    const v: unknown = status[name];
    if (isSet(v) && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) errs.push(invalid(`status.${name}`, v, 'must be greater than or equal to 0'));
  }
  if (isSet(status.disruptedPods) && !isObject(status.disruptedPods)) errs.push(invalid('status.disruptedPods', status.disruptedPods, 'must be a map of pod names to times'));
  return errs;
}

/** Spec and status rules, on create and on every update (the spec may change, as upstream allows). */
export function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  return [...validateSpec(spec), ...validateStatus(status)];
}

/** An int-or-percent as kubectl prints it: `2`, `50%`, or `N/A` when unset. */
function intOrPercentCell(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : 'N/A';
}

export const podDisruptionBudgetTableColumns: readonly TableColumnSpec[] = [
  column('Min Available', 'string', 'The minimum number or percentage of available pods this budget requires.'),
  column('Max Unavailable', 'string', 'The maximum number or percentage of unavailable pods this budget allows.'),
  column('Allowed Disruptions', 'integer', 'The number of pod disruptions currently allowed.'),
  AGE_COLUMN,
];

export function podDisruptionBudgetTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  return [
    intOrPercentCell(spec.minAvailable),
    intOrPercentCell(spec.maxUnavailable),
    typeof status.disruptionsAllowed === 'number' ? status.disruptionsAllowed : 0,
    translateTimestampSince(obj.metadata.creationTimestamp, now),
  ];
}
