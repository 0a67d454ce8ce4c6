/**
 * ReplicaSets (apps/v1): 1 replica by default, a selector that selects an always-restarting pod
 * template, an immutable selector; DESIRED / CURRENT / READY columns.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { count, isObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { FIELD_IMMUTABLE, invalid, required } from '../../validation/field-errors.ts';
import {
  containerCells,
  defaultWorkloadTemplate,
  selectorCell,
  validateNonNegativeFields,
  validateReplicatedTemplate,
  validateWorkloadSelector,
} from './workload.ts';

export const replicaSetType: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  resource: 'replicasets',
  singular: 'replicaset',
  listKind: 'ReplicaSetList',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
};

export function defaultReplicaSet(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultWorkloadTemplate(obj);
}

export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  return [
    ...validateNonNegativeFields(spec, ['replicas', 'minReadySeconds']),
    ...validateWorkloadSelector(spec, 'deployment'),
    ...validateReplicatedTemplate(spec, 'ReplicaSet'),
  ];
}

export function validateReplicaSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateReplicaSet(obj);
  const selector: unknown = isObject(obj.spec) ? obj.spec.selector : undefined;
  const oldSelector: unknown = isObject(old.spec) ? old.spec.selector : undefined;
  if (!deepEqual(selector ?? null, oldSelector ?? null)) errs.push(invalid('spec.selector', selector ?? null, FIELD_IMMUTABLE));
  return errs;
}

export const replicaSetTableColumns: readonly TableColumnSpec[] = [
  column('Desired', 'integer', 'The number of replicas wanted.'),
  column('Current', 'integer', 'The number of replicas that exist.'),
  column('Ready', 'integer', 'The number of replicas that are ready.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  SELECTOR_COLUMN,
];

export function replicaSetTableRow(obj: KubeObject, now: Date): unknown[] {
  return replicatedTableRow(obj, now, selectorCell(isObject(obj.spec) ? obj.spec.selector : undefined));
}

/** A row of replicaSetTableColumns for any kind with replicas and a pod template, given its selector as text. */
export function replicatedTableRow(obj: KubeObject, now: Date, selector: string): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const [names, images] = containerCells(spec);
  return [
    count(spec.replicas),
    count(status.replicas),
    count(status.readyReplicas),
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    names,
    images,
    selector,
  ];
}

export const replicaSetFieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'status.replicas': (o) => String(isObject(o.status) ? count(o.status.replicas) : 0),
};
