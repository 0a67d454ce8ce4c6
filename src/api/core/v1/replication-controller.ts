/**
 * ReplicationControllers (core/v1): the predecessor of ReplicaSets, with an equality-only
 * selector (a plain label map). Defaults as upstream: 1 replica, the selector and the object's
 * labels taken from the template's labels when unset. Served with status and scale
 * subresources; the replicationcontroller-controller keeps their pods.
 */
import { isObject } from '../../meta/shape.ts';
import type { TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { formatLabels, labelsMatch } from '../../labels/index.ts';
import { labelSelectorToSelector } from '../../labels/label-selector.ts';
import { invalid, required } from '../../validation/field-errors.ts';
import { validateLabels } from '../../validation/object-meta.ts';
import { defaultPodTemplate } from './pod-spec-defaults.ts';
import { replicaSetTableColumns, replicatedTableRow } from '../../apps/v1/replicaset.ts';
import { templateLabels, validateNonNegativeFields, validateReplicatedTemplate } from '../../apps/v1/workload.ts';

export const replicationControllerType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  resource: 'replicationcontrollers',
  singular: 'replicationcontroller',
  listKind: 'ReplicationControllerList',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
};

function nonEmptyMap(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.keys(v).length > 0;
}

export function defaultReplicationController(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  const labels = templateLabels(spec);
  if (nonEmptyMap(labels)) {
    if (!nonEmptyMap(spec.selector)) spec.selector = { ...labels };
    if (!nonEmptyMap(obj.metadata.labels)) obj.metadata.labels = { ...labels };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultPodTemplate(spec.template);
}

export function validateReplicationController(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateNonNegativeFields(spec, ['replicas', 'minReadySeconds']);
  const selector: unknown = spec.selector;
  if (!nonEmptyMap(selector)) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabels(selector, 'spec.selector'));
    const labels = templateLabels(spec);
    const compiled = labelSelectorToSelector({ matchLabels: selector });
    if (isObject(spec.template) && (compiled === null || !labelsMatch(compiled, labels))) {
      errs.push(invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validateReplicatedTemplate(spec, 'ReplicationController'));
  return errs;
}

/** The columns of ReplicaSets (kubectl shows the same for ReplicationControllers). */
export const replicationControllerTableColumns: readonly TableColumnSpec[] = replicaSetTableColumns;

export function replicationControllerTableRow(obj: KubeObject, now: Date): unknown[] {
  return replicatedTableRow(obj, now, formatLabels(isObject(obj.spec) && isObject(obj.spec.selector) ? obj.spec.selector : {}));
}

/** The selector as the scale subresource reports it (`app=web`). */
export function replicationControllerSelector(obj: KubeObject): string {
  const selector: unknown = isObject(obj.spec) ? obj.spec.selector : undefined;
  return nonEmptyMap(selector) ? formatLabels(selector) : '';
}
