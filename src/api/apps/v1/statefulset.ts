/**
 * StatefulSets (apps/v1): defaulting (OrderedReady, RollingUpdate with partition 0, Retain PVC
 * policies, 1 replica, 10 revisions), validation (a non-empty selector matching the template;
 * after creation only replicas, ordinals, template, updateStrategy, PVC retention and
 * minReadySeconds may change), READY n/m column.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { count, isObject, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { forbidden, invalid, nonNegative, notSupported, required } from '../../validation/field-errors.ts';
import { nameIsDNSLabel } from '../../validation/names.ts';
import { validateAnnotations, validateLabels } from '../../validation/object-meta.ts';
import { containerCells, defaultWorkloadTemplate, templateLabels, validateNonNegativeFields, validateWorkloadSelector } from './workload.ts';

export const statefulSetType: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  resource: 'statefulsets',
  singular: 'statefulset',
  listKind: 'StatefulSetList',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
};

/** A stateful set's pods are named `<name>-<ordinal>` and used as hostnames: DNS-1123 labels. */
export const validateStatefulSetName = nameIsDNSLabel;

const PVC_POLICIES = ['Retain', 'Delete'];

export function defaultStatefulSet(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (str(spec.podManagementPolicy) === '') spec.podManagementPolicy = 'OrderedReady';
  if (!isObject(spec.updateStrategy)) spec.updateStrategy = {};
  const strategy = spec.updateStrategy as JsonObject;
  if (str(strategy.type) === '') {
    strategy.type = 'RollingUpdate';
    if (!isObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (strategy.type === 'RollingUpdate' && isObject(strategy.rollingUpdate)) {
    if (strategy.rollingUpdate.partition === undefined || strategy.rollingUpdate.partition === null) strategy.rollingUpdate.partition = 0;
  }
  if (!isObject(spec.persistentVolumeClaimRetentionPolicy)) spec.persistentVolumeClaimRetentionPolicy = {};
  const retention = spec.persistentVolumeClaimRetentionPolicy as JsonObject;
  if (str(retention.whenDeleted) === '') retention.whenDeleted = 'Retain';
  if (str(retention.whenScaled) === '') retention.whenScaled = 'Retain';
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultWorkloadTemplate(obj);
}

function validateUpdateStrategy(strategy: unknown): FieldError[] {
  const s = isObject(strategy) ? strategy : {};
  switch (s.type) {
    case undefined:
    case null:
    case '':
      return [required('spec.updateStrategy')];
    case 'OnDelete':
      return s.rollingUpdate !== undefined && s.rollingUpdate !== null
        ? [invalid('spec.updateStrategy.rollingUpdate', s.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")]
        : [];
    case 'RollingUpdate':
      return isObject(s.rollingUpdate) ? nonNegative('spec.updateStrategy.rollingUpdate.partition', s.rollingUpdate.partition) : [];
    default:
      return [invalid('spec.updateStrategy', s, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

export function validateStatefulSet(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [];
  const policy = str(spec.podManagementPolicy);
  if (policy === '') errs.push(required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateUpdateStrategy(spec.updateStrategy));
  const retention = isObject(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : undefined;
  if (retention !== undefined) {
    for (const field of ['whenDeleted', 'whenScaled']) {
      if (!PVC_POLICIES.includes(str(retention[field]))) {
        errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${field}`, retention[field] ?? '', PVC_POLICIES));
      }
    }
  }
  errs.push(...validateNonNegativeFields(spec, ['replicas', 'minReadySeconds']));
  if (isObject(spec.ordinals)) errs.push(...nonNegative('spec.ordinals.start', spec.ordinals.start));
  errs.push(...validateWorkloadSelector(spec, 'statefulset'));
  const template = isObject(spec.template) ? spec.template : {};
  const meta = isObject(template.metadata) ? template.metadata : {};
  errs.push(...validateLabels(templateLabels(spec), 'spec.template.labels'), ...validateAnnotations(meta.annotations, 'spec.template.annotations'));
  const podSpec = isObject(template.spec) ? template.spec : {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy ?? '', ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

const MUTABLE_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateStatefulSet(obj);
  const spec: JsonObject = isObject(obj.spec) ? { ...obj.spec } : {};
  const prev: JsonObject = isObject(old.spec) ? { ...old.spec } : {};
  for (const field of MUTABLE_FIELDS) {
    delete spec[field];
    delete prev[field];
  }
  if (!deepEqual(spec, prev)) {
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export const statefulSetTableColumns: readonly TableColumnSpec[] = [
  column('Ready', 'string', 'Number of ready pods out of the desired replicas.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
];

export function statefulSetTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const [names, images] = containerCells(spec);
  return [`${count(status.readyReplicas)}/${count(spec.replicas)}`, translateTimestampSince(obj.metadata.creationTimestamp, now), names, images];
}
