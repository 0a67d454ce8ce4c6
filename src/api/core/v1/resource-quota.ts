/**
 * ResourceQuotas (core/v1): limits on what a namespace may hold. k8ts stores and serves them
 * and the resource-quota controller computes `status.used` for the resources it counts (see
 * src/controllers/resourcequota); nothing refuses a write that would exceed a quota.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { index, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { validateResourceList } from '../../validation/resource-list.ts';

export const resourceQuotaType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  listKind: 'ResourceQuotaList',
  namespaced: true,
  shortNames: ['quota'],
  categories: [],
};

const SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];
const SCOPE_OPERATORS = ['DoesNotExist', 'Exists', 'In', 'NotIn'];

export function validateResourceQuota(obj: KubeObject): FieldError[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const errs = validateResourceList(spec.hard, 'spec.hard');
  (Array.isArray(spec.scopes) ? spec.scopes : []).forEach((s: unknown, i: number) => {
    if (typeof s !== 'string' || !SCOPES.includes(s)) errs.push(notSupported(index('spec.scopes', i), s, SCOPES));
  });
  const selector: unknown = spec.scopeSelector;
  const expressions: unknown[] = isObject(selector) && Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  expressions.forEach((e, i) => {
    const path = index('spec.scopeSelector.matchExpressions', i);
    const expr = isObject(e) ? e : {};
    if (!SCOPES.includes(str(expr.scopeName))) errs.push(notSupported(`${path}.scopeName`, expr.scopeName ?? '', SCOPES));
    const op = str(expr.operator);
    if (!SCOPE_OPERATORS.includes(op)) errs.push(notSupported(`${path}.operator`, expr.operator ?? '', SCOPE_OPERATORS));
    const values: unknown[] = Array.isArray(expr.values) ? expr.values : [];
    if ((op === 'In' || op === 'NotIn') && values.length === 0) errs.push(required(`${path}.values`, 'must be at least one value when `operator` is \'In\' or \'NotIn\' for scope selector'));
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) errs.push(invalid(`${path}.values`, values, 'must be no value when `operator` is \'Exist\' or \'DoesNotExist\' for scope selector'));
  });
  if (isObject(obj.status)) {
    errs.push(...validateResourceList(obj.status.hard, 'status.hard'), ...validateResourceList(obj.status.used, 'status.used'));
  }
  return errs;
}

export const resourceQuotaTableColumns: readonly TableColumnSpec[] = [
  AGE_COLUMN,
  column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
  column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
];

/** `name: used/hard` of each resource of status.hard, sorted, split into limits and the rest. */
export function quotaCells(status: unknown): [string, string] {
  const s = isObject(status) ? status : {};
  const hard = isObject(s.hard) ? s.hard : {};
  const used = isObject(s.used) ? s.used : {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${str(used[name]) || '0'}/${str(hard[name])}`;
    (name.startsWith('limits.') ? limits : requests).push(cell);
  }
  return [requests.join(', '), limits.join(', ')];
}

export function resourceQuotaTableRow(obj: KubeObject, now: Date): unknown[] {
  const [requests, limits] = quotaCells(obj.status);
  return [translateTimestampSince(obj.metadata.creationTimestamp, now), requests, limits];
}
